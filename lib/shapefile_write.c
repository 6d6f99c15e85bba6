/* shapefile_write.c — features out as an ESRI shapefile with shapelib: .shp/.shx, a UTF-8
 * .dbf (with .cpg) and a WGS84 .prj written by PROJ. */
#include "internal.h"

#include <assert.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Growing arrays of vertices and part starts for one shape. */
typedef struct parts {
    double *x, *y;
    int *start;
    int nv, np, capv;
    size_t capp;
} parts;

static int add_ring(fl_ctx *ctx, parts *p, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned int n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n))
        return fl_geos_error(ctx, "reading a ring");
    if (p->nv + (int)n > p->capv) {
        int cap = (p->nv + (int)n) * 2;
        double *x = fl_realloc(ctx, p->x, (size_t)cap, sizeof *x);
        if (x)
            p->x = x;
        double *y = x ? fl_realloc(ctx, p->y, (size_t)cap, sizeof *y) : NULL;
        if (!y)
            return FL_ENOMEM;
        p->y = y;
        p->capv = cap;
    }
    int *s = fl_grow(ctx, p->start, &p->capp, (size_t)p->np + 1, sizeof *s);
    if (!s)
        return FL_ENOMEM;
    p->start = s;
    p->start[p->np++] = p->nv;
    GEOSCoordSeq_copyToArrays_r(ctx->geos, cs, p->x + p->nv, p->y + p->nv, NULL, NULL);
    p->nv += (int)n;
    return FL_OK;
}

/* Every ring (polygons), line or point of g, recursively. Polygons must be normalised
 * first: GEOS then orders shells clockwise and holes counter-clockwise, as shapefiles want. */
static int add_parts(fl_ctx *ctx, parts *p, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx->geos, g), rc = FL_OK;
    if (type == GEOS_POLYGON && !GEOSisEmpty_r(ctx->geos, g)) {
        rc = add_ring(ctx, p, GEOSGetExteriorRing_r(ctx->geos, g));
        for (int i = 0; !rc && i < GEOSGetNumInteriorRings_r(ctx->geos, g); i++)
            rc = add_ring(ctx, p, GEOSGetInteriorRingN_r(ctx->geos, g, i));
    } else if (type == GEOS_LINESTRING || type == GEOS_POINT) {
        rc = add_ring(ctx, p, g);
    } else if (type >= GEOS_MULTIPOINT) {
        for (int i = 0; !rc && i < GEOSGetNumGeometries_r(ctx->geos, g); i++)
            rc = add_parts(ctx, p, GEOSGetGeometryN_r(ctx->geos, g, i));
    }
    return rc;
}

/* The shapefile type for a GEOS geometry type. */
static int shp_type(int geos_type)
{
    switch (geos_type) {
    case GEOS_POINT: return SHPT_POINT;
    case GEOS_MULTIPOINT: return SHPT_MULTIPOINT;
    case GEOS_LINESTRING: case GEOS_MULTILINESTRING: return SHPT_ARC;
    case GEOS_POLYGON: case GEOS_MULTIPOLYGON: case GEOS_GEOMETRYCOLLECTION: return SHPT_POLYGON;
    default: return SHPT_NULL;
    }
}

static int write_shape(fl_ctx *ctx, SHPHandle shp, int type, const GEOSGeometry *g,
                       const char *path, size_t i)
{
    if (!g) {
        SHPObject *o = SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL);
        int id = o ? SHPWriteObject(shp, -1, o) : -1;
        SHPDestroyObject(o);
        return id < 0 ? fl_error(ctx, FL_EIO, "%s: cannot write feature %zu", path, i) : FL_OK;
    }
    assert(shp_type(GEOSGeomTypeId_r(ctx->geos, g)) == type); /* layer_type checked */
    GEOSGeometry *norm = GEOSGeom_clone_r(ctx->geos, g);
    if (!norm || GEOSNormalize_r(ctx->geos, norm) != 0) {
        GEOSGeom_destroy_r(ctx->geos, norm);
        return fl_geos_error(ctx, "normalising a geometry");
    }
    parts p = {0};
    int rc = add_parts(ctx, &p, norm);
    GEOSGeom_destroy_r(ctx->geos, norm);
    if (!rc) {
        SHPObject *o = SHPCreateObject(type, -1, type == SHPT_POINT || type == SHPT_MULTIPOINT
                                                     ? 0 : p.np, p.start, NULL, p.nv, p.x, p.y,
                                       NULL, NULL);
        if (!o || SHPWriteObject(shp, -1, o) < 0)
            rc = fl_error(ctx, FL_EIO, "%s: cannot write feature %zu", path, i);
        SHPDestroyObject(o);
    }
    free(p.x);
    free(p.y);
    free(p.start);
    return rc;
}

/* One .dbf column: a property key, its 10-character dBASE name and its type. */
typedef struct column {
    const char *key;
    char name[XBASE_FLDNAME_LEN_WRITE + 1];
    DBFFieldType type;
    int width;
} column;

static int find_column(const column *c, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(c[i].key, key))
            return i;
    return -1;
}

