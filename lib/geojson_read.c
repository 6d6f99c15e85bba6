/* geojson_read.c — GeoJSON (RFC 7946) to features: json-c parses, this file checks every
 * coordinate and builds GEOS geometries, so errors can name the feature and the reason. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct reader {
    fl_ctx *ctx;
    const char *path;
    size_t feature;
    int64_t vertices;
} reader;

static int bad(reader *r, int code, const char *why)
{
    return fl_error(r->ctx, code, "%s: feature %zu: %s", r->path, r->feature, why);
}

/* Reads the whole file, within the size limit. */
static int slurp(fl_ctx *ctx, const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fl_error(ctx, FL_EIO, "%s: cannot open: %m", path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fl_error(ctx, FL_EIO, "%s: not a regular file", path);
    }
    if (st.st_size > ctx->limits[FL_LIMIT_FILE_BYTES]) {
        fclose(f);
        return fl_error(ctx, FL_ELIMIT, "%s: %lld bytes exceed the file size limit of %lld",
                        path, (long long)st.st_size, (long long)ctx->limits[FL_LIMIT_FILE_BYTES]);
    }
    *buf = fl_malloc(ctx, (size_t)st.st_size + 1);
    if (!*buf) {
        fclose(f);
        return FL_ENOMEM;
    }
    *len = fread(*buf, 1, (size_t)st.st_size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(*buf);
        return fl_error(ctx, FL_EIO, "%s: read error", path);
    }
    (*buf)[*len] = '\0';
    return FL_OK;
}

/* Line and column of byte offset off, for parse errors. */
static void position(const char *buf, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int parse(fl_ctx *ctx, const char *path, json_object **doc)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = slurp(ctx, path, &buf, &len);
    if (rc)
        return rc;
    if (len == 0) {
        free(buf);
        return fl_error(ctx, FL_EPARSE, "%s: empty file", path);
    }
    size_t skip = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a UTF-8 BOM */
    long bad = fl_utf8_invalid_at(buf, len); /* json-c lets overlong forms through */
    if (bad >= 0) {
        int line, col;
        position(buf, (size_t)bad, &line, &col);
        free(buf);
        return fl_error(ctx, FL_EPARSE, "%s:%d:%d: invalid UTF-8", path, line, col);
    }
    json_tokener *tok = json_tokener_new_ex((int)ctx->limits[FL_LIMIT_NESTING]);
    if (!tok) {
        free(buf);
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT); /* UTF-8: checked above */
    *doc = json_tokener_parse_ex(tok, buf + skip, (int)(len - skip));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = skip + json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_success)
        while (end < len && buf[end] && strchr(" \t\r\n", buf[end]))
            end++;
    if (jerr != json_tokener_success || end < len) {
        int line, col;
        position(buf, end, &line, &col);
        const char *why = jerr == json_tokener_continue  ? "unexpected end of file (truncated?)"
                          : jerr == json_tokener_success ? "text after the JSON value"
                          : jerr == json_tokener_error_depth
                              ? "nesting deeper than the limit"
                              : json_tokener_error_desc(jerr);
        rc = fl_error(ctx, jerr == json_tokener_error_depth ? FL_ELIMIT : FL_EPARSE,
                      "%s:%d:%d: invalid JSON: %s", path, line, col, why);
        json_object_put(*doc);
        *doc = NULL;
    }
    json_tokener_free(tok);
    free(buf);
    return rc;
}

static bool is_number(json_object *v)
{
    return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
}

/* One position [lon, lat(, z(, m))]: z and m are allowed and not used. */
static int position_xy(reader *r, json_object *pos, double *x, double *y)
{
    if (!json_object_is_type(pos, json_type_array) || json_object_array_length(pos) < 2)
        return bad(r, FL_EGEOM, "a position is not an array of at least 2 numbers");
    json_object *jx = json_object_array_get_idx(pos, 0), *jy = json_object_array_get_idx(pos, 1);
    if (!is_number(jx) || !is_number(jy))
        return bad(r, FL_EGEOM, "a coordinate is not a number");
    *x = json_object_get_double(jx);
    *y = json_object_get_double(jy);
    if (!isfinite(*x) || !isfinite(*y))
        return bad(r, FL_EGEOM, "a coordinate is not finite");
    if (*y < -90 || *y > 90 || *x < -180 || *x > 180) {
        char why[128];
        snprintf(why, sizeof why, "position (%g, %g) is outside longitude ±180, latitude ±90",
                 *x, *y);
        return bad(r, FL_EGEOM, why);
    }
    if (++r->vertices > r->ctx->limits[FL_LIMIT_VERTICES])
        return fl_error(r->ctx, FL_ELIMIT, "%s: more than %lld vertices (the vertex limit)",
                        r->path, (long long)r->ctx->limits[FL_LIMIT_VERTICES]);
    return FL_OK;
}

