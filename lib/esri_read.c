/* esri_read.c — Esri JSON, as an ArcGIS FeatureServer query answers with f=json:
 * {"geometryType", "spatialReference", "features": [{"attributes": {...}, "geometry": {...}}]}.
 * (f=geojson answers are GeoJSON and go through the GeoJSON reader.)
 *
 * A polygon is a flat list of "rings" whose orientation says what each is (the Esri JSON
 * geometry specification): a clockwise ring is an exterior, a counter-clockwise ring a hole
 * of the exterior that contains it, which precedes it. So each ring's signed area (shoelace,
 * in longitude/latitude: its sign is the orientation) opens a new polygon or is given to the
 * latest exterior before it that covers it; a hole no exterior before it covers is an error,
 * not a guess. Polylines ("paths") and points count as features without polygon, as does a
 * missing or null geometry. Only WGS84 longitude/latitude is
 * read: another spatial reference (e.g. Web Mercator, wkid 102100) is refused with the
 * outSR=4326 that gives WGS84. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct esri {
    fl_ctx *ctx;
    const char *path;
    size_t feature;
    int64_t vertices;
} esri;

static int bad(esri *e, int code, const char *why)
{
    return fl_error(e->ctx, code, "%s: feature %zu: %s", e->path, e->feature, why);
}

bool fl_esri_json(json_object *doc)
{
    json_object *features, *v;
    if (!json_object_is_type(doc, json_type_object) ||
        !json_object_object_get_ex(doc, "features", &features) ||
        !json_object_is_type(features, json_type_array))
        return false;
    json_object *first = json_object_array_get_idx(features, 0);
    return json_object_object_get_ex(doc, "geometryType", &v) ||
           json_object_object_get_ex(doc, "spatialReference", &v) ||
           (json_object_is_type(first, json_type_object) &&
            json_object_object_get_ex(first, "attributes", &v));
}

/* FL_OK when the document's spatial reference is WGS84 longitude/latitude (or not given). */
static int check_wgs84(fl_ctx *ctx, const char *path, json_object *doc)
{
    json_object *sr, *wkid;
    if (!json_object_object_get_ex(doc, "spatialReference", &sr) || !sr)
        return FL_OK;
    if (!json_object_object_get_ex(sr, "latestWkid", &wkid) &&
        !json_object_object_get_ex(sr, "wkid", &wkid))
        return fl_error(ctx, FL_EFORMAT, "%s: a spatialReference without wkid: only WGS84 "
                        "(4326) is read", path);
    int64_t code = json_object_get_int64(wkid);
    if (code != 4326)
        return fl_error(ctx, FL_EFORMAT, "%s: spatial reference wkid %lld is not WGS84 "
                        "longitude/latitude: query the FeatureServer with outSR=4326", path,
                        (long long)code);
    return FL_OK;
}

static bool is_number(json_object *v)
{
    return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
}

/* Point p as x, y: FL_OK, or the error (not [x, y] numbers, out of range, vertex limit). */
static int point_xy(esri *e, json_object *p, double *x, double *y)
{
    bool array = json_object_is_type(p, json_type_array); /* json-c asserts it */
    json_object *jx = array ? json_object_array_get_idx(p, 0) : NULL;
    json_object *jy = array ? json_object_array_get_idx(p, 1) : NULL;
    if (!is_number(jx) || !is_number(jy))
        return bad(e, FL_EGEOM, "a point is not [x, y] numbers");
    *x = json_object_get_double(jx);
    *y = json_object_get_double(jy);
    if (!(fabs(*x) <= 180 && fabs(*y) <= 90)) /* NaN too */
        return bad(e, FL_EGEOM, "a point is outside longitude ±180, latitude ±90");
    if (++e->vertices > e->ctx->limits[FL_LIMIT_VERTICES])
        return bad(e, FL_ELIMIT, "more vertices than the vertex limit");
    return FL_OK;
}

/* A ring's points as a GEOS sequence (closed, at least 4 points) and its signed area by the
 * shoelace formula (> 0: counter-clockwise). NULL with the error recorded. */
