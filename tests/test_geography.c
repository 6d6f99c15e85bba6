/* test_geography.c — the coast and border conflation and the water (docs/geography.md).
 *
 * Hand-made: a 1° square territory with an occupied polygon that stops 0.01° (1.1 km) short of
 * its south edge: the strip is narrower than the 2 km tolerance and must become occupied; one
 * that stops 0.05° (5.6 km) short: the strip is wider and must stay free but for its two
 * corners (its area is the strip's, measured independently with the tolerance 0). A snapshot with latitude and
 * longitude swapped lies outside the territory (fl_snapshot_outside). Rectangle regions that
 * partition a territory give it the sum of their occupied km²; two that overlap give it their
 * sum less the overlap's (it is measured, not summed). A tile computed again for a change
 * away from the strip gives the areas that regions opened afresh give, to the bit.
 *
 * Real data ("real", skipped without ../shared): Crimea (UA-43) and Sevastopol (UA-40) at
 * least 99.9 % occupied, as shares of their land, on every shared DeepStateMap version (the
 * map draws them wholly occupied); Kherson city occupied on 2022-09-30 and on the Ukrainian
 * side (liberated or free) in every 2023+ version; the point in the Kakhovka reservoir never
 * free. The raw versions measured in order and again in reverse order, with other regions
 * (opened afresh), have the same areas to the bit: what a tile or a water cell takes again
 * from the version measured before it (conflate.c, water.c) is what it would compute. */
#include "check.h"

#include <pthread.h>

static fl_ctx *ctx;
static fl_profile *profile;

/* Writes text to a temporary file named like name; returns its path (static buffer). */
static const char *temp_file(const char *name, const char *text)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "/tmp/fl_geography_%d_%s", (int)getpid(), name);
    FILE *f = fopen(p, "w");
    if (!f || fputs(text, f) < 0 || fclose(f))
        exit(1);
    return p;
}

static const char *square_snapshot(const char *name, double south)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"name\":\"x\",\"styleUrl\":\"#poly-A52714-1200-77-nodesc\"},\"geometry\":{\"type\":"
             "\"Polygon\",\"coordinates\":[[[29.9,%.4f],[31.1,%.4f],[31.1,49.1],[29.9,49.1],"
             "[29.9,%.4f]]]}}]}", south, south, south);
    return temp_file(name, text);
}

static double share(const fl_areas *a, const fl_regions *r, int k, int status)
{
    double land = fl_regions_area_km2(r, k) - fl_areas_water_km2(a, k);
    return fl_areas_km2(a, k, status) / land;
}

static void strips(void)
{
    const char *terr = temp_file("square.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"code\":\"SQ\",\"name\":\"Square\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[30,48],[31,48],[31,49],[30,49],[30,48]]]}}]}");
    fl_regions *r;
    CHECK_OK(ctx, fl_regions_open(ctx, terr, NULL, NULL, &r));
    CHECK(fl_regions_snap_km(r) == 0 && FL_SNAP_KM_DEFAULT == 2.0, "defaults");
    int occ = fl_profile_status_index(profile, "occupied");
    int free_ = fl_profile_status_count(profile) - 1;
    const double narrow = 48.01, wide = 48.05;
    for (int pass = 0; pass < 2; pass++) {
        double south = pass ? wide : narrow;
        fl_snapshot *s;
        fl_areas *raw, *snapped;
        CHECK_OK(ctx, fl_snapshot_open(ctx, square_snapshot(pass ? "wide.geojson" : "narrow.geojson",
                                                            south), profile, &s));
        CHECK_OK(ctx, fl_regions_set_snap_km(ctx, r, 0));
        CHECK_OK(ctx, fl_areas_new(ctx, s, r, &raw));
        CHECK_OK(ctx, fl_regions_set_snap_km(ctx, r, 2.0));
        CHECK_OK(ctx, fl_areas_new(ctx, s, r, &snapped));
        double strip = fl_areas_km2(raw, 0, free_);
        CHECK(strip > (pass ? 400 : 70), "the strip measures %.1f km²", strip);
        if (pass) { /* wider than the tolerance: stays free but for the two corners where the
                     * polygon's edge meets the territory's at a right angle, each at most a
                     * square of side w/2 = 1 km (the opening rounds them off) */
            double moved = fl_areas_moved_km2(snapped, 0, occ);
            CHECK(moved >= 0 && moved <= 2 * 1.0, "moved %g km²", moved);
            CHECK_REL(fl_areas_km2(snapped, 0, free_) + moved, strip, 1e-6);
        } else { /* narrower: all of it goes to the polygon */
            CHECK(fl_areas_km2(snapped, 0, free_) < 1e-3 * strip, "left free %.4f km²",
                  fl_areas_km2(snapped, 0, free_));
            CHECK_REL(fl_areas_moved_km2(snapped, 0, occ), strip, 1e-3);
        }
        double lat = south - 0.005, lon = 30.5;
        int st;
        CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, r, 1, &lat, &lon, &st, NULL));
        CHECK(st == (pass ? free_ : occ), "a point in the strip is %s",
              fl_profile_status_name(profile, st));
        fl_areas_free(raw);
        fl_areas_free(snapped);
        fl_snapshot_close(s);
    }
    CHECK(fl_regions_set_snap_km(ctx, r, -1) == FL_EARG, "negative tolerance");
    fl_regions_close(r);
}

