/* features.c — the feature list every reader fills and every writer reads, and the choice
 * of reader or writer by file extension. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <limits.h>

bool fl_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), m = strlen(ext);
    return n > m && strcasecmp(path + n - m, ext) == 0;
}

int fl_output_format(fl_ctx *ctx, const char *path, unsigned allowed, fl_format *format)
{
    static const char *const names[] = {".geojson", ".json", ".shp", ".wkt"};
    static const fl_format formats[] = {FL_FORMAT_GEOJSON, FL_FORMAT_GEOJSON, FL_FORMAT_SHP,
                                        FL_FORMAT_WKT};
    const char *slash = strrchr(path, '/'), *dot = strrchr(slash ? slash : path, '.');
    int k = dot ? -1 : 0;
    for (int i = 0; i < 4 && k < 0; i++)
        if (!strcasecmp(dot, names[i]))
            k = i;
    if (k >= 0 && (allowed & (1u << formats[k]))) {
        *format = formats[k];
        return FL_OK;
    }
    return fl_error(ctx, FL_EARG, "%s: cannot write '%s' here: the output must end in %s",
                    path, dot ? dot : "", allowed == (1u << FL_FORMAT_GEOJSON)
                                              ? ".geojson or .json (GeoJSON)"
                                              : ".geojson, .json, .shp or .wkt");
}

int fl_file_read(fl_ctx *ctx, const char *path, char **buf, size_t *len)
{
    FILE *f;
    int rc = fl_input_open(ctx, path, "input", &f); /* regular, within the size limit */
    if (rc)
        return rc;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return fl_error(ctx, FL_EIO, "%s: cannot examine: %m", path);
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
        *buf = NULL;
        return fl_error(ctx, FL_EIO, "%s: read error", path);
    }
    (*buf)[*len] = '\0';
    return FL_OK;
}