static GEOSCoordSequence *ring_points(esri *e, json_object *ring, double *signed_area)
{
    size_t n = json_object_is_type(ring, json_type_array) ? json_object_array_length(ring) : 0;
    if (n < 4) {
        bad(e, FL_EGEOM, "a ring has fewer than 4 points");
        return NULL;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(e->ctx->geos, (unsigned)n, 2);
    if (!cs) {
        fl_geos_error(e->ctx, "coordinate sequence");
        return NULL;
    }
    double x0 = 0, y0 = 0, px = 0, py = 0, x = 0, y = 0, twice = 0;
    for (size_t i = 0; i < n; i++) {
        if (point_xy(e, json_object_array_get_idx(ring, i), &x, &y)) {
            GEOSCoordSeq_destroy_r(e->ctx->geos, cs);
            return NULL;
        }
        if (i == 0) {
            x0 = x;
            y0 = y;
        }
        twice += px * y - x * py; /* 0 for the first point: px = py = 0 */
        px = x;
        py = y;
        GEOSCoordSeq_setXY_r(e->ctx->geos, cs, (unsigned)i, x, y);
    }
    if (px != x0 || py != y0) {
        bad(e, FL_EGEOM, "a ring is not closed (its last point differs from its first)");
        GEOSCoordSeq_destroy_r(e->ctx->geos, cs);
        return NULL;
    }
    *signed_area = twice / 2;
    return cs;
}

/* The polygons being built: each exterior with its holes. */
typedef struct shells {
    GEOSGeometry **shell;          /* exterior rings */
    const GEOSPreparedGeometry **prep; /* each exterior as a polygon, prepared */
    GEOSGeometry **area;           /* that polygon */
    GEOSGeometry ***holes;
    size_t *nholes, n;
} shells;

static void shells_free(fl_ctx *ctx, shells *s, bool rings_too)
{
    for (size_t i = 0; i < s->n; i++) {
        GEOSPreparedGeom_destroy_r(ctx->geos, s->prep[i]);
        GEOSGeom_destroy_r(ctx->geos, s->area[i]);
        for (size_t k = 0; rings_too && k < s->nholes[i]; k++)
            GEOSGeom_destroy_r(ctx->geos, s->holes[i][k]);
        if (rings_too)
            GEOSGeom_destroy_r(ctx->geos, s->shell[i]);
        free(s->holes[i]);
    }
    free(s->shell);
    free(s->prep);
    free(s->area);
    free(s->holes);
    free(s->nholes);
}

/* Adds an exterior ring (taken). */
static int add_shell(esri *e, shells *s, GEOSGeometry *ring)
{
    fl_ctx *ctx = e->ctx;
    size_t i = s->n;
    GEOSGeometry *copy = GEOSGeom_clone_r(ctx->geos, ring);
    GEOSGeometry *area = copy ? GEOSGeom_createPolygon_r(ctx->geos, copy, NULL, 0) : NULL;
    const GEOSPreparedGeometry *prep = area ? GEOSPrepare_r(ctx->geos, area) : NULL;
    if (!prep) {
        if (area)
            GEOSGeom_destroy_r(ctx->geos, area);
        GEOSGeom_destroy_r(ctx->geos, ring);
        return fl_geos_error(ctx, "an exterior ring");
    }
    s->n++; /* the arrays were grown to hold every ring */
    s->shell[i] = ring;
    s->area[i] = area;
    s->prep[i] = prep;
    s->holes[i] = NULL;
    s->nholes[i] = 0;
    return FL_OK;
}

/* Gives a hole (taken) to the latest exterior that covers it. */
static int add_hole(esri *e, shells *s, GEOSGeometry *ring, size_t k)
{
    fl_ctx *ctx = e->ctx;
    for (size_t i = s->n; i-- > 0;) {
        char covers = GEOSPreparedCovers_r(ctx->geos, s->prep[i], ring);
        if (covers == 2) {
            GEOSGeom_destroy_r(ctx->geos, ring);
            return fl_geos_error(ctx, "placing a hole");
        }
        if (!covers)
            continue;
        GEOSGeometry **h = fl_realloc(ctx, s->holes[i], s->nholes[i] + 1, sizeof *h);
        if (!h) {
            GEOSGeom_destroy_r(ctx->geos, ring);
            return FL_ENOMEM;
        }
        s->holes[i] = h;
        h[s->nholes[i]++] = ring;
        return FL_OK;
    }
    GEOSGeom_destroy_r(ctx->geos, ring);
    char why[160];
    snprintf(why, sizeof why, "ring %zu is counter-clockwise (a hole) but no clockwise "
             "(exterior) ring before it contains it", k);
    return bad(e, FL_EGEOM, why);
}

/* The polygons of the shells (their rings taken) as one MultiPolygon. */
static GEOSGeometry *shells_polygons(esri *e, shells *s)
{
    fl_ctx *ctx = e->ctx;
    GEOSGeometry **polys = fl_calloc(ctx, s->n + 1, sizeof *polys);
    size_t made = 0;
    for (; polys && made < s->n; made++) {
        polys[made] = GEOSGeom_createPolygon_r(ctx->geos, s->shell[made], s->holes[made],
                                               (unsigned)s->nholes[made]);
        s->shell[made] = NULL; /* GEOS took the rings, even on failure */
        s->nholes[made] = 0;
        if (!polys[made])
            break;
    }
    GEOSGeometry *out = NULL;
    if (polys && made == s->n)
        out = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, polys, (unsigned)made);
    else
        for (size_t i = 0; polys && i < made; i++)
            GEOSGeom_destroy_r(ctx->geos, polys[i]);
    if (polys && !out)
        fl_geos_error(ctx, "building a polygon");
    free(polys);
    return out;
}