#define MAX_VALUES 1024

/* Every area of a: each status' and what the conflation moved to it, and the water's, in
 * the territory and in each region; the count. */
static int area_values(const fl_areas *a, const fl_regions *r, double *v)
{
    int n = 0, ns = fl_profile_status_count(profile);
    for (int k = -1; k < fl_regions_count(r); k++) {
        int region = k < 0 ? FL_REGION_ALL : k;
        CHECK(n + 2 * ns + 1 <= MAX_VALUES, "more than %d values", MAX_VALUES);
        if (n + 2 * ns + 1 > MAX_VALUES)
            break;
        for (int st = 0; st < ns; st++) {
            v[n++] = fl_areas_km2(a, region, st);
            v[n++] = fl_areas_moved_km2(a, region, st);
        }
        v[n++] = fl_areas_water_km2(a, region);
    }
    return n;
}

/* The areas of the shared version at path, measured with r, into v; their count. */
static int measure(const fl_regions *r, const char *path, double *v)
{
    fl_snapshot *s;
    fl_areas *a;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, profile, &s));
    CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
    int n = area_values(a, r, v);
    fl_areas_free(a);
    fl_snapshot_close(s);
    return n;
}

/* The narrow strip's snapshot with a small occupied square at (lon, lat) inside the
 * territory, away from its boundary. */
static const char *strip_and_square(const char *name, double lon, double lat)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"name\":\"x\",\"styleUrl\":\"#poly-A52714-1200-77-nodesc\"},\"geometry\":{\"type\":"
             "\"Polygon\",\"coordinates\":[[[29.9,48.01],[31.1,48.01],[31.1,49.1],[29.9,49.1],"
             "[29.9,48.01]]]}},{\"type\":\"Feature\",\"properties\":{\"name\":\"y\",\"styleUrl\":"
             "\"#poly-A52714-1200-77-nodesc\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
             "[[[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f],[%.2f,%.2f]]]}}]}",
             lon, lat, lon + 0.1, lat, lon + 0.1, lat + 0.1, lon, lat + 0.1, lon, lat);
    return temp_file(name, text);
}

/* A tile computed again for a change away from the strip: the strip's piece in it comes out
 * as it was and keeps its measure (conflate.c, piece); the areas are those of the same
 * snapshot measured with regions opened afresh, to the bit. */
static void kept_pieces(void)
{
    const char *terr = temp_file("square2.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"code\":\"SQ\",\"name\":\"Square\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[30,48],[31,48],[31,49],[30,49],[30,48]]]}}]}");
    const char *a = strip_and_square("a.geojson", 30.1, 48.2);
    const char *b = strip_and_square("b.geojson", 30.15, 48.25);
    fl_regions *warm, *fresh;
    CHECK_OK(ctx, fl_regions_open(ctx, terr, NULL, NULL, &warm));
    CHECK_OK(ctx, fl_regions_open(ctx, terr, NULL, NULL, &fresh));
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, warm, 2.0));
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, fresh, 2.0));
    double v[MAX_VALUES], w[MAX_VALUES];
    measure(warm, a, v);
    int n = measure(warm, b, v), m = measure(fresh, b, w);
    int occ = fl_profile_status_index(profile, "occupied");
    CHECK(n == m && v[2 * occ + 1] > 70, "the strip moved %.1f km² to the occupied",
          v[2 * occ + 1]);
    for (int i = 0; i < n && i < m; i++)
        CHECK(v[i] == w[i], "value %d: %.17g after the other snapshot, %.17g afresh", i, v[i],
              w[i]);
    fl_regions_close(warm);
    fl_regions_close(fresh);
}

