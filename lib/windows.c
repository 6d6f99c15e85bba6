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
 * count nothing twice. The clipping makes edges along the envelope that are not the map's;
 * the core keeps clear of them.
 *
 * Within a window each snapshot's features are clipped to the envelope, and the boundaries
 * of both snapshots' features cut it into faces: each face lies inside or outside every
 * feature, so one point in it gives its status in each snapshot (the first feature in
 * precedence order holding it; none: uncovered). No layer is dissolved: the unions and
 * differences that would take cost about as much as the overlay itself. The territory (the
 * default status within it, none outside) is the same for both snapshots, so it stays out
 * of the overlay: only ground that changed is split by it (diff.c), and a place found
 * uncovered asks it. That keeps the regions' long outlines out of the noding. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CORE_MARGIN 0.001 /* degrees (~100 m) */
#define ENV_MARGIN 0.01   /* degrees (~1 km) */
#define NODING_GRID 1e-12 /* degrees (~0.1 µm) */

/* The features of a of one status whose hash b lacks (a, b sorted by hash), into out; their
 * count. */
static size_t missing(const fl_snapshot *a, const fl_snapshot *b, int status,
                      const GEOSGeometry **out)
{
    size_t j = 0, n = 0;
    for (size_t i = 0; i < a->nfeat; i++) {
        assert(i == 0 || a->feat[i - 1].hash <= a->feat[i].hash);
        while (j < b->nfeat && b->feat[j].hash < a->feat[i].hash) {
            assert(j + 1 == b->nfeat || b->feat[j].hash <= b->feat[j + 1].hash);
            j++;
        }
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
static int add_window(fl_ctx *ctx, const double b[4], fl_window **w, int *n, size_t *cap)
{
    fl_window *v = fl_grow(ctx, *w, cap, (size_t)*n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    *w = v;
    fl_window *x = &(*w)[(*n)++];
    memset(x, 0, sizeof *x);
    grow(x->core, b, CORE_MARGIN);
    grow(x->env, x->core, ENV_MARGIN);
    return FL_OK;
}

/* Appends windows around where status s differs between a and b, found from the edges of
 * the features that changed (odd_edges.c). */
static int add_status_windows(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b, int s,
                              fl_window **w, int *n, size_t *cap)
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
    for (int i = 0; i < *n; i++) /* what the windows promise: disjoint envelopes */
        for (int j = i + 1; j < *n; j++)
            assert(!fl_bounds_overlap(w[i].env, w[j].env));
}

/* Feature g (bounds bbox) within w's envelope: a copy when it lies inside. */
static GEOSGeometry *clip(fl_ctx *ctx, const GEOSGeometry *g, const double bbox[4],
                          const fl_window *w)
{
    if (bbox[0] < w->env[0] || bbox[1] < w->env[1] || bbox[2] > w->env[2] || bbox[3] > w->env[3])
        return fl_clip(ctx, g, w->env);
    GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, g);
    if (!c)
        fl_geos_error(ctx, "copying a feature");
    return c;
}

/* The clipped feature of side o with hash h, or NULL. */
static const GEOSGeometry *clipped(const fl_window_side *o, uint64_t h)
{
    for (int i = 0; o && i < o->n; i++)
        if (o->hash[i] == h)
            return o->geom[i];
    return NULL;
}

static int side_alloc(fl_ctx *ctx, fl_window_side *sd, size_t n)
{
    sd->geom = fl_calloc(ctx, n + 1, sizeof *sd->geom);
    sd->status = fl_calloc(ctx, n + 1, sizeof *sd->status);
    sd->hash = fl_calloc(ctx, n + 1, sizeof *sd->hash);
    sd->shared = fl_calloc(ctx, n + 1, sizeof *sd->shared);
    sd->bbox = fl_calloc(ctx, n + 1, sizeof *sd->bbox);
    sd->prep = fl_calloc(ctx, n + 1, sizeof *sd->prep);
    return sd->geom && sd->status && sd->hash && sd->shared && sd->bbox && sd->prep ? FL_OK
                                                                                 : FL_ENOMEM;
}

/* The features of s that meet w's envelope, clipped to it, in precedence order, into sd; a
 * feature other (may be NULL) has too is copied from it, not clipped again. */
static int side_open(fl_ctx *ctx, const fl_snapshot *s, const fl_window *w,
                     const fl_window_side *other, fl_window_side *sd)
{
    int rc = side_alloc(ctx, sd, s->nfeat);
    for (int st = 0; st < s->nstatus - 1 && !rc; st++)
        for (size_t i = 0; i < s->nfeat && !rc; i++) {
            const fl_feat *f = &s->feat[i];
            if (f->status != st || !fl_bounds_overlap(f->bbox, w->env))
                continue;
            const GEOSGeometry *same = clipped(other, f->hash);
            GEOSGeometry *g = same ? GEOSGeom_clone_r(ctx->geos, same)
                                   : clip(ctx, f->geom, f->bbox, w);
            if (!g) {
                rc = same ? fl_geos_error(ctx, "copying a feature") : ctx->err;
                break;
            }
            if (GEOSisEmpty_r(ctx->geos, g)) { /* touched the envelope only */
                GEOSGeom_destroy_r(ctx->geos, g);
                continue;
            }
            int k = sd->n++;
            sd->geom[k] = g;
            sd->status[k] = st;
            sd->hash[k] = f->hash;
            sd->shared[k] = same != NULL;
            fl_geom_bounds(ctx, g, sd->bbox[k]);
        }
    return rc;
}

static void side_free(fl_ctx *ctx, fl_window_side *sd)
{
    for (int i = 0; i < sd->n; i++) {
        if (sd->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, sd->prep[i]);
        GEOSGeom_destroy_r(ctx->geos, sd->geom[i]);
    }
    free(sd->geom);
    free(sd->status);
    free(sd->hash);
    free(sd->shared);
    free(sd->bbox);
    free(sd->prep);
}

/* The status side sd gives point pt (x, y): the first feature, in precedence order, that
 * contains it (contains_first) or touches it; a point on a boundary counts as inside, as in
 * fl_snapshot_status_at. Else uncovered; -2 when GEOS failed. The prepared features are made
 * when first asked for, into the side's cache (one window belongs to one diff and thread). */
static int side_status(fl_ctx *ctx, const fl_window_side *sd, const GEOSGeometry *pt, double x,
                       double y, bool contains_first, int uncovered)
{
    const GEOSPreparedGeometry **prep = sd->prep;
    for (int pass = contains_first ? 0 : 1; pass < 2; pass++)
        for (int i = 0; i < sd->n; i++) {
            const double *b = sd->bbox[i];
            if (x < b[0] || x > b[2] || y < b[1] || y > b[3])
                continue;
            if (!prep[i] && !(prep[i] = GEOSPrepare_r(ctx->geos, sd->geom[i]))) {
                fl_geos_error(ctx, "preparing a feature");
                return -2;
            }
            char in = pass == 0 ? GEOSPreparedContains_r(ctx->geos, prep[i], pt)
                                : GEOSPreparedIntersects_r(ctx->geos, prep[i], pt);
            if (in)
                return in == 1 ? sd->status[i] : -2;
        }
    return uncovered;
}

/* Lines noded, each edge once: by GEOS' floating noder (GEOSNode_r: noding repeated until no
 * two lines cross but at a shared vertex; equal edges kept once), else, where that fails to
 * converge or ctx->snap_noding asks (a comparison of two sources, compare.c), snap-rounded to
 * NODING_GRID, which cannot fail and moves no vertex by more than half the grid. The floating
 * noder takes 20-28 % fewer instructions per window; on the versions of one source its faces
 * differ from the snap-rounded ones by at most 5e-6 km² over the raw archive's figures.
 * Running out of memory is not retried. */
static GEOSGeometry *node(fl_ctx *ctx, const GEOSGeometry *lines)
{
    ctx->geos_msg[0] = 0;
    GEOSGeometry *noded = ctx->snap_noding ? NULL : GEOSNode_r(ctx->geos, lines);
    if (noded || fl_geos_out_of_memory(ctx))
        return noded;
    return GEOSUnaryUnionPrec_r(ctx->geos, lines, NODING_GRID);
}

/* The lines that cut a window into faces, noded (node): the boundaries of both sides'
 * features (a feature both have, once), the envelope's and, in a window the territory's
 * border crosses, the territory's; each segment once (distinct_lines.c). */
static GEOSGeometry *noded_boundaries(fl_ctx *ctx, const fl_window *w)
{
    fl_distinct *d = fl_distinct_new(ctx);
    int rc = d ? FL_OK : FL_ENOMEM;
    for (int k = 0; !rc && k < w->side[0].n + w->side[1].n; k++) {
        const fl_window_side *sd = &w->side[k >= w->side[0].n];
        int i = k < w->side[0].n ? k : k - w->side[0].n;
        if (!sd->shared[i])
            rc = fl_distinct_add(ctx, d, sd->geom[i]);
    }
    if (!rc)
        rc = fl_distinct_add(ctx, d, w->env_rect);
    if (!rc && !w->in_territory) /* the territory's border, so that no face crosses it */
        rc = fl_distinct_add(ctx, d, w->territory);
    GEOSGeometry *lines = rc ? NULL : fl_distinct_lines(ctx, d);
    fl_distinct_free(ctx, d);
    GEOSGeometry *noded = lines ? node(ctx, lines) : NULL;
    if (lines && !noded)
        fl_geos_error(ctx, "noding a window's boundaries");
    if (lines)
        GEOSGeom_destroy_r(ctx->geos, lines);
    return noded;
}

/* The labels of face i from point pt (x, y) inside it: each side's status (see side_status),
 * where ground no layer covers is the default status within the territory and none outside,
 * and whether it lies in the territory: no face crosses the territory's border
 * (noded_boundaries). */
static int label_face(fl_ctx *ctx, fl_window *w, const fl_regions *r, int i,
                      const GEOSGeometry *pt, double x, double y)
{
    int *label[2] = {&w->label[0][i], &w->label[1][i]};
    for (int side = 0; side < 2; side++)
        if ((*label[side] = side_status(ctx, &w->side[side], pt, x, y, true, w->uncovered)) == -2)
            return fl_geos_error(ctx, "locating a face");
    char in = w->in_territory ? 1 : GEOSPreparedIntersects_r(ctx->geos, r->territory_prep, pt);
    if (in == 2)
        return fl_geos_error(ctx, "placing a face in the territory");
    w->inside[i] = in;
    for (int side = 0; side < 2 && !in; side++)
        *label[side] += *label[side] == w->uncovered; /* none: the index after the default */
    return FL_OK;
}

/* Cuts window w into faces and labels each with its status on both sides, from a point
 * inside it. A face lies inside or outside each feature, since the features' boundaries cut
 * it out; a face inside none is uncovered (the lines are the features', so there is no face
 * of unknown status). */
static int window_faces(fl_ctx *ctx, fl_window *w, const fl_regions *r)
{
    GEOSGeometry *noded = noded_boundaries(ctx, w);
    if (!noded)
        return ctx->err;
    w->faces = GEOSPolygonize_r(ctx->geos, (const GEOSGeometry *const *)&noded, 1);
    GEOSGeom_destroy_r(ctx->geos, noded);
    if (!w->faces)
        return fl_geos_error(ctx, "polygonizing a window");
    int n = w->nfaces = GEOSGetNumGeometries_r(ctx->geos, w->faces), rc = FL_OK;
    w->label[0] = fl_calloc(ctx, (size_t)n + 1, sizeof **w->label);
    w->label[1] = fl_calloc(ctx, (size_t)n + 1, sizeof **w->label);
    w->inside = fl_calloc(ctx, (size_t)n + 1, sizeof *w->inside);
    if (!w->label[0] || !w->label[1] || !w->inside)
        return FL_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, w->faces, i));
        double x = 0, y = 0;
        if (!pt || !GEOSGeomGetX_r(ctx->geos, pt, &x) || !GEOSGeomGetY_r(ctx->geos, pt, &y))
            rc = fl_geos_error(ctx, "a point in a face");
        else
            rc = label_face(ctx, w, r, i, pt, x, y);
        if (pt)
            GEOSGeom_destroy_r(ctx->geos, pt);
    }
    return rc;
}

