/* geojson_read.c — GeoJSON (RFC 7946) to features: json-c parses, this file checks every
 * coordinate and builds GEOS geometries, so errors can name the feature and the reason.
 * A FeatureCollection's text is first cut into its features (source.c): json-c then parses
 * the rest (the skeleton) and each feature on its own, and a feature whose text the previous
 * version of the map had is not parsed at all (the caller takes what it made of it then). */
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
    fl_source *src;        /* the text; cut into features when src->n > 0 */
    size_t from;           /* where the JSON starts in it (after a BOM) */
    json_tokener *tok;     /* for one feature's text, when cut */
    const fl_source *prev; /* the previous version's text, or NULL */
} reader;

static int bad(reader *r, int code, const char *why)
{
    return fl_error(r->ctx, code, "%s: feature %zu: %s", r->path, r->feature, why);
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

/* The file's text in src, checked to be non-empty UTF-8; *from skips a UTF-8 BOM. */
static int read_text(fl_ctx *ctx, const char *path, fl_source *src, size_t *from)
{
    int rc = fl_file_read(ctx, path, &src->text, &src->len);
    if (rc)
        return rc;
    if (src->len == 0)
        return fl_error(ctx, FL_EPARSE, "%s: empty file", path);
    *from = src->len >= 3 && !memcmp(src->text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    long bad = fl_utf8_invalid_at(src->text, src->len); /* json-c lets overlong forms through */
    if (bad >= 0) {
        int line, col;
        position(src->text, (size_t)bad, &line, &col);
        return fl_error(ctx, FL_EPARSE, "%s:%d:%d: invalid UTF-8", path, line, col);
    }
    return FL_OK;
}

/* Parses text[from, len) as one JSON value with tok (reset first). On error, with path given,
 * records it by line and column of text; without, only returns it. */
static int parse_text(fl_ctx *ctx, json_tokener *tok, const char *path, const char *text,
                      size_t from, size_t len, json_object **doc)
{
    json_tokener_reset(tok);
    *doc = json_tokener_parse_ex(tok, text + from, (int)(len - from));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = from + json_tokener_get_parse_end(tok);
    if (jerr == json_tokener_success)
        while (end < len && text[end] && strchr(" \t\r\n", text[end]))
            end++;
    if (jerr == json_tokener_success && end == len)
        return FL_OK;
    json_object_put(*doc);
    *doc = NULL;
    int code = jerr == json_tokener_error_depth ? FL_ELIMIT : FL_EPARSE;
    if (!path)
        return code;
    int line, col;
    position(text, end, &line, &col);
    const char *why = jerr == json_tokener_continue  ? "unexpected end of file (truncated?)"
                      : jerr == json_tokener_success ? "text after the JSON value"
                      : jerr == json_tokener_error_depth
                          ? "nesting deeper than the limit"
                          : json_tokener_error_desc(jerr);
    return fl_error(ctx, code, "%s:%d:%d: invalid JSON: %s", path, line, col, why);
}

static json_tokener *tokener(fl_ctx *ctx, int depth)
{
    json_tokener *tok = json_tokener_new_ex(depth);
    if (!tok)
        fl_error(ctx, FL_ENOMEM, "out of memory");
    else
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT); /* UTF-8: checked when read */
    return tok;
}

static int too_many_vertices(reader *r)
{
    return fl_error(r->ctx, FL_ELIMIT, "%s: more than %lld vertices (the vertex limit)",
                    r->path, (long long)r->ctx->limits[FL_LIMIT_VERTICES]);
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
    return ++r->vertices > r->ctx->limits[FL_LIMIT_VERTICES] ? too_many_vertices(r) : FL_OK;
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
    double x = 0, y = 0; /* set when position_xy succeeds (GCC 12 -O3 cannot tell) */
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

/* Whether the features array of the skeleton doc holds the n placeholders ({}) of the cut
 * features, i.e. json-c and the cut agree on which array is "features". */
static bool placeholders(json_object *doc, size_t n)
{
    json_object *a;
    if (!json_object_object_get_ex(doc, "features", &a) ||
        !json_object_is_type(a, json_type_array) || json_object_array_length(a) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_object *f = json_object_array_get_idx(a, i);
        if (!json_object_is_type(f, json_type_object) || json_object_object_length(f))
            return false;
    }
    return true;
}

/* Cuts the text into its features when a feature (two levels down) fits the nesting limit;
 * else leaves it whole (src->n = 0). */
static int cut_features(fl_ctx *ctx, fl_source *src, size_t from)
{
    return ctx->limits[FL_LIMIT_NESTING] > 2 ? fl_source_cut(ctx, src, from) : FL_OK;
}

/* The document: json-c's parse of the skeleton (the text without its features) when the
 * features could be cut from the text, else of the whole text (and r->src->n is 0). */
static int parse_doc(reader *r, json_object **doc)
{
    fl_ctx *ctx = r->ctx;
    fl_source *src = r->src;
    int depth = (int)ctx->limits[FL_LIMIT_NESTING];
    int rc = cut_features(ctx, src, r->from);
    json_tokener *tok = rc ? NULL : tokener(ctx, depth);
    if (!tok)
        return ctx->err;
    if (src->n) {
        size_t len;
        char *skeleton = fl_source_skeleton(ctx, src, r->from, &len);
        if (!skeleton || parse_text(ctx, tok, NULL, skeleton, 0, len, doc) ||
            !placeholders(*doc, src->n)) {
            json_object_put(*doc);
            src->n = 0; /* the whole text then, which reports any error */
        }
        free(skeleton);
    }
    if (!src->n)
        rc = parse_text(ctx, tok, r->path, src->text, r->from, src->len, doc);
    json_tokener_free(tok);
    if (!rc && src->n && !(r->tok = tokener(ctx, depth - 2))) {
        json_object_put(*doc);
        *doc = NULL;
        rc = ctx->err;
    }
    return rc;
}

/* The error in a cut feature's text, as the parse of the whole text reports it. */
static int feature_text_error(reader *r, int code)
{
    json_tokener *tok = tokener(r->ctx, (int)r->ctx->limits[FL_LIMIT_NESTING]);
    json_object *doc = NULL;
    int rc = tok ? parse_text(r->ctx, tok, r->path, r->src->text, r->from, r->src->len, &doc)
                 : r->ctx->err;
    json_object_put(doc);
    if (tok)
        json_tokener_free(tok);
    return rc ? rc : bad(r, code, "invalid JSON");
}

/* Cut feature i: the previous version's, when it had the very same text, else parsed. */
static int feature_text(reader *r, size_t i, fl_features *fs)
{
    fl_span *s = &r->src->span[i];
    long k = r->prev ? fl_source_find(r->prev, r->src->text, s) : -1;
    int64_t before = r->vertices;
    if (k >= 0) {
        s->vertices = r->prev->span[k].vertices;
        if ((r->vertices += s->vertices) > r->ctx->limits[FL_LIMIT_VERTICES])
            return too_many_vertices(r);
        return fl_features_push_same(r->ctx, fs, (size_t)k);
    }
    json_object *f;
    int rc = parse_text(r->ctx, r->tok, NULL, r->src->text, s->at, s->at + s->len, &f);
    if (rc)
        return feature_text_error(r, rc);
    rc = feature(r, f, fs);
    json_object_put(f);
    s->vertices = r->vertices - before;
    return rc;
}

int fl_geojson_source(fl_ctx *ctx, const char *path, fl_source *src)
{
    size_t from = 0; /* set when read_text succeeds (GCC 12 -O3 cannot tell) */
    int rc = read_text(ctx, path, src, &from);
    if (!rc)
        rc = cut_features(ctx, src, from);
    return rc ? rc : fl_source_index(ctx, src);
}

/* The features of a GeoJSON object: a FeatureCollection, a Feature or a bare geometry. */
static int read_geojson(reader *r, json_object *doc, const char *type, fl_features *fs)
{
    fl_ctx *ctx = r->ctx;
    const char *path = r->path;
    json_object *features;
    int rc = FL_OK;
    if (!strcmp(type, "FeatureCollection")) {
        if (!json_object_object_get_ex(doc, "features", &features) ||
            !json_object_is_type(features, json_type_array))
            rc = fl_error(ctx, FL_EFORMAT, "%s: \"features\" is not an array", path);
        size_t n = rc ? 0 : json_object_array_length(features);
        if (n > (size_t)ctx->limits[FL_LIMIT_FEATURES])
            rc = fl_error(ctx, FL_ELIMIT, "%s: %zu features exceed the feature limit of %lld",
                          path, n, (long long)ctx->limits[FL_LIMIT_FEATURES]);
        for (size_t i = 0; i < n && !rc; i++) {
            r->feature = i;
            rc = r->src->n ? feature_text(r, i, fs)
                           : feature(r, json_object_array_get_idx(features, i), fs);
        }
    } else if (!strcmp(type, "Feature")) {
        rc = feature(r, doc, fs);
    } else {
        GEOSGeometry *g = geometry(r, doc, 0);
        rc = g ? fl_features_push(ctx, fs, json_object_new_object(), g) : ctx->err;
    }
    return rc;
}

/* The GeoJSON "type" of an object, or NULL. */
static const char *geojson_type(json_object *o)
{
    json_object *type;
    return json_object_is_type(o, json_type_object) &&
                   json_object_object_get_ex(o, "type", &type) &&
                   json_object_is_type(type, json_type_string)
               ? json_object_get_string(type)
               : NULL;
}

/* The GeoJSON object a wrapping document holds: the member path wrapped names ("a.b"), or,
 * without one, its only member that is a FeatureCollection or Feature. NULL with the error
 * recorded when there is none, or several. */
static json_object *unwrap(reader *r, json_object *doc, const char *wrapped)
{
    json_object *found = NULL, *v;
    char names[256] = "";
    if (wrapped) {
        char member[256];
        found = doc;
        for (const char *m = wrapped; found && *m; m += strcspn(m, ".") + (m[strcspn(m, ".")] != 0)) {
            snprintf(member, sizeof member, "%.*s", (int)strcspn(m, "."), m);
            found = json_object_is_type(found, json_type_object) &&
                    json_object_object_get_ex(found, member, &v) ? v : NULL;
        }
        if (!geojson_type(found))
            fl_error(r->ctx, FL_EFORMAT, "%s: no GeoJSON object at the member '%s' (the "
                     "profile's 'wrapped' directive)", r->path, wrapped);
        return geojson_type(found) ? found : NULL;
    }
    int count = 0;
    json_object_object_foreach(doc, key, val) {
        const char *t = geojson_type(val);
        if (t && (!strcmp(t, "FeatureCollection") || !strcmp(t, "Feature"))) {
            found = val;
            size_t at = strlen(names);
            snprintf(names + at, sizeof names - at, "%s'%.60s'", count++ ? ", " : "", key);
        }
    }
    if (count == 1)
        return found;
    if (count == 0)
        fl_error(r->ctx, FL_EFORMAT, "%s: not GeoJSON (no top-level \"type\") nor Esri JSON, "
                 "and no member holds a FeatureCollection", r->path);
    else
        fl_error(r->ctx, FL_EFORMAT, "%s: several members hold GeoJSON (%s): name one with "
                 "the profile directive 'wrapped MEMBER'", r->path, names);
    return NULL;
}

/* Parses the whole text again, uncut: the document was not a FeatureCollection (Esri JSON
 * has a top-level "features" array too). */
static int parse_whole(reader *r, json_object **doc)
{
    json_object_put(*doc);
    *doc = NULL;
    free(r->src->span);
    r->src->span = NULL;
    r->src->n = 0;
    json_tokener *tok = tokener(r->ctx, (int)r->ctx->limits[FL_LIMIT_NESTING]);
    int rc = tok ? parse_text(r->ctx, tok, r->path, r->src->text, r->from, r->src->len, doc)
                 : r->ctx->err;
    if (tok)
        json_tokener_free(tok);
    return rc;
}

/* The features of a parsed document: GeoJSON, Esri JSON, or GeoJSON wrapped in it. */
static int read_document(reader *r, json_object *doc, fl_features *fs, const char *wrapped)
{
    const char *t = geojson_type(doc);
    json_object *inner;
    if (t)
        return read_geojson(r, doc, t, fs);
    if (fl_esri_json(doc)) {
        fs->kind = "esri";
        return fl_esri_read(r->ctx, r->path, doc, fs);
    }
    if (!json_object_is_type(doc, json_type_object))
        return fl_error(r->ctx, FL_EFORMAT, "%s: not GeoJSON (not a JSON object)", r->path);
    if (!(inner = unwrap(r, doc, wrapped)))
        return r->ctx->err;
    fs->meta = json_object_get(doc); /* the wrapper's members: a time, an id */
    fs->kind = "wrapped";
    return read_geojson(r, inner, geojson_type(inner), fs);
}

int fl_geojson_read(fl_ctx *ctx, const char *path, fl_features *fs, const fl_source *prev,
                    const char *wrapped)
{
    json_object *doc = NULL;
    reader r = {.ctx = ctx, .path = path, .src = &fs->src, .prev = prev};
    fs->kind = "geojson";
    int rc = read_text(ctx, path, r.src, &r.from);
    if (!rc)
        rc = parse_doc(&r, &doc);
    if (rc)
        return rc;
    if (!geojson_type(doc) && r.src->n) /* its "features" are not GeoJSON's (Esri JSON) */
        rc = parse_whole(&r, &doc);
    if (!rc)
        rc = read_document(&r, doc, fs, wrapped);
    if (r.tok)
        json_tokener_free(r.tok);
    json_object_put(doc);
    return rc;
}
