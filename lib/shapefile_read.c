/* shapefile_read.c — ESRI shapefiles (.shp + .shx + .dbf, optional .prj) to features with
 * shapelib. Coordinates in another CRS (per .prj) are transformed to WGS84 with PROJ. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* path with its extension replaced (ext includes the dot); caller frees. */
static int require(fl_ctx *ctx, const char *path, const char *ext, const char *what)
{
    char *p = fl_shp_sibling(ctx, path, ext);
    if (!p)
        return FL_ENOMEM;
    int ok = access(p, R_OK) == 0;
    int rc = ok ? fl_input_check(ctx, p, what)
                : fl_error(ctx, FL_EIO, "%s: the %s file %s is missing or unreadable", path,
                           what, p);
    if (ok && rc) { /* name the shapefile too */
        char why[sizeof ctx->msg];
        snprintf(why, sizeof why, "%s", ctx->msg);
        rc = fl_error(ctx, rc, "%s: the %s file %s", path, what, why);
    }
    free(p);
    return rc;
}

/* A PROJ transformation from the .prj's CRS to WGS84 lon/lat, or NULL when there is no .prj
 * or it already is geographic WGS84. */
static int open_transform(fl_ctx *ctx, const char *path, PJ **out)
{
    *out = NULL;
    char *prj = fl_shp_sibling(ctx, path, ".prj");
    if (!prj)
        return FL_ENOMEM;
    FILE *f = NULL;
    int rc = access(prj, F_OK) == 0 ? fl_input_open(ctx, prj, "projection (.prj)", &f) : FL_OK;
    free(prj);
    if (!f)
        return rc;
    char wkt[8192];
    size_t n = fread(wkt, 1, sizeof wkt - 1, f);
    fclose(f);
    wkt[n] = '\0';
    PJ *src = proj_create(ctx->proj, wkt);
    PJ *dst = proj_create(ctx->proj, "EPSG:4326");
    if (!src || !dst)
        rc = fl_proj_error(ctx, "%s: cannot read the .prj coordinate system", path);
    else if (!proj_is_equivalent_to(src, dst, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS)) {
        PJ *t = proj_create_crs_to_crs_from_pj(ctx->proj, src, dst, NULL, NULL);
        *out = t ? proj_normalize_for_visualization(ctx->proj, t) : NULL;
        proj_destroy(t);
        if (!*out)
            rc = fl_proj_error(ctx, "%s: no transformation from the .prj CRS to WGS84", path);
    }
    proj_destroy(src);
    proj_destroy(dst);
    return rc;
}

static GEOSGeometry *ring_polygon(fl_ctx *ctx, const double *x, const double *y, int n)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromArrays_r(ctx->geos, x, y, NULL, NULL,
                                                           (unsigned)n);
    GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(ctx->geos, cs) : NULL;
    GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
    if (!poly)
        fl_geos_error(ctx, "building a ring");
    return poly;
}

/* Ring p of a polygon shape as a polygon, checked; NULL with the error set. */
static GEOSGeometry *shape_ring(fl_ctx *ctx, const SHPObject *s, int p, const char *path,
                                int i)
{
    int start = s->panPartStart[p];
    int end = p + 1 < s->nParts ? s->panPartStart[p + 1] : s->nVertices;
    if (start < 0 || end > s->nVertices || end - start < 4)
        fl_error(ctx, FL_EGEOM, "%s: feature %d: ring %d has %d points, at least 4 are needed",
                 path, i, p, end - start);
    else if (s->padfX[start] != s->padfX[end - 1] || s->padfY[start] != s->padfY[end - 1])
        fl_error(ctx, FL_EGEOM, "%s: feature %d: ring %d is not closed (its last point "
                 "differs from its first)", path, i, p);
    else
        return ring_polygon(ctx, s->padfX + start, s->padfY + start, end - start);
    return NULL;
}

