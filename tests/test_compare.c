/* test_compare.c — two maps side by side (fl_compare): the side matrix's rows and columns add
 * up to each map's own side areas (fl_areas_side_km2, computed from each map alone) within
 * 1e-6 km², everywhere and per region; swapping the maps transposes the matrix; the pieces
 * are the matrix off its diagonal; places whose side differs are those whose statuses, mapped
 * to sides, differ. On the embedded samples (argument "samples"), then DeepStateMap against
 * ISW for 2022-09-30 on ../shared (argument "real": skipped with 77 without the shared data,
 * the isw profile or fl_snapshot_open_files). */
#include "check.h"

#include <glob.h>

static fl_ctx *ctx;
static fl_regions *regions;
static fl_places *places;
/* Sums agree within tol km² (1 m²), for two versions of one source and for two sources alike
 * (compare.c snap-rounds the overlay of two sources: floating noding put them up to 4.4e-4
 * km² apart). */
static const double tol = 1e-6;
static double worst; /* the largest discrepancy seen, km² */

static bool near(double x, double y)
{
    worst = fmax(worst, fabs(x - y));
    return fabs(x - y) <= tol;
}

static fl_profile *profile(const char *rel)
{
    fl_profile *p;
    CHECK_OK(ctx, fl_profile_open(ctx, data_file(rel), &p));
    return p;
}

static fl_snapshot *load(const char *path, const fl_profile *p)
{
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, p, &s));
    return s;
}

/* Rows add up to a's side areas, columns to b's, everywhere and per region; the pieces off
 * the diagonal add up to the matrix's; returns the km² on which they disagree. */
static double conservation(const fl_compare *c, const fl_snapshot *a, const fl_snapshot *b)
{
    fl_areas *aa, *ab;
    CHECK_OK(ctx, fl_areas_new(ctx, a, regions, &aa));
    CHECK_OK(ctx, fl_areas_new(ctx, b, regions, &ab));
    double off = 0, pieces = 0;
    for (int k = FL_REGION_ALL; k < fl_regions_count(regions); k = k == FL_REGION_ALL ? 0 : k + 1)
        for (int x = 0; x < FL_SIDES; x++) {
            double row = 0, col = 0;
            for (int y = 0; y < FL_SIDES; y++) {
                row += fl_compare_km2(c, k, x, y);
                col += fl_compare_km2(c, k, y, x);
                off += k < 0 && x != y ? fl_compare_km2(c, k, x, y) : 0;
            }
            CHECK(near(row, fl_areas_side_km2(aa, k, x)), "region %d, %s in A: %.9f vs %.9f",
                  k, fl_side_name(x), row, fl_areas_side_km2(aa, k, x));
            CHECK(near(col, fl_areas_side_km2(ab, k, x)), "region %d, %s in B: %.9f vs %.9f",
                  k, fl_side_name(x), col, fl_areas_side_km2(ab, k, x));
        }
    for (int i = 0; i < fl_compare_piece_count(c); i++) {
        fl_piece p;
        fl_compare_piece(c, i, &p);
        CHECK(p.from != p.to && p.from >= 0 && p.to >= 0 && p.km2 > 0, "piece %d: %d -> %d, %g km²",
              i, p.from, p.to, p.km2);
        pieces += p.km2;
    }
    CHECK(near(pieces, off), "pieces %.9f km², off the diagonal %.9f km²", pieces, off);
    fl_areas_free(aa);
    fl_areas_free(ab);
    return off;
}

/* Swapping a and b transposes the matrix, and swaps the sides of the places that differ. */
static void symmetry(const fl_compare *ab, const fl_snapshot *a, const fl_snapshot *b)
{
    fl_compare *ba;
    CHECK_OK(ctx, fl_compare_new(ctx, b, a, regions, places, &ba));
    for (int k = FL_REGION_ALL; k < fl_regions_count(regions); k = k == FL_REGION_ALL ? 0 : k + 1)
        for (int x = 0; x < FL_SIDES; x++)
            for (int y = 0; y < FL_SIDES; y++)
                CHECK(near(fl_compare_km2(ab, k, x, y), fl_compare_km2(ba, k, y, x)),
                      "region %d (%s, %s): %.9f vs transposed %.9f", k, fl_side_name(x),
                      fl_side_name(y), fl_compare_km2(ab, k, x, y), fl_compare_km2(ba, k, y, x));
    CHECK(fl_compare_place_count(ab) == fl_compare_place_count(ba), "%d vs %d places",
          fl_compare_place_count(ab), fl_compare_place_count(ba));
    for (int i = 0; i < fl_compare_place_count(ab); i++) {
        int xa, ya, xb, yb;
        int p = fl_compare_place(ab, i, &xa, &ya), q = fl_compare_place(ba, i, &xb, &yb);
        CHECK(p == q && xa == yb && ya == xb, "place %d/%d: %d %d vs %d %d", p, q, xa, ya, xb, yb);
    }
    fl_compare_free(ba);
}

