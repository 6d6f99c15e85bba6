/* places.c — named places (id, name, lat, lon and any other column, e.g. population) and the
 * control status of any point. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const id_names[] = {"id", "geonameid", NULL};
static const char *const name_names[] = {"name", NULL};
static const char *const lat_names[] = {"lat", "latitude", NULL};
static const char *const lon_names[] = {"lon", "lng", "long", "longitude", NULL};

static int coordinate(fl_ctx *ctx, const char *text, double lo, double hi, const char *what,
                      const char *path, int line, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    while (*end == ' ')
        end++;
    /* decimal only: strtod also reads hexadecimal ("0x32" is 50) */
    bool decimal = text[strspn(text, " +-.0123456789eE")] == '\0';
    if (end == text || *end || errno || !decimal || !(*out >= lo && *out <= hi))
        return fl_error(ctx, FL_EPARSE, "%s:%d: %s '%s' is not a number in [%g, %g]", path,
                        line, what, text, lo, hi);
    return FL_OK;
}

static int add_place(fl_ctx *ctx, fl_places *p, const fl_csv_row *row, const int col[4],
                     const char *path, int line)
{
    for (int k = 1; k < 4; k++)
        if (col[k] >= row->n)
            return fl_error(ctx, FL_EPARSE, "%s:%d: %d fields, fewer than the header's", path,
                            line, row->n);
    double lat, lon;
    int rc;
    if ((rc = coordinate(ctx, row->field[col[2]], -90, 90, "latitude", path, line, &lat)) ||
        (rc = coordinate(ctx, row->field[col[3]], -180, 180, "longitude", path, line, &lon)))
        return rc;
    size_t n = (size_t)p->n + 1;
    char **id = fl_realloc(ctx, p->id, n, sizeof *id);
    if (id)
        p->id = id;
    char **name = id ? fl_realloc(ctx, p->name, n, sizeof *name) : NULL;
    if (name)
        p->name = name;
    double *la = name ? fl_realloc(ctx, p->lat, n, sizeof *la) : NULL;
    if (la)
        p->lat = la;
    double *lo = la ? fl_realloc(ctx, p->lon, n, sizeof *lo) : NULL;
    if (lo)
        p->lon = lo;
    /* every column, for fl_places_attr */
    char **cell = lo ? fl_realloc(ctx, p->cell, n * (size_t)p->ncol, sizeof *cell) : NULL;
    if (!cell)
        return FL_ENOMEM;
    p->cell = cell;
    char num[16];
    snprintf(num, sizeof num, "%d", p->n + 1);
    p->id[p->n] = fl_strdup(ctx, col[0] >= 0 && col[0] < row->n ? row->field[col[0]] : num);
    p->name[p->n] = fl_strdup(ctx, row->field[col[1]]);
    p->lat[p->n] = lat;
    p->lon[p->n] = lon;
    bool ok = p->id[p->n] && p->name[p->n];
    for (int k = 0; k < p->ncol; k++) {
        char **c = &p->cell[(size_t)p->n * (size_t)p->ncol + (size_t)k];
        ok &= (*c = fl_strdup(ctx, k < row->n ? row->field[k] : "")) != NULL;
    }
    p->n++; /* even when incomplete, so that closing frees what was allocated */
    return ok ? FL_OK : FL_ENOMEM;
}

int fl_places_open(fl_ctx *ctx, const char *path, fl_places **out)
{
    if (!path || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : "out");
    *out = NULL;
    FILE *f;
    int orc = fl_input_open(ctx, path, "places", &f);
    if (orc)
        return orc;
    fl_places *p = fl_calloc(ctx, 1, sizeof *p);
    fl_csv_row row = {0};
    int line = 0, rc = p ? fl_csv_next(ctx, f, path, &line, &row) : FL_ENOMEM;
    int col[4] = {fl_csv_column(&row, id_names), fl_csv_column(&row, name_names),
                  fl_csv_column(&row, lat_names), fl_csv_column(&row, lon_names)};
    if (rc == -1 || (!rc && (col[1] < 0 || col[2] < 0 || col[3] < 0)))
        rc = fl_error(ctx, FL_EFORMAT, "%s: the header needs the columns name, lat and lon",
                      path);
    if (!rc && !(p->col = fl_calloc(ctx, (size_t)row.n, sizeof *p->col)))
        rc = FL_ENOMEM;
    for (int k = 0; !rc && k < row.n; k++)
        if (!(p->col[p->ncol++] = fl_strdup(ctx, row.field[k])))
            rc = FL_ENOMEM;
    while (!rc && (rc = fl_csv_next(ctx, f, path, &line, &row)) == FL_OK)
        if (!(row.n == 1 && !row.field[0][0])) /* blank line */
            rc = add_place(ctx, p, &row, col, path, line);
    fl_csv_free(&row);
    fclose(f);
    if (rc != -1) {
        fl_places_close(p);
        return rc;
    }
    *out = p;
    return FL_OK;
}

void fl_places_close(fl_places *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        free(p->id[i]);
        free(p->name[i]);
        for (int k = 0; k < p->ncol; k++)
            free(p->cell[(size_t)i * (size_t)p->ncol + (size_t)k]);
    }
    for (int k = 0; k < p->ncol; k++)
        free(p->col[k]);
    free(p->col);
    free(p->cell);
    free(p->id);
    free(p->name);
    free(p->lat);
    free(p->lon);
    free(p);
}

int fl_places_count(const fl_places *p) { return p->n; }
const char *fl_places_id(const fl_places *p, int i) { return i >= 0 && i < p->n ? p->id[i] : ""; }
const char *fl_places_name(const fl_places *p, int i) { return i >= 0 && i < p->n ? p->name[i] : ""; }
double fl_places_lat(const fl_places *p, int i) { return i >= 0 && i < p->n ? p->lat[i] : NAN; }
double fl_places_lon(const fl_places *p, int i) { return i >= 0 && i < p->n ? p->lon[i] : NAN; }

