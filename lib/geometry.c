/* geometry.c — GEOS helpers shared by the readers and the analyses: polygonal parts,
 * repair, unions and overlays that skip work when envelopes cannot meet. */
#include "internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

GEOSGeometry *fl_rectangle(fl_ctx *ctx, const double b[4])
{
    GEOSGeometry *g = GEOSGeom_createRectangle_r(ctx->geos, b[0], b[1], b[2], b[3]);
    if (!g)
        fl_geos_error(ctx, "creating a rectangle");
    return g;
}

GEOSGeometry *fl_empty_polygon(fl_ctx *ctx)
{
    GEOSGeometry *g = GEOSGeom_createEmptyPolygon_r(ctx->geos);
    if (!g)
        fl_geos_error(ctx, "creating an empty polygon");
    return g;
}

/* Appends clones of every polygon inside g (whatever the nesting) to *parts. */
static int collect_polygons(fl_ctx *ctx, const GEOSGeometry *g, GEOSGeometry ***parts,
                            size_t *n, size_t *cap)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx->geos, g))
            return FL_OK;
        GEOSGeometry **p = fl_grow(ctx, *parts, cap, *n + 1, sizeof *p);
        if (!p)
            return FL_ENOMEM;
        *parts = p;
        GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, g);
        if (!c)
            return fl_geos_error(ctx, "copying a polygon");
        (*parts)[(*n)++] = c;
        return FL_OK;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx->geos, g);
        for (int i = 0; i < k; i++) {
            int rc = collect_polygons(ctx, GEOSGetGeometryN_r(ctx->geos, g, i), parts, n, cap);
            if (rc)
                return rc;
        }
    }
    return FL_OK;
}

/* A MultiPolygon (or a lone Polygon) of the polygons inside g. */
static GEOSGeometry *polygons_of(fl_ctx *ctx, const GEOSGeometry *g)
{
    GEOSGeometry **parts = NULL;
    size_t n = 0, cap = 0;
    if (collect_polygons(ctx, g, &parts, &n, &cap)) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
        free(parts);
        return NULL;
    }
    GEOSGeometry *out;
    if (n == 0)
        out = fl_empty_polygon(ctx);
    else if (n == 1)
        out = parts[0];
    else if (!(out = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts,
                                                 (unsigned)n)))
        fl_geos_error(ctx, "building a multipolygon"); /* GEOS took the parts, even so */
    free(parts);
    return out;
}

GEOSGeometry *fl_polygonal(fl_ctx *ctx, const GEOSGeometry *g, bool geodesic, bool *repaired)
{
    *repaired = false;
    GEOSGeometry *poly = polygons_of(ctx, g);
    if (poly && geodesic && !GEOSisEmpty_r(ctx->geos, poly)) {
        GEOSGeometry *raw = poly; /* edges follow geodesics: see geodesic.c */
        poly = fl_densify(ctx, raw);
        GEOSGeom_destroy_r(ctx->geos, raw);
    }
    if (!poly || GEOSisEmpty_r(ctx->geos, poly))
        return poly;
    char valid = GEOSisValid_r(ctx->geos, poly);
    if (valid == 1)
        return poly;
    if (valid == 2) { /* GEOS failed (out of memory): not a reason to call it repaired */
        GEOSGeom_destroy_r(ctx->geos, poly);
        fl_geos_error(ctx, "checking a polygon's validity");
        return NULL;
    }
    /* Self-intersections, overlapping parts, bow-ties: repair, never drop; unless the repair
     * would cost too much (crossings.c). */
    if (fl_repair_budget(ctx, poly)) {
        GEOSGeom_destroy_r(ctx->geos, poly);
        return NULL;
    }
    GEOSGeometry *fixed = GEOSMakeValid_r(ctx->geos, poly);
    GEOSGeom_destroy_r(ctx->geos, poly);
    if (!fixed) {
        fl_geos_error(ctx, "repairing an invalid polygon");
        return NULL;
    }
    *repaired = true;
    GEOSGeometry *out = polygons_of(ctx, fixed); /* make-valid may add lines or points */
    GEOSGeom_destroy_r(ctx->geos, fixed);
    return out;
}