/* Fills in a window's rectangles, territory, both sides' features and the labelled faces. */
static int window_open(fl_ctx *ctx, fl_window *w, const fl_snapshot *a, const fl_snapshot *b,
                       const fl_regions *r)
{
    w->uncovered = a->nstatus - 1;
    if (!(w->env_rect = fl_rectangle(ctx, w->env)) || !(w->core_rect = fl_rectangle(ctx, w->core)))
        return ctx->err;
    char in = GEOSPreparedContains_r(ctx->geos, r->territory_prep, w->env_rect);
    if (in == 2)
        return fl_geos_error(ctx, "placing a window in the territory");
    w->in_territory = in;
    w->territory = in ? GEOSGeom_clone_r(ctx->geos, w->env_rect) /* most lie inside */
                      : fl_clip(ctx, r->territory, w->env);
    if (!w->territory)
        return ctx->err ? ctx->err : fl_geos_error(ctx, "copying a window");
    int rc = side_open(ctx, a, w, NULL, &w->side[0]);
    if (!rc)
        rc = side_open(ctx, b, w, &w->side[0], &w->side[1]);
    return rc ? rc : window_faces(ctx, w, r);
}

int fl_windows_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                   const fl_regions *r, fl_window **out, int *count)
{
    fl_window *w = NULL;
    int n = 0, rc = FL_OK;
    size_t cap = 0;
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
        GEOSGeometry *g[] = {w[i].env_rect, w[i].core_rect, w[i].territory, w[i].faces};
        for (size_t k = 0; k < sizeof g / sizeof *g; k++)
            if (g[k])
                GEOSGeom_destroy_r(ctx->geos, g[k]);
        for (int side = 0; side < 2; side++) {
            side_free(ctx, &w[i].side[side]);
            free(w[i].label[side]);
        }
        free(w[i].inside);
    }
    free(w);
}

