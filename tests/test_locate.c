/* test_locate.c — the point locator answers as fl_snapshot_status_at's point-by-point path.
 *
 *   test_locate samples   the embedded samples, every .geojson of data/sample (always runs)
 *   test_locate real      every shared DeepStateMap export, deepstate/raw (77 when absent)
 *
 * Per snapshot, on the embedded places, 200,000 random points in the bounds (widened so
 * that some fall outside), every vertex and edge midpoint of the layers and of the regions,
 * and invalid coordinates: fl_locator_status (both outputs, and each alone) and
 * fl_snapshot_status_at on all points at once (which builds a locator) give the answers of
 * fl_snapshot_status_at asked one point at a time (which does not). A vertex of layer i is
 * inside it (status i or one of higher precedence); a vertex of region k is in region k or an
 * earlier one, and in the territory. The point index's boxes (fl_point_index_near), over the
 * regions' polygons: for 5,000 random boxes of 0.01° to 5°, every polygon whose bounds meet the
 * box is listed, in increasing order, once. Links the library statically to read the layers. */
#include "check.h"
#include "internal.h"

#include <dirent.h>

#define RANDOM_POINTS 200000

static fl_ctx *ctx;
static fl_profile *profile;
static fl_regions *regions;
static fl_places *places;

/* The points of one snapshot; kind[i] says what point i is: -1 any, else the index of the
 * geometry it is a vertex of (layers first, then regions, as in geometry()). */
typedef struct points {
    size_t n, cap;
    double *lat, *lon;
    int *kind;
} points;

static void add(points *p, double lat, double lon, int kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 4096;
        p->lat = realloc(p->lat, p->cap * sizeof *p->lat);
        p->lon = realloc(p->lon, p->cap * sizeof *p->lon);
        p->kind = realloc(p->kind, p->cap * sizeof *p->kind);
        if (!p->lat || !p->lon || !p->kind)
            exit(1);
    }
    p->lat[p->n] = lat;
    p->lon[p->n] = lon;
    p->kind[p->n++] = kind;
}

/* Layer g of s (g < nlayer), else region g - nlayer. */
static const GEOSGeometry *geometry(const fl_snapshot *s, int g)
{
    int nlayer = s->nstatus - 1;
    return g < nlayer ? s->layer[g] : regions->geom[g - nlayer];
}

/* Every vertex of g's boundary (kind g) and every edge midpoint (kind -1). */
static void add_boundary(points *p, const GEOSGeometry *g, int kind)
{
    GEOSGeometry *b = GEOSBoundary_r(ctx->geos, g);
    CHECK(b != NULL, "boundary of geometry %d", kind);
    for (int k = 0; b && k < GEOSGetNumGeometries_r(ctx->geos, b); k++) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos,
                                                             GEOSGetGeometryN_r(ctx->geos, b, k));
        unsigned int n = 0;
        GEOSCoordSeq_getSize_r(ctx->geos, cs, &n);
        double x0 = 0, y0 = 0, x, y;
        for (unsigned int i = 0; i < n; i++) {
            GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
            add(p, y, x, kind);
            if (i)
                add(p, (y0 + y) / 2, (x0 + x) / 2, -1);
            x0 = x;
            y0 = y;
        }
    }
    if (b)
        GEOSGeom_destroy_r(ctx->geos, b);
}