/* The side of a place, found independently: its status in s mapped to a side. */
static int place_side(const fl_snapshot *s, int place, int *region)
{
    double lat = fl_places_lat(places, place), lon = fl_places_lon(places, place);
    int st;
    CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, regions, 1, &lat, &lon, &st, region));
    return st >= 0 ? fl_profile_side(fl_snapshot_profile(s), st) : -1;
}

static void places_differ(const fl_compare *c, const fl_snapshot *a, const fl_snapshot *b)
{
    int listed = 0;
    for (int i = 0; i < fl_places_count(places); i++) {
        int region, xs = -9, ys = -9;
        int x = place_side(a, i, &region), y = place_side(b, i, &region);
        if (x == y || region < 0) /* outside the territory: left out */
            continue;
        CHECK(listed < fl_compare_place_count(c) && fl_compare_place(c, listed, &xs, &ys) == i &&
              xs == x && ys == y, "place %s: %d -> %d not listed", fl_places_name(places, i), x, y);
        listed++;
    }
    CHECK(listed == fl_compare_place_count(c), "%d places differ, %d listed", listed,
          fl_compare_place_count(c));
}

static void check_all(const fl_snapshot *a, const fl_snapshot *b, double *off, fl_compare **out)
{
    fl_compare *c;
    CHECK_OK(ctx, fl_compare_new(ctx, a, b, regions, places, &c));
    *off = conservation(c, a, b);
    symmetry(c, a, b);
    places_differ(c, a, b);
    char *json;
    CHECK_OK(ctx, fl_compare_json(ctx, c, &json));
    CHECK(strstr(json, "\"sides\":[{\"a\":\"RU\",\"b\":\"RU\",\"km2\":"), "%.200s", json);
    free(json);
    if (out)
        *out = c;
    else
        fl_compare_free(c);
}

/* A map against itself agrees everywhere; two days of one source differ where the front
 * moved: Lyman (Donetsk oblast) goes from Russia's side to Ukraine's in the samples. */
static void samples(void)
{
    fl_profile *ds = profile("profiles/deepstate.profile");
    fl_snapshot *a = load(data_file("sample/20220930.geojson"), ds);
    fl_snapshot *b = load(data_file("sample/20221004.geojson"), ds);
    double off;
    fl_compare *c;
    check_all(a, a, &off, &c);
    CHECK(off == 0 && fl_compare_piece_count(c) == 0 && fl_compare_place_count(c) == 0,
          "a map against itself: %.9f km² off the diagonal, %d pieces, %d places", off,
          fl_compare_piece_count(c), fl_compare_place_count(c));
    fl_compare_free(c);
    check_all(a, b, &off, &c);
    CHECK(off > 100, "the samples differ by %.3f km² only", off);
    int lyman = fl_places_find(places, "Lyman"), listed = 0;
    for (int i = 0; i < fl_compare_place_count(c); i++) {
        int x, y;
        if (fl_compare_place(c, i, &x, &y) == lyman)
            listed = x == FL_SIDE_RU && y == FL_SIDE_UA;
    }
    CHECK(lyman >= 0 && listed, "Lyman is not listed as RU -> UA");
    fl_compare_free(c);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    fl_profile_close(ds);
}

/* Writes a profile file with the deepstate profile's rules and the given status lines. */
static const char *write_profile(const char *name, const char *statuses)
{
    static char path[2][256];
    static int next;
    char *p = path[next++ % 2];
    snprintf(p, sizeof path[0], "/tmp/test_compare_%d_%s.profile", (int)getpid(), name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL, "%s", p);
    fprintf(f, "%s\nrule occupied fill=^(A52714|880E4F)$\nrule contested fill=^BCAAA4$\n"
               "rule liberated fill=^0F9D58$\n", statuses);
    fclose(f);
    return p;
}

/* Different profiles on the same map: where only the sides they give differ, the maps
 * disagree by exactly those statuses' areas. B calls contested ground Ukraine's and leaves
 * uncovered ground to no side; a side other than RU, UA, none is refused, naming it. */
