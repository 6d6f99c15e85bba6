/* windows.c — where two snapshots differ: disjoint rectangles ("windows") around the ground
 * whose status can differ, and each snapshot's drawn statuses within a window.
 *
 * The status of a point is the first status (in precedence order) one of whose features
 * covers it. Let R be the features of status s that A has and B lacks (by hash), N those B has
 * and A lacks, and K the ones both have. A's union of status s is K ∪ ⋃R, B's is K ∪ ⋃N, so
 * they can differ only within D_s = ⋃R △ ⋃N; outside the union of the D_s every point has the
 * same status in both snapshots. odd_edges.c finds bounds within which D_s lies from the
 * edges of R and N; each gets a window: the bounds plus CORE_MARGIN (the core), plus
 * ENV_MARGIN (the envelope, where statuses are computed from the features clipped to it).
 * Windows whose envelopes overlap are merged, so envelopes are disjoint: sums over windows
 * count nothing twice. The clipping makes edges along the
 * envelope that are not the map's; the core keeps clear of them.
 *
 * Within a window each snapshot is cut into its drawn layers and the uncovered rest. The
 * territory (the default status within it, none outside) is the same for both snapshots, so
 * it stays out of the overlay: only ground that changed is split by it (diff.c), and a place
 * found uncovered asks it. That keeps the regions' long outlines out of the noding. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CORE_MARGIN 0.001 /* degrees (~100 m) */
#define ENV_MARGIN 0.01   /* degrees (~1 km) */
#define NODING_GRID 1e-9  /* degrees (~0.1 mm) */

/* The features of a of one status whose hash b lacks (a, b sorted by hash), into out; their
 * count. */
static size_t missing(const fl_snapshot *a, const fl_snapshot *b, int status,
                      const GEOSGeometry **out)
{
    size_t j = 0, n = 0;
    for (size_t i = 0; i < a->nfeat; i++) {
        while (j < b->nfeat && b->feat[j].hash < a->feat[i].hash)
            j++;
        if (a->feat[i].status != status || (j < b->nfeat && b->feat[j].hash == a->feat[i].hash))
            continue;
        out[n++] = a->feat[i].geom;
    }
    return n;
}

static void grow(double out[4], const double in[4], double margin)
{
    out[0] = in[0] - margin;
    out[1] = in[1] - margin;
    out[2] = in[2] + margin;
    out[3] = in[3] + margin;
}

/* Appends a window around bounds b. */
static int add_window(fl_ctx *ctx, const double b[4], fl_window **w, int *n, int *cap)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 16;
        fl_window *v = fl_realloc(ctx, *w, (size_t)c, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        *w = v;
        *cap = c;
    }
    fl_window *x = &(*w)[(*n)++];
    memset(x, 0, sizeof *x);
    grow(x->core, b, CORE_MARGIN);
    grow(x->env, x->core, ENV_MARGIN);
    return FL_OK;
}

/* Appends windows around where status s differs between a and b, found from the edges of
 * the features that changed (odd_edges.c). */
static int add_status_windows(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b, int s,
                              fl_window **w, int *n, int *cap)
{
    const GEOSGeometry **r = fl_calloc(ctx, a->nfeat + 1, sizeof *r);
    const GEOSGeometry **m = r ? fl_calloc(ctx, b->nfeat + 1, sizeof *m) : NULL;
    if (!m) {
        free(r);
        return FL_ENOMEM;
    }
    size_t nr = missing(a, b, s, r), nm = missing(b, a, s, m);
    double(*bounds)[4];
    int count, rc = fl_odd_edge_bounds(ctx, r, (int)nr, m, (int)nm, &bounds, &count);
    for (int i = 0; i < count && !rc; i++)
        rc = add_window(ctx, bounds[i], w, n, cap);
    free(bounds);
    free(r);
    free(m);
    return rc;
}

/* Merges windows whose envelopes overlap into one around both, until none do. */
static void merge_windows(fl_window *w, int *n)
{
    for (bool merged = true; merged;) {
        merged = false;
        for (int i = 0; i < *n; i++)
            for (int j = i + 1; j < *n; j++) {
                if (!fl_bounds_overlap(w[i].env, w[j].env))
                    continue;
                for (int k = 0; k < 2; k++) {
                    w[i].core[k] = fmin(w[i].core[k], w[j].core[k]);
                    w[i].core[k + 2] = fmax(w[i].core[k + 2], w[j].core[k + 2]);
                }
                grow(w[i].env, w[i].core, ENV_MARGIN);
                w[j--] = w[--*n];
                merged = true;
            }
    }
}