/* Rings of a polygon shape, nested to any depth (shell, hole, island in the hole...): their
 * symmetric difference is the polygon, whatever the ring order or orientation. Up to
 * FOLD_RINGS rings it is folded ring by ring, in order (as it always was: overlays of rings
 * that touch or cross round their vertices, and the maps' figures stay the same); beyond, it
 * is taken pairwise in a balanced tree (ring 0 with 1, 2 with 3, ..., then the results
 * likewise), so that each vertex takes part in log2(rings) overlays: folding 5,000 rings one
 * by one into a growing result took 72 s. */
#define FOLD_RINGS 64
static GEOSGeometry *shape_polygon(fl_ctx *ctx, const SHPObject *s, const char *path, int i)
{
    if (s->nParts == 0)
        return fl_empty_polygon(ctx);
    GEOSGeometry **g = fl_calloc(ctx, (size_t)s->nParts, sizeof *g);
    int n = 0;
    while (g && n < s->nParts && (g[n] = shape_ring(ctx, s, n, path, i)))
        n++;
    bool ok = g && n == s->nParts, fold = n <= FOLD_RINGS;
    for (int width = 1; ok && width < n; width = fold ? width + 1 : 2 * width)
        for (int k = 0; ok && k + width < n; k += fold ? n : 2 * width) {
            GEOSGeometry *x = GEOSSymDifference_r(ctx->geos, g[k], g[k + width]);
            if (!x) {
                fl_geos_error(ctx, "assembling shapefile rings");
                ok = false;
                break;
            }
            GEOSGeom_destroy_r(ctx->geos, g[k]);
            GEOSGeom_destroy_r(ctx->geos, g[k + width]);
            g[k] = x;
            g[k + width] = NULL;
        }
    GEOSGeometry *out = ok ? g[0] : NULL;
    for (int k = ok ? 1 : 0; g && k < n; k++)
        if (g[k])
            GEOSGeom_destroy_r(ctx->geos, g[k]);
    free(g);
    return out;
}

static GEOSGeometry *shape_points(fl_ctx *ctx, const SHPObject *s)
{
    if (s->nVertices == 1)
        return fl_point(ctx, s->padfX[0], s->padfY[0]);
    GEOSGeometry **pts = fl_calloc(ctx, (size_t)s->nVertices, sizeof *pts);
    int made = 0;
    while (pts && made < s->nVertices && (pts[made] = fl_point(ctx, s->padfX[made],
                                                               s->padfY[made])))
        made++;
    GEOSGeometry *g = pts && made == s->nVertices
                          ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOINT, pts,
                                                        (unsigned)made)
                          : NULL; /* GEOS takes the points, even when it fails */
    if (!(pts && made == s->nVertices))
        for (int k = 0; k < made; k++)
            GEOSGeom_destroy_r(ctx->geos, pts[k]);
    free(pts);
    return g;
}

static GEOSGeometry *shape_lines(fl_ctx *ctx, const SHPObject *s)
{
    GEOSGeometry **lines = fl_calloc(ctx, (size_t)s->nParts, sizeof *lines);
    int made = 0;
    for (; lines && made < s->nParts; made++) {
        int start = s->panPartStart[made];
        int end = made + 1 < s->nParts ? s->panPartStart[made + 1] : s->nVertices;
        GEOSCoordSequence *cs = end - start >= 2 && start >= 0 && end <= s->nVertices
            ? GEOSCoordSeq_copyFromArrays_r(ctx->geos, s->padfX + start, s->padfY + start,
                                            NULL, NULL, (unsigned)(end - start))
            : NULL;
        if (!cs || !(lines[made] = GEOSGeom_createLineString_r(ctx->geos, cs)))
            break;
    }
    GEOSGeometry *g = lines && made == s->nParts
                          ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTILINESTRING, lines,
                                                        (unsigned)made)
                          : NULL;
    if (!g) {
        for (int k = 0; lines && made < s->nParts && k < made; k++) /* else GEOS took them */
            GEOSGeom_destroy_r(ctx->geos, lines[k]);
        fl_error(ctx, FL_EGEOM, "a line part has fewer than 2 points");
    }
    free(lines);
    return g;
}