/* Gives a column a dBASE name: the key cut to 10 bytes, made unique with a number. */
static void name_column(column *c, int n)
{
    snprintf(c[n].name, sizeof c[n].name, "%.10s", c[n].key);
    for (int k = 1; k < 1000; k++) {
        bool taken = false;
        for (int i = 0; i < n; i++)
            taken |= strcasecmp(c[i].name, c[n].name) == 0;
        if (!taken)
            return;
        snprintf(c[n].name, sizeof c[n].name, "%.*s%d", k < 10 ? 9 : k < 100 ? 8 : 7, c[n].key,
                 k);
    }
}

/* A .dbf text field holds at most 254 bytes: a longer text is refused (cutting it would
 * lose data silently; GeoJSON keeps it whole). */
static int check_text(fl_ctx *ctx, const char *path, size_t i, const char *key, json_object *val)
{
    size_t len = strlen(json_object_get_string(val));
    if (len <= 254)
        return FL_OK;
    return fl_error(ctx, FL_ELIMIT, "%s: feature %zu: attribute '%s' holds %zu bytes, more "
                    "than the 254 a shapefile's .dbf field can (write GeoJSON to keep it)",
                    path, i, key, len);
}

/* The columns: every property key in order of first appearance, typed by its values. */
static int plan_columns(fl_ctx *ctx, const fl_features *fs, const char *path, column **out,
                        int *count)
{
    column *c = NULL;
    int n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        json_object_object_foreach(fs->v[i].props, key, val) {
            int k = find_column(c, n, key);
            if (k < 0) {
                if (n == 255)
                    return free(c), fl_error(ctx, FL_ELIMIT, "%s: more than 255 attributes: "
                                             "the .dbf limit", path);
                column *g = fl_realloc(ctx, c, (size_t)n + 1, sizeof *g);
                if (!g)
                    return free(c), FL_ENOMEM;
                c = g;
                k = n;
                c[n] = (column){.key = key, .type = FTInteger, .width = 1};
                name_column(c, n++);
            }
            if (!val)
                continue;
            if (check_text(ctx, path, i, key, val))
                return free(c), ctx->err;
            if (json_object_is_type(val, json_type_double) && c[k].type == FTInteger)
                c[k].type = FTDouble;
            else if (!json_object_is_type(val, json_type_double) &&
                     !json_object_is_type(val, json_type_int))
                c[k].type = FTString;
            int len = (int)strlen(json_object_get_string(val));
            c[k].width = len > c[k].width ? (len > 254 ? 254 : len) : c[k].width;
        }
    }
    *out = c;
    *count = n;
    return FL_OK;
}

static int write_record(fl_ctx *ctx, DBFHandle dbf, const column *c, int n, json_object *props,
                        int row, const char *path)
{
    for (int k = 0; k < n; k++) {
        json_object *v = NULL;
        int ok;
        if (!json_object_object_get_ex(props, c[k].key, &v) || !v)
            ok = DBFWriteNULLAttribute(dbf, row, k);
        else if (c[k].type == FTString)
            ok = DBFWriteStringAttribute(dbf, row, k, json_object_get_string(v));
        else
            ok = DBFWriteDoubleAttribute(dbf, row, k, json_object_get_double(v));
        if (!ok) /* shapelib refuses a number wider than its field */
            return fl_error(ctx, FL_ELIMIT, "%s: feature %d: attribute '%s' (%s) does not fit "
                            "its .dbf field of %d characters", path, row, c[k].key,
                            v ? json_object_get_string(v) : "null",
                            c[k].type == FTString ? c[k].width : c[k].type == FTInteger ? 18 : 24);
    }
    return FL_OK;
}

/* The shapefile type of the features (that of the first with a geometry; polygons when none
 * has one). A shapefile holds one geometry type: a feature of another is refused before
 * anything is written (GDAL would split the layer into files by type; here one output is
 * one file: convert to GeoJSON to keep mixed types). */
static int layer_type(fl_ctx *ctx, const fl_features *fs, const char *path, int *type)
{
    size_t first = 0;
    *type = SHPT_NULL;
    for (size_t i = 0; i < fs->n; i++) {
        if (!fs->v[i].geom)
            continue;
        int t = shp_type(GEOSGeomTypeId_r(ctx->geos, fs->v[i].geom));
        if (*type == SHPT_NULL) {
            *type = t;
            first = i;
        } else if (t != *type) {
            char *name = GEOSGeomType_r(ctx->geos, fs->v[i].geom); /* allocated by GEOS */
            int rc = fl_error(ctx, FL_EFORMAT, "%s: feature %zu is a %s, feature %zu a %s: a "
                              "shapefile holds one geometry type (write GeoJSON or WKT to keep "
                              "both)", path, i, name ? name : "geometry", first,
                              SHPTypeName(*type));
            GEOSFree_r(ctx->geos, name);
            return rc;
        }
    }
    if (*type == SHPT_NULL)
        *type = SHPT_POLYGON;
    return FL_OK;
}

