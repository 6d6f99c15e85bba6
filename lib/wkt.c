/* wkt.c — WKT files: one geometry per line, optionally "STATUS;" before it (the status goes
 * into the feature's "status" property) or a JSON object of properties and ';' before it
 * ({"name":"x","status":"occupied"};POLYGON(...)), which is how frontline writes a feature
 * with properties other than a plain status, so that a converted file reads back with every
 * attribute. Blank lines and lines starting with '#' are skipped. */
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every coordinate is checked (a transform callback sees each one, NaN included, which a
 * point extraction would drop): finite and within longitude ±180, latitude ±90. */
typedef struct coord_check {
    double x, y;
    bool bad;
} coord_check;

static int check_xy(double *x, double *y, void *userdata)
{
    coord_check *c = userdata;
    if (!(*x >= -180 && *x <= 180 && *y >= -90 && *y <= 90)) {
        *c = (coord_check){*x, *y, true};
        return 0;
    }
    return 1;
}

static int check_coords(fl_ctx *ctx, const GEOSGeometry *g, const char *path, int line)
{
    coord_check c = {0, 0, false};
    GEOSGeometry *copy = GEOSGeom_transformXY_r(ctx->geos, g, check_xy, &c);
    if (copy)
        GEOSGeom_destroy_r(ctx->geos, copy);
    if (c.bad)
        return fl_error(ctx, FL_EGEOM, "%s:%d: position (%g, %g) is outside longitude ±180, "
                        "latitude ±90 or not a number", path, line, c.x, c.y);
    return copy ? FL_OK : fl_geos_error(ctx, "reading coordinates");
}

/* Where the geometry text starting at s ends: after the parenthesis closing the first one,
 * or after EMPTY. GEOS ignores what follows; frontline refuses it (it would be lost). */
static const char *geometry_end(const char *s)
{
    const char *p = strchr(s, '(');
    if (!p) {
        const char *e = strstr(s, "EMPTY");
        return e ? e + 5 : s + strlen(s);
    }
    for (int depth = 0; *p; p++) {
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        if (depth == 0)
            return p + 1;
    }
    return p;
}

/* The properties of a line that starts with a JSON object: the object, then ';' and the
 * geometry (*s is moved to it). */
static int json_prefix(fl_ctx *ctx, char **s, json_object **props, const char *path, int line)
{
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return FL_ENOMEM;
    *props = json_tokener_parse_ex(tok, *s, (int)strlen(*s));
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!*props || !json_object_is_type(*props, json_type_object) || (*s)[end] != ';') {
        json_object_put(*props);
        *props = NULL;
        return fl_error(ctx, FL_EPARSE, "%s:%d: a line starting with '{' must hold a JSON "
                        "object of properties, then ';' and the geometry", path, line);
    }
    *s += end + 1;
    return FL_OK;
}

/* The deepest parenthesis nesting of the text: GEOS' WKT reader recurses once per level
 * (30,000 nested GEOMETRYCOLLECTIONs overflow its stack), so the nesting limit of GeoJSON
 * (FL_LIMIT_NESTING) is checked before GEOS parses. A polygon needs 2 levels, a collection of
 * multipolygons 4. */
static long nesting(const char *s)
{
    long depth = 0, deepest = 0;
    for (; *s; s++) {
        depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
        if (depth > deepest)
            deepest = depth;
    }
    return deepest;
}

static int read_line(fl_ctx *ctx, GEOSWKTReader *r, char *text, const char *path, int line,
                     fl_features *fs)
{
    char *s = text;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s || *s == '#')
        return FL_OK;
    json_object *props = NULL;
    if (*s == '{') {
        int rc = json_prefix(ctx, &s, &props, path, line);
        if (rc)
            return rc;
    } else if (!(props = json_object_new_object())) {
        return FL_ENOMEM;
    }
    char *semi = json_object_object_length(props) ? NULL : strchr(s, ';');
    char *paren = strchr(s, '(');
    if (semi && (!paren || semi < paren)) {
        *semi = '\0';
        char *end = semi;
        while (end > s && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (!fl_utf8_valid(s)) {
            json_object_put(props);
            return fl_error(ctx, FL_EPARSE, "%s:%d: the status is not valid UTF-8", path, line);
        }
        fl_json_object_add(props, "status", json_object_new_string(s));
        s = semi + 1;
    }
    const char *rest = geometry_end(s);
    rest += strspn(rest, " \t\r\n");
    if (*rest) {
        json_object_put(props);
        return fl_error(ctx, FL_EPARSE, "%s:%d: text after the geometry: '%.40s'", path, line,
                        rest);
    }
    if (nesting(s) > ctx->limits[FL_LIMIT_NESTING]) {
        json_object_put(props);
        return fl_error(ctx, FL_ELIMIT, "%s:%d: parentheses nested %ld deep, more than the "
                        "nesting limit of %lld", path, line, nesting(s),
                        (long long)ctx->limits[FL_LIMIT_NESTING]);
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
    FILE *f;
    int orc = fl_input_open(ctx, path, "WKT", &f);
    if (orc)
        return orc;
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

/* Are the properties only a status that reads back from "STATUS;" as it is? */
static bool plain_status(json_object *props, json_object **st)
{
    if (json_object_object_length(props) != 1 ||
        !json_object_object_get_ex(props, "status", st) ||
        !json_object_is_type(*st, json_type_string))
        return false;
    const char *t = json_object_get_string(*st);
    return *t && !strpbrk(t, ";(\n\r") && *t != '{' && *t != '#' && !isspace((unsigned char)*t) &&
           !isspace((unsigned char)t[strlen(t) - 1]);
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
        if (plain_status(fs->v[i].props, &st))
            fprintf(o.f, "%s;", json_object_get_string(st));
        else if (json_object_object_length(fs->v[i].props))
            fprintf(o.f, "%s;", fl_json_string(fs->v[i].props));
        /* a feature without geometry keeps its line */
        fprintf(o.f, "%s\n", wkt ? wkt : "GEOMETRYCOLLECTION EMPTY");
        GEOSFree_r(ctx->geos, wkt);
    }
    if (w)
        GEOSWKTWriter_destroy_r(ctx->geos, w);
    int rc2 = fl_output_close(ctx, &o, rc != FL_OK);
    return rc ? rc : rc2;
}
