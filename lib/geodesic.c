/* geodesic.c — areas and lengths on the WGS84 ellipsoid with PROJ's geodesic routines
 * (Karney's algorithms, as in GeographicLib): exact to round-off, whatever the size or
 * shape of the polygon, so no projection error enters the figures. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

/* Why areas densify edges. Input polygons have geodesic edges (that is how their area is
 * defined), but GEOS overlays treat an edge as a straight line in longitude/latitude, and a
 * split edge gets its new vertex on that line. Two steps keep the figures both geodesic and
 * additive (pieces of an overlay add up to what they were cut from):
 *  1. fl_densify, at load, inserts vertices along each geodesic edge every GEODESIC_STEP
 *     degrees at most (~5 km): a chord then departs from its geodesic by < 1 m.
 *  2. Here, edges are densified in longitude/latitude to MAX_STEP degrees before the
 *     geodesic area is taken, so that a chord split by an overlay contributes the same area
 *     whole or in pieces.
 * Areas then agree with the geodesic area of the polygon as drawn to ~1e-6, and the rows and
 * columns of a diff add up to 1e-6 (tests/test_realdata.c). */
#define MAX_STEP 0.02
#define GEODESIC_STEP 0.05

/* Adds the points of the edge (x0, y0) -> (x, y) after its start: the densified interior
 * points, then the end unless it is the ring's start (geod_polygon closes rings itself). */
static void add_edge(fl_ctx *ctx, struct geod_polygon *poly, double x0, double y0, double x,
                     double y, bool closing)
{
    double n = ceil(fmax(fabs(x - x0), fabs(y - y0)) / MAX_STEP);
    int steps = n >= 1 && n <= 1e6 ? (int)n : 1;
    for (int k = 1; k < steps; k++)
        geod_polygon_addpoint(&ctx->geod, poly, y0 + (y - y0) * k / steps,
                              x0 + (x - x0) * k / steps);
    if (!closing)
        geod_polygon_addpoint(&ctx->geod, poly, y, x);
}

/* Area of one ring, m², unsigned. */
static double ring_m2(fl_ctx *ctx, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n) || n < 4)
        return 0;
    struct geod_polygon poly;
    geod_polygon_init(&poly, 0);
    double x0, y0, x, y;
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x0, &y0);
    geod_polygon_addpoint(&ctx->geod, &poly, y0, x0);
    for (unsigned int i = 1; i < n; i++) { /* vertex n-1 repeats vertex 0 */
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
        add_edge(ctx, &poly, x0, y0, x, y, i == n - 1);
        x0 = x;
        y0 = y;
    }
    double area = 0;
    geod_polygon_compute(&ctx->geod, &poly, 0, 1, &area, NULL);
    return fabs(area);
}

static double polygon_m2(fl_ctx *ctx, const GEOSGeometry *poly)
{
    double a = ring_m2(ctx, GEOSGetExteriorRing_r(ctx->geos, poly));
    int holes = GEOSGetNumInteriorRings_r(ctx->geos, poly);
    for (int i = 0; i < holes; i++)
        a -= ring_m2(ctx, GEOSGetInteriorRingN_r(ctx->geos, poly, i));
    return a;
}

double fl_geom_km2(fl_ctx *ctx, const GEOSGeometry *g)
{
    if (!g || GEOSisEmpty_r(ctx->geos, g))
        return 0;
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_POLYGON)
        return polygon_m2(ctx, g) / 1e6;
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        double sum = 0;
        int k = GEOSGetNumGeometries_r(ctx->geos, g);
        for (int i = 0; i < k; i++)
            sum += fl_geom_km2(ctx, GEOSGetGeometryN_r(ctx->geos, g, i));
        return sum;
    }
    return 0; /* points and lines have no area */
}

static double line_m(fl_ctx *ctx, const GEOSGeometry *line)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, line);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n) || n < 2)
        return 0;
    double len = 0, x0, y0, x1, y1;
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x0, &y0);
    for (unsigned int i = 1; i < n; i++) {
        double s12 = 0;
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x1, &y1);
        geod_inverse(&ctx->geod, y0, x0, y1, x1, &s12, NULL, NULL);
        len += s12;
        x0 = x1;
        y0 = y1;
    }
    return len;
}

double fl_geom_length_km(fl_ctx *ctx, const GEOSGeometry *g)
{
    if (!g || GEOSisEmpty_r(ctx->geos, g))
        return 0;
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
        return line_m(ctx, g) / 1e3;
    if (type == GEOS_POLYGON) {
        double sum = line_m(ctx, GEOSGetExteriorRing_r(ctx->geos, g));
        int holes = GEOSGetNumInteriorRings_r(ctx->geos, g);
        for (int i = 0; i < holes; i++)
            sum += line_m(ctx, GEOSGetInteriorRingN_r(ctx->geos, g, i));
        return sum / 1e3;
    }
    double sum = 0;
    int k = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int i = 0; i < k && type >= GEOS_MULTIPOINT; i++)
        sum += fl_geom_length_km(ctx, GEOSGetGeometryN_r(ctx->geos, g, i));
    return sum;
}

