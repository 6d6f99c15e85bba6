/* geojson_write.c — features and result layers out as GeoJSON (RFC 7946), properties by
 * json-c, geometries by the writer below.
 *
 * GEOS' GeoJSON writer (3.11) prints 17 significant digits ("48.099999999999994") and keeps
 * each ring's orientation as it comes out of the overlay (exteriors clockwise). RFC 7946
 * asks for exterior rings counter-clockwise and holes clockwise (section 3.1.6), and says
 * that 6 decimals are about 10 cm (section 11.2); so geometries are written here, walking
 * GEOS' coordinate sequences: every coordinate with at most 7 decimals (about 1 cm, well
 * under the maps' own resolution; trailing zeros dropped), every ring turned the RFC's way.
 * A polygon read back is the same polygon (orientation is not part of its meaning).
 *
 * One writer serves both sinks: a file (written under a temporary name and renamed into
 * place, output.c) and memory (open_memstream, for the fl_*_geojson calls that hand the text
 * to bindings), so the two cannot drift apart. */
#include "internal.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COORD_DECIMALS 7

/* v with at most COORD_DECIMALS decimals, trailing zeros and "-0" dropped. */
static void put_coord(FILE *f, double v)
{
    char s[400]; /* %.7f of DBL_MAX is 317 characters */
    assert(isfinite(v)); /* readers refuse NaN and infinities */
    int n = snprintf(s, sizeof s, "%.*f", COORD_DECIMALS, v);
    while (n > 1 && s[n - 1] == '0')
        n--;
    if (s[n - 1] == '.')
        n--;
    s[n] = '\0';
    fputs(strcmp(s, "-0") ? s : "0", f);
}

/* A coordinate sequence as [[x,y],...]; reversed when reverse is set. */
static int put_seq(fl_ctx *ctx, FILE *f, const GEOSCoordSequence *seq, bool reverse)
{
    unsigned n;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n))
        return fl_geos_error(ctx, "reading coordinates to write");
    fputc('[', f);
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(ctx->geos, seq, reverse ? n - 1 - i : i, &x, &y))
            return fl_geos_error(ctx, "reading coordinates to write");
        fputs(i ? ",[" : "[", f);
        put_coord(f, x);
        fputc(',', f);
        put_coord(f, y);
        fputc(']', f);
    }
    fputc(']', f);
    return FL_OK;
}

/* A ring, counter-clockwise when ccw is set, else clockwise. */
static int put_ring(fl_ctx *ctx, FILE *f, const GEOSGeometry *ring, bool ccw)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    char is_ccw = 0;
    unsigned n = 0;
    if (seq && GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) && n >= 4 &&
        !GEOSCoordSeq_isCCW_r(ctx->geos, seq, &is_ccw))
        return fl_geos_error(ctx, "ring orientation");
    return put_seq(ctx, f, seq, n >= 4 && (is_ccw != 0) != ccw);
}

static int put_polygon(fl_ctx *ctx, FILE *f, const GEOSGeometry *g)
{
    if (GEOSisEmpty_r(ctx->geos, g) == 1) {
        fputs("[]", f);
        return FL_OK;
    }
    int holes = GEOSGetNumInteriorRings_r(ctx->geos, g);
    fputc('[', f);
    int rc = put_ring(ctx, f, GEOSGetExteriorRing_r(ctx->geos, g), true);
    for (int i = 0; i < holes && !rc; i++) {
        fputc(',', f);
        rc = put_ring(ctx, f, GEOSGetInteriorRingN_r(ctx->geos, g, i), false);
    }
    fputc(']', f);
    return rc;
}

/* The "coordinates" of a non-collection geometry. */
static int put_coordinates(fl_ctx *ctx, FILE *f, const GEOSGeometry *g, int type)
{
    if (type == GEOS_POLYGON)
        return put_polygon(ctx, f, g);
    if (type == GEOS_POINT) {
        double x, y;
        if (GEOSisEmpty_r(ctx->geos, g) == 1) {
            fputs("[]", f);
            return FL_OK;
        }
        if (!GEOSGeomGetX_r(ctx->geos, g, &x) || !GEOSGeomGetY_r(ctx->geos, g, &y))
            return fl_geos_error(ctx, "reading a point to write");
        fputc('[', f);
        put_coord(f, x);
        fputc(',', f);
        put_coord(f, y);
        fputc(']', f);
        return FL_OK;
    }
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
        return put_seq(ctx, f, GEOSGeom_getCoordSeq_r(ctx->geos, g), false);
    /* Multi*: an array of the parts' coordinates */
    int n = GEOSGetNumGeometries_r(ctx->geos, g), rc = FL_OK;
    fputc('[', f);
    for (int i = 0; i < n && !rc; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (i)
            fputc(',', f);
        rc = put_coordinates(ctx, f, part, GEOSGeomTypeId_r(ctx->geos, part));
    }
    fputc(']', f);
    return rc;
}