GEOSGeometry *fl_rectangle(fl_ctx *ctx, const double b[4])
{
    GEOSGeometry *g = GEOSGeom_createRectangle_r(ctx->geos, b[0], b[1], b[2], b[3]);
    if (!g)
        fl_geos_error(ctx, "creating a rectangle");
    return g;
}

/* Feature g (bounds bbox) within w's envelope: a copy when it lies inside. */
static GEOSGeometry *clip(fl_ctx *ctx, const GEOSGeometry *g, const double bbox[4],
                          const fl_window *w)
{
    if (bbox[0] < w->env[0] || bbox[1] < w->env[1] || bbox[2] > w->env[2] || bbox[3] > w->env[3])
        return fl_intersection(ctx, g, w->env_rect);
    GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, g);
    if (!c)
        fl_geos_error(ctx, "copying a feature");
    return c;
}

/* The drawn statuses of s within window w, into part[0 .. nstatus): the exclusive layers
 * as drawn and, last, the envelope no layer covers, each clipped to the envelope. */
static int partition(fl_ctx *ctx, const fl_snapshot *s, const fl_window *w, GEOSGeometry **part)
{
    int drawn = s->nstatus - 1;
    GEOSGeometry *cover = fl_empty_polygon(ctx), **pieces = fl_calloc(ctx, s->nfeat + 1,
                                                                      sizeof *pieces);
    int rc = cover && pieces ? FL_OK : ctx->err ? ctx->err : FL_ENOMEM;
    for (int st = 0; st < drawn && !rc; st++) {
        size_t n = 0;
        for (size_t i = 0; i < s->nfeat && !rc; i++)
            if (s->feat[i].status == st && fl_bounds_overlap(s->feat[i].bbox, w->env) &&
                !(pieces[n++] = clip(ctx, s->feat[i].geom, s->feat[i].bbox, w)))
                rc = ctx->err;
        GEOSGeometry *u = rc ? NULL : fl_union_all(ctx, pieces, rc ? 0 : n);
        for (size_t i = 0; rc && i < n; i++)
            if (pieces[i])
                GEOSGeom_destroy_r(ctx->geos, pieces[i]);
        part[st] = u ? fl_difference(ctx, u, cover) : NULL;
        GEOSGeometry *c = part[st] ? fl_union(ctx, cover, u) : NULL;
        if (u)
            GEOSGeom_destroy_r(ctx->geos, u);
        GEOSGeom_destroy_r(ctx->geos, cover);
        if (!(cover = c))
            rc = ctx->err ? ctx->err : FL_ENOMEM;
    }
    free(pieces);
    if (!rc && !(part[drawn] = fl_difference(ctx, w->env_rect, cover)))
        rc = ctx->err;
    if (cover)
        GEOSGeom_destroy_r(ctx->geos, cover);
    return rc;
}

/* Fills in a window's rectangles, territory and both partitions. */
static int window_open(fl_ctx *ctx, fl_window *w, const fl_snapshot *a, const fl_snapshot *b,
                       const fl_regions *r)
{
    int nparts = w->nparts = a->nstatus;
    w->part[0] = fl_calloc(ctx, (size_t)nparts, sizeof(GEOSGeometry *));
    w->part[1] = fl_calloc(ctx, (size_t)nparts, sizeof(GEOSGeometry *));
    if (!w->part[0] || !w->part[1])
        return FL_ENOMEM;
    if (!(w->env_rect = fl_rectangle(ctx, w->env)) || !(w->core_rect = fl_rectangle(ctx, w->core)))
        return ctx->err;
    if (!(w->territory = fl_intersection(ctx, r->territory, w->env_rect)))
        return ctx->err;
    int rc = partition(ctx, a, w, w->part[0]);
    return rc ? rc : partition(ctx, b, w, w->part[1]);
}

int fl_windows_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                   const fl_regions *r, fl_window **out, int *count)
{
    fl_window *w = NULL;
    int n = 0, cap = 0, rc = FL_OK;
    for (int s = 0; s < a->nstatus - 1 && !rc; s++)
        rc = add_status_windows(ctx, a, b, s, &w, &n, &cap);
    if (!rc)
        merge_windows(w, &n);
    for (int i = 0; i < n && !rc; i++)
        rc = window_open(ctx, &w[i], a, b, r);
    if (rc) {
        fl_windows_free(ctx, w, n);
        w = NULL;
        n = 0;
    }
    *out = w;
    *count = n;
    return rc;
}