/* The union of copies of the n geometries src[] (an array it frees), as a coverage (faces)
 * or not; NULL on error. */
static GEOSGeometry *union_copies(fl_ctx *ctx, const GEOSGeometry **src, size_t n, bool coverage)
{
    GEOSGeometry **g = src ? fl_calloc(ctx, n + 1, sizeof *g) : NULL;
    for (size_t i = 0; g && i < n; i++)
        if (!(g[i] = GEOSGeom_clone_r(ctx->geos, src[i]))) {
            fl_geos_error(ctx, "copying a geometry");
            while (i-- > 0)
                GEOSGeom_destroy_r(ctx->geos, g[i]);
            free(g);
            g = NULL;
        }
    GEOSGeometry *u = !g ? NULL : coverage ? fl_coverage_union(ctx, g, n) : fl_union_all(ctx, g, n);
    free(g);
    free(src);
    return u;
}

/* The union of side sd's features with statuses in [from, to). */
static GEOSGeometry *side_union(fl_ctx *ctx, const fl_window_side *sd, int from, int to)
{
    const GEOSGeometry **src = fl_calloc(ctx, (size_t)sd->n + 1, sizeof *src);
    size_t n = 0;
    for (int i = 0; src && i < sd->n; i++)
        if (sd->status[i] >= from && sd->status[i] < to)
            src[n++] = sd->geom[i];
    return union_copies(ctx, src, n, false);
}