/* Number of pieces an edge is cut into. An edge that is already short enough (give or take
 * rounding) is left whole, so densifying is idempotent: a layer written and read back keeps
 * its vertices. */
static int geodesic_steps(double x0, double y0, double x1, double y1)
{
    double n = fmax(fabs(x1 - x0), fabs(y1 - y0)) / GEODESIC_STEP;
    /* readers reject non-finite coordinates; a NaN here must still not size an array */
    return !(n > 1.01) ? 1 : n > 1e6 ? 1000000 : (int)ceil(n); /* geodesic points are equidistant in metres, not degrees */
}

/* Writes the interior points of the geodesic edge (x0, y0) -> (x1, y1) into out from index
 * k; returns the next index. The points are computed from the lesser endpoint, so that an
 * edge two polygons share, whichever way each runs, gets the very same points (otherwise
 * their union would keep a seam of zero width, and the frontline would follow it). */
static size_t add_geodesic_points(fl_ctx *ctx, GEOSCoordSequence *out, size_t k, double x0,
                                  double y0, double x1, double y1)
{
    int steps = geodesic_steps(x0, y0, x1, y1);
    if (steps <= 1)
        return k;
    bool reversed = x0 > x1 || (x0 == x1 && y0 > y1);
    struct geod_geodesicline line;
    if (reversed)
        geod_inverseline(&line, &ctx->geod, y1, x1, y0, x0, 0);
    else
        geod_inverseline(&line, &ctx->geod, y0, x0, y1, x1, 0);
    for (int s = 1; s < steps; s++) {
        double lat, lon;
        geod_position(&line, line.s13 * (reversed ? steps - s : s) / steps, &lat, &lon, NULL);
        GEOSCoordSeq_setXY_r(ctx->geos, out, (unsigned)k++, lon, lat);
    }
    return k;
}

/* Densifies one ring along its geodesic edges (vertices every GEODESIC_STEP degrees at most),
 * so that GEOS' straight longitude/latitude segments follow the geodesics. */
static GEOSGeometry *densify_ring(fl_ctx *ctx, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n) || n < 2)
        return GEOSGeom_clone_r(ctx->geos, ring);
    double *x = malloc(2 * (size_t)n * sizeof *x);
    if (!x)
        return NULL;
    double *y = x + n;
    GEOSCoordSeq_copyToArrays_r(ctx->geos, cs, x, y, NULL, NULL);
    size_t total = 1;
    for (unsigned int i = 1; i < n; i++)
        total += (size_t)geodesic_steps(x[i - 1], y[i - 1], x[i], y[i]);
    GEOSCoordSequence *out = GEOSCoordSeq_create_r(ctx->geos, (unsigned)total, 2);
    size_t k = 0;
    for (unsigned int i = 0; out && i < n; i++) {
        if (i > 0)
            k = add_geodesic_points(ctx, out, k, x[i - 1], y[i - 1], x[i], y[i]);
        GEOSCoordSeq_setXY_r(ctx->geos, out, (unsigned)k++, x[i], y[i]);
    }
    free(x);
    GEOSGeometry *g = out ? GEOSGeom_createLinearRing_r(ctx->geos, out) : NULL;
    if (!g)
        fl_geos_error(ctx, "densifying a ring");
    return g;
}

static GEOSGeometry *densify_polygon(fl_ctx *ctx, const GEOSGeometry *poly)
{
    int holes = GEOSGetNumInteriorRings_r(ctx->geos, poly);
    GEOSGeometry *shell = densify_ring(ctx, GEOSGetExteriorRing_r(ctx->geos, poly));
    GEOSGeometry **hole = fl_calloc(ctx, (size_t)(holes + 1), sizeof *hole);
    int made = 0;
    while (shell && hole && made < holes &&
           (hole[made] = densify_ring(ctx, GEOSGetInteriorRingN_r(ctx->geos, poly, made))))
        made++;
    GEOSGeometry *out = NULL;
    if (shell && hole && made == holes) /* takes shell and holes, even when it fails */
        out = GEOSGeom_createPolygon_r(ctx->geos, shell, hole, (unsigned)holes);
    else {
        if (shell)
            GEOSGeom_destroy_r(ctx->geos, shell);
        for (int i = 0; i < made; i++)
            GEOSGeom_destroy_r(ctx->geos, hole[i]);
    }
    free(hole);
    return out;
}

GEOSGeometry *fl_densify(fl_ctx *ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (GEOSisEmpty_r(ctx->geos, g))
        return GEOSGeom_clone_r(ctx->geos, g);
    if (type == GEOS_POLYGON)
        return densify_polygon(ctx, g);
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    GEOSGeometry **parts = fl_calloc(ctx, (size_t)n, sizeof *parts);
    int made = 0;
    while (parts && made < n && (parts[made] = densify_polygon(ctx, GEOSGetGeometryN_r(ctx->geos, g, made))))
        made++;
    GEOSGeometry *out = parts && made == n /* takes the parts, even when it fails */
        ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts, (unsigned)n) : NULL;
    if (!(parts && made == n))
        for (int i = 0; i < made; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
    free(parts);
    return out;
}
