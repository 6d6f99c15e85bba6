/* test_geojson_text.c — the fl_X_geojson calls give in memory exactly the text fl_X_write puts
 * in a .geojson file (one writer, two sinks: geojson_write.c), for a snapshot, a diff, a
 * frontline, the claimed ground not held and the regions, on the embedded samples; and the
 * text is a FeatureCollection with the expected number of features. */
#include "check.h"

#include <json.h>

/* The whole of a file, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0, r = 1;
    while (r > 0) {
        if (len + 4097 > cap && !(buf = realloc(buf, cap = 2 * cap + 4097)))
            break;
        len += r = fread(buf + len, 1, 4096, f);
    }
    fclose(f);
    if (buf)
        buf[len] = 0;
    return buf;
}

/* text equals the file and is a FeatureCollection of n features (n < 0: any number). */
static void check_same(const char *what, char *text, const char *path, int n)
{
    char *file = slurp(path);
    CHECK(text && file && !strcmp(text, file), "%s: the text in memory differs from %s", what,
          path);
    json_object *doc = text ? json_tokener_parse(text) : NULL, *features = NULL;
    CHECK(doc && json_object_object_get_ex(doc, "features", &features), "%s: not GeoJSON",
          what);
    int got = features ? (int)json_object_array_length(features) : -1;
    CHECK(n < 0 ? got > 0 : got == n, "%s: %d features, %d expected", what, got, n);
    json_object_put(doc);
    free(file);
    free(text);
    remove(path);
}

int main(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/out.geojson", temp_dir());
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    fl_snapshot *a, *b;
    fl_diff *d;
    fl_front *f;
    fl_claims *c;
    open_embedded(ctx, &p, &r);
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20220930.geojson"), p, &a));
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20221004.geojson"), p, &b));
    char *text = NULL, *json = NULL;

    CHECK_OK(ctx, fl_snapshot_write(ctx, a, path));
    CHECK_OK(ctx, fl_snapshot_geojson(ctx, a, &text));
    check_same("snapshot", text, path, fl_profile_status_count(p) - 1);

    CHECK_OK(ctx, fl_diff_new(ctx, a, b, r, NULL, &d));
    CHECK_OK(ctx, fl_diff_write(ctx, d, path));
    CHECK_OK(ctx, fl_diff_geojson(ctx, d, &text));
    check_same("diff", text, path, fl_diff_piece_count(d));

    CHECK_OK(ctx, fl_front_new(ctx, a, r, 2.0, &f));
    CHECK_OK(ctx, fl_front_write(ctx, f, path));
    CHECK_OK(ctx, fl_front_geojson(ctx, f, &text));
    check_same("front", text, path, 1);

    CHECK_OK(ctx, fl_claims_open(ctx, data_file("claims.csv"), r, &c));
    CHECK_OK(ctx, fl_claims_json(ctx, a, r, c, path, &json));
    CHECK_OK(ctx, fl_claims_geojson(ctx, a, r, c, &text));
    check_same("claims", text, path, -1);

    CHECK_OK(ctx, fl_regions_write(ctx, r, path));
    CHECK_OK(ctx, fl_regions_geojson(ctx, r, &text));
    check_same("regions", text, path, fl_regions_count(r));

    /* claims read against other regions are refused, and *geojson left alone */
    fl_regions *other;
    CHECK_OK(ctx, fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &other));
    text = NULL;
    CHECK(fl_claims_geojson(ctx, a, other, c, &text) == FL_EARG && !text,
          "claims with other regions: %s", fl_ctx_errmsg(ctx));

    free(json);
    fl_regions_close(other);
    fl_claims_close(c);
    fl_front_free(f);
    fl_diff_free(d);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("geojson_text");
}
