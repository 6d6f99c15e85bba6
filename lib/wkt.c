/* wkt.c — WKT files: one geometry per line, optionally "STATUS;" before it (the status goes
 * into the feature's "status" property). Blank lines and lines starting with '#' are skipped. */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rejects NaN, infinite and out-of-range coordinates anywhere in g. */
static int check_coords(fl_ctx *ctx, const GEOSGeometry *g, const char *path, int line)
{
    GEOSGeometry *pts = GEOSGeom_extractUniquePoints_r(ctx->geos, g);
    if (!pts)
        return fl_geos_error(ctx, "reading coordinates");
    int n = GEOSGetNumGeometries_r(ctx->geos, pts), rc = FL_OK;
    for (int i = 0; i < n && !rc; i++) {
        double x = NAN, y = NAN;
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, pts, i);
        GEOSGeomGetX_r(ctx->geos, p, &x);
        GEOSGeomGetY_r(ctx->geos, p, &y);
        if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
            rc = fl_error(ctx, FL_EGEOM, "%s:%d: position (%g, %g) is outside longitude ±180, "
                          "latitude ±90 or not a number", path, line, x, y);
    }
    GEOSGeom_destroy_r(ctx->geos, pts);
    return rc;
}

static int read_line(fl_ctx *ctx, GEOSWKTReader *r, char *text, const char *path, int line,
                     fl_features *fs)
{
    char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || *s == '#')
        return FL_OK;
    json_object *props = json_object_new_object();
    char *semi = strchr(s, ';');
    char *paren = strchr(s, '(');
    if (semi && (!paren || semi < paren)) {
        *semi = '\0';
        char *end = semi;
        while (end > s && isspace((unsigned char)end[-1]))
            *--end = '\0';
        json_object_object_add(props, "status", json_object_new_string(s));
        s = semi + 1;
    }
    ctx->geos_msg[0] = '\0';
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r, s);
    if (!g) {
        json_object_put(props);
        return fl_error(ctx, FL_EPARSE, "%s:%d: invalid WKT: %s", path, line, ctx->geos_msg);
    }
    int rc = check_coords(ctx, g, path, line);
    if (rc) {
        json_object_put(props);
        GEOSGeom_destroy_r(ctx->geos, g);
        return rc;
    }
    return fl_features_push(ctx, fs, props, g);
}

int fl_wkt_read(fl_ctx *ctx, const char *path, fl_features *fs)
{
    fs->kind = "wkt";
    FILE *f = fopen(path, "r");
    if (!f)
        return fl_error(ctx, FL_EIO, "%s: cannot open: %m", path);
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    int rc = r ? FL_OK : fl_geos_error(ctx, "WKT reader");
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    for (int line = 1; !rc && (len = getline(&text, &cap, f)) >= 0; line++)
        rc = strlen(text) != (size_t)len ? fl_error(ctx, FL_EPARSE, "%s:%d: NUL byte", path, line)
                                         : read_line(ctx, r, text, path, line, fs);
    free(text);
    fclose(f);
    if (r)
        GEOSWKTReader_destroy_r(ctx->geos, r);
    return rc;
}

int fl_wkt_write(fl_ctx *ctx, const fl_features *fs, const char *path)
{
    fl_output o;
    int rc = fl_output_open(ctx, &o, path);
    if (rc)
        return rc;
    GEOSWKTWriter *w = GEOSWKTWriter_create_r(ctx->geos);
    if (!w)
        rc = fl_geos_error(ctx, "WKT writer");
    else
        GEOSWKTWriter_setTrim_r(ctx->geos, w, 1);
    for (size_t i = 0; i < fs->n && !rc; i++) {
        json_object *st = NULL;
        const GEOSGeometry *g = fs->v[i].geom;
        char *wkt = g ? GEOSWKTWriter_write_r(ctx->geos, w, g) : NULL;
        if (g && !wkt) {
            rc = fl_geos_error(ctx, "writing WKT");
            break;
        }
        if (json_object_object_get_ex(fs->v[i].props, "status", &st) && st)
            fprintf(o.f, "%s;", json_object_get_string(st));
        /* a feature without geometry keeps its line */
        fprintf(o.f, "%s\n", wkt ? wkt : "GEOMETRYCOLLECTION EMPTY");
        GEOSFree_r(ctx->geos, wkt);
    }
    if (w)
        GEOSWKTWriter_destroy_r(ctx->geos, w);
    int rc2 = fl_output_close(ctx, &o, rc != FL_OK);
    return rc ? rc : rc2;
}
