/* test_odd_edges.c — the bounds that odd_edges.c finds from edges alone hold every part of
 * ⋃R △ ⋃N (issue 6: the windows of a diff come from them, and a part left out would be a
 * change the diff never sees).
 *
 *  - Hand-made cases: a moved vertex (and the bounds stay near it), a feature filling the
 *    hole of a redrawn donut, a duplicated feature removed, a feature redrawn from another
 *    starting vertex (no bounds at all), several changed features on each side.
 *  - Every status of every consecutive pair of the samples and, when ../shared/data is
 *    present, of the shared raw and occupied archives: no area of GEOS' ⋃R △ ⋃N lies outside
 *    the bounds grown by 1e-7° (far below the windows' 0.001° margin); its overlay may leave
 *    collapsed slivers there, with no area (at most 1e-6 km² is allowed).
 * Links the library statically with its internal header. */
#include "check.h"
#include "internal.h"


static fl_ctx *ctx;
static fl_profile *profile;

static GEOSGeometry *wkt(const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r, text);
    GEOSWKTReader_destroy_r(ctx->geos, r);
    CHECK(g && GEOSisValid_r(ctx->geos, g) == 1, "valid test polygon %s", text);
    return g;
}

/* The union of the bounds, each grown by margin; NULL if there are none. */
static GEOSGeometry *cover_of(double (*b)[4], int n, double margin)
{
    if (n == 0)
        return NULL;
    GEOSGeometry **rect = calloc((size_t)n, sizeof *rect);
    for (int i = 0; i < n; i++)
        rect[i] = GEOSGeom_createRectangle_r(ctx->geos, b[i][0] - margin, b[i][1] - margin,
                                             b[i][2] + margin, b[i][3] + margin);
    GEOSGeometry *u = fl_union_all(ctx, rect, (size_t)n);
    free(rect);
    return u;
}

/* Checks that ⋃r △ ⋃n lies within the bounds found for r and n; their count, or -1. */
static int check_cover(const GEOSGeometry *const *r, int nr, const GEOSGeometry *const *n,
                       int nn, const char *what)
{
    double(*b)[4];
    int count;
    if (fl_odd_edge_bounds(ctx, r, nr, n, nn, &b, &count) != FL_OK) {
        CHECK(0, "%s: %s", what, fl_ctx_errmsg(ctx));
        free(b);
        return -1;
    }
    GEOSGeometry *ur = fl_empty_polygon(ctx), *un = fl_empty_polygon(ctx);
    for (int i = 0; i < nr; i++) {
        GEOSGeometry *u = fl_union(ctx, ur, r[i]);
        GEOSGeom_destroy_r(ctx->geos, ur);
        ur = u;
    }
    for (int j = 0; j < nn; j++) {
        GEOSGeometry *u = fl_union(ctx, un, n[j]);
        GEOSGeom_destroy_r(ctx->geos, un);
        un = u;
    }
    GEOSGeometry *d = fl_keep_polygons(ctx, GEOSSymDifference_r(ctx->geos, ur, un));
    GEOSGeometry *cover = cover_of(b, count, 1e-7);
    CHECK(d != NULL, "%s: symmetric difference", what);
    /* what GEOS finds outside: nothing, or a collapsed sliver of its overlay (no area) */
    GEOSGeometry *out = !d ? NULL : cover ? fl_difference(ctx, d, cover) : GEOSGeom_clone_r(ctx->geos, d);
    double km2 = out ? fl_geom_km2(ctx, out) : 0;
    CHECK(!d || (out && km2 <= 1e-6), "%s: %.6g km² of the change (of %.6g) lie outside the %d "
          "bounds", what, km2, fl_geom_km2(ctx, d), count);
    GEOSGeometry *tmp[] = {ur, un, d, cover, out};
    for (size_t i = 0; i < sizeof tmp / sizeof *tmp; i++)
        if (tmp[i])
            GEOSGeom_destroy_r(ctx->geos, tmp[i]);
    free(b);
    return count;
}