/* Checks (and transforms) the coordinates of one shape; errors name the feature. */
static int shape_coords(fl_ctx *ctx, SHPObject *s, PJ *to_wgs84, const char *path, int i)
{
    if (to_wgs84)
        proj_trans_generic(to_wgs84, PJ_FWD, s->padfX, sizeof(double), (size_t)s->nVertices,
                           s->padfY, sizeof(double), (size_t)s->nVertices, NULL, 0, 0, NULL,
                           0, 0);
    for (int k = 0; k < s->nVertices; k++) {
        double x = s->padfX[k], y = s->padfY[k];
        if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
            return fl_error(ctx, FL_EGEOM, "%s: feature %d: position (%g, %g) is outside "
                            "longitude ±180, latitude ±90", path, i, x, y);
    }
    return FL_OK;
}

static GEOSGeometry *shape_geometry(fl_ctx *ctx, SHPObject *s, PJ *t, const char *path, int i)
{
    if (shape_coords(ctx, s, t, path, i))
        return NULL;
    switch (s->nSHPType) {
    case SHPT_POLYGON: case SHPT_POLYGONZ: case SHPT_POLYGONM:
        return shape_polygon(ctx, s, path, i);
    case SHPT_POINT: case SHPT_POINTZ: case SHPT_POINTM:
    case SHPT_MULTIPOINT: case SHPT_MULTIPOINTZ: case SHPT_MULTIPOINTM:
        return shape_points(ctx, s);
    case SHPT_ARC: case SHPT_ARCZ: case SHPT_ARCM:
        return shape_lines(ctx, s);
    default:
        fl_error(ctx, FL_EFORMAT, "%s: feature %d: unsupported shape type %s", path, i,
                 SHPTypeName(s->nSHPType));
        return NULL;
    }
}

/* An integer field's value: its text must be a whole number within 64 bits ("9e999", "nan",
 * "1e19" are refused: converting them would be undefined, and guessing a value would be
 * silent). NULL (error set) when it is not. */
static json_object *integer_value(fl_ctx *ctx, DBFHandle dbf, int i, int f, const char *name,
                                  const char *path)
{
    const char *s = DBFReadStringAttribute(dbf, i, f);
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (s) {
        while (*end == ' ')
            end++;
    }
    if (!s || end == s || *end || errno) {
        fl_error(ctx, FL_EPARSE, "%s: feature %d: integer field '%s' holds '%.40s', not a "
                 "whole number within 64 bits", path, i, name, s ? s : "");
        return NULL;
    }
    return json_object_new_int64(v);
}

/* The attributes of record i as a JSON object. */
static json_object *record_props(fl_ctx *ctx, DBFHandle dbf, int i, const char *path)
{
    json_object *o = json_object_new_object();
    int nf = DBFGetFieldCount(dbf);
    for (int f = 0; o && f < nf; f++) {
        char name[XBASE_FLDNAME_LEN_READ + 1];
        DBFFieldType t = DBFGetFieldInfo(dbf, f, name, NULL, NULL);
        json_object *v = NULL;
        if (DBFIsAttributeNULL(dbf, i, f))
            v = NULL;
        else if (t == FTInteger) { /* as text: a dBASE integer may exceed 32 bits */
            if (!(v = integer_value(ctx, dbf, i, f, name, path))) {
                json_object_put(o);
                return NULL;
            }
        }
        else if (t == FTDouble) {
            double d = DBFReadDoubleAttribute(dbf, i, f);
            if (!isfinite(d)) { /* "9e999", "nan": JSON has no such number */
                fl_error(ctx, FL_EPARSE, "%s: feature %d: number field '%s' holds '%.40s', "
                         "not a finite number", path, i, name,
                         DBFReadStringAttribute(dbf, i, f));
                json_object_put(o);
                return NULL;
            }
            v = json_object_new_double(d);
        }
        else {
            const char *s = DBFReadStringAttribute(dbf, i, f);
            if (!fl_utf8_valid(s)) {
                fl_error(ctx, FL_EPARSE, "%s: feature %d: field '%s' is not valid UTF-8",
                         path, i, name);
                json_object_put(o);
                return NULL;
            }
            v = json_object_new_string(s);
        }
        fl_json_object_add(o, name, v);
    }
    if (!o)
        fl_error(ctx, FL_ENOMEM, "out of memory");
    return o;
}