void fl_windows_free(fl_ctx *ctx, fl_window *w, int n)
{
    for (int i = 0; w && i < n; i++) {
        GEOSGeometry *g[] = {w[i].env_rect, w[i].core_rect, w[i].territory};
        for (size_t k = 0; k < sizeof g / sizeof *g; k++)
            if (g[k])
                GEOSGeom_destroy_r(ctx->geos, g[k]);
        for (int side = 0; side < 2; side++) {
            for (int k = 0; w[i].part[side] && k < w[i].nparts; k++)
                if (w[i].part[side][k])
                    GEOSGeom_destroy_r(ctx->geos, w[i].part[side][k]);
            free(w[i].part[side]);
        }
    }
    free(w);
}

/* Prepared copies of the parts of sides [first, first + nsides) of window w (NULL on error;
 * free with unprepare). */
static const GEOSPreparedGeometry **prepare_parts(fl_ctx *ctx, const fl_window *w, int first,
                                                  int nsides)
{
    int nparts = w->nparts, n = nsides * nparts;
    const GEOSPreparedGeometry **prep = fl_calloc(ctx, (size_t)n, sizeof *prep);
    for (int k = 0; prep && k < n; k++)
        if (!(prep[k] = GEOSPrepare_r(ctx->geos, w->part[first + k / nparts][k % nparts]))) {
            fl_geos_error(ctx, "preparing a window's part");
            while (k-- > 0)
                GEOSPreparedGeom_destroy_r(ctx->geos, prep[k]);
            free(prep);
            return NULL;
        }
    return prep;
}

static void unprepare(fl_ctx *ctx, const GEOSPreparedGeometry **prep, int n)
{
    for (int k = 0; prep && k < n; k++)
        GEOSPreparedGeom_destroy_r(ctx->geos, prep[k]);
    free(prep);
}

/* Part index of a point: the first part it touches, in precedence order (a point on a
 * boundary counts as inside, as in fl_snapshot_status_at); -1 if none, -2 if GEOS failed. */
static int part_at(fl_ctx *ctx, const GEOSPreparedGeometry **prep, int nparts,
                   const GEOSGeometry *pt)
{
    for (int k = 0; k < nparts; k++) {
        char in = GEOSPreparedIntersects_r(ctx->geos, prep[k], pt);
        if (in)
            return in == 1 ? k : -2;
    }
    return -1;
}

/* The part of prep[0 .. nparts) holding point pt (a face's inner point): the layer
 * containing it, or, should it lie on a boundary, the first it touches; else the last part,
 * the uncovered one (the lines that cut the faces are the layers', so that is where a face no
 * layer holds lies). */
static int face_part(fl_ctx *ctx, const GEOSPreparedGeometry **prep, int nparts,
                     const GEOSGeometry *pt)
{
    for (int k = 0; k < nparts - 1; k++) {
        char in = GEOSPreparedContains_r(ctx->geos, prep[k], pt);
        if (in)
            return in == 1 ? k : -2; /* 2: GEOS failed */
    }
    int k = part_at(ctx, prep, nparts - 1, pt);
    return k == -1 ? nparts - 1 : k;
}

/* The lines that cut a window into faces, noded and dissolved (a union of the lines): the
 * boundaries of both snapshots' layers and the envelope's. The uncovered part's boundary adds
 * nothing: it runs along the layers' and the envelope's.
 * Noding snap-rounds to NODING_GRID: the two snapshots' lines run along each other for most
 * of their length, GEOS' floating noding of them failed and its retries snapped at growing
 * tolerances, up to closing real gaps of a few decimetres between drawn layers. Snap-rounding
 * cannot fail, moves no vertex by more than half the grid, and costs one pass. */
