/* seed_story.c — the September–October 2022 story with libfrontline.
 *
 * On 30 September 2022 Russia declared the annexation of four Ukrainian oblasts. This program
 * sets the claims against the control map of that day, compares it with a map of a few days
 * later (Lyman, the Kherson front), lists the places that changed hands and draws the map of
 * the change. Build it against the installed library:
 *
 *   cc seed_story.c $(pkg-config --cflags --libs frontline json-c) -o seed_story
 *   ./seed_story                                    # the embedded samples (illustrative)
 *   ./seed_story A.geojson B.geojson [-o OUT.png]   # e.g. the DeepStateMap exports
 *        ../shared/data/deepstate/raw/1664526365.geojson (30 Sep 08:26) and
 *        ../shared/data/deepstate/raw/1664920017.geojson (4 Oct 21:46)
 *
 * The embedded data (profile, regions, places, claims, samples) is looked for in
 * $FRONTLINE_DATA, else in the installed folder. */
#include <frontline.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FRONTLINE_EXAMPLE_DATA
#define FRONTLINE_EXAMPLE_DATA "/usr/local/share/frontline"
#endif

static const char *data_dir(void)
{
    const char *env = getenv("FRONTLINE_DATA");
    return env && *env ? env : FRONTLINE_EXAMPLE_DATA;
}

static char *data_file(const char *rel)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", data_dir(), rel);
    return b;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

static double num(json_object *o, const char *key) { return json_object_get_double(get(o, key)); }
static const char *str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return v ? json_object_get_string(v) : "";
}

/* 1. The claims in force on the first map's day, against control. */
static int claims(fl_ctx *ctx, const fl_snapshot *a, const fl_regions *regions)
{
    fl_claims *claims = NULL;
    char *json = NULL;
    if (fl_claims_open(ctx, data_file("claims.csv"), regions, &claims) ||
        fl_claims_json(ctx, a, regions, claims, NULL, &json)) {
        fl_claims_close(claims);
        return 1;
    }
    json_object *doc = json_tokener_parse(json);
    printf("1. Claims in force on %s, against control\n", str(doc, "time"));
    json_object *cs = get(doc, "claims");
    for (size_t i = 0; i < json_object_array_length(cs); i++) {
        json_object *c = json_object_array_get_idx(cs, i), *rs = get(c, "regions");
        printf("\n   %s, declared %s          km²     held by %s   contested   held by others\n",
               str(c, "claimant"), str(c, "declared"), str(c, "claimant"));
        for (size_t k = 0; k <= json_object_array_length(rs); k++) {
            json_object *r = k < json_object_array_length(rs) ? json_object_array_get_idx(rs, k)
                                                             : get(c, "total");
            printf("   %-24s %9.0f %13.1f %% %10.1f %% %13.1f %%\n",
                   k < json_object_array_length(rs) ? str(r, "name") : "total", num(r, "area_km2"),
                   100 * num(r, "held_share"), 100 * num(r, "contested_share"),
                   100 * num(r, "others_share"));
        }
    }
    json_object_put(doc);
    free(json);
    fl_claims_close(claims);
    return 0;
}

/* 2. What changed: km² per transition, and where ground left occupation, by region. */
static void changes(const fl_diff *d, const fl_profile *profile, const fl_regions *regions,
                    json_object *doc)
{
    json_object *from = get(doc, "from"), *to = get(doc, "to");
    printf("\n2. From %s to %s\n\n", str(from, "time"), str(to, "time"));
    json_object *tr = get(doc, "transitions");
    for (size_t i = 0; i < json_object_array_length(tr); i++) {
        json_object *t = json_object_array_get_idx(tr, i);
        if (strcmp(str(t, "status_from"), str(t, "status_to")) && num(t, "km2") >= 0.05)
            printf("   %-10s -> %-10s %9.1f km²\n", str(t, "status_from"), str(t, "status_to"),
                   num(t, "km2"));
    }
    int occupied = fl_profile_status_index(profile, "occupied");
    printf("\n   ground that left occupation, by region (Lyman is in Donetsk Oblast, the\n"
           "   Kherson front in Kherson Oblast):\n");
    for (int k = 0; k < fl_regions_count(regions); k++) {
        double left = 0;
        for (int s = 0; s < fl_profile_status_count(profile); s++)
            if (s != occupied)
                left += fl_diff_km2(d, k, occupied, s);
        if (left >= 0.05)
            printf("   %-24s %9.1f km²\n", fl_regions_name(regions, k), left);
    }
    printf("\n   the largest pieces:\n");
    for (int i = 0; i < fl_diff_piece_count(d) && i < 5; i++) {
        fl_piece p;
        fl_diff_piece(d, i, &p);
        printf("   %-10s -> %-10s %9.1f km² near %.2f N %.2f E %s\n",
               fl_profile_status_name(profile, p.from), fl_profile_status_name(profile, p.to),
               p.km2, p.lat, p.lon, p.region >= 0 ? fl_regions_code(regions, p.region) : "");
    }
}

/* 3. The places that changed status. */
static void places(json_object *doc)
{
    json_object *ps = get(doc, "places");
    printf("\n3. Places that changed status: %zu\n", json_object_array_length(ps));
    for (size_t i = 0; i < json_object_array_length(ps); i++) {
        json_object *p = json_object_array_get_idx(ps, i);
        printf("   %-24s %8.4f N %8.4f E  %-6s %s -> %s\n", str(p, "name"), num(p, "lat"),
               num(p, "lon"), str(p, "region"), str(p, "status_from"), str(p, "status_to"));
    }
}

int main(int argc, char **argv)
{
    const char *paths[2] = {NULL, NULL}, *out = "seed_story.png";
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && n < 2)
            paths[n++] = argv[i];
        else
            n = 3;
    }
    if (n == 1 || n > 2) {
        fprintf(stderr, "usage: %s [A.geojson B.geojson] [-o OUT.png|.svg|.pdf]\n", argv[0]);
        return 2;
    }
    if (n == 0) {
        paths[0] = data_file("sample/20220930.geojson");
        paths[1] = data_file("sample/20221004.geojson");
        printf("(The embedded samples are illustrative, hand-drawn maps, not real data.)\n\n");
    }
    fl_ctx *ctx = fl_ctx_new();
    if (!ctx)
        return 1;
    fl_profile *profile = NULL;
    fl_regions *regions = NULL;
    fl_places *pl = NULL;
    fl_snapshot *a = NULL, *b = NULL;
    fl_diff *d = NULL;
    char *json = NULL;
    int rc = fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile) ||
             fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &regions) ||
             fl_places_open(ctx, data_file("places/ua_places.csv"), &pl) ||
             fl_snapshot_open(ctx, paths[0], profile, &a) ||
             fl_snapshot_open(ctx, paths[1], profile, &b);
    if (!rc)
        rc = claims(ctx, a, regions);
    if (!rc)
        rc = fl_diff_new(ctx, a, b, regions, pl, &d) || fl_diff_json(ctx, d, &json);
    if (!rc) {
        json_object *doc = json_tokener_parse(json);
        changes(d, profile, regions, doc);
        places(doc);
        json_object_put(doc);
        /* 4. The map of the change, reusing the diff */
        fl_render_options o = {.places = pl, .diff = d};
        rc = fl_render_map(ctx, a, b, regions, &o, out);
        if (!rc)
            printf("\n4. The map of the change: %s\n", out);
    }
    if (rc)
        fprintf(stderr, "seed_story: %s\n", fl_ctx_errmsg(ctx));
    free(json);
    fl_diff_free(d);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    fl_places_close(pl);
    fl_regions_close(regions);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return rc ? 1 : 0;
}