/* "rings": the polygons their orientation makes. */
static GEOSGeometry *rings_geometry(esri *e, json_object *rings)
{
    fl_ctx *ctx = e->ctx;
    size_t n = json_object_is_type(rings, json_type_array) ? json_object_array_length(rings) : 0;
    if (!json_object_is_type(rings, json_type_array)) {
        bad(e, FL_EGEOM, "'rings' is not an array");
        return NULL;
    }
    shells s = {.shell = fl_calloc(ctx, n + 1, sizeof *s.shell),
                .prep = fl_calloc(ctx, n + 1, sizeof *s.prep),
                .area = fl_calloc(ctx, n + 1, sizeof *s.area),
                .holes = fl_calloc(ctx, n + 1, sizeof *s.holes),
                .nholes = fl_calloc(ctx, n + 1, sizeof *s.nholes)};
    int rc = s.shell && s.prep && s.area && s.holes && s.nholes ? FL_OK : FL_ENOMEM;
    for (size_t k = 0; k < n && !rc; k++) {
        double a = 0;
        GEOSCoordSequence *cs = ring_points(e, json_object_array_get_idx(rings, k), &a);
        GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(ctx->geos, cs) : NULL;
        if (!ring)
            rc = cs ? fl_geos_error(ctx, "a ring") : ctx->err;
        else if (a == 0)
            GEOSGeom_destroy_r(ctx->geos, ring); /* no area: neither exterior nor hole */
        else
            rc = a < 0 ? add_shell(e, &s, ring) : add_hole(e, &s, ring, k);
    }
    GEOSGeometry *g = rc ? NULL : s.n ? shells_polygons(e, &s) : fl_empty_polygon(ctx);
    shells_free(ctx, &s, true);
    return g;
}

/* "x"/"y": a point. */
static GEOSGeometry *other_geometry(esri *e, json_object *g)
{
    fl_ctx *ctx = e->ctx;
    json_object *x, *y;
    if (json_object_object_get_ex(g, "x", &x) && json_object_object_get_ex(g, "y", &y)) {
        double lon = json_object_get_double(x), lat = json_object_get_double(y);
        if (!(fabs(lon) <= 180 && fabs(lat) <= 90)) {
            bad(e, FL_EGEOM, "a point is outside longitude ±180, latitude ±90");
            return NULL;
        }
        return fl_point(ctx, lon, lat);
    }
    bad(e, FL_EFORMAT, "a geometry with neither 'rings', 'paths' nor 'x'/'y'");
    return NULL;
}

static int esri_feature(esri *e, json_object *f, fl_features *fs)
{
    json_object *attrs = NULL, *geom = NULL, *rings, *paths;
    if (!json_object_is_type(f, json_type_object))
        return bad(e, FL_EFORMAT, "not an object");
    json_object_object_get_ex(f, "attributes", &attrs);
    json_object_object_get_ex(f, "geometry", &geom);
    if (attrs && !json_object_is_type(attrs, json_type_object))
        return bad(e, FL_EFORMAT, "'attributes' is neither an object nor null");
    if (geom && !json_object_is_type(geom, json_type_object))
        return bad(e, FL_EFORMAT, "'geometry' is neither an object nor null");
    GEOSGeometry *g = NULL;
    if (geom && json_object_object_get_ex(geom, "rings", &rings))
        g = rings_geometry(e, rings);
    else if (geom && (json_object_object_get_ex(geom, "paths", &paths) ||
                      json_object_object_get_ex(geom, "points", &paths)))
        g = fl_empty_polygon(e->ctx); /* a polyline or points: no polygon (counted as such) */
    else if (geom && json_object_object_length(geom) > 0)
        g = other_geometry(e, geom);
    if (geom && json_object_object_length(geom) > 0 && !g)
        return e->ctx->err ? e->ctx->err : FL_ENOMEM;
    json_object *p = attrs ? json_object_get(attrs) : json_object_new_object();
    return fl_features_push(e->ctx, fs, p, g);
}

int fl_esri_read(fl_ctx *ctx, const char *path, json_object *doc, fl_features *fs)
{
    json_object *features;
    json_object_object_get_ex(doc, "features", &features);
    size_t n = json_object_array_length(features);
    int rc = check_wgs84(ctx, path, doc);
    if (!rc && n > (size_t)ctx->limits[FL_LIMIT_FEATURES])
        rc = fl_error(ctx, FL_ELIMIT, "%s: %zu features exceed the feature limit of %lld",
                      path, n, (long long)ctx->limits[FL_LIMIT_FEATURES]);
    esri e = {.ctx = ctx, .path = path};
    for (size_t i = 0; i < n && !rc; i++) {
        e.feature = i;
        rc = esri_feature(&e, json_object_array_get_idx(features, i), fs);
    }
    return rc;
}