static int write_prj(fl_ctx *ctx, const char *base, const char *path)
{
    PJ *crs = proj_create(ctx->proj, "EPSG:4326");
    const char *wkt = crs ? proj_as_wkt(ctx->proj, crs, PJ_WKT1_ESRI, NULL) : NULL;
    int rc = FL_OK;
    if (!wkt)
        rc = fl_proj_error(ctx, "%s: cannot describe WGS84 for the .prj (is proj.db installed?)",
                           path);
    else {
        FILE *f = fopen(base, "w");
        if (!f || fputs(wkt, f) < 0)
            rc = fl_error(ctx, FL_EIO, "%s: cannot write the .prj: %m", path);
        if (f && fclose(f) != 0 && !rc)
            rc = fl_error(ctx, FL_EIO, "%s: cannot write the .prj: %m", path);
    }
    proj_destroy(crs);
    return rc;
}

/* Writes the shapefile under the name tmp (.shp, then its siblings); messages name path. */
static int write_files(fl_ctx *ctx, const fl_features *fs, const char *tmp, char *prj,
                       const char *path)
{
    int type;
    column *cols = NULL;
    int ncols = 0;
    int rc = layer_type(ctx, fs, path, &type);
    if (rc || (rc = plan_columns(ctx, fs, path, &cols, &ncols)))
        return rc;
    SAHooks hooks;
    SASetupDefaultHooks(&hooks);
    hooks.Error = fl_shapelib_quiet;
    SHPHandle shp = SHPCreateLL(tmp, type, &hooks);
    DBFHandle dbf = shp ? DBFCreateLL(tmp, "UTF-8", &hooks) : NULL;
    if (!shp || !dbf)
        rc = fl_error(ctx, FL_EIO, "%s: cannot create the shapefile: %m", path);
    for (int k = 0; !rc && k < ncols; k++)
        if (DBFAddField(dbf, cols[k].name, cols[k].type,
                        cols[k].type == FTString ? cols[k].width : cols[k].type == FTInteger ? 18 : 24,
                        cols[k].type == FTDouble ? 12 : 0) < 0)
            rc = fl_error(ctx, FL_EIO, "%s: cannot add field '%s'", path, cols[k].name);
    for (size_t i = 0; !rc && i < fs->n; i++) {
        rc = write_shape(ctx, shp, type, fs->v[i].geom, path, i);
        if (!rc)
            rc = write_record(ctx, dbf, cols, ncols, fs->v[i].props, (int)i, path);
    }
    if (dbf)
        DBFClose(dbf);
    if (shp)
        SHPClose(shp);
    free(cols);
    return rc ? rc : write_prj(ctx, prj, path);
}

/* The files of a shapefile, by the extension that replaces .shp. */
static const char *const parts_ext[] = {".shp", ".shx", ".dbf", ".cpg", ".prj"};
#define NPARTS ((int)(sizeof parts_ext / sizeof *parts_ext))

/* A shapefile is several files: each of them must be a regular file (or not exist yet). */
static int check_part(fl_ctx *ctx, const char *target, const char *path)
{
    struct stat st;
    if (stat(target, &st) == 0 && !S_ISREG(st.st_mode))
        return fl_error(ctx, FL_EIO, "%s: a shapefile is several files: %s must be a regular "
                        "file", path, target);
    return FL_OK;
}

/* Atomic like every output (output.c): all five files are written under temporary names in
 * the folder of the .shp's target (symbolic links followed) and renamed into place only when
 * every one of them succeeded; on failure the temporaries are removed and an earlier
 * shapefile of that name stays whole. */
int fl_shapefile_write(fl_ctx *ctx, const fl_features *fs, const char *path)
{
    if (!strcmp(path, "-"))
        return fl_error(ctx, FL_EARG, "-: a shapefile is several files: it cannot go to "
                        "standard output");
    char *tmp[NPARTS] = {0}, *dst[NPARTS] = {0}, *shp = fl_output_target(ctx, path);
    char *base = shp ? fl_output_temp_name(ctx, shp) : NULL; /* NAME.tmpPID.shp */
    int rc = base ? FL_OK : ctx->err, made = 0;
    for (int i = 0; !rc && i < NPARTS; i++) {
        char *own = fl_shp_sibling(ctx, path, parts_ext[i]);
        if (!(tmp[i] = fl_shp_sibling(ctx, base, parts_ext[i])) || !own ||
            !(dst[i] = fl_output_target(ctx, own)))
            rc = ctx->err ? ctx->err : FL_ENOMEM;
        free(own);
        if (!rc && !(rc = check_part(ctx, dst[i], path)) &&
            !(rc = fl_output_temp_create(ctx, tmp[i], path)))
            made++;
    }
    if (!rc)
        rc = write_files(ctx, fs, base, tmp[NPARTS - 1], path);
    rc = fl_output_commit(ctx, tmp, dst, path, made, rc);
    for (int i = 0; i < NPARTS; i++) {
        free(tmp[i]);
        free(dst[i]);
    }
    free(base);
    free(shp);
    return rc;
}