void fl_origin_of(const char *path, fl_origin_buf *out)
{
    const char *slash = strrchr(path, '/');
    out->o.file = slash ? slash + 1 : path;
    snprintf(out->layer, sizeof out->layer, "%.255s", out->o.file);
    char *dot = strrchr(out->layer, '.');
    if (dot && dot != out->layer)
        *dot = '\0';
    char dir[4096], real[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    const char *d = realpath(dir, real) ? real : dir; /* "." and ".." named */
    const char *name = strrchr(d, '/');
    snprintf(out->folder, sizeof out->folder, "%.255s", name ? name + 1 : d);
    out->o.folder = out->folder;
    out->o.layer = out->layer;
}

char *fl_shp_sibling(fl_ctx *ctx, const char *path, const char *ext)
{
    size_t n = strlen(path) - 4;
    char *s = fl_malloc(ctx, n + strlen(ext) + 1);
    if (s) {
        memcpy(s, path, n);
        strcpy(s + n, ext);
    }
    return s;
}

/* Room for one more feature. */
static int grow(fl_ctx *ctx, fl_features *fs)
{
    fl_feature *v = fl_grow(ctx, fs->v, &fs->cap, fs->n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    fs->v = v;
    return FL_OK;
}

int fl_features_push(fl_ctx *ctx, fl_features *fs, json_object *props, GEOSGeometry *geom)
{
    if (!props) {
        GEOSGeom_destroy_r(ctx->geos, geom);
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    }
    if (grow(ctx, fs)) {
        json_object_put(props);
        if (geom)
            GEOSGeom_destroy_r(ctx->geos, geom);
        return FL_ENOMEM;
    }
    fs->v[fs->n++] = (fl_feature){props, geom, -1};
    return FL_OK;
}

int fl_features_push_same(fl_ctx *ctx, fl_features *fs, size_t k)
{
    if (grow(ctx, fs))
        return FL_ENOMEM;
    fs->v[fs->n++] = (fl_feature){NULL, NULL, (long)k};
    return FL_OK;
}

void fl_features_clear(fl_ctx *ctx, fl_features *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        json_object_put(fs->v[i].props);
        if (fs->v[i].geom)
            GEOSGeom_destroy_r(ctx->geos, fs->v[i].geom);
    }
    free(fs->v);
    json_object_put(fs->meta);
    fl_source_clear(&fs->src);
    *fs = (fl_features){0};
}

static const char *const extensions[] = {".geojson", ".json", ".kml", ".kmz", ".shp", ".wkt",
                                         NULL};

const char *const *fl_snapshot_extensions(void) { return extensions; }

bool fl_snapshot_file_name(const char *path)
{
    for (const char *const *e = extensions; *e; e++)
        if (fl_has_ext(path, *e))
            return true;
    return false;
}

int fl_features_read(fl_ctx *ctx, const char *path, fl_features *fs, const fl_source *prev,
                     const char *wrapped)
{
    *fs = (fl_features){0};
    int rc;
    if (fl_has_ext(path, ".shp"))
        rc = fl_shapefile_read(ctx, path, fs);
    else if (fl_has_ext(path, ".wkt"))
        rc = fl_wkt_read(ctx, path, fs);
    else if (fl_has_ext(path, ".kml"))
        rc = fl_kml_read(ctx, path, fs);
    else if (fl_has_ext(path, ".kmz"))
        rc = fl_kmz_read(ctx, path, fs);
    else
        rc = fl_geojson_read(ctx, path, fs, prev, wrapped);
    if (rc)
        fl_features_clear(ctx, fs);
    return rc;
}

int fl_features_write(fl_ctx *ctx, const fl_features *fs, const char *path)
{
    fl_format f;
    int rc = fl_output_format(ctx, path, 1u << FL_FORMAT_GEOJSON | 1u << FL_FORMAT_SHP |
                                             1u << FL_FORMAT_WKT, &f);
    return rc ? rc
           : f == FL_FORMAT_SHP ? fl_shapefile_write(ctx, fs, path)
           : f == FL_FORMAT_WKT ? fl_wkt_write(ctx, fs, path)
                                : fl_geojson_write(ctx, fs, path);
}

int fl_convert(fl_ctx *ctx, const char *in, const char *out)
{
    if (!in || !out)
        return fl_null_arg(ctx, __func__, !in ? "in" : "out");
    fl_features fs;
    fl_format f; /* refused before the input is read */
    int rc = fl_output_format(ctx, out, 1u << FL_FORMAT_GEOJSON | 1u << FL_FORMAT_SHP |
                                            1u << FL_FORMAT_WKT, &f);
    if (rc || (rc = fl_features_read(ctx, in, &fs, NULL, NULL)))
        return rc;
    rc = fl_features_write(ctx, &fs, out);
    fl_features_clear(ctx, &fs);
    return rc;
}

bool fl_utf8_valid(const char *s) { return fl_utf8_invalid_at(s, strlen(s)) < 0; }

char *fl_utf8_repair(const char *s)
{
    size_t len = strlen(s), bad = 0;
    for (long at, from = 0; (at = fl_utf8_invalid_at(s + from, len - (size_t)from)) >= 0;
         from += at + 1)
        bad++;
    char *out = malloc(len + 2 * bad + 1), *w = out;
    if (!out)
        return NULL;
    for (long at, from = 0;; from += at + 1) {
        at = fl_utf8_invalid_at(s + from, len - (size_t)from);
        size_t good = at < 0 ? len - (size_t)from : (size_t)at;
        memcpy(w, s + from, good);
        w += good;
        if (at < 0)
            break;
        memcpy(w, "\xEF\xBF\xBD", 3); /* U+FFFD REPLACEMENT CHARACTER */
        w += 3;
    }
    *w = '\0';
    return out;
}

long fl_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint64_t w; /* ASCII runs (most of a GeoJSON file) 8 bytes at a time */
        while (end - p >= 8 && (memcpy(&w, p, 8), !(w & 0x8080808080808080ULL)))
            p += 8;
        if (p == end)
            break;
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
              : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (n == 1 && *p < 0xC2) || p + n >= end)
            return (long)(p - (const unsigned char *)s);
        unsigned cp = *p & (0x7F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return (long)(p - (const unsigned char *)s);
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return (long)(p - (const unsigned char *)s);
        p += n + 1;
    }
    return -1;
}