static void hand_made(void)
{
    GEOSGeometry *sq = wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))");
    GEOSGeometry *moved = wkt("POLYGON((0 0,10 0,10.5 5,10 10,0 10,0 0))");
    GEOSGeometry *sq_again = wkt("POLYGON((10 0,10 10,0 10,0 0,10 0))"); /* other start */
    GEOSGeometry *donut = wkt("POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))");
    GEOSGeometry *donut_again = wkt("POLYGON((10 0,10 10,0 10,0 0,10 0),(6 4,6 6,4 6,4 4,6 4))");
    GEOSGeometry *hole = wkt("POLYGON((4 4,6 4,6 6,4 6,4 4))");
    GEOSGeometry *left = wkt("POLYGON((0 0,5 0,5 10,0 10,0 0))");
    GEOSGeometry *right = wkt("POLYGON((5 0,10 0,10 10,5 10,5 0))");
    GEOSGeometry *far = wkt("POLYGON((20 0,30 0,30 10,20 10,20 0))");
    GEOSGeometry *far_moved = wkt("POLYGON((20 0,30 0,30 10,20 11,20 0))");

    /* one vertex added: the bounds hold the sliver and stay on the right-hand side */
    double(*b)[4];
    int n;
    CHECK_OK(ctx, fl_odd_edge_bounds(ctx, (const GEOSGeometry *[]){sq}, 1,
                                     (const GEOSGeometry *[]){moved}, 1, &b, &n));
    CHECK(n >= 1, "a moved vertex gives bounds (%d)", n);
    for (int i = 0; i < n; i++)
        CHECK(b[i][0] >= 10 - 1e-12 && b[i][2] <= 10.5 + 1e-12, "bounds %d: %g..%g, not near "
              "the change", i, b[i][0], b[i][2]);
    free(b);
    check_cover((const GEOSGeometry *[]){sq}, 1, (const GEOSGeometry *[]){moved}, 1,
                "moved vertex");

    /* the same square from another vertex: nothing changed, no bounds */
    CHECK(check_cover((const GEOSGeometry *[]){sq}, 1, (const GEOSGeometry *[]){sq_again}, 1,
                      "other start") == 0, "a redrawn but equal square gives bounds");

    /* a donut redrawn and its hole filled: the hole changed, though all its edges occur on
     * both sides */
    check_cover((const GEOSGeometry *[]){donut}, 1,
                (const GEOSGeometry *[]){hole, donut_again}, 2, "hole filled");
    /* a duplicated feature removed (R has it twice, N not at all) */
    check_cover((const GEOSGeometry *[]){sq, sq_again}, 2, NULL, 0, "duplicate removed");
    /* a square split in two, another moved: several features on each side */
    check_cover((const GEOSGeometry *[]){sq, far}, 2,
                (const GEOSGeometry *[]){left, right, far_moved}, 3, "split and moved");
    check_cover((const GEOSGeometry *[]){left, right, far_moved}, 3,
                (const GEOSGeometry *[]){sq, far}, 2, "merged and moved");

    GEOSGeometry *all[] = {sq, moved, sq_again, donut, donut_again, hole, left, right, far,
                           far_moved};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        GEOSGeom_destroy_r(ctx->geos, all[i]);
}

/* The features of a of one status whose hash b lacks (both sorted by hash). */
static int missing(const fl_snapshot *a, const fl_snapshot *b, int status,
                   const GEOSGeometry **out)
{
    int n = 0;
    size_t j = 0;
    for (size_t i = 0; i < a->nfeat; i++) {
        while (j < b->nfeat && b->feat[j].hash < a->feat[i].hash)
            j++;
        if (a->feat[i].status == status &&
            !(j < b->nfeat && b->feat[j].hash == a->feat[i].hash))
            out[n++] = a->feat[i].geom;
    }
    return n;
}

static long statuses_checked;

static void pair(const fl_snapshot *a, const fl_snapshot *b)
{
    const GEOSGeometry **r = calloc(a->nfeat + 1, sizeof *r), **n = calloc(b->nfeat + 1,
                                                                           sizeof *n);
    for (int st = 0; st < a->nstatus - 1; st++) {
        char what[9000];
        snprintf(what, sizeof what, "%s -> %s, status %d", a->path, b->path, st);
        check_cover(r, missing(a, b, st, r), n, missing(b, a, st, n), what);
        statuses_checked++;
    }
    free(r);
    free(n);
}

static void series(const char *dir)
{
    char *paths[256];
    int n = list_geojson(dir, paths, 256);
    fl_snapshot *prev = NULL;
    for (int k = 0; k < n; k++) {
        fl_snapshot *s;
        CHECK_OK(ctx, fl_snapshot_load(ctx, paths[k], profile, prev, &s));
        if (prev) {
            pair(prev, s);
            fl_snapshot_close(prev);
        }
        prev = s;
        free(paths[k]);
    }
    fl_snapshot_close(prev);
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    hand_made();
    series(data_file("sample"));
    const char *raw = shared_file("deepstate/raw"), *occupied = shared_file("deepstate/occupied");
    series(raw);
    series(occupied);
    printf("%ld statuses of consecutive pairs checked%s\n", statuses_checked,
           raw ? "" : " (no shared data: samples only)");
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done("odd_edges");
}