int fl_line_coords(fl_ctx *ctx, const GEOSGeometry *line, double **xy, size_t *cap,
                   unsigned int *n)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, line);
    *n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, n))
        return fl_geos_error(ctx, "reading coordinates");
    if (2 * (size_t)*n > *cap) {
        double *v = fl_realloc(ctx, *xy, 2 * (size_t)*n, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        *xy = v;
        *cap = 2 * (size_t)*n;
    }
    if (*n && !GEOSCoordSeq_copyToBuffer_r(ctx->geos, cs, *xy, 0, 0))
        return fl_geos_error(ctx, "reading coordinates");
    return FL_OK;
}

int fl_each_ring(fl_ctx *ctx, const GEOSGeometry *g, fl_ring_fn fn, void *data)
{
    int np = GEOSGetNumGeometries_r(ctx->geos, g), rc = 0;
    for (int i = 0; i < np && !rc; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSGeomTypeId_r(ctx->geos, p) != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, p))
            continue;
        int holes = GEOSGetNumInteriorRings_r(ctx->geos, p);
        rc = fn(ctx, GEOSGetExteriorRing_r(ctx->geos, p), data);
        for (int k = 0; k < holes && !rc; k++)
            rc = fn(ctx, GEOSGetInteriorRingN_r(ctx->geos, p, k), data);
    }
    return rc;
}

GEOSGeometry *fl_collect(fl_ctx *ctx, GEOSGeometry **gs, size_t n)
{
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, gs,
                                                     (unsigned)n);
    if (!coll) /* GEOS took gs, even on failure: destroying them again crashed */
        fl_geos_error(ctx, "collecting geometries");
    return coll;
}

GEOSGeometry *fl_union_all(fl_ctx *ctx, GEOSGeometry **gs, size_t n)
{
    if (n == 0)
        return fl_empty_polygon(ctx);
    int type = n == 1 ? GEOSGeomTypeId_r(ctx->geos, gs[0]) : -1;
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
        return gs[0]; /* valid (as every polygon here is): its own union */
    GEOSGeometry *coll = fl_collect(ctx, gs, n);
    if (!coll)
        return NULL;
    GEOSGeometry *u = fl_unary_union(ctx, coll);
    GEOSGeom_destroy_r(ctx->geos, coll);
    return u;
}

/* GEOS' unary union splits its input into polygons and unions them in a cascade, log2(n)
 * overlays of every segment for n polygons; a tree over whole geometries takes log2(n) for n
 * geometries. The shipped water (3 features, 5,271 polygons): 0.47 s against 0.12 s. */
GEOSGeometry *fl_union_tree(fl_ctx *ctx, GEOSGeometry **gs, size_t n)
{
    assert(n > 0);
    if (n == 1)
        return gs[0];
    size_t half = n / 2;
    GEOSGeometry *a = fl_union_tree(ctx, gs, half);
    GEOSGeometry *b = fl_union_tree(ctx, gs + half, n - half);
    GEOSGeometry *u = a && b ? fl_union(ctx, a, b) : NULL;
    if (a)
        GEOSGeom_destroy_r(ctx->geos, a);
    if (b)
        GEOSGeom_destroy_r(ctx->geos, b);
    return u;
}

GEOSGeometry *fl_coverage_union(fl_ctx *ctx, GEOSGeometry **gs, size_t n)
{
    if (n == 0)
        return fl_empty_polygon(ctx);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, gs,
                                                     (unsigned)n);
    if (!coll) { /* GEOS took gs, even on failure */
        fl_geos_error(ctx, "collecting polygons");
        return NULL;
    }
    GEOSGeometry *u = GEOSCoverageUnion_r(ctx->geos, coll);
    u = u ? fl_keep_polygons(ctx, u) : fl_unary_union(ctx, coll); /* not a clean coverage */
    GEOSGeom_destroy_r(ctx->geos, coll);
    return u;
}

GEOSGeometry *fl_unary_union(fl_ctx *ctx, const GEOSGeometry *coll)
{
    GEOSGeometry *u = GEOSUnaryUnion_r(ctx->geos, coll);
    if (!u)
        fl_geos_error(ctx, "union of polygons");
    return fl_keep_polygons(ctx, u);
}

GEOSGeometry *fl_keep_polygons(fl_ctx *ctx, GEOSGeometry *g)
{
    if (!g)
        return NULL;
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
        return g;
    GEOSGeometry *out = polygons_of(ctx, g);
    GEOSGeom_destroy_r(ctx->geos, g);
    return out;
}