/* Whether side sd holds a feature of status below to with hash h. */
static bool holds(const fl_window_side *sd, int to, uint64_t h)
{
    for (int i = 0; i < sd->n; i++)
        if (sd->status[i] < to && sd->hash[i] == h)
            return true;
    return false;
}

bool fl_window_layer_same(const fl_window *w, int st)
{
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < w->side[side].n; i++)
            if (w->side[side].status[i] <= st && !holds(&w->side[!side], st + 1, w->side[side].hash[i]))
                return false;
    return true;
}

GEOSGeometry *fl_window_layer(fl_ctx *ctx, const fl_window *w, int side, int st)
{
    const fl_window_side *sd = &w->side[side];
    GEOSGeometry *drawn = side_union(ctx, sd, st, st + 1);
    if (!drawn || st == 0)
        return drawn;
    GEOSGeometry *above = side_union(ctx, sd, 0, st); /* earlier statuses win */
    GEOSGeometry *layer = above ? fl_difference(ctx, drawn, above) : NULL;
    GEOSGeom_destroy_r(ctx->geos, drawn);
    if (above)
        GEOSGeom_destroy_r(ctx->geos, above);
    return layer;
}

GEOSGeometry *fl_window_area(fl_ctx *ctx, const fl_window *w, int a, int b, bool *inside)
{
    const GEOSGeometry **src = fl_calloc(ctx, (size_t)w->nfaces + 1, sizeof *src);
    size_t n = 0;
    *inside = true;
    for (int i = 0; src && i < w->nfaces; i++)
        if (w->label[0][i] == a && w->label[1][i] == b) {
            src[n++] = GEOSGetGeometryN_r(ctx->geos, w->faces, i);
            *inside &= w->inside[i];
        }
    return union_copies(ctx, src, n, true);
}

static bool inside(const fl_window *w, double lon, double lat)
{
    return fl_bounds_overlap(w->core, (const double[4]){lon, lat, lon, lat});
}

/* The statuses in b of the points inside one window's core: a drawn layer's, else the
 * default status within the territory (a point on its border included), else none. */
static int window_status(fl_ctx *ctx, const fl_window *w, const fl_regions *r, size_t n,
                         const double *lat, const double *lon, int *status)
{
    for (size_t i = 0; i < n; i++) {
        if (!inside(w, lon[i], lat[i]))
            continue;
        GEOSGeometry *pt = fl_point(ctx, lon[i], lat[i]);
        if (!pt)
            return ctx->err;
        int st = side_status(ctx, &w->side[1], pt, lon[i], lat[i], false, w->uncovered);
        char in = st == w->uncovered ? GEOSPreparedIntersects_r(ctx->geos, r->territory_prep, pt)
                                     : 1;
        GEOSGeom_destroy_r(ctx->geos, pt);
        if (st == -2 || in == 2)
            return fl_geos_error(ctx, "locating a place in a window");
        status[i] = in ? st : FL_STATUS_NONE;
    }
    return FL_OK;
}

int fl_windows_status(fl_ctx *ctx, const fl_window *w, int nwin, const fl_regions *r, size_t n,
                      const double *lat, const double *lon, int *status)
{
    int rc = FL_OK;
    for (int i = 0; i < nwin && !rc; i++)
        rc = window_status(ctx, &w[i], r, n, lat, lon, status);
    return rc;
}