/* A version of one occupied square (lon west to west + 0.2, lat 48.4 to 48.6), its time in
 * its name. */
static const char *tip_snapshot(const char *name, double west)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"name\":\"x\",\"styleUrl\":\"#poly-A52714-1200-77-nodesc\"},\"geometry\":{\"type\":"
             "\"Polygon\",\"coordinates\":[[[%.2f,48.4],[%.2f,48.4],[%.2f,48.6],[%.2f,48.6],"
             "[%.2f,48.4]]]}}]}", west, west + 0.2, west + 0.2, west, west);
    return temp_file(name, text);
}

/* A timeline carries the water through a change that only the conflation brings to it. The
 * territory has a spit 0.5° long and 550 m wide, with a lake near its base. A polygon
 * covering the spit's tip gives the spit's narrow uncovered ground (a piece of the
 * conflation) its status, so the lake is covered; in the next version the polygon has left
 * the spit, the piece touches no status and the lake is open water. The diff's window lies at
 * the tip, 30 km from the lake: only the conflation's pieces tell that the lake's cell
 * changed. The row's water is the one measured for the version alone. */
static void spit(void)
{
    const char *terr = temp_file("spit.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"code\":\"SP\",\"name\":\"Spit\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[30,48],[31,48],[31,48.5],[31.5,48.5],[31.5,48.505],[31,48.505],[31,49],[30,49],"
        "[30,48]]]}}]}");
    const char *lake = temp_file("lake.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[31.05,48.501],[31.1,48.501],"
        "[31.1,48.504],[31.05,48.504],[31.05,48.501]]]}}]}");
    const char *paths[] = {tip_snapshot("1700000000.geojson", 31.4),
                           tip_snapshot("1700003600.geojson", 31.6)};
    fl_regions *r;
    CHECK_OK(ctx, fl_regions_open(ctx, terr, NULL, NULL, &r));
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, r, 2.0));
    CHECK_OK(ctx, fl_regions_set_water(ctx, r, lake));
    fl_timeline *tl;
    CHECK_OK(ctx, fl_timeline_new(ctx, profile, r, NULL, 2.0, &tl));
    double water[2];
    for (int i = 0; i < 2; i++) {
        char *row;
        fl_snapshot *s;
        fl_areas *a;
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], &row));
        CHECK_OK(ctx, fl_snapshot_open(ctx, paths[i], profile, &s));
        CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
        water[i] = fl_areas_water_km2(a, FL_REGION_ALL);
        const char *w = strstr(row, "\"water_km2\":");
        double got = w ? strtod(w + strlen("\"water_km2\":"), NULL) : NAN;
        CHECK(fabs(got - water[i]) < 1e-6,
              "version %d: undrawn water %.6f km² alone, %.6f in the timeline", i, water[i], got);
        fl_areas_free(a);
        fl_snapshot_close(s);
        free(row);
    }
    CHECK(water[0] < 0.01 && water[1] > 1, "the lake: %.3f km² open, then %.3f", water[0],
          water[1]);
    fl_timeline_free(tl);
    fl_regions_close(r);
}

/* The oblasts, opened in ctx. */
static fl_regions *plain_oblasts(void)
{
    fl_regions *r;
    CHECK_OK(ctx, fl_regions_open_level(ctx, data_file(""), FL_LEVEL_OBLAST, &r));
    return r;
}