/* shapelib reports through a hook without user data: it would print to stderr; frontline
 * reports every failure itself, with the file and the feature. */
void fl_shapelib_quiet(const char *message) { (void)message; }

/* The .shp header: file code 9994 (big-endian) and version 1000 (little-endian). */
static int check_header(fl_ctx *ctx, const char *path)
{
    unsigned char h[32];
    FILE *f;
    int rc = fl_input_open(ctx, path, "shapefile", &f);
    if (rc)
        return rc;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n == sizeof h && h[0] == 0 && h[1] == 0 && h[2] == 0x27 && h[3] == 0x0A &&
        h[28] == 0xE8 && h[29] == 0x03 && h[30] == 0 && h[31] == 0)
        return FL_OK;
    return fl_error(ctx, FL_EFORMAT, "%s: not a shapefile (bad or short .shp header)", path);
}

/* Prefixes the file and feature to a message that lacks them. */
static int feature_error(fl_ctx *ctx, const char *path, int i)
{
    if (!strncmp(ctx->msg, path, strlen(path)))
        return ctx->err;
    char why[sizeof ctx->msg];
    snprintf(why, sizeof why, "%s", ctx->msg);
    return fl_error(ctx, ctx->err ? ctx->err : FL_EGEOM, "%s: feature %d: %s", path, i, why);
}

int fl_shapefile_read(fl_ctx *ctx, const char *path, fl_features *fs)
{
    int rc;
    fs->kind = "shapefile";
    if ((rc = require(ctx, path, ".shx", "index (.shx)")) ||
        (rc = require(ctx, path, ".dbf", "attribute (.dbf)")))
        return rc;
    if ((rc = check_header(ctx, path)))
        return rc;
    SAHooks hooks;
    SASetupDefaultHooks(&hooks);
    hooks.Error = fl_shapelib_quiet;
    SHPHandle shp = SHPOpenLL(path, "rb", &hooks);
    if (!shp)
        return fl_error(ctx, FL_EFORMAT, "%s: not a readable shapefile (corrupt .shp or .shx "
                        "header)", path);
    DBFHandle dbf = DBFOpenLL(path, "rb", &hooks);
    if (!dbf) {
        SHPClose(shp);
        return fl_error(ctx, FL_EFORMAT, "%s: the .dbf file is not readable", path);
    }
    int n = 0, type = 0;
    SHPGetInfo(shp, &n, &type, NULL, NULL);
    PJ *t = NULL;
    if (DBFGetRecordCount(dbf) != n)
        rc = fl_error(ctx, FL_EFORMAT, "%s: the .dbf has %d records but the .shp %d shapes",
                      path, DBFGetRecordCount(dbf), n);
    else if (n > ctx->limits[FL_LIMIT_FEATURES])
        rc = fl_error(ctx, FL_ELIMIT, "%s: %d features exceed the feature limit", path, n);
    else
        rc = open_transform(ctx, path, &t);
    for (int i = 0; i < n && !rc; i++) {
        SHPObject *s = SHPReadObject(shp, i);
        if (!s) {
            rc = fl_error(ctx, FL_EFORMAT, "%s: feature %d: unreadable shape", path, i);
            break;
        }
        GEOSGeometry *g = NULL;
        if (s->nSHPType != SHPT_NULL && !(g = shape_geometry(ctx, s, t, path, i)))
            rc = feature_error(ctx, path, i);
        SHPDestroyObject(s);
        json_object *props = rc ? NULL : record_props(ctx, dbf, i, path);
        if (!rc && !props)
            rc = ctx->err;
        if (!rc)
            rc = fl_features_push(ctx, fs, props, g);
        else if (g)
            GEOSGeom_destroy_r(ctx->geos, g);
    }
    proj_destroy(t);
    DBFClose(dbf);
    SHPClose(shp);
    return rc;
}
