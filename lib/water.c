/* water.c — inland water: ground of the territory that is water (reservoirs, the Dnipro and its
 * channels, estuaries, limans, lagoons such as Syvash) is not free land.
 *
 * Rule. The water polygons (data/water/ua_water.geojson) are clipped to the territory once,
 * with the regions. In a snapshot, water that no status covers, after the coast and border
 * conflation, is the class `water`: it is taken from the default status (the map leaves it
 * undrawn; it is not "free"). Water a status covers keeps that status: the map's author drew
 * it so (the Syvash inside occupied Crimea, the half of a reservoir behind the line). Shares
 * are of the region's land: its area less its undrawn water; the area and the water are
 * reported beside them, so that shares of the whole area (land plus water, as official
 * figures are given) can be made too.
 *
 * Method. The water is cut into the cells of a 0.5° grid; per snapshot and cell, the
 * features meeting the cell are clipped to it and unioned (the cover), and the cell's water
 * less the cover and less the conflation's pieces is measured per region. Points: a point of
 * the default status that lies in the water is `water` (FL_STATUS_WATER). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_DEG 0.5

typedef struct water_cell {
    double box[4];
    int nreg;
    int *reg;              /* regions whose water meets the cell */
    GEOSGeometry **water;  /* each region's water in the cell, lon/lat */
} water_cell;

struct fl_water {
    char *path;            /* the file read, for copies of the regions */
    GEOSGeometry *all;     /* the water in the territory, lon/lat */
    const GEOSPreparedGeometry *prep;
    double *km2;           /* per region */
    int ncell;
    water_cell *cell;
};

void fl_water_free(fl_ctx *ctx, fl_water *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->ncell; i++) {
        for (int k = 0; k < w->cell[i].nreg; k++)
            GEOSGeom_destroy_r(ctx->geos, w->cell[i].water[k]);
        free(w->cell[i].reg);
        free(w->cell[i].water);
    }
    free(w->cell);
    if (w->prep)
        GEOSPreparedGeom_destroy_r(ctx->geos, w->prep);
    if (w->all)
        GEOSGeom_destroy_r(ctx->geos, w->all);
    free(w->km2);
    free(w->path);
    free(w);
}

/* The union of the polygons of a water file, made valid. */
static GEOSGeometry *read_water(fl_ctx *ctx, const char *path)
{
    fl_features fs = {0};
    int rc = fl_features_read(ctx, path, &fs, NULL, NULL);
    GEOSGeometry **g = rc ? NULL : fl_calloc(ctx, fs.n + 1, sizeof *g);
    size_t n = 0;
    for (size_t i = 0; g && i < fs.n && !rc; i++) {
        bool repaired;
        if (!fs.v[i].geom)
            continue;
        if (!(g[n] = fl_polygonal(ctx, fs.v[i].geom, false, &repaired)))
            rc = fl_error(ctx, ctx->err ? ctx->err : FL_EGEOM, "%s: feature %zu: %s", path, i,
                          ctx->msg);
        else
            n++;
    }
    fl_features_clear(ctx, &fs);
    if (rc || !g) {
        while (n)
            GEOSGeom_destroy_r(ctx->geos, g[--n]);
        free(g);
        return NULL;
    }
    GEOSGeometry *u = fl_union_all(ctx, g, n);
    free(g);
    return u;
}

/* Adds the cell of box when water of some region meets it. */
static int add_cell(fl_ctx *ctx, const fl_regions *r, fl_water *w, const GEOSGeometry *const *rw,
                    const double box[4])
{
    water_cell c = {.box = {box[0], box[1], box[2], box[3]}};
    c.reg = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.reg);
    c.water = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.water);
    int rc = c.reg && c.water ? FL_OK : FL_ENOMEM;
    for (int k = 0; k < r->n && !rc; k++) {
        if (!rw[k] || !fl_bounds_overlap(r->bbox[k], box))
            continue;
        GEOSGeometry *g = fl_clip(ctx, rw[k], box);
        if (!g)
            rc = ctx->err;
        else if (GEOSisEmpty_r(ctx->geos, g))
            GEOSGeom_destroy_r(ctx->geos, g);
        else {
            c.reg[c.nreg] = k;
            c.water[c.nreg++] = g;
        }
    }
    water_cell *v = !rc && c.nreg ? fl_realloc(ctx, w->cell, (size_t)w->ncell + 1, sizeof *v)
                                  : NULL;
    if (v) {
        w->cell = v;
        v[w->ncell++] = c;
        return FL_OK;
    }
    for (int k = 0; k < c.nreg; k++)
        GEOSGeom_destroy_r(ctx->geos, c.water[k]);
    free(c.reg);
    free(c.water);
    return rc ? rc : c.nreg ? FL_ENOMEM : FL_OK;
}

