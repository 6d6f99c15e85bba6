/* test_roundtrip.c — snapshot layers and regions written as GeoJSON, shapefile and WKT read
 * back to the same areas; conversions keep every feature (times: test_time.c). */
#include "check.h"

static void snapshot_roundtrip(fl_ctx *ctx, const fl_profile *p)
{
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20220930.geojson"), p, &s));
    const char *exts[] = {"geojson", "shp", "wkt"};
    for (int e = 0; e < 3; e++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/layers.%s", temp_dir(), exts[e]);
        CHECK_OK(ctx, fl_snapshot_write(ctx, s, out));
        fl_snapshot *back;
        CHECK_OK(ctx, fl_snapshot_open(ctx, out, p, &back));
        for (int i = 0; i < fl_profile_status_count(p) - 1; i++)
            CHECK(fabs(fl_snapshot_status_km2(back, i) - fl_snapshot_status_km2(s, i)) <=
                      1e-6 * fmax(1, fl_snapshot_status_km2(s, i)), /* overlay noise: re-applied precedence */
                  "%s status %d: %.9f vs %.9f", exts[e], i, fl_snapshot_status_km2(back, i),
                  fl_snapshot_status_km2(s, i));
        fl_counts c;
        fl_snapshot_counts(back, &c);
        CHECK(c.unclassified == 0 && c.classified == fl_profile_status_count(p) - 1,
              "%s: %ld classified, %ld unclassified", exts[e], c.classified, c.unclassified);
        fl_snapshot_close(back);
    }
    fl_snapshot_close(s);
}

static void regions_roundtrip(fl_ctx *ctx, const fl_regions *r)
{
    const char *exts[] = {"geojson", "shp"};
    for (int e = 0; e < 2; e++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/regions.%s", temp_dir(), exts[e]);
        CHECK_OK(ctx, fl_regions_write(ctx, r, out));
        fl_regions *back;
        CHECK_OK(ctx, fl_regions_open(ctx, out, NULL, NULL, &back));
        CHECK(fl_regions_count(back) == fl_regions_count(r), "count");
        for (int i = 0; i < fl_regions_count(r); i++) {
            CHECK(!strcmp(fl_regions_code(back, i), fl_regions_code(r, i)), "code %d", i);
            CHECK(!strcmp(fl_regions_name(back, i), fl_regions_name(r, i)), "name %d", i);
            CHECK(!strcmp(fl_regions_attr(back, i, "name_uk"), fl_regions_attr(r, i, "name_uk")),
                  "name_uk %d: %s", i, fl_regions_attr(back, i, "name_uk"));
            /* GeoJSON coordinates have 7 decimals (1 cm): Kyiv's 735 km² move by 4e-5 km² */
            CHECK_REL(fl_regions_area_km2(back, i), fl_regions_area_km2(r, i), e == 0 ? 1e-6 : 1e-9);
        }
        fl_regions_close(back);
    }
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    open_embedded(ctx, &p, &r);
    snapshot_roundtrip(ctx, p);
    regions_roundtrip(ctx, r);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("roundtrip");
}
