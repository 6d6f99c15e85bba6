/* test_distinct_lines.c — how a window's lines are noded (issue 6: its faces come from them,
 * and a missing segment would merge two faces). distinct_lines.c gives each segment of the
 * rings added once, and the lines it gives node to the same lines as all the rings; GEOS'
 * floating noder, which windows.c tries first, and snap-rounding, where it falls back to,
 * give the same transitions.
 *
 *  - Hand-made cases: two squares sharing a side (the side once), a ring added again in the
 *    other direction and from another vertex (nothing new), a repeated vertex.
 *  - Every consecutive pair of the samples and, when ../shared/data is present, of the shared
 *    raw archive: the features each version has and the other lacks (those windows.c nodes),
 *    added in turn. The lines' segments are exactly the distinct segments of the rings (as
 *    sorted lists), and snap-rounded on windows.c's grid, they and the rings give equal
 *    (GEOSEquals) line networks. The diff of each pair (as a timeline computes it, with the
 *    27 regions) with the floating noder and with every window snap-rounded: every cell of
 *    every matrix within 1e-5 km² (slivers narrower than the 1e-12° grid).
 * Links the library statically with its internal header. */
#include "check.h"
#include "internal.h"

#include "diff.h"

static fl_ctx *ctx;
static fl_profile *profile;
static fl_regions *regions;
static long pairs_checked;

typedef struct segs {
    double (*v)[4];
    size_t n, cap;
} segs;

static int cmp4(const void *x, const void *y)
{
    const double *a = x, *b = y;
    for (int i = 0; i < 4; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* The segments of every line (or ring) of g, the lesser end first, into s. */
static void segments_of(const GEOSGeometry *g, segs *s)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON) {
        segments_of(GEOSGetExteriorRing_r(ctx->geos, g), s);
        for (int k = 0; k < GEOSGetNumInteriorRings_r(ctx->geos, g); k++)
            segments_of(GEOSGetInteriorRingN_r(ctx->geos, g, k), s);
        return;
    }
    if (type != GEOS_LINESTRING && type != GEOS_LINEARRING) {
        for (int i = 0; i < GEOSGetNumGeometries_r(ctx->geos, g); i++)
            segments_of(GEOSGetGeometryN_r(ctx->geos, g, i), s);
        return;
    }
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(ctx->geos, cs, &n);
    for (unsigned int i = 0; i + 1 < n; i++) {
        double p[2], q[2];
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &p[0], &p[1]);
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i + 1, &q[0], &q[1]);
        if (p[0] == q[0] && p[1] == q[1])
            continue;
        bool p_first = p[0] < q[0] || (p[0] == q[0] && p[1] < q[1]);
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 1024;
            s->v = realloc(s->v, s->cap * sizeof *s->v);
        }
        double *o = s->v[s->n++];
        o[0] = p_first ? p[0] : q[0];
        o[1] = p_first ? p[1] : q[1];
        o[2] = p_first ? q[0] : p[0];
        o[3] = p_first ? q[1] : p[1];
    }
}

static size_t unique(segs *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp4);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (k == 0 || cmp4(s->v[k - 1], s->v[i]))
            memmove(s->v[k++], s->v[i], sizeof *s->v);
    return k;
}

/* Adds the n polygonal geometries in turn; checks the lines against them. Returns the count
 * of distinct segments. */
static size_t check_lines(const GEOSGeometry *const *g, int n, const char *what)
{
    fl_distinct *d = fl_distinct_new(ctx);
    CHECK(d != NULL, "%s: fl_distinct_new", what);
    for (int i = 0; i < n; i++)
        CHECK_OK(ctx, fl_distinct_add(ctx, d, g[i]));
    GEOSGeometry *lines = fl_distinct_lines(ctx, d);
    fl_distinct_free(ctx, d);
    CHECK(lines != NULL, "%s: fl_distinct_lines: %s", what, fl_ctx_errmsg(ctx));
    if (!lines)
        return 0;
    segs in = {0}, out = {0};
    for (int i = 0; i < n; i++)
        segments_of(g[i], &in);
    segments_of(lines, &out);
    size_t nout = out.n, distinct = unique(&in);
    CHECK(unique(&out) == nout, "%s: %zu segments given, %zu distinct", what, nout, out.n);
    CHECK(out.n == distinct && !memcmp(out.v, in.v, distinct * sizeof *in.v),
          "%s: %zu segments given, the rings have %zu distinct", what, out.n, distinct);
    /* the same network once noded */
    GEOSGeometry **rings = calloc((size_t)n + 1, sizeof *rings);
    for (int i = 0; i < n; i++)
        rings[i] = GEOSBoundary_r(ctx->geos, g[i]);
    GEOSGeometry *all = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, rings,
                                                    (unsigned)n);
    GEOSGeometry *noded_all = GEOSUnaryUnionPrec_r(ctx->geos, all, 1e-9);
    GEOSGeometry *noded_lines = GEOSUnaryUnionPrec_r(ctx->geos, lines, 1e-9);
    CHECK(noded_all && noded_lines && GEOSEquals_r(ctx->geos, noded_all, noded_lines) == 1,
          "%s: the noded lines differ from the noded rings", what);
    GEOSGeom_destroy_r(ctx->geos, noded_all);
    GEOSGeom_destroy_r(ctx->geos, noded_lines);
    GEOSGeom_destroy_r(ctx->geos, all);
    GEOSGeom_destroy_r(ctx->geos, lines);
    free(rings);
    free(in.v);
    free(out.v);
    return distinct;
}