static GEOSGeometry *noded_boundaries(fl_ctx *ctx, const fl_window *w)
{
    int layers = w->nparts - 1, want = 2 * layers + 1, n = 0;
    GEOSGeometry **lines = fl_calloc(ctx, (size_t)want, sizeof *lines);
    for (int k = 0; lines && k < want && n == k; k++)
        if ((lines[n] = GEOSBoundary_r(ctx->geos, k < 2 * layers ? w->part[k / layers][k % layers]
                                                                 : w->env_rect)))
            n++;
    GEOSGeometry *coll = lines && n == want ? fl_collect(ctx, lines, (size_t)n) : NULL;
    if (lines && n < want) { /* not handed to GEOS */
        fl_geos_error(ctx, "a boundary in a window");
        for (int i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx->geos, lines[i]);
    }
    free(lines);
    GEOSGeometry *noded = coll ? GEOSUnaryUnionPrec_r(ctx->geos, coll, NODING_GRID) : NULL;
    if (coll && !noded)
        fl_geos_error(ctx, "noding a window's boundaries");
    if (coll)
        GEOSGeom_destroy_r(ctx->geos, coll);
    return noded;
}

int fl_window_faces(fl_ctx *ctx, const fl_window *w, GEOSGeometry **faces, int **from,
                    int **to, int *count)
{
    int nparts = w->nparts;
    *faces = NULL;
    *from = *to = NULL;
    *count = 0;
    GEOSGeometry *noded = noded_boundaries(ctx, w);
    if (!noded)
        return ctx->err;
    *faces = GEOSPolygonize_r(ctx->geos, (const GEOSGeometry *const *)&noded, 1);
    GEOSGeom_destroy_r(ctx->geos, noded);
    if (!*faces)
        return fl_geos_error(ctx, "polygonizing a window");
    int n = GEOSGetNumGeometries_r(ctx->geos, *faces), rc = FL_OK;
    const GEOSPreparedGeometry **prep = prepare_parts(ctx, w, 0, 2);
    *from = fl_calloc(ctx, (size_t)n + 1, sizeof **from);
    *to = fl_calloc(ctx, (size_t)n + 1, sizeof **to);
    if (!prep || !*from || !*to)
        rc = ctx->err ? ctx->err : FL_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, *faces, i));
        if (!pt) {
            rc = fl_geos_error(ctx, "a point in a face");
            break;
        }
        (*from)[i] = face_part(ctx, prep, nparts, pt);
        (*to)[i] = face_part(ctx, prep + nparts, nparts, pt);
        GEOSGeom_destroy_r(ctx->geos, pt);
        if ((*from)[i] == -2 || (*to)[i] == -2)
            rc = fl_geos_error(ctx, "locating a face");
    }
    unprepare(ctx, prep, 2 * nparts);
    *count = n;
    return rc;
}


static bool inside(const fl_window *w, double lon, double lat)
{
    return fl_bounds_overlap(w->core, (const double[4]){lon, lat, lon, lat});
}

/* Whether any of the n points lies in the window's core. */
static bool any_inside(const fl_window *w, size_t n, const double *lat, const double *lon)
{
    for (size_t i = 0; i < n; i++)
        if (inside(w, lon[i], lat[i]))
            return true;
    return false;
}

/* The statuses in b of the points inside one window's core: a drawn layer's, else the
 * default status within the territory (a point on its border included), else none. */
static int window_status(fl_ctx *ctx, const fl_window *w, const fl_regions *r, size_t n,
                         const double *lat, const double *lon, int *status)
{
    if (!any_inside(w, n, lat, lon))
        return FL_OK;
    int uncovered = w->nparts - 1; /* = the default status' index */
    const GEOSPreparedGeometry **prep = prepare_parts(ctx, w, 1, 1);
    int rc = prep ? FL_OK : ctx->err ? ctx->err : FL_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        if (!inside(w, lon[i], lat[i]))
            continue;
        GEOSGeometry *pt = fl_point(ctx, lon[i], lat[i]);
        int part = pt ? part_at(ctx, prep, w->nparts, pt) : -1;
        char in = part == uncovered ? GEOSPreparedIntersects_r(ctx->geos, r->territory_prep, pt)
                                    : 1;
        if (pt)
            GEOSGeom_destroy_r(ctx->geos, pt);
        if (part < 0 || in == 2) /* the parts cover the envelope: only a failed predicate */
            rc = pt ? fl_geos_error(ctx, "locating a place in a window") : ctx->err;
        else
            status[i] = in ? part : FL_STATUS_NONE;
    }
    unprepare(ctx, prep, w->nparts);
    return rc;
}

int fl_windows_status(fl_ctx *ctx, const fl_window *w, int nwin, const fl_regions *r, size_t n,
                      const double *lat, const double *lon, int *status)
{
    int rc = FL_OK;
    for (int i = 0; i < nwin && !rc; i++)
        rc = window_status(ctx, &w[i], r, n, lat, lon, status);
    return rc;
}
