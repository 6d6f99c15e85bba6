/* geojson_write.c — features and result layers out as GeoJSON, geometries serialised by
 * GEOS' GeoJSON writer, properties by json-c. One writer serves both sinks: a file (written
 * under a temporary name and renamed into place, output.c) and memory (open_memstream, for
 * the fl_*_geojson calls that hand the text to bindings), so the two cannot drift apart. */
#include "internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

/* Writes one feature; geom may be NULL (geometry: null). */
static int write_feature(fl_ctx *ctx, FILE *f, GEOSGeoJSONWriter *w, const GEOSGeometry *g,
                         json_object *props, bool first)
{
    char *gj = g ? GEOSGeoJSONWriter_writeGeometry_r(ctx->geos, w, g, -1) : NULL;
    if (g && !gj)
        return fl_geos_error(ctx, "writing GeoJSON");
    const char *p = props ? fl_json_string(props) : "{}";
    if (!p || fl_json_failed(props)) {
        GEOSFree_r(ctx->geos, gj);
        return fl_error(ctx, FL_ENOMEM, "out of memory writing GeoJSON properties");
    }
    fprintf(f, "%s\n{\"type\":\"Feature\",\"properties\":%s,\"geometry\":%s}", first ? "" : ",",
            p, gj ? gj : "null");
    GEOSFree_r(ctx->geos, gj);
    return FL_OK;
}

/* The FeatureCollection onto an open stream. */
static int write_collection(fl_ctx *ctx, FILE *f, size_t n, GEOSGeometry *const *geoms,
                            json_object *const *props)
{
    int rc = FL_OK;
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(ctx->geos);
    if (!w)
        rc = fl_geos_error(ctx, "GeoJSON writer");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", f);
    for (size_t i = 0; i < n && !rc; i++)
        rc = write_feature(ctx, f, w, geoms[i], props[i], i == 0);
    fputs("\n]}\n", f);
    if (w)
        GEOSGeoJSONWriter_destroy_r(ctx->geos, w);
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
    int rc = fl_output_open(ctx, &o, to.path);
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
