/* geojson_write.c — features and result layers out as GeoJSON, geometries serialised by
 * GEOS' GeoJSON writer, properties by json-c. */
#include "internal.h"

#include <stdlib.h>

#include <stdio.h>

/* Writes one feature; geom may be NULL (geometry: null). */
static int write_feature(fl_ctx *ctx, FILE *f, GEOSGeoJSONWriter *w, const GEOSGeometry *g,
                         json_object *props, bool first)
{
    char *gj = g ? GEOSGeoJSONWriter_writeGeometry_r(ctx->geos, w, g, -1) : NULL;
    if (g && !gj)
        return fl_geos_error(ctx, "writing GeoJSON");
    const char *text = props ? fl_json_string(props) : "{}";
    char *p = text ? fl_utf8_repair(text) : NULL; /* a .dbf field name may not be UTF-8 */
    if (!p || fl_json_failed(props)) {
        GEOSFree_r(ctx->geos, gj);
        free(p);
        return fl_error(ctx, FL_ENOMEM, "out of memory writing GeoJSON properties");
    }
    fprintf(f, "%s\n{\"type\":\"Feature\",\"properties\":%s,\"geometry\":%s}", first ? "" : ",",
            p, gj ? gj : "null");
    free(p);
    GEOSFree_r(ctx->geos, gj);
    return FL_OK;
}

int fl_write_geojson_layers(fl_ctx *ctx, const char *path, size_t n,
                            GEOSGeometry *const *geoms, json_object *const *props)
{
    fl_output o;
    int rc = fl_output_open(ctx, &o, path);
    if (rc)
        return rc;
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(ctx->geos);
    if (!w)
        rc = fl_geos_error(ctx, "GeoJSON writer");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", o.f);
    for (size_t i = 0; i < n && !rc; i++)
        rc = write_feature(ctx, o.f, w, geoms[i], props[i], i == 0);
    fputs("\n]}\n", o.f);
    if (w)
        GEOSGeoJSONWriter_destroy_r(ctx->geos, w);
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
        rc = fl_write_geojson_layers(ctx, path, fs->n, g, p);
    free(g);
    free(p);
    return rc;
}