/* Each region's water (regions without water: NULL) and its km², then the cells. */
static int build(fl_ctx *ctx, const fl_regions *r, fl_water *w)
{
    GEOSGeometry **rw = fl_calloc(ctx, (size_t)r->n + 1, sizeof *rw);
    int rc = rw ? FL_OK : FL_ENOMEM;
    for (int k = 0; k < r->n && !rc; k++) {
        if (!(rw[k] = fl_intersection(ctx, w->all, r->geom[k])))
            rc = ctx->err;
        else if ((w->km2[k] = fl_geom_km2(ctx, rw[k])) <= 0) {
            GEOSGeom_destroy_r(ctx->geos, rw[k]);
            rw[k] = NULL;
        }
    }
    double b[4];
    fl_geom_bounds(ctx, w->all, b);
    for (double x = floor(b[0] / CELL_DEG) * CELL_DEG; x < b[2] && !rc; x += CELL_DEG)
        for (double y = floor(b[1] / CELL_DEG) * CELL_DEG; y < b[3] && !rc; y += CELL_DEG)
            rc = add_cell(ctx, r, w, (const GEOSGeometry *const *)rw,
                          (const double[4]){x, y, x + CELL_DEG, y + CELL_DEG});
    for (int k = 0; rw && k < r->n; k++)
        if (rw[k])
            GEOSGeom_destroy_r(ctx->geos, rw[k]);
    free(rw);
    return rc;
}

int fl_regions_set_water(fl_ctx *ctx, fl_regions *r, const char *path)
{
    fl_water *w = fl_calloc(ctx, 1, sizeof *w);
    if (!w)
        return FL_ENOMEM;
    GEOSGeometry *u = path ? read_water(ctx, path) : NULL;
    w->all = u ? fl_intersection(ctx, u, r->territory) : NULL;
    if (u)
        GEOSGeom_destroy_r(ctx->geos, u);
    w->km2 = fl_calloc(ctx, (size_t)r->n + 1, sizeof *w->km2);
    w->path = path ? fl_strdup(ctx, path) : NULL;
    int rc = !path ? FL_OK : !w->all ? ctx->err : !w->km2 || !w->path ? FL_ENOMEM
                                                                         : build(ctx, r, w);
    if (!rc && w->all && !(w->prep = GEOSPrepare_r(ctx->geos, w->all)))
        rc = fl_geos_error(ctx, "preparing the water");
    if (rc || !path) {
        fl_water_free(ctx, w);
        w = NULL;
    }
    if (!rc) {
        fl_water_free(ctx, r->water);
        r->water = w;
        r->serial = ++ctx->serial; /* results cached for the regions without water are stale */
    }
    return rc;
}

const char *fl_water_path(const fl_water *w) { return w ? w->path : NULL; }

double fl_regions_water_km2(const fl_regions *r, int i)
{
    if (!r->water || i < -1 || i >= r->n)
        return 0;
    double sum = 0;
    for (int k = 0; k < r->n && i < 0; k++)
        sum += r->water->km2[k];
    return i < 0 ? sum : r->water->km2[i];
}

/* What covers the cell in s: its features clipped to the cell and the conflation's pieces. */
static GEOSGeometry *cell_cover(fl_ctx *ctx, const fl_snapshot *s, const fl_conflation *conf,
                                const double box[4])
{
    size_t cap = s->nfeat + (size_t)s->nstatus + 1, n = 0;
    GEOSGeometry **g = fl_calloc(ctx, cap, sizeof *g);
    bool failed = !g;
    for (size_t i = 0; !failed && i < s->nfeat; i++)
        if (fl_bounds_overlap(s->feat[i].bbox, box))
            failed = !(g[n++] = fl_clip(ctx, s->feat[i].geom, box));
    for (int st = 0; !failed && st < s->nstatus; st++) {
        const GEOSGeometry *p = fl_conflation_piece(conf, st);
        if (p)
            failed = !(g[n++] = fl_clip(ctx, p, box));
    }
    if (failed) {
        for (size_t i = 0; g && i < n; i++)
            if (g[i])
                GEOSGeom_destroy_r(ctx->geos, g[i]);
        free(g);
        return NULL;
    }
    GEOSGeometry *u = fl_union_all(ctx, g, n);
    free(g);
    return u;
}

int fl_snapshot_water_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, double *km2)
{
    memset(km2, 0, (size_t)(r->n + 1) * sizeof *km2);
    const fl_conflation *conf = r->water ? fl_snapshot_conflation(ctx, s, r) : NULL;
    if (r->water && !conf)
        return ctx->err;
    for (int i = 0; r->water && i < r->water->ncell; i++) {
        const water_cell *c = &r->water->cell[i];
        GEOSGeometry *cover = cell_cover(ctx, s, conf, c->box);
        if (!cover)
            return ctx->err;
        for (int k = 0; k < c->nreg; k++) {
            GEOSGeometry *open = fl_difference(ctx, c->water[k], cover);
            if (!open) {
                GEOSGeom_destroy_r(ctx->geos, cover);
                return ctx->err;
            }
            double a = fl_geom_km2(ctx, open);
            km2[c->reg[k] + 1] += a;
            km2[0] += a;
            GEOSGeom_destroy_r(ctx->geos, open);
        }
        GEOSGeom_destroy_r(ctx->geos, cover);
    }
    return FL_OK;
}

int fl_water_points(fl_ctx *ctx, const fl_regions *r, int default_status, size_t n,
                    const double *lat, const double *lon, int *status)
{
    for (size_t i = 0; r->water && i < n; i++) {
        if (status[i] != default_status)
            continue;
        GEOSGeometry *pt = fl_point(ctx, lon[i], lat[i]);
        char in = pt ? GEOSPreparedIntersects_r(ctx->geos, r->water->prep, pt) : 2;
        if (pt)
            GEOSGeom_destroy_r(ctx->geos, pt);
        if (in == 2)
            return ctx->err ? ctx->err : fl_geos_error(ctx, "placing a point in the water");
        if (in)
            status[i] = FL_STATUS_WATER;
    }
    return FL_OK;
}
