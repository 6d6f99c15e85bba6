/* regions.c — administrative regions (shapefile or GeoJSON) and their union, the territory.
 * Point lookups go through an STRtree of region envelopes and prepared geometries. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *prop_string(json_object *props, const char *field)
{
    json_object *v;
    if (!json_object_object_get_ex(props, field, &v) || !v)
        return NULL;
    return json_object_get_string(v);
}

/* "code, iso, name, ..." for error messages. */
static void field_list(json_object *props, char *buf, size_t size)
{
    buf[0] = '\0';
    json_object_object_foreach(props, key, val) {
        (void)val;
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%s", n ? ", " : "", key);
    }
}

static int take_region(fl_ctx *ctx, fl_regions *r, fl_feature *f, const char *path, int i,
                       const char *code_field, const char *name_field)
{
    const char *code = prop_string(f->props, code_field);
    const char *name = prop_string(f->props, name_field);
    if (!code || !*code || !name) {
        char fields[512];
        field_list(f->props, fields, sizeof fields);
        return fl_error(ctx, FL_EFORMAT, "%s: feature %d: no '%s' (region code) or '%s' (name)"
                        " attribute; it has: %s", path, i, code_field, name_field,
                        fields[0] ? fields : "none");
    }
    for (int k = 0; k < i; k++)
        if (!strcmp(r->code[k], code))
            return fl_error(ctx, FL_EFORMAT, "%s: feature %d: region code '%s' repeats "
                            "feature %d", path, i, code, k);
    bool repaired;
    /* boundary datasets (Natural Earth) are digitised as straight lines in longitude and
     * latitude: their edges are kept as chords, not densified along geodesics */
    r->geom[i] = f->geom ? fl_polygonal(ctx, f->geom, false, &repaired) : NULL;
    if (!r->geom[i] || GEOSisEmpty_r(ctx->geos, r->geom[i]))
        return ctx->err == FL_ENOMEM ? FL_ENOMEM
               : fl_error(ctx, FL_EGEOM, "%s: feature %d (%s): no polygon", path, i, code);
    r->code[i] = fl_strdup(ctx, code);
    r->name[i] = fl_strdup(ctx, name);
    r->props[i] = json_object_get(f->props);
    r->km2[i] = fl_geom_km2(ctx, r->geom[i]);
    fl_geom_bounds(ctx, r->geom[i], r->bbox[i]);
    r->prep[i] = GEOSPrepare_r(ctx->geos, r->geom[i]);
    if (!r->code[i] || !r->name[i])
        return FL_ENOMEM;
    const char *level = prop_string(f->props, "level");
    int lv = level ? fl_level_parse(level) : FL_LEVEL_NONE;
    if (lv < 0)
        return fl_error(ctx, FL_EFORMAT, "%s: feature %d (%s): level '%s' is none of oblast, "
                        "raion, hromada", path, i, code, level);
    if (lv > r->level)
        r->level = lv;
    if (!r->prep[i])
        return fl_geos_error(ctx, "preparing a region");
    /* the tree stores the index, offset by one so that region 0 is not a NULL item */
    GEOSSTRtree_insert_r(ctx->geos, r->tree, r->geom[i], (void *)(intptr_t)(i + 1));
    return FL_OK;
}

static int make_territory(fl_ctx *ctx, fl_regions *r)
{
    GEOSGeometry **copies = fl_calloc(ctx, (size_t)r->n, sizeof *copies);
    if (!copies)
        return FL_ENOMEM;
    for (int i = 0; i < r->n; i++)
        if (!(copies[i] = GEOSGeom_clone_r(ctx->geos, r->geom[i]))) {
            for (int k = 0; k < i; k++)
                GEOSGeom_destroy_r(ctx->geos, copies[k]);
            free(copies);
            return fl_geos_error(ctx, "copying regions");
        }
    /* Regions normally tile the territory: GEOS' coverage union merges their shared edges
     * without overlay noding, much faster; if the regions are not a clean coverage (the
     * result is invalid or its area differs), fall back to a full union. */
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, copies,
                                                     (unsigned)r->n);
    free(copies);
    if (!coll)
        return fl_geos_error(ctx, "collecting regions");
    double sum = 0;
    for (int i = 0; i < r->n; i++)
        sum += r->km2[i];
    GEOSGeometry *cov = GEOSCoverageUnion_r(ctx->geos, coll);
    if (cov && GEOSisValid_r(ctx->geos, cov) == 1 &&
        fabs(fl_geom_km2(ctx, cov) - sum) <= 1e-9 * sum) {
        r->territory = fl_keep_polygons(ctx, cov);
    } else {
        if (cov)
            GEOSGeom_destroy_r(ctx->geos, cov);
        r->territory = fl_unary_union(ctx, coll);
    }
    GEOSGeom_destroy_r(ctx->geos, coll);
    if (!r->territory)
        return ctx->err;
    r->territory_km2 = fl_geom_km2(ctx, r->territory);
    r->territory_prep = GEOSPrepare_r(ctx->geos, r->territory);
    return r->territory_prep ? FL_OK : fl_geos_error(ctx, "preparing the territory");
}