const char *fl_places_attr(const fl_places *p, int i, const char *field)
{
    if (i < 0 || i >= p->n || !field)
        return "";
    for (int k = 0; k < p->ncol; k++)
        if (!strcasecmp(p->col[k], field))
            return p->cell[(size_t)i * (size_t)p->ncol + (size_t)k];
    return "";
}

/* From this many points on, a locator (locate.c) answers sooner, its building included, than
 * the prepared geometries asked point by point: on the DeepStateMap exports it takes 33 ms to
 * build and saves 0.9 µs a point (break-even 36,000 points on average over the 37 exports).
 * Once made it stays with the snapshot and answers every later query. */
#define LOCATOR_POINTS 36000

int fl_status_conflate(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, size_t n,
                       const double *lat, const double *lon, bool water, int *status)
{
    const fl_conflation *c = fl_snapshot_conflation(ctx, s, r);
    int rc = c ? fl_conflation_points(ctx, c, n, lat, lon, status) : ctx->err;
    return rc || !water ? rc : fl_water_points(ctx, r, s->nstatus - 1, n, lat, lon, status);
}

int fl_snapshot_status_drawn(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, size_t n,
                             const double *lat, const double *lon, int *status, int *region)
{
    if (!s || !r || (n && (!lat || !lon)))
        return fl_error(ctx, FL_EARG, "status: a snapshot, regions and coordinates are needed");
    int rc = fl_snapshot_normalise(ctx, s); /* the layers, once */
    if (rc)
        return rc;
    const fl_locator *loc;
    rc = fl_snapshot_locator(ctx, s, r, n >= LOCATOR_POINTS, &loc);
    if (rc || loc) /* a kept locator answers any number of points */
        return rc ? rc : fl_locator_status(ctx, loc, n, lat, lon, status, region);
    ctx->geos_msg[0] = 0; /* a failed GEOS predicate (out of memory) answers neither yes nor
                           * no: its message is the only sign */
    for (size_t i = 0; i < n; i++) {
        int st = FL_STATUS_INVALID, rg = FL_REGION_NONE;
        if (lat[i] >= -90 && lat[i] <= 90 && lon[i] >= -180 && lon[i] <= 180) {
            GEOSGeometry *pt = fl_point(ctx, lon[i], lat[i]);
            if (!pt)
                return ctx->err;
            int rc = fl_regions_locate(ctx, r, lat[i], lon[i], &rg);
            if (rc) {
                GEOSGeom_destroy_r(ctx->geos, pt);
                return rc;
            }
            st = fl_snapshot_layer_at(ctx, s, pt);
            if (st < 0) /* covered by nothing: the default status within the territory */
                st = rg >= 0 || GEOSPreparedIntersects_r(ctx->geos, r->territory_prep, pt) == 1
                         ? s->nstatus - 1 : FL_STATUS_NONE;
            GEOSGeom_destroy_r(ctx->geos, pt);
            if (ctx->geos_msg[0])
                return fl_geos_error(ctx, "locating a point");
        }
        if (status)
            status[i] = st;
        if (region)
            region[i] = rg;
    }
    return FL_OK;
}

int fl_snapshot_status_at(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, size_t n,
                          const double *lat, const double *lon, int *status, int *region)
{
    int rc = fl_snapshot_status_drawn(ctx, s, r, n, lat, lon, status, region);
    return rc || !status ? rc : fl_status_conflate(ctx, s, r, n, lat, lon, true, status);
}

/* Status (and region) of every place: two arrays of p->n the caller frees. */
int fl_places_status(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, const fl_places *p,
                     int **status, int **region)
{
    *status = fl_calloc(ctx, (size_t)p->n, sizeof **status);
    *region = *status ? fl_calloc(ctx, (size_t)p->n, sizeof **region) : NULL;
    int rc = *region ? fl_snapshot_status_drawn(ctx, s, r, (size_t)p->n, p->lat, p->lon,
                                                *status, *region)
                     : FL_ENOMEM;
    if (!rc)
        rc = fl_status_conflate(ctx, s, r, (size_t)p->n, p->lat, p->lon, false, *status);
    if (rc) {
        free(*status);
        free(*region);
        *status = *region = NULL;
    }
    return rc;
}

json_object *fl_place_json(const fl_places *p, int i)
{
    json_object *o = json_object_new_object();
    fl_json_object_add(o, "id", json_object_new_string(p->id[i]));
    fl_json_object_add(o, "name", json_object_new_string(p->name[i]));
    fl_json_object_add(o, "lat", fl_json_num(p->lat[i], 6));
    fl_json_object_add(o, "lon", fl_json_num(p->lon[i], 6));
    return o;
}

int fl_status_json(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, const fl_places *p,
                   char **json)
{
    if (!p)
        return fl_error(ctx, FL_EARG, "status: no places given");
    int *status, *region;
    int rc = fl_places_status(ctx, s, r, p, &status, &region);
    if (rc)
        return rc;
    json_object *doc = fl_snapshot_head_json(s), *arr = json_object_new_array();
    for (int i = 0; i < p->n; i++) {
        json_object *o = fl_place_json(p, i);
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(s->profile,
                                                                                  status[i])));
        fl_json_object_add(o, "region", region[i] >= 0
                                                ? json_object_new_string(r->code[region[i]])
                                                : NULL);
        fl_json_array_add(arr, o);
    }
    fl_json_object_add(doc, "places", arr);
    free(status);
    free(region);
    return fl_json_out(ctx, doc, json);
}
