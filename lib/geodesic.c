/* geodesic.c — areas and lengths on the WGS84 ellipsoid with PROJ's geodesic routines
 * (Karney's algorithms, as in GeographicLib): exact to round-off, whatever the size or
 * shape of the polygon, so no projection error enters the figures. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

/* GEOS computes overlays in longitude/latitude, where an edge is a straight line in those
 * coordinates and a split edge gets a new vertex on that line. A geodesic edge between the
 * same two vertices bulges away from it (by ~9 m on a 20 km edge at 48° N), so the geodesic
 * areas of two pieces would not add up to the area of the polygon they were cut from (by
 * ~0.1 km² per long edge). Edges are therefore densified in longitude/latitude to at most
 * MAX_STEP degrees before the geodesic area is taken: then pieces add up to the whole to
 * ~1e-9, and the area differs from the undensified geodesic area only where edges are long. */
#define MAX_STEP 0.005

/* Adds the points of the edge (x0, y0) -> (x, y) after its start: the densified interior
 * points, then the end unless it is the ring's start (geod_polygon closes rings itself). */
static void add_edge(fl_ctx *ctx, struct geod_polygon *poly, double x0, double y0, double x,
                     double y, bool closing)
{
    int steps = (int)ceil(fmax(fabs(x - x0), fabs(y - y0)) / MAX_STEP);
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
