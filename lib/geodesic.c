/* geodesic.c — areas and lengths on the WGS84 ellipsoid, with no map projection between the
 * data and the figures. Lengths are geodesic, by PROJ's geodesic routines (Karney's
 * algorithms, as in GeographicLib). Areas integrate the ellipsoid's area element exactly
 * under each edge taken as GEOS takes it, a straight line in longitude/latitude (the edge
 * model below): so the pieces an overlay cuts add up to what they were cut from, and after
 * fl_densify the area agrees with the geodesic area of the polygon to ~1e-5. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Edge model. Input polygons have geodesic edges (that is how their area is defined), but
 * GEOS overlays treat an edge as a straight line in longitude/latitude, and a split edge gets
 * its new vertex on that line. So:
 *  1. fl_densify, at load, inserts vertices along each geodesic edge every GEODESIC_STEP
 *     degrees at most (~5 km): a chord then departs from its geodesic by < 1 m.
 *  2. Areas take every edge as what GEOS makes of it, a straight line in longitude/latitude,
 *     and integrate the ellipsoid's area element exactly under it (ring_m2). A chord split by
 *     an overlay then contributes the same area whole or in pieces, so pieces add up to what
 *     they were cut from to round-off (area(A) = area(A∩B) + area(A−B), tests/test_realdata.c).
 * Areas agree with the geodesic area of the polygon as drawn to ~1e-5 (the chords of step 1),
 * and exactly with the closed form of a quadrangle bounded by meridians and parallels. */
#define GEODESIC_STEP 0.05

/* Area between the equator and latitude phi per radian of longitude on the ellipsoid, m²:
 * G(phi) = a²(1-e²) [u / (2(1 - e²u²)) + atanh(e u) / (2e)], u = sin phi, the integral of
 * the area element M N cos phi dphi (M, N the radii of curvature). */
static double band_m2(const struct geod_geodesic *g, double phi)
{
    double e2 = g->f * (2 - g->f), e = sqrt(e2), u = sin(phi);
    return g->a * g->a * (1 - e2) * (u / (2 * (1 - e2 * u * u)) + atanh(e * u) / (2 * e));
}

/* Integral of G(phi) dlambda along the straight edge (lon0, lat0) -> (lon1, lat1), degrees,
 * where phi is linear in lambda: Δλ times the mean of G along the edge by 3-point
 * Gauss-Legendre on pieces of at most 1° of latitude (G is smooth: the error is below 1e-11
 * relative even for 1° pieces). */
static double edge_m2(const struct geod_geodesic *g, double lon0, double lat0, double lon1,
                      double lat1)
{
    static const double node[3] = {0.11270166537925831, 0.5, 0.88729833462074169};
    static const double weight[3] = {5.0 / 18, 8.0 / 18, 5.0 / 18};
    double dlon = lon1 - lon0;
    if (dlon == 0)
        return 0;
    double span = fabs(lat1 - lat0), n = span > 1 ? ceil(span) : 1, mean = 0;
    int pieces = n < 1e6 ? (int)n : 1000000;
    for (int p = 0; p < pieces; p++)
        for (int k = 0; k < 3; k++) {
            double t = (p + node[k]) / pieces;
            mean += weight[k] * band_m2(g, (lat0 + (lat1 - lat0) * t) * (M_PI / 180));
        }
    return mean / pieces * dlon * (M_PI / 180);
}

/* Area of one ring, m², unsigned: the closed integral of G dλ (Green's theorem). */
static double ring_m2(fl_ctx *ctx, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n) || n < 4)
        return 0;
    double x0, y0, x, y, sum = 0;
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x0, &y0);
    for (unsigned int i = 1; i < n; i++) { /* vertex n-1 repeats vertex 0 */
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
        sum += edge_m2(&ctx->geod, x0, y0, x, y);
        x0 = x;
        y0 = y;
    }
    return fabs(sum);
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
    double *x = fl_malloc(ctx, 2 * (size_t)n * sizeof *x); /* records the error */
    if (!x)
        return NULL;
    double *y = x + n;
    GEOSCoordSeq_copyToArrays_r(ctx->geos, cs, x, y, NULL, NULL);
    /* An edge is the geodesic between its ends, taken the way its longitudes go (they are
     * within ±180): one spanning more than 180° of longitude would be the geodesic the other
     * way round, across the antimeridian, and the ring would cross itself all over. Refused. */
    for (unsigned int i = 1; i < n; i++)
        if (fabs(x[i] - x[i - 1]) > 180) {
            fl_error(ctx, FL_EGEOM, "the edge from (%g, %g) to (%g, %g) spans more than 180° "
                     "of longitude: an edge is the geodesic between its ends, which would go "
                     "the other way round the Earth", x[i - 1], y[i - 1], x[i], y[i]);
            free(x);
            return NULL;
        }
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

/* The same transformation as proj_create_crs_to_crs from EPSG:4326 to this laea CRS,
 * normalised for visualisation, written out: PROJ then needs no look-up in proj.db (that
 * took 49 M instructions, as much as a diff of two consecutive snapshots). */
PJ *fl_laea(fl_ctx *ctx, double lon0, double lat0)
{
    char def[200];
    snprintf(def, sizeof def, "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
             "+step +proj=laea +lat_0=%.4f +lon_0=%.4f +x_0=0 +y_0=0 +ellps=WGS84", lat0, lon0);
    return proj_create(ctx->proj, def);
}

typedef struct projection {
    PJ *pj; /* WGS84 lon/lat <-> metres */
    PJ_DIRECTION dir;
} projection;

static int transform_xy(double *x, double *y, void *userdata)
{
    const projection *p = userdata;
    PJ_COORD c = proj_trans(p->pj, p->dir, proj_coord(*x, *y, 0, 0));
    *x = c.xy.x;
    *y = c.xy.y;
    return *x != HUGE_VAL && *y != HUGE_VAL;
}

GEOSGeometry *fl_transform(fl_ctx *ctx, const GEOSGeometry *g, PJ *pj, PJ_DIRECTION dir)
{
    projection p = {pj, dir};
    GEOSGeometry *out = GEOSGeom_transformXY_r(ctx->geos, g, transform_xy, &p);
    if (!out)
        fl_proj_error(ctx, "projecting a geometry");
    return out;
}