/* Regions with room for n, none taken yet; NULL when out of memory. */
static fl_regions *regions_alloc(fl_ctx *ctx, size_t n)
{
    fl_regions *r = fl_calloc(ctx, 1, sizeof *r);
    if (!r)
        return NULL;
    r->ctx = ctx;
    r->code = fl_calloc(ctx, n, sizeof *r->code);
    r->name = fl_calloc(ctx, n, sizeof *r->name);
    r->props = fl_calloc(ctx, n, sizeof *r->props);
    r->geom = fl_calloc(ctx, n, sizeof *r->geom);
    r->prep = fl_calloc(ctx, n, sizeof *r->prep);
    r->km2 = fl_calloc(ctx, n, sizeof *r->km2);
    r->bbox = fl_calloc(ctx, n, sizeof *r->bbox);
    r->tree = GEOSSTRtree_create_r(ctx->geos, 10);
    r->serial = ++ctx->serial;
    r->cache = fl_calloc(ctx, 1, sizeof *r->cache); /* snap_km 0: the conflation is off */
    if (r->code && r->name && r->props && r->geom && r->prep && r->km2 && r->bbox && r->tree &&
        r->cache)
        return r;
    fl_regions_close(r);
    fl_error(ctx, FL_ENOMEM, "out of memory");
    return NULL;
}

int fl_regions_open(fl_ctx *ctx, const char *path, const char *code_field,
                    const char *name_field, fl_regions **out)
{
    if (!path || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : "out");
    *out = NULL;
    fl_features fs;
    int rc = fl_features_read(ctx, path, &fs, NULL, NULL);
    if (rc)
        return rc;
    size_t n = fs.n;
    fl_regions *r = regions_alloc(ctx, n);
    if (!r)
        rc = FL_ENOMEM;
    if (!rc && n == 0)
        rc = fl_error(ctx, FL_EFORMAT, "%s: no regions", path);
    for (size_t i = 0; i < n && !rc; i++, r->n++)
        rc = take_region(ctx, r, &fs.v[i], path, (int)i, code_field ? code_field : "code",
                         name_field ? name_field : "name");
    fl_features_clear(ctx, &fs);
    if (!rc)
        rc = make_territory(ctx, r);
    if (rc) {
        fl_regions_close(r);
        return rc;
    }
    *out = r;
    return FL_OK;
}

/* Copies region i of src into r (an index of n allocated slots). */
static int copy_region(fl_ctx *ctx, fl_regions *r, const fl_regions *src, int i)
{
    r->geom[i] = GEOSGeom_clone_r(ctx->geos, src->geom[i]);
    r->code[i] = fl_strdup(ctx, src->code[i]);
    r->name[i] = fl_strdup(ctx, src->name[i]);
    r->props[i] = json_object_get(src->props[i]);
    r->km2[i] = src->km2[i];
    r->level = src->level;
    memcpy(r->bbox[i], src->bbox[i], sizeof r->bbox[i]);
    if (!r->geom[i])
        return fl_geos_error(ctx, "copying a region");
    if (!r->code[i] || !r->name[i])
        return FL_ENOMEM;
    if (!(r->prep[i] = GEOSPrepare_r(ctx->geos, r->geom[i])))
        return fl_geos_error(ctx, "preparing a region");
    GEOSSTRtree_insert_r(ctx->geos, r->tree, r->geom[i], (void *)(intptr_t)(i + 1));
    return FL_OK;
}