static void profiles(void)
{
    fl_profile *ds = profile("profiles/deepstate.profile"), *other, *bad;
    const char *path = write_profile("other", "status occupied side=RU\nstatus contested side=UA\n"
                                              "status liberated side=UA\ndefault free side=");
    CHECK_OK(ctx, fl_profile_open(ctx, path, &other));
    remove(path);
    fl_snapshot *a = load(data_file("sample/20220930.geojson"), ds);
    fl_snapshot *b = load(data_file("sample/20220930.geojson"), other);
    fl_areas *aa;
    CHECK_OK(ctx, fl_areas_new(ctx, a, regions, &aa));
    double off;
    fl_compare *c;
    check_all(a, b, &off, &c);
    double contested = fl_areas_km2(aa, FL_REGION_ALL, 1),
           free_km2 = fl_areas_km2(aa, FL_REGION_ALL, 3);
    CHECK(fabs(fl_compare_km2(c, FL_REGION_ALL, FL_SIDE_NONE, FL_SIDE_UA) - contested) <= 1e-6,
          "none -> UA %.9f, contested %.9f", fl_compare_km2(c, FL_REGION_ALL, FL_SIDE_NONE, FL_SIDE_UA),
          contested);
    CHECK(fabs(fl_compare_km2(c, FL_REGION_ALL, FL_SIDE_UA, FL_SIDE_NONE) - free_km2) <= 1e-6,
          "UA -> none %.9f, free %.9f", fl_compare_km2(c, FL_REGION_ALL, FL_SIDE_UA, FL_SIDE_NONE), free_km2);
    CHECK(contested > 0 && fabs(off - contested - free_km2) <= 1e-6, "off %.9f", off);
    fl_compare_free(c);
    fl_snapshot_close(b);
    path = write_profile("bad", "status occupied side=RU\nstatus contested side=XX\n"
                                "status liberated side=UA\ndefault free side=UA");
    CHECK_OK(ctx, fl_profile_open(ctx, path, &bad));
    b = load(data_file("sample/20220930.geojson"), bad);
    CHECK(fl_compare_new(ctx, a, b, regions, places, &c) == FL_EPROFILE && c == NULL &&
          strstr(fl_ctx_errmsg(ctx), "'contested' has side 'XX'"), "%s", fl_ctx_errmsg(ctx));
    fl_snapshot_close(b);
    fl_areas_free(aa);
    fl_snapshot_close(a);
    fl_profile_close(ds);
    fl_profile_close(other);
    fl_profile_close(bad);
    remove(path);
}

/* DeepStateMap and ISW on 2022-09-30 (the done-when): ISW's day is five layer files
 * read as one version with the isw profile; its occupied area as drawn is the shared README's
 * (111,657.7 km², within 0.1 %), and the invariants hold. */
static int deepstate_isw(void)
{
    const char *ds_path = shared_file("deepstate/raw/1664526365.geojson");
    const char *isw_dir = shared_file("isw/2022");
    glob_t g = {0};
    char pattern[4200];
    snprintf(pattern, sizeof pattern, "%s/*/20220930_*.geojson", isw_dir ? isw_dir : ".");
    if (!ds_path || !isw_dir || access(data_file("profiles/isw.profile"), R_OK) ||
        glob(pattern, 0, NULL, &g) || g.gl_pathc != 5) {
        globfree(&g);
        return 77;
    }
    fl_profile *ds = profile("profiles/deepstate.profile"), *isw = profile("profiles/isw.profile");
    fl_snapshot *a = load(ds_path, ds), *b;
    double off;
    fl_compare *c;
    b = load(shared_file("deepstate/raw/1664748468.geojson"), ds);
    check_all(a, b, &off, NULL); /* one source, two days */
    fl_snapshot_close(b);
    CHECK_OK(ctx, fl_snapshot_open_files(ctx, (const char *const *)g.gl_pathv, g.gl_pathc, isw,
                                         &b));
    CHECK_REL(fl_snapshot_status_km2(b, fl_profile_status_index(isw, "occupied")), 111657.7,
              0.001);
    printf("DeepStateMap, 2022-09-30 vs 2022-10-02: sums within %.3g km²\n", worst);
    worst = 0;
    check_all(a, b, &off, &c);
    printf("DeepStateMap vs ISW, 2022-09-30: %.1f km² on different sides, %d pieces, %d places; "
           "sums within %.3g km²\n", off, fl_compare_piece_count(c), fl_compare_place_count(c),
           worst);
    CHECK(off > 0 && fl_compare_place_count(c) > 0, "the two maps agree everywhere?");
    fl_compare_free(c);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    fl_profile_close(ds);
    fl_profile_close(isw);
    globfree(&g);
    return check_done("compare (DeepStateMap vs ISW)");
}

int main(int argc, char **argv)
{
    bool real = argc > 1 && !strcmp(argv[1], "real");
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &regions));
    /* the diff, and so the comparison, counts the maps as drawn: no conflation */
    /* The maps as drawn: the diff, and so the comparison, does not apply the coast and border
     * conflation (fl_regions_set_snap_km) that fl_areas does. */
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, regions, 0));
    CHECK_OK(ctx, fl_places_open(ctx, data_file("places/ua_places.csv"), &places));
    int rc = 0;
    if (real) {
        rc = deepstate_isw();
    } else {
        samples();
        profiles();
        rc = check_done("compare");
    }
    fl_places_close(places);
    fl_regions_close(regions);
    fl_ctx_free(ctx);
    return rc;
}