void fl_destroy_all(fl_ctx *ctx, GEOSGeometry **g, size_t n)
{
    for (size_t i = 0; g && i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(ctx->geos, g[i]);
    free(g);
}

uint64_t fl_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}

uint64_t fl_geom_hash(fl_ctx *ctx, const GEOSGeometry *g, uint64_t h)
{
    GEOSContextHandle_t x = ctx->geos;
    int type = GEOSGeomTypeId_r(x, g), n = 0;
    h = fl_hash_bytes(h, &type, sizeof type);
    if (type == GEOS_POINT || type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        const GEOSCoordSequence *cs = GEOSisEmpty_r(x, g) ? NULL : GEOSGeom_getCoordSeq_r(x, g);
        unsigned int m = 0;
        if (cs)
            GEOSCoordSeq_getSize_r(x, cs, &m);
        for (unsigned int i = 0; i < m; i++) {
            double xy[2];
            GEOSCoordSeq_getXY_r(x, cs, i, &xy[0], &xy[1]);
            h = fl_hash_bytes(h, xy, sizeof xy);
        }
        return fl_hash_bytes(h, &m, sizeof m);
    }
    if (type == GEOS_POLYGON) {
        n = GEOSisEmpty_r(x, g) ? 0 : 1 + GEOSGetNumInteriorRings_r(x, g);
        for (int k = 0; k < n; k++)
            h = fl_geom_hash(ctx, k ? GEOSGetInteriorRingN_r(x, g, k - 1)
                                    : GEOSGetExteriorRing_r(x, g), h);
        return fl_hash_bytes(h, &n, sizeof n);
    }
    n = GEOSGetNumGeometries_r(x, g);
    for (int i = 0; i < n; i++)
        h = fl_geom_hash(ctx, GEOSGetGeometryN_r(x, g, i), h);
    return fl_hash_bytes(h, &n, sizeof n);
}

uint64_t fl_polygon_hash(fl_ctx *ctx, const GEOSGeometry *g, int status)
{
    return fl_geom_hash(ctx, g, fl_hash_bytes(FL_HASH_SEED, &status, sizeof status));
}

void fl_geom_bounds(fl_ctx *ctx, const GEOSGeometry *g, double bbox[4])
{
    bbox[0] = bbox[1] = bbox[2] = bbox[3] = 0;
    if (!g || GEOSisEmpty_r(ctx->geos, g))
        return;
    GEOSGeom_getXMin_r(ctx->geos, g, &bbox[0]);
    GEOSGeom_getYMin_r(ctx->geos, g, &bbox[1]);
    GEOSGeom_getXMax_r(ctx->geos, g, &bbox[2]);
    GEOSGeom_getYMax_r(ctx->geos, g, &bbox[3]);
}