static int put_geometry(fl_ctx *ctx, FILE *f, const GEOSGeometry *g)
{
    static const char *const names[] = {"Point",      "LineString",      "LineString",
                                        "Polygon",    "MultiPoint",      "MultiLineString",
                                        "MultiPolygon", "GeometryCollection"};
    int type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type < 0 || type > GEOS_GEOMETRYCOLLECTION)
        return fl_geos_error(ctx, "geometry type to write");
    fprintf(f, "{\"type\":\"%s\",\"%s\":", names[type],
            type == GEOS_GEOMETRYCOLLECTION ? "geometries" : "coordinates");
    int rc = FL_OK;
    if (type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx->geos, g);
        fputc('[', f);
        for (int i = 0; i < n && !rc; i++) {
            if (i)
                fputc(',', f);
            rc = put_geometry(ctx, f, GEOSGetGeometryN_r(ctx->geos, g, i));
        }
        fputc(']', f);
    } else {
        rc = put_coordinates(ctx, f, g, type);
    }
    fputc('}', f);
    return rc;
}

/* Writes one feature; geom may be NULL (geometry: null). */
static int write_feature(fl_ctx *ctx, FILE *f, const GEOSGeometry *g, json_object *props,
                         bool first)
{
    const char *text = props ? fl_json_string(props) : "{}";
    char *p = text ? fl_utf8_repair(text) : NULL; /* a .dbf field name may not be UTF-8 */
    if (!p || fl_json_failed(props)) {
        free(p);
        return fl_error(ctx, FL_ENOMEM, "out of memory writing GeoJSON properties");
    }
    fprintf(f, "%s\n{\"type\":\"Feature\",\"properties\":%s,\"geometry\":", first ? "" : ",", p);
    free(p);
    int rc = g ? put_geometry(ctx, f, g) : (fputs("null", f), FL_OK);
    fputc('}', f);
    return rc;
}

/* The FeatureCollection onto an open stream. */
static int write_collection(fl_ctx *ctx, FILE *f, size_t n, GEOSGeometry *const *geoms,
                            json_object *const *props)
{
    int rc = FL_OK;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < n && !rc; i++)
        rc = write_feature(ctx, f, geoms[i], props[i], i == 0);
    fputs("\n]}\n", f);
    return rc;
}

/* The FeatureCollection into a malloc'd string; *text is set only on success. */
static int write_text(fl_ctx *ctx, char **text, size_t n, GEOSGeometry *const *geoms,
                      json_object *const *props)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return fl_error(ctx, FL_ENOMEM, "out of memory writing GeoJSON");
    int rc = write_collection(ctx, f, n, geoms, props);
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) /* open_memstream fails only for want of memory */
        rc = rc ? rc : fl_error(ctx, FL_ENOMEM, "out of memory writing GeoJSON");
    if (rc) {
        free(buf);
        return rc;
    }
    *text = buf;
    return FL_OK;
}

int fl_write_geojson_layers(fl_ctx *ctx, fl_geojson_sink to, size_t n,
                            GEOSGeometry *const *geoms, json_object *const *props)
{
    assert((to.path != NULL) != (to.text != NULL)); /* exactly one sink */
    if (to.text)
        return write_text(ctx, to.text, n, geoms, props);
    fl_output o;
    fl_format format;
    int rc = fl_output_format(ctx, to.path, 1u << FL_FORMAT_GEOJSON, &format);
    if (!rc)
        rc = fl_output_open(ctx, &o, to.path);
    if (rc)
        return rc;
    rc = write_collection(ctx, o.f, n, geoms, props);
    return fl_output_close(ctx, &o, rc != FL_OK) ? ctx->err : rc;
}

int fl_geojson_write(fl_ctx *ctx, const fl_features *fs, const char *path)
{
    GEOSGeometry **g = fl_calloc(ctx, fs->n, sizeof *g);
    json_object **p = fl_calloc(ctx, fs->n, sizeof *p);
    int rc = g && p ? FL_OK : FL_ENOMEM;
    for (size_t i = 0; i < fs->n && !rc; i++) {
        g[i] = fs->v[i].geom;
        p[i] = fs->v[i].props;
    }
    if (!rc)
        rc = fl_write_geojson_layers(ctx, (fl_geojson_sink){.path = path}, fs->n, g, p);
    free(g);
    free(p);
    return rc;
}