static void swapped(void)
{
    fl_regions *r = plain_oblasts();
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20220930.geojson"), profile, &s));
    CHECK(fl_snapshot_outside(ctx, s, r) == 0, "the sample lies in the territory");
    fl_snapshot_close(s);
    /* the sample's first polygon with latitude and longitude swapped, by hand */
    const char *path = temp_file("swapped.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"name\":\"x\",\"styleUrl\":\"#poly-A52714-1200-77-nodesc\"},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[47.0,37.0],[47.0,38.5],[48.5,38.5],[48.5,37.0],"
        "[47.0,37.0]]]}}]}");
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, profile, &s));
    CHECK(fl_snapshot_outside(ctx, s, r) == 1, "swapped: %ld outside",
          fl_snapshot_outside(ctx, s, r));
    fl_snapshot_close(s);
    fl_regions_close(r);
}

/* One shared version: Crimea, Sevastopol, Kherson city, the Kakhovka point; its areas into v
 * (their count returned). */
static int version(const fl_regions *r, const char *path, bool occupied_only, double *v)
{
    fl_snapshot *s;
    fl_areas *a;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, profile, &s));
    CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
    int nv = area_values(a, r, v);
    int occ = fl_profile_status_index(profile, "occupied");
    const char *codes[] = {"UA-43", "UA-40"};
    for (int i = 0; i < 2; i++) {
        int k = fl_regions_find(r, codes[i]);
        CHECK(k >= 0 && share(a, r, k, occ) >= 0.999, "%s: %s %.5f occupied", path, codes[i],
              k >= 0 ? share(a, r, k, occ) : -1);
    }
    double lat[] = {46.6354, 47.45}, lon[] = {32.6169, 34.0};
    int st[2], rg[2];
    CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, r, 2, lat, lon, st, rg));
    CHECK(rg[0] == fl_regions_find(r, "UA-65"), "%s: Kherson city in region %d", path, rg[0]);
    CHECK(st[1] != fl_profile_status_count(profile) - 1, "%s: Kakhovka point is free", path);
    int64_t t = fl_snapshot_time(s);
    if (!occupied_only && t >= 1664496000 && t < 1664582400) /* 2022-09-30 */
        CHECK(st[0] == occ, "%s: Kherson city %s", path, fl_profile_status_name(profile, st[0]));
    if (!occupied_only && t >= 1668124800) /* 2022-11-11 */
        CHECK(!strcmp(fl_profile_status_side(profile, st[0]), "UA"), "%s: Kherson city %s", path,
              fl_profile_status_name(profile, st[0]));
    fl_areas_free(a);
    fl_snapshot_close(s);
    return nv;
}

/* The oblasts with the default conflation and the water. */
static fl_regions *oblasts(void)
{
    fl_regions *r = plain_oblasts();
    CHECK_OK(ctx, fl_regions_set_snap_km(ctx, r, FL_SNAP_KM_DEFAULT));
    CHECK_OK(ctx, fl_regions_set_water(ctx, r, data_file("water/ua_water.geojson")));
    return r;
}

/* The raw versions' areas in order (fwd), measured again in reverse order with r. */
static void reversed(const fl_regions *r, char **paths, int n, double (*fwd)[MAX_VALUES],
                     const int *nv)
{
    for (int i = n - 1; i >= 0; i--) {
        double v[MAX_VALUES];
        int m = measure(r, paths[i], v), bad = 0;
        CHECK(m == nv[i], "%s: %d values, then %d", paths[i], nv[i], m);
        for (int j = 0; j < m && j < nv[i]; j++)
            bad += v[j] != fwd[i][j];
        CHECK(!bad, "%s: %d of %d areas differ between the orders", paths[i], bad, m);
    }
}

static int real(void)
{
    const char *raw = shared_file("deepstate/raw"), *occ = shared_file("deepstate/occupied");
    if (!raw || !occ)
        return 77;
    fl_regions *r = oblasts();
    static double fwd[256][MAX_VALUES];
    static int nv[256];
    char *paths[256];
    for (int pass = 0; pass < 2; pass++) {
        int n = list_geojson(pass ? occ : raw, paths, 256);
        CHECK(n > 1, "no versions in %s", pass ? occ : raw);
        for (int i = 0; i < n; i++)
            nv[i] = version(r, paths[i], pass, fwd[i]);
        if (!pass) {
            fl_regions *other = oblasts();
            reversed(other, paths, n, fwd, nv);
            fl_regions_close(other);
        }
        for (int i = 0; i < n; i++)
            free(paths[i]);
    }
    fl_regions_close(r);
    return 0;
}