bool fl_bounds_overlap(const double a[4], const double b[4])
{
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/* Empty operands or disjoint envelopes make an overlay trivial: skip GEOS' noding. */
static bool disjoint(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b)
{
    if (GEOSisEmpty_r(ctx->geos, a) || GEOSisEmpty_r(ctx->geos, b))
        return true;
    double ba[4], bb[4];
    fl_geom_bounds(ctx, a, ba);
    fl_geom_bounds(ctx, b, bb);
    return !fl_bounds_overlap(ba, bb);
}

GEOSGeometry *fl_intersection(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b)
{
    if (disjoint(ctx, a, b))
        return fl_empty_polygon(ctx);
    GEOSGeometry *g = GEOSIntersection_r(ctx->geos, a, b);
    if (!g)
        fl_geos_error(ctx, "intersection");
    return fl_keep_polygons(ctx, g);
}

/* Whether ring coordinates xy[0 .. n) put a vertex on one of the lines of rectangle b's edges
 * or run an edge through one of its corners: the cases where GEOS 3.11's rectangle clip was
 * seen to return an invalid polygon, or a valid one of the wrong area (tests/
 * test_conservation.c makes them on a grid). */
static bool clip_degenerate(GEOSContextHandle_t h, const double *xy, unsigned n, const double b[4])
{
    for (unsigned i = 0; i < n; i++) {
        const double *p = xy + 2 * i, *q = xy + 2 * (i + 1 < n ? i + 1 : i);
        if (p[0] == b[0] || p[0] == b[2] || p[1] == b[1] || p[1] == b[3])
            return true;
        /* a corner within the edge's bounds: the edge spans a corner's x and its y */
        bool by_x = (p[0] < b[0]) != (q[0] < b[0]) || (p[0] < b[2]) != (q[0] < b[2]);
        if (!by_x || ((p[1] < b[1]) == (q[1] < b[1]) && (p[1] < b[3]) == (q[1] < b[3])))
            continue;
        for (int k = 0; k < 4; k++) {
            double cx = b[k & 1 ? 2 : 0], cy = b[k & 2 ? 3 : 1];
            if (GEOSOrientationIndex_r(h, p[0], p[1], q[0], q[1], cx, cy) == 0)
                return true;
        }
    }
    return false;
}

typedef struct clip_check {
    const double *b; /* the rectangle */
    double *xy;      /* one ring's coordinates (fl_line_coords) */
    size_t cap;
} clip_check;

/* Non-zero when ring is degenerate in the rectangle, or its coordinates cannot be read. */
static int ring_unsafe(fl_ctx *ctx, const GEOSGeometry *ring, void *data)
{
    clip_check *c = data;
    unsigned n;
    return fl_line_coords(ctx, ring, &c->xy, &c->cap, &n) ||
           clip_degenerate(ctx->geos, c->xy, n, c->b);
}

/* Whether GEOS' rectangle clip can be trusted with polygonal g in rectangle b: no ring of it
 * is degenerate there (see clip_degenerate). */
static bool clip_safe(fl_ctx *ctx, const GEOSGeometry *g, const double b[4])
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON)
        return false;
    clip_check c = {b, NULL, 0};
    bool safe = !fl_each_ring(ctx, g, ring_unsafe, &c);
    free(c.xy);
    return safe;
}

GEOSGeometry *fl_clip(fl_ctx *ctx, const GEOSGeometry *g, const double b[4])
{
    GEOSGeometry *c = clip_safe(ctx, g, b)
                          ? GEOSClipByRect_r(ctx->geos, g, b[0], b[1], b[2], b[3]) : NULL;
    if (c && GEOSisValid_r(ctx->geos, c) == 1)
        return fl_keep_polygons(ctx, c);
    if (c)
        GEOSGeom_destroy_r(ctx->geos, c);
    GEOSGeometry *rect = fl_rectangle(ctx, b);
    GEOSGeometry *x = rect ? fl_intersection(ctx, g, rect) : NULL;
    if (rect)
        GEOSGeom_destroy_r(ctx->geos, rect);
    return x;
}

GEOSGeometry *fl_clip_around(fl_ctx *ctx, const GEOSGeometry *g, const double bbox[4],
                             double margin)
{
    const double b[4] = {bbox[0] - margin, bbox[1] - margin, bbox[2] + margin, bbox[3] + margin};
    return fl_clip(ctx, g, b);
}

GEOSGeometry *fl_difference(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b)
{
    GEOSGeometry *g;
    if (disjoint(ctx, a, b))
        g = GEOSGeom_clone_r(ctx->geos, a);
    else
        g = GEOSDifference_r(ctx->geos, a, b);
    if (!g)
        fl_geos_error(ctx, "difference");
    return fl_keep_polygons(ctx, g);
}

GEOSGeometry *fl_union(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b)
{
    GEOSGeometry *g = GEOSUnion_r(ctx->geos, a, b);
    if (!g)
        fl_geos_error(ctx, "union");
    return fl_keep_polygons(ctx, g);
}

GEOSGeometry *fl_point(fl_ctx *ctx, double lon, double lat)
{
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, lon, lat);
    if (!p)
        fl_geos_error(ctx, "creating a point");
    return p;
}

int fl_inner_point(fl_ctx *ctx, const GEOSGeometry *g, double *lat, double *lon)
{
    if (!g || GEOSisEmpty_r(ctx->geos, g))
        return FL_OK;
    GEOSGeometry *p = GEOSPointOnSurface_r(ctx->geos, g);
    bool ok = p && GEOSGeomGetX_r(ctx->geos, p, lon) && GEOSGeomGetY_r(ctx->geos, p, lat);
    if (p)
        GEOSGeom_destroy_r(ctx->geos, p);
    return ok ? FL_OK : fl_geos_error(ctx, "finding a point inside a piece");
}
