/* geodesic.c — areas and lengths on the WGS84 ellipsoid with PROJ's geodesic routines
 * (Karney's algorithms, as in GeographicLib): exact to round-off, whatever the size or
 * shape of the polygon, so no projection error enters the figures. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

/* Signed-agnostic area of one ring, m². geod_polygonarea closes the ring itself, so the
 * repeated closing vertex is left out. */
static double ring_m2(fl_ctx *ctx, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n) || n < 4)
        return 0;
    double *x = malloc(2 * (size_t)n * sizeof *x);
    if (!x)
        return NAN;
    double *y = x + n;
    double area = 0;
    if (GEOSCoordSeq_copyToArrays_r(ctx->geos, cs, x, y, NULL, NULL))
        geod_polygonarea(&ctx->geod, y, x, (int)n - 1, &area, NULL);
    free(x);
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