/* A snapshot of one occupied polygon over the Kakhovka reservoir (part of its cells covered). */
static const char *reservoir(void)
{
    return temp_file("reservoir.geojson",
                     "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                     "\"properties\":{\"name\":\"x\",\"styleUrl\":\"#poly-A52714-1200-77-nodesc\"},"
                     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[33.3,46.6],[34.6,46.9],"
                     "[34.2,47.6],[33.1,47.2],[33.3,46.6]]]}}]}");
}

#define WATER_VALUES (3 * 64)

/* The water's values with regions r (fewer than 64) for the reservoir's snapshot: the water
 * of the territory and of each region, and their open and occupied km²; their count. */
static int water_values(const fl_regions *r, double *v)
{
    fl_snapshot *s;
    fl_areas *a;
    int occ = fl_profile_status_index(profile, "occupied"), n = fl_regions_count(r);
    CHECK(n < 64, "%d regions", n);
    CHECK_OK(ctx, fl_snapshot_open(ctx, reservoir(), profile, &s));
    CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
    for (int k = -1; k < n && n < 64; k++) {
        int region = k < 0 ? FL_REGION_ALL : k;
        v[3 * (k + 1)] = fl_regions_water_km2(r, k);
        v[3 * (k + 1) + 1] = fl_areas_water_km2(a, region);
        v[3 * (k + 1) + 2] = fl_areas_km2(a, region, occ);
    }
    int kherson = fl_regions_find(r, "UA-65");
    CHECK(kherson >= 0 && fl_areas_km2(a, kherson, occ) > 1000, "the reservoir's ground");
    CHECK(!fl_regions_water_km2(r, -1) || fl_areas_water_km2(a, kherson) > 100,
          "the reservoir's water in Kherson");
    fl_areas_free(a);
    fl_snapshot_close(s);
    return n < 64 ? 3 * (n + 1) : 0;
}

static void same_values(const double *v, const double *one, int n, const char *how)
{
    for (int i = 0; i < n; i++)
        CHECK(v[i] == one[i], "%s: value %d is %.17g, one thread's %.17g", how, i, v[i], one[i]);
}

/* The water file read as the CLI reads it ahead of the regions: on another thread, in a
 * context of its own (fl_water_open). */
typedef struct ahead {
    fl_ctx *ctx;
    fl_water *water;
    int rc;
} ahead;

static void *read_ahead(void *arg)
{
    ahead *a = arg;
    a->rc = (a->ctx = fl_ctx_new()) ? fl_water_open(a->ctx, data_file("water/ua_water.geojson"),
                                                    &a->water)
                                    : FL_ENOMEM;
    return NULL;
}

/* The oblasts' water cut on 1, 2 and 3 threads (FL_LIMIT_THREADS): each region's water and
 * the open and occupied km² of the reservoir's snapshot are the same to the bit. So they are
 * when the file is read on another thread while the regions open, in another context, and
 * cut with fl_regions_use_water, for two regions from the one read; and without water they
 * are none. fl_water_open refuses a NULL path as the other openers do. */