static GEOSCoordSequence *sequence(reader *r, json_object *arr, size_t min, bool ring)
{
    if (!json_object_is_type(arr, json_type_array)) {
        bad(r, FL_EGEOM, "coordinates are not an array");
        return NULL;
    }
    size_t n = json_object_array_length(arr);
    if (n < min) {
        char why[96];
        snprintf(why, sizeof why, "%s has %zu positions, at least %zu are needed",
                 ring ? "a ring" : "a line", n, min);
        bad(r, FL_EGEOM, why);
        return NULL;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(r->ctx->geos, (unsigned)n, 2);
    if (!cs) {
        fl_geos_error(r->ctx, "coordinate sequence");
        return NULL;
    }
    double x = 0, y = 0, x0 = 0, y0 = 0;
    for (size_t i = 0; i < n; i++) {
        if (position_xy(r, json_object_array_get_idx(arr, i), &x, &y)) {
            GEOSCoordSeq_destroy_r(r->ctx->geos, cs);
            return NULL;
        }
        if (i == 0) {
            x0 = x;
            y0 = y;
        }
        GEOSCoordSeq_setXY_r(r->ctx->geos, cs, (unsigned)i, x, y);
    }
    if (ring && n > 0 && (x != x0 || y != y0)) {
        bad(r, FL_EGEOM, "a ring is not closed (its last position differs from its first)");
        GEOSCoordSeq_destroy_r(r->ctx->geos, cs);
        return NULL;
    }
    return cs;
}

static GEOSGeometry *polygon(reader *r, json_object *rings)
{
    fl_ctx *ctx = r->ctx;
    if (!json_object_is_type(rings, json_type_array)) {
        bad(r, FL_EGEOM, "polygon coordinates are not an array of rings");
        return NULL;
    }
    size_t n = json_object_array_length(rings);
    json_object *first = n ? json_object_array_get_idx(rings, 0) : NULL;
    if (n == 0 || (n == 1 && json_object_is_type(first, json_type_array) &&
                   json_object_array_length(first) == 0))
        return fl_empty_polygon(ctx); /* [] or [[]] (how GEOS writes an empty polygon) */
    GEOSGeometry **ring = fl_calloc(ctx, n, sizeof *ring);
    if (!ring)
        return NULL;
    size_t made = 0;
    for (; made < n; made++) {
        GEOSCoordSequence *cs = sequence(r, json_object_array_get_idx(rings, made), 4, true);
        if (!cs || !(ring[made] = GEOSGeom_createLinearRing_r(ctx->geos, cs)))
            break;
    }
    GEOSGeometry *poly = NULL;
    if (made == n && !(poly = GEOSGeom_createPolygon_r(ctx->geos, ring[0], ring + 1,
                                                       (unsigned)(n - 1))))
        fl_geos_error(ctx, "building a polygon"); /* GEOS took the rings, even so */
    if (made < n)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(ctx->geos, ring[i]);
    free(ring);
    return poly;
}

static GEOSGeometry *geometry(reader *r, json_object *g, int depth);

/* Multi* geometries and collections: build each member, then the collection. */
static GEOSGeometry *collection(reader *r, json_object *members, int type, int depth,
                                GEOSGeometry *(*member)(reader *, json_object *))
{
    fl_ctx *ctx = r->ctx;
    if (!json_object_is_type(members, json_type_array)) {
        bad(r, FL_EGEOM, type == GEOS_GEOMETRYCOLLECTION ? "'geometries' is not an array"
                                                         : "coordinates are not an array");
        return NULL;
    }
    size_t n = json_object_array_length(members);
    GEOSGeometry **parts = fl_calloc(ctx, n, sizeof *parts);
    if (!parts)
        return NULL;
    size_t made = 0;
    for (; made < n; made++) {
        json_object *m = json_object_array_get_idx(members, made);
        parts[made] = member ? member(r, m) : geometry(r, m, depth + 1);
        if (!parts[made])
            break;
    }
    GEOSGeometry *out = NULL;
    if (made == n && !(out = GEOSGeom_createCollection_r(ctx->geos, type, parts, (unsigned)n)))
        fl_geos_error(ctx, "building a collection"); /* GEOS took the parts, even so */
    if (made < n)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
    free(parts);
    return out;
}

static GEOSGeometry *point(reader *r, json_object *pos)
{
    double x, y;
    if (position_xy(r, pos, &x, &y))
        return NULL;
    return fl_point(r->ctx, x, y);
}

static GEOSGeometry *line(reader *r, json_object *arr)
{
    GEOSCoordSequence *cs = sequence(r, arr, 2, false);
    GEOSGeometry *g = cs ? GEOSGeom_createLineString_r(r->ctx->geos, cs) : NULL;
    if (cs && !g)
        fl_geos_error(r->ctx, "building a line");
    return g;
}

static GEOSGeometry *geometry(reader *r, json_object *g, int depth)
{
    json_object *type, *coords = NULL;
    if (depth > 64) { /* collections in collections: bound the recursion (and the stack) */
        bad(r, FL_ELIMIT, "GeometryCollections nested more than 64 deep (the nesting limit)");
        return NULL;
    }
    if (!json_object_is_type(g, json_type_object) ||
        !json_object_object_get_ex(g, "type", &type) || !json_object_is_type(type, json_type_string)) {
        bad(r, FL_EFORMAT, "geometry is not an object with a 'type'");
        return NULL;
    }
    const char *t = json_object_get_string(type);
    if (strcmp(t, "GeometryCollection") == 0) {
        json_object *members = NULL;
        json_object_object_get_ex(g, "geometries", &members);
        return collection(r, members, GEOS_GEOMETRYCOLLECTION, depth, NULL);
    }
    if (!json_object_object_get_ex(g, "coordinates", &coords)) {
        bad(r, FL_EFORMAT, "geometry has no 'coordinates'");
        return NULL;
    }
    if (!strcmp(t, "Polygon"))
        return polygon(r, coords);
    if (!strcmp(t, "MultiPolygon"))
        return collection(r, coords, GEOS_MULTIPOLYGON, depth, polygon);
    if (!strcmp(t, "Point"))
        return point(r, coords);
    if (!strcmp(t, "MultiPoint"))
        return collection(r, coords, GEOS_MULTIPOINT, depth, point);
    if (!strcmp(t, "LineString"))
        return line(r, coords);
    if (!strcmp(t, "MultiLineString"))
        return collection(r, coords, GEOS_MULTILINESTRING, depth, line);
    char why[128];
    snprintf(why, sizeof why, "unknown geometry type '%.60s'", t);
    bad(r, FL_EFORMAT, why);
    return NULL;
}

static int feature(reader *r, json_object *f, fl_features *fs)
{
    json_object *type, *props = NULL, *geom = NULL;
    if (!json_object_is_type(f, json_type_object) ||
        !json_object_object_get_ex(f, "type", &type) ||
        !json_object_is_type(type, json_type_string) ||
        strcmp(json_object_get_string(type), "Feature") != 0)
        return bad(r, FL_EFORMAT, "not a GeoJSON Feature object");
    json_object_object_get_ex(f, "properties", &props);
    json_object_object_get_ex(f, "geometry", &geom);
    if (props && !json_object_is_type(props, json_type_object))
        return bad(r, FL_EFORMAT, "'properties' is neither an object nor null");
    GEOSGeometry *g = NULL;
    if (geom && !(g = geometry(r, geom, 0)))
        return r->ctx->err;
    json_object *p = props ? json_object_get(props) : json_object_new_object();
    return fl_features_push(r->ctx, fs, p, g);
}

int fl_geojson_read(fl_ctx *ctx, const char *path, fl_features *fs)
{
    json_object *doc = NULL, *type, *features;
    int rc = parse(ctx, path, &doc);
    if (rc)
        return rc;
    reader r = {.ctx = ctx, .path = path};
    fs->kind = "geojson";
    if (!json_object_is_type(doc, json_type_object) ||
        !json_object_object_get_ex(doc, "type", &type) ||
        !json_object_is_type(type, json_type_string)) {
        json_object_put(doc);
        return fl_error(ctx, FL_EFORMAT, "%s: not GeoJSON (no top-level \"type\")", path);
    }
    const char *t = json_object_get_string(type);
    if (!strcmp(t, "FeatureCollection")) {
        if (!json_object_object_get_ex(doc, "features", &features) ||
            !json_object_is_type(features, json_type_array))
            rc = fl_error(ctx, FL_EFORMAT, "%s: \"features\" is not an array", path);
        size_t n = rc ? 0 : json_object_array_length(features);
        if (n > (size_t)ctx->limits[FL_LIMIT_FEATURES])
            rc = fl_error(ctx, FL_ELIMIT, "%s: %zu features exceed the feature limit of %lld",
                          path, n, (long long)ctx->limits[FL_LIMIT_FEATURES]);
        for (size_t i = 0; i < n && !rc; i++) {
            r.feature = i;
            rc = feature(&r, json_object_array_get_idx(features, i), fs);
        }
    } else if (!strcmp(t, "Feature")) {
        rc = feature(&r, doc, fs);
    } else {
        GEOSGeometry *g = geometry(&r, doc, 0);
        rc = g ? fl_features_push(ctx, fs, json_object_new_object(), g) : ctx->err;
    }
    json_object_put(doc);
    return rc;
}