int fl_regions_copy(fl_ctx *ctx, const fl_regions *src, fl_regions **out)
{
    fl_regions *r = regions_alloc(ctx, (size_t)src->n);
    *out = NULL;
    if (!r)
        return FL_ENOMEM;
    int rc = FL_OK;
    for (int i = 0; i < src->n && !rc; i++, r->n++)
        rc = copy_region(ctx, r, src, i);
    if (!rc && !(r->territory = GEOSGeom_clone_r(ctx->geos, src->territory)))
        rc = fl_geos_error(ctx, "copying the territory");
    r->territory_km2 = src->territory_km2;
    r->snap_km = src->snap_km;
    if (!rc && !(r->territory_prep = GEOSPrepare_r(ctx->geos, r->territory)))
        rc = fl_geos_error(ctx, "preparing the territory");
    if (!rc && src->water) /* cloned: reading and cutting the file again takes 0.23 s */
        rc = fl_water_cut_copy(ctx, src->water, src->n, &r->water);
    if (rc) {
        fl_regions_close(r);
        return rc;
    }
    *out = r;
    return FL_OK;
}

void fl_regions_close(fl_regions *r)
{
    if (!r)
        return;
    fl_ctx *ctx = r->ctx;
    if (r->tree)
        GEOSSTRtree_destroy_r(ctx->geos, r->tree);
    for (int i = 0; i < r->n; i++) { /* a failed load counts the region it failed on */
        if (r->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, r->prep[i]);
        if (r->geom[i])
            GEOSGeom_destroy_r(ctx->geos, r->geom[i]);
        free(r->code[i]);
        free(r->name[i]);
        json_object_put(r->props[i]);
    }
    if (r->cache)
        fl_coast_free(ctx, r->cache->coast);
    free(r->cache);
    fl_water_cut_free(ctx, r->water);
    if (r->territory_prep)
        GEOSPreparedGeom_destroy_r(ctx->geos, r->territory_prep);
    if (r->territory)
        GEOSGeom_destroy_r(ctx->geos, r->territory);
    free(r->code);
    free(r->name);
    free(r->props);
    free(r->geom);
    free(r->prep);
    free(r->km2);
    free(r->bbox);
    free(r);
}

int fl_regions_set_snap_km(fl_ctx *ctx, fl_regions *r, double km)
{
    if (!(km >= 0 && km <= FL_SNAP_KM_MAX))
        return fl_error(ctx, FL_EARG, "snap tolerance %g km: it must lie in 0 .. %g km", km,
                        (double)FL_SNAP_KM_MAX);
    r->snap_km = km;
    return FL_OK;
}

double fl_regions_snap_km(const fl_regions *r) { return r->snap_km; }
int fl_regions_count(const fl_regions *r) { return r->n; }
const char *fl_regions_code(const fl_regions *r, int i) { return i >= 0 && i < r->n ? r->code[i] : ""; }
const char *fl_regions_name(const fl_regions *r, int i) { return i >= 0 && i < r->n ? r->name[i] : ""; }
double fl_regions_area_km2(const fl_regions *r, int i) { return i >= 0 && i < r->n ? r->km2[i] : 0; }
double fl_regions_territory_km2(const fl_regions *r) { return r->territory_km2; }

const char *fl_regions_attr(const fl_regions *r, int i, const char *field)
{
    const char *s = i >= 0 && i < r->n ? prop_string(r->props[i], field) : NULL;
    return s ? s : "";
}

int fl_regions_find(const fl_regions *r, const char *code)
{
    static const char *const aliases[] = {"iso", "alias", "katotth"};
    for (int i = 0; i < r->n; i++) {
        if (!strcasecmp(r->code[i], code))
            return i;
        for (size_t k = 0; k < sizeof aliases / sizeof *aliases; k++)
            if (!strcasecmp(fl_regions_attr(r, i, aliases[k]), code))
                return i;
    }
    return -1;
}

static const char *const level_names[] = {"", "oblast", "raion", "hromada"};

const char *fl_level_name(int level)
{
    return level > 0 && level <= FL_LEVEL_HROMADA ? level_names[level] : "";
}

int fl_level_parse(const char *name)
{
    for (int k = FL_LEVEL_OBLAST; k <= FL_LEVEL_HROMADA; k++)
        if (!strcmp(name, level_names[k]))
            return k;
    return -1;
}