/* splitmix64: the same points on every run. */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static void collect(const fl_snapshot *s, points *p)
{
    for (int i = 0; i < fl_places_count(places); i++)
        add(p, fl_places_lat(places, i), fl_places_lon(places, i), -1);
    double b[4], t[4];
    fl_snapshot_bounds(s, b);
    fl_geom_bounds(ctx, regions->territory, t);
    double w = fmin(b[0], t[0]), so = fmin(b[1], t[1]), e = fmax(b[2], t[2]),
           n = fmax(b[3], t[3]), dx = (e - w) * 0.02, dy = (n - so) * 0.02;
    uint64_t seed = 6;
    for (int i = 0; i < RANDOM_POINTS; i++) {
        double lon = w - dx + (e - w + 2 * dx) * uniform(&seed);
        add(p, so - dy + (n - so + 2 * dy) * uniform(&seed), lon, -1);
    }
    int ng = s->nstatus - 1 + regions->n;
    for (int g = 0; g < ng; g++)
        add_boundary(p, geometry(s, g), g);
    const double odd[][2] = {{NAN, 30}, {50, NAN}, {91, 30}, {-90.5, 30}, {50, 180.5},
                             {50, -181}, {90, 180}, {-90, -180}, {0, 0}, {b[1], b[0]}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        add(p, odd[i][0], odd[i][1], -1);
}

/* The answers of all points: the reference first (one point per call, below the size from
 * which fl_snapshot_status_at builds a locator), then each way of asking a locator. */
static void compare(const char *name, const fl_snapshot *s, const points *p)
{
    size_t n = p->n;
    int *st = calloc(n, sizeof *st), *rg = calloc(n, sizeof *rg);
    int *lst = calloc(n, sizeof *lst), *lrg = calloc(n, sizeof *lrg);
    int *ost = calloc(n, sizeof *ost), *org = calloc(n, sizeof *org);
    int *bst = calloc(n, sizeof *bst), *brg = calloc(n, sizeof *brg);
    if (!st || !rg || !lst || !lrg || !ost || !org || !bst || !brg)
        exit(1);
    for (size_t i = 0; i < n; i++)
        CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, regions, 1, &p->lat[i], &p->lon[i], &st[i],
                                            &rg[i]));
    fl_locator *loc;
    CHECK_OK(ctx, fl_locator_new(ctx, s, regions, &loc));
    CHECK_OK(ctx, fl_locator_status(ctx, loc, n, p->lat, p->lon, lst, lrg));
    CHECK_OK(ctx, fl_locator_status(ctx, loc, n, p->lat, p->lon, ost, NULL));
    CHECK_OK(ctx, fl_locator_status(ctx, loc, n, p->lat, p->lon, NULL, org));
    CHECK_OK(ctx, fl_locator_status(ctx, loc, 0, NULL, NULL, NULL, NULL));
    fl_locator_free(loc);
    CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, regions, n, p->lat, p->lon, bst, brg));
    int nlayer = s->nstatus - 1, wrong = 0, inside = 0;
    for (size_t i = 0; i < n && wrong < 10; i++) {
        bool same = lst[i] == st[i] && lrg[i] == rg[i] && ost[i] == st[i] && org[i] == rg[i] &&
                    bst[i] == st[i] && brg[i] == rg[i];
        wrong += !same;
        CHECK(same, "%s: point %zu (%.17g, %.17g): status %d region %d; locator %d %d, status "
              "only %d, region only %d; status_at on all points %d %d", name, i, p->lat[i],
              p->lon[i], st[i], rg[i], lst[i], lrg[i], ost[i], org[i], bst[i], brg[i]);
        int k = p->kind[i];
        if (k >= 0 && k < nlayer) /* a vertex of layer k */
            CHECK(st[i] >= 0 && st[i] <= k, "%s: vertex (%.17g, %.17g) of layer %d: status %d",
                  name, p->lat[i], p->lon[i], k, st[i]);
        if (k >= nlayer) /* a vertex of region k - nlayer */
            CHECK(rg[i] >= 0 && rg[i] <= k - nlayer && st[i] >= 0,
                  "%s: vertex (%.17g, %.17g) of region %d: region %d, status %d", name,
                  p->lat[i], p->lon[i], k - nlayer, rg[i], st[i]);
    }
    for (size_t i = 0; i < n; i++)
        inside += st[i] >= 0;
    /* the points reach every kind of answer */
    CHECK(inside > RANDOM_POINTS / 4, "%s: %d points with a status", name, inside);
    CHECK(st[n - 10] == FL_STATUS_INVALID && rg[n - 10] == FL_REGION_NONE, "%s: NaN latitude: %d %d", name,
          st[n - 10], rg[n - 10]);
    CHECK(st[n - 2] == FL_STATUS_NONE, "%s: (0, 0): %d", name, st[n - 2]);
    free(st), free(rg), free(lst), free(lrg), free(ost), free(org), free(bst), free(brg);
}