static GEOSGeometry *wkt(const char *text)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r, text);
    GEOSWKTReader_destroy_r(ctx->geos, r);
    CHECK(g != NULL, "test polygon %s", text);
    return g;
}

static void hand_made(void)
{
    GEOSGeometry *g[3] = {
        wkt("POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"),
        wkt("POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))"), /* shares the side x = 1 */
        wkt("POLYGON((1 1, 1 0, 0 0, 0 0, 0 1, 1 1))"), /* the first, reversed, repeated vertex */
    };
    CHECK(check_lines((const GEOSGeometry *const *)g, 2, "two squares") == 7,
          "two squares sharing a side have 7 distinct sides");
    CHECK(check_lines((const GEOSGeometry *const *)g, 3, "a square again") == 7,
          "a square given again adds nothing");
    for (int i = 0; i < 3; i++)
        GEOSGeom_destroy_r(ctx->geos, g[i]);
}

/* The geometries of the features of a whose hash b lacks, appended to out; their count. */
static int missing(const fl_snapshot *a, const fl_snapshot *b, const GEOSGeometry **out)
{
    int n = 0;
    for (size_t i = 0, j = 0; i < a->nfeat; i++) {
        while (j < b->nfeat && b->feat[j].hash < a->feat[i].hash)
            j++;
        if (!(j < b->nfeat && b->feat[j].hash == a->feat[i].hash))
            out[n++] = a->feat[i].geom;
    }
    return n;
}

/* The diff a -> b with the floating noder and snap-rounded: the same matrices. */
static void both_nodings(const fl_snapshot *a, const fl_snapshot *b, const char *what)
{
    fl_diff *d[2];
    for (int snap = 0; snap < 2; snap++) {
        ctx->snap_noding = snap;
        CHECK_OK(ctx, fl_diff_compute(ctx, a, b, regions, NULL, false, &d[snap]));
    }
    ctx->snap_noding = false;
    size_t cells = (size_t)(regions->n + 1) * d[0]->n * d[0]->n, off = 0;
    double worst = 0;
    for (size_t i = 0; i < cells; i++) {
        double e = fabs(d[0]->km2[i] - d[1]->km2[i]);
        off += e > 1e-5;
        worst = e > worst ? e : worst;
    }
    CHECK(off == 0, "%s: %zu of %zu cells differ between the nodings by more than 1e-5 km² "
          "(worst %g)", what, off, cells, worst);
    fl_diff_free(d[0]);
    fl_diff_free(d[1]);
}

static void pair(const fl_snapshot *a, const fl_snapshot *b)
{
    const GEOSGeometry **g = calloc(a->nfeat + b->nfeat + 1, sizeof *g);
    int n = missing(a, b, g);
    n += missing(b, a, g + n);
    char what[9000];
    snprintf(what, sizeof what, "%s -> %s", a->path, b->path);
    if (n)
        check_lines(g, n, what);
    both_nodings(a, b, what);
    pairs_checked++;
    free(g);
}

static void series(const char *dir, int max)
{
    char *paths[256];
    int n = list_geojson(dir, paths, 256);
    fl_snapshot *prev = NULL;
    for (int k = 0; k < n; k++) {
        fl_snapshot *s = NULL;
        if (k <= max) {
            CHECK_OK(ctx, fl_snapshot_load(ctx, paths[k], profile, prev, &s));
            if (prev)
                pair(prev, s);
        }
        if (prev)
            fl_snapshot_close(prev);
        prev = s;
        free(paths[k]);
    }
    if (prev)
        fl_snapshot_close(prev);
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    CHECK_OK(ctx, fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &regions));
    hand_made();
    series(data_file("sample"), 256);
    const char *raw = shared_file("deepstate/raw");
    series(raw, 12); /* the first dozen pairs: the format change and September-October */
    printf("%ld consecutive pairs checked%s\n", pairs_checked,
           raw ? "" : " (no shared data: samples only)");
    fl_regions_close(regions);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done("distinct_lines");
}