int fl_regions_level(const fl_regions *r) { return r->level; }
const char *fl_regions_parent(const fl_regions *r, int i) { return fl_regions_attr(r, i, "parent"); }

int fl_regions_open_level(fl_ctx *ctx, const char *datadir, int level, fl_regions **out)
{
    *out = NULL;
    if (level < FL_LEVEL_OBLAST || level > FL_LEVEL_HROMADA)
        return fl_error(ctx, FL_EARG, "regions: level %d is none of oblast (1), raion (2), "
                        "hromada (3)", level);
    char path[4096];
    snprintf(path, sizeof path, "%s/regions/ua_%ss.shp", datadir, level_names[level]);
    int rc = fl_regions_open(ctx, path, NULL, NULL, out);
    if (!rc && (*out)->level != level) {
        rc = fl_error(ctx, FL_EFORMAT, "%s: regions of level '%s', not '%s'", path,
                      fl_level_name((*out)->level), level_names[level]);
        fl_regions_close(*out);
        *out = NULL;
    }
    return rc;
}

json_object *fl_region_json(const fl_regions *r, int i)
{
    json_object *o = json_object_new_object();
    fl_json_object_add(o, "code", json_object_new_string(r->code[i]));
    fl_json_object_add(o, "name", json_object_new_string(r->name[i]));
    fl_json_object_add(o, "name_uk", json_object_new_string(fl_regions_attr(r, i, "name_uk")));
    const char *level = fl_regions_attr(r, i, "level");
    fl_json_object_add(o, "level", *level ? json_object_new_string(level) : NULL);
    fl_json_object_add(o, "parent", json_object_new_string(fl_regions_parent(r, i)));
    return o;
}

typedef struct locate_query {
    fl_ctx *ctx;
    const fl_regions *r;
    const GEOSGeometry *pt;
    int found;
    bool failed;
} locate_query;

static void locate_visit(void *item, void *userdata)
{
    locate_query *q = userdata;
    int i = (int)(intptr_t)item - 1;
    if (q->found >= 0 && i > q->found)
        return;
    char in = GEOSPreparedIntersects_r(q->ctx->geos, q->r->prep[i], q->pt);
    if (in == 1)
        q->found = i;
    q->failed |= in == 2;
}

int fl_regions_locate(fl_ctx *ctx, const fl_regions *r, double lat, double lon, int *region)
{
    *region = FL_REGION_NONE;
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        return FL_OK;
    GEOSGeometry *pt = fl_point(ctx, lon, lat);
    if (!pt)
        return ctx->err;
    locate_query q = {ctx, r, pt, FL_REGION_NONE, false};
    ctx->geos_msg[0] = 0; /* the query returns nothing: a message tells that it failed */
    GEOSSTRtree_query_r(ctx->geos, r->tree, pt, locate_visit, &q);
    GEOSGeom_destroy_r(ctx->geos, pt);
    if (q.failed || ctx->geos_msg[0]) /* a failed predicate or query answered neither yes
                                       * nor no */
        return fl_geos_error(ctx, "locating a point in the regions");
    *region = q.found;
    return FL_OK;
}

int *fl_regions_near(const fl_regions *r, const double bbox[4], int *count)
{
    int *v = malloc((size_t)(r->n ? r->n : 1) * sizeof *v);
    *count = 0;
    for (int i = 0; v && i < r->n; i++)
        if (fl_bounds_overlap(r->bbox[i], bbox))
            v[(*count)++] = i;
    return v;
}

int fl_regions_write(fl_ctx *ctx, const fl_regions *r, const char *path)
{
    fl_features fs = {.kind = "regions"};
    int rc = FL_OK;
    for (int i = 0; i < r->n && !rc; i++) {
        GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, r->geom[i]);
        rc = g ? fl_features_push(ctx, &fs, json_object_get(r->props[i]), g)
               : fl_geos_error(ctx, "copying a region");
    }
    if (!rc)
        rc = fl_features_write(ctx, &fs, path);
    fl_features_clear(ctx, &fs);
    return rc;
}

int fl_regions_geojson(fl_ctx *ctx, const fl_regions *r, char **geojson)
{
    return fl_write_geojson_layers(ctx, (fl_geojson_sink){.text = geojson}, (size_t)r->n,
                                   r->geom, r->props);
}