static void near_boxes(void)
{
    fl_point_index *x;
    CHECK_OK(ctx, fl_point_index_new(ctx, (const GEOSGeometry *const *)regions->geom,
                                     regions->n, &x));
    size_t np = fl_point_index_count(x), missed = 0, listed = 0;
    CHECK(np > (size_t)regions->n, "%zu polygons in %d regions", np, regions->n);
    uint64_t state = 7;
    for (int k = 0; k < 5000; k++) {
        double w = 20 + uniform(&state) * 22, s = 43 + uniform(&state) * 10;
        double side = 0.01 + uniform(&state) * 5, box[4] = {w, s, w + side, s + side * 0.6};
        int *ids;
        size_t n = fl_point_index_near(ctx, x, box, &ids), j = 0;
        CHECK(n != SIZE_MAX, "box %d: %s", k, fl_ctx_errmsg(ctx));
        for (size_t i = 0; n != SIZE_MAX && i < n; i++)
            CHECK(ids[i] >= 0 && (size_t)ids[i] < np && (!i || ids[i] > ids[i - 1]),
                  "box %d: entry %zu is %d", k, i, ids[i]);
        for (size_t i = 0; n != SIZE_MAX && i < np; i++) {
            const double *b;
            fl_point_index_polygon(x, i, &b);
            if (!fl_bounds_overlap(b, box)) /* edges and corners included */
                continue;
            while (j < n && (size_t)ids[j] < i)
                j++;
            missed += !(j < n && (size_t)ids[j] == i);
            listed++;
        }
        free(ids);
    }
    CHECK(!missed && listed > 5000, "%zu of %zu polygons meeting a box not listed", missed,
          listed);
    fl_point_index_free(ctx, x);
}

static void check_file(const char *path)
{
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, profile, &s));
    points p = {0};
    collect(s, &p);
    compare(path, s, &p);
    free(p.lat), free(p.lon), free(p.kind);
    fl_snapshot_close(s);
}

/* Every .geojson file of dir (absolute); returns how many. */
static int every_file(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while (d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 8 || strcmp(e->d_name + len - 8, ".geojson"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        check_file(path);
        files++;
    }
    if (d)
        closedir(d);
    CHECK(files > 0, "no files in %s", dir);
    return files;
}

static void misuse(void)
{
    fl_locator *loc = (fl_locator *)&loc;
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, data_file("sample/20220930.geojson"), profile, &s));
    CHECK(fl_locator_new(ctx, NULL, regions, &loc) == FL_EARG && loc == NULL, "no snapshot");
    CHECK(fl_locator_new(ctx, s, NULL, &loc) == FL_EARG, "no regions");
    CHECK(fl_locator_new(ctx, s, regions, NULL) == FL_EARG, "no output");
    double lat = 50, lon = 30;
    int st;
    CHECK(fl_locator_status(ctx, NULL, 1, &lat, &lon, &st, NULL) == FL_EARG, "no locator");
    CHECK_OK(ctx, fl_locator_new(ctx, s, regions, &loc));
    CHECK(fl_locator_status(ctx, loc, 1, NULL, &lon, &st, NULL) == FL_EARG, "no latitudes");
    fl_locator_free(loc);
    fl_locator_free(NULL);
    fl_snapshot_close(s);
}

int main(int argc, char **argv)
{
    bool want_real = argc > 1 && !strcmp(argv[1], "real");
    const char *raw = want_real ? shared_file("deepstate/raw") : NULL;
    if (want_real && !raw) {
        printf("shared data absent: skipped\n");
        return 77;
    }
    ctx = fl_ctx_new();
    open_embedded(ctx, &profile, &regions);
    CHECK_OK(ctx, fl_places_open(ctx, data_file("places/ua_places.csv"), &places));
    if (want_real) {
        printf("%d shared snapshots\n", every_file(raw));
    } else {
        every_file(data_file("sample"));
        misuse();
        near_boxes();
    }
    fl_places_close(places);
    fl_regions_close(regions);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done(want_real ? "locate (real data)" : "locate (samples)");
}