static void water_threads(void)
{
    double one[WATER_VALUES], v[WATER_VALUES];
    int n = 0;
    for (int threads = 1; threads <= 3; threads++) {
        CHECK_OK(ctx, fl_ctx_set_limit(ctx, FL_LIMIT_THREADS, threads));
        fl_regions *r = plain_oblasts();
        CHECK_OK(ctx, fl_regions_set_water(ctx, r, data_file("water/ua_water.geojson")));
        n = water_values(r, threads == 1 ? one : v);
        if (threads > 1)
            same_values(v, one, n, threads == 2 ? "2 threads" : "3 threads");
        fl_regions_close(r);
    }
    ahead a = {0};
    pthread_t th;
    CHECK(!pthread_create(&th, NULL, read_ahead, &a), "starting a thread");
    fl_regions *r = plain_oblasts(), *r2 = plain_oblasts();
    pthread_join(th, NULL);
    CHECK_OK(a.ctx, a.rc);
    CHECK_OK(ctx, fl_regions_use_water(ctx, r, a.water));
    CHECK_OK(ctx, fl_regions_use_water(ctx, r2, a.water));
    same_values(v, one, water_values(r, v), "read ahead");
    same_values(v, one, water_values(r2, v), "read ahead, second regions");
    fl_water *none = NULL;
    CHECK(fl_water_open(ctx, NULL, &none) == FL_EARG && !none &&
          !strcmp(fl_ctx_errmsg(ctx), "fl_water_open: path is NULL"), "a NULL path: %s",
          fl_ctx_errmsg(ctx));
    CHECK_OK(ctx, fl_regions_use_water(ctx, r, NULL));
    CHECK(fl_regions_water_km2(r, -1) == 0 && water_values(r, v) == n && v[1] == 0,
          "no water once removed: %g km², %g open", fl_regions_water_km2(r, -1), v[1]);
    fl_regions_close(r);
    fl_regions_close(r2);
    fl_water_close(a.water);
    fl_ctx_free(a.ctx);
    CHECK(fl_ctx_set_limit(ctx, FL_LIMIT_THREADS, 0) == FL_EARG &&
          fl_ctx_set_limit(ctx, FL_LIMIT_THREADS, 257) == FL_EARG &&
          fl_ctx_limit(ctx, FL_LIMIT_THREADS) == 3, "thread limits out of range are refused");
    CHECK_OK(ctx, fl_ctx_set_limit(ctx, FL_LIMIT_THREADS, 1));
}

/* Regions of rectangles W..E, 48..49 N, as a GeoJSON file. */
static const char *rect_regions(const char *name, int n, const double (*we)[2])
{
    char text[2048];
    int len = snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < n; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"R%d\",\"name\":"
                        "\"R%d\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%g,48],"
                        "[%g,48],[%g,49],[%g,49],[%g,48]]]}}", i ? "," : "", i, i, we[i][0],
                        we[i][1], we[i][1], we[i][0], we[i][0]);
    snprintf(text + len, sizeof text - (size_t)len, "]}");
    return temp_file(name, text);
}

/* The occupied km² of the square snapshot in the territory (row FL_REGION_ALL) and in each of
 * the n rectangle regions (sum). */
static double occupied_in(const char *name, int n, const double (*we)[2], double *sum)
{
    fl_regions *r;
    fl_snapshot *s;
    fl_areas *a;
    CHECK_OK(ctx, fl_regions_open(ctx, rect_regions(name, n, we), NULL, NULL, &r));
    CHECK_OK(ctx, fl_snapshot_open(ctx, square_snapshot("occupied.geojson", 48.01), profile, &s));
    CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
    int occ = fl_profile_status_index(profile, "occupied");
    *sum = 0;
    for (int k = 0; k < n; k++)
        *sum += fl_areas_km2(a, k, occ);
    double all = fl_areas_km2(a, FL_REGION_ALL, occ);
    fl_areas_free(a);
    fl_snapshot_close(s);
    fl_regions_close(r);
    return all;
}

/* The territory's row is the sum of the regions' only where they partition the territory:
 * regions that overlap count the overlap once in the territory, twice in their sum. */
static void overlapping(void)
{
    const double parts[][2] = {{30, 30.5}, {30.5, 31.5}}, over[][2] = {{30, 31}, {30.5, 31.5}},
                 both[][2] = {{30.5, 31}};
    double parts_sum, over_sum, both_sum;
    double all = occupied_in("parts.geojson", 2, parts, &parts_sum);
    CHECK(all > 5000, "occupied %.1f km² in the territory", all);
    CHECK_REL(all, parts_sum, 1e-12);
    double all_over = occupied_in("over.geojson", 2, over, &over_sum);
    occupied_in("both.geojson", 1, both, &both_sum);
    CHECK(both_sum > 3000, "occupied %.1f km² in the overlap", both_sum);
    CHECK_REL(all_over, all, 1e-9); /* the same territory, measured instead of summed */
    CHECK_REL(all_over, over_sum - both_sum, 1e-9);
}

int main(int argc, char **argv)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    int rc = 0;
    if (argc > 1 && !strcmp(argv[1], "real")) {
        rc = real();
    } else {
        strips();
        kept_pieces();
        swapped();
        overlapping();
        water_threads();
        spit();
    }
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return rc == 77 ? 77 : check_done("geography");
}
