/* water.c — inland water: ground of the territory that is water (reservoirs, the Dnipro and its
 * channels, estuaries, limans, lagoons such as Syvash) is not free land.
 *
 * Rule. The water polygons (data/water/ua_water.geojson) are clipped to each region once,
 * with the regions. In a snapshot, water that no status covers, after the coast and border
 * conflation, is the class `water`: it is taken from the default status (the map leaves it
 * undrawn; it is not "free"). Water a status covers keeps that status: the map's author drew
 * it so (the Syvash inside occupied Crimea, the half of a reservoir behind the line). Shares
 * are of the region's land: its area less its undrawn water; the area and the water are
 * reported beside them, so that shares of the whole area (land plus water, as official
 * figures are given) can be made too.
 *
 * Method. The water is cut into the cells of a 0.5° grid; per snapshot and cell, the
 * features meeting the water's bounds there are clipped to them, those that meet the water
 * are unioned with the conflation's pieces that do (the cover), and the cell's water less the
 * cover is measured per region. A cell whose cover is made of the very clips it was last
 * computed from gives that answer again (fl_snapshot_water_km2).
 *
 * Change. A timeline carries the water from its first snapshot through each version's
 * change (fl_snapshot_water_change), as it carries the areas. The cover of a cell can differ
 * between versions a and b only within the windows of their diff (windows.c: outside them
 * every point has the same status in both, so the features' union is the same there) or
 * where the conflation's pieces that meet the water differ (their keys, kept with each
 * snapshot). Any other cell's open water is the same ground in both: its change is 0. The
 * others are computed for a and for b, each by the rule above, a function of that snapshot
 * alone, and the difference is added. So the change depends on a and b only: the carried
 * water is the same however an archive is cut into threads' runs. Counted on the public
 * archive, one thread (temporary counters): the cells were computed 4,946 times in all, the
 * first snapshot's included, where they had been 12,570 times because their clips changed.
 *
 * Points: a point of the default status that lies in the water is `water`
 * (FL_STATUS_WATER), found through an index of the water's polygons (point_index.c). */
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_DEG 0.5
#define WATER_MARGIN_DEG 1e-6 /* keeps the cover's clip lines off the water's vertices */

typedef struct water_cell {
    double cell[4];        /* the grid's cell */
    double box[4];         /* the bounds of the water in it, grown by WATER_MARGIN_DEG */
    int nreg;
    int *reg;              /* regions whose water meets the cell */
    GEOSGeometry **water;  /* each region's water in the cell, lon/lat */
    const GEOSPreparedGeometry **prep; /* of each */
    /* the last snapshot's answer (fl_snapshot_water_km2), valid when known: the key of what
     * covered the cell and each region's water left open */
    bool known;
    uint64_t key;
    double *open;
    fl_clip_cache clips;   /* the last snapshot's features clipped to box */
    /* the conflation's polygons within box at the last conflation_cover: the hash of each
     * and whether it meets the water */
    size_t npoly;
    uint64_t *poly_hash;
    char *poly_meets;
} water_cell;

struct fl_water_cut {
    int nregions;
    GEOSGeometry **rw;     /* each region's water, lon/lat; NULL where it has none */
    fl_point_index *index; /* their polygons, for points */
    double *km2;           /* per region */
    int ncell;
    water_cell *cell;
};

struct fl_water {
    fl_ctx *ctx;                /* made with it; fl_water_close frees with it */
    GEOSGeometry *u;            /* the union of the file's polygons, valid */
    fl_point_index *polygons;   /* u's polygons, with their bounds, for the cut */
};

static void cell_free(fl_ctx *ctx, water_cell *c)
{
    for (int k = 0; k < c->nreg; k++) {
        if (c->prep[k])
            GEOSPreparedGeom_destroy_r(ctx->geos, c->prep[k]);
        GEOSGeom_destroy_r(ctx->geos, c->water[k]);
    }
    free(c->prep);
    free(c->reg);
    free(c->water);
    free(c->open);
    free(c->poly_hash);
    free(c->poly_meets);
    fl_clip_cache_clear(ctx, &c->clips);
}

void fl_water_cut_free(fl_ctx *ctx, fl_water_cut *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->ncell; i++)
        cell_free(ctx, &w->cell[i]);
    free(w->cell);
    fl_point_index_free(ctx, w->index);
    fl_destroy_all(ctx, w->rw, (size_t)w->nregions); /* and the array */
    free(w->km2);
    free(w);
}

/* The union of the polygons of a water file, made valid, feature by feature (fl_union_tree). */
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
    GEOSGeometry *u = n ? fl_union_tree(ctx, g, n) : fl_empty_polygon(ctx);
    free(g);
    return u;
}

/* Grows bounds b to take in g, and WATER_MARGIN_DEG around it, within cell. */
static void grow(fl_ctx *ctx, const GEOSGeometry *g, const double cell[4], double b[4])
{
    double gb[4];
    fl_geom_bounds(ctx, g, gb);
    b[0] = fmin(b[0], fmax(cell[0], gb[0] - WATER_MARGIN_DEG));
    b[1] = fmin(b[1], fmax(cell[1], gb[1] - WATER_MARGIN_DEG));
    b[2] = fmax(b[2], fmin(cell[2], gb[2] + WATER_MARGIN_DEG));
    b[3] = fmax(b[3], fmin(cell[3], gb[3] + WATER_MARGIN_DEG));
}

/* Adds the cell of box when water of some region meets it. */
static int add_cell(fl_ctx *ctx, const fl_regions *r, fl_water_cut *w, const GEOSGeometry *const *rw,
                    const double box[4])
{
    water_cell c = {.cell = {box[0], box[1], box[2], box[3]},
                    .box = {INFINITY, INFINITY, -INFINITY, -INFINITY}};
    c.reg = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.reg);
    c.water = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.water);
    c.open = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.open);
    c.prep = fl_calloc(ctx, (size_t)r->n + 1, sizeof *c.prep);
    int rc = c.reg && c.water && c.open && c.prep ? FL_OK : FL_ENOMEM;
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
            c.water[c.nreg] = g;
            if (!(c.prep[c.nreg++] = GEOSPrepare_r(ctx->geos, g)))
                rc = fl_geos_error(ctx, "preparing the water");
            grow(ctx, g, box, c.box);
        }
    }
    water_cell *v = !rc && c.nreg ? fl_realloc(ctx, w->cell, (size_t)w->ncell + 1, sizeof *v)
                                  : NULL;
    if (v) {
        w->cell = v;
        v[w->ncell++] = c;
        return FL_OK;
    }
    int nreg = c.nreg;
    cell_free(ctx, &c);
    return rc ? rc : nreg ? FL_ENOMEM : FL_OK;
}

/* The water of region k: the region intersected with the water's polygons whose bounds meet
 * its own (taken from the point index of the water read, u, which lists them in order with
 * their bounds). An overlay reads every polygon it is given; the water has 5,271 and a region
 * meets a few hundred (the 27 oblasts: 0.12 s, where the whole water took 0.22 s). NULL on
 * error. */
static GEOSGeometry *region_water(fl_ctx *ctx, const fl_regions *r, int k,
                                  const fl_point_index *u)
{
    size_t n = fl_point_index_count(u), m = 0;
    GEOSGeometry **near = fl_calloc(ctx, n + 1, sizeof *near);
    for (size_t i = 0; near && i < n; i++) {
        const double *b;
        const GEOSGeometry *p = fl_point_index_polygon(u, i, &b);
        if (fl_bounds_overlap(b, r->bbox[k]) && !(near[m++] = GEOSGeom_clone_r(ctx->geos, p))) {
            fl_destroy_all(ctx, near, m - 1);
            fl_geos_error(ctx, "copying the water");
            return NULL;
        }
    }
    GEOSGeometry *sub = !near ? NULL : m ? GEOSGeom_createCollection_r(ctx->geos,
                                                 GEOS_MULTIPOLYGON, near, (unsigned)m)
                                         : fl_empty_polygon(ctx);
    if (near && !sub && m) /* GEOS took the polygons, even on failure */
        fl_geos_error(ctx, "collecting the water");
    free(near);
    GEOSGeometry *x = sub ? fl_intersection(ctx, sub, r->geom[k]) : NULL;
    if (sub)
        GEOSGeom_destroy_r(ctx->geos, sub);
    return x;
}

/* The water's cut by region and into cells, in parts on up to FL_LIMIT_THREADS threads
 * (fl_parallel): first each region's water (part k takes regions k, k + n, ...; the water's
 * polygons, which every part reads, it only clones), then the cells (part k the grid's
 * columns k, k + n, ..., from its own clones of the regions' water),
 * gathered column by column in the grid's order. Each cell is computed as one thread would:
 * the water is the same to the bit, however many threads cut it. The 27 oblasts: 0.11 s for
 * the regions' water, 0.05 s for the 345 cells on one thread. */
typedef struct cut_work {
    const fl_regions *r;
    const fl_point_index *u; /* the water read, its polygons */
    fl_water_cut *w;
    GEOSGeometry **rw; /* each region's water, or NULL when it has none: w->rw */
    double *x;         /* the grid's columns (west edges), ncol of them */
    int ncol;
    double y0, y1;     /* the grid's first row's south edge; the water's north */
    fl_water_cut *part; /* each part's cells */
} cut_work;

static int region_waters(fl_ctx *ctx, void *arg, int k, int n)
{
    cut_work *c = arg;
    int rc = FL_OK;
    for (int i = k; i < c->r->n && !rc; i += n) {
        if (!(c->rw[i] = region_water(ctx, c->r, i, c->u)))
            rc = ctx->err;
        else if ((c->w->km2[i] = fl_geom_km2(ctx, c->rw[i])) <= 0) {
            GEOSGeom_destroy_r(ctx->geos, c->rw[i]);
            c->rw[i] = NULL;
        }
    }
    return rc;
}

static int cells_part(fl_ctx *ctx, void *arg, int k, int n)
{
    cut_work *c = arg;
    const fl_regions *r = c->r;
    bool clone = n > 1; /* alone, a part may use the regions' water itself */
    GEOSGeometry **mine = clone ? fl_calloc(ctx, (size_t)r->n + 1, sizeof *mine) : c->rw;
    int rc = mine ? FL_OK : FL_ENOMEM;
    for (int i = 0; clone && i < r->n && !rc; i++)
        if (c->rw[i] && !(mine[i] = GEOSGeom_clone_r(ctx->geos, c->rw[i])))
            rc = fl_geos_error(ctx, "copying the water");
    for (int j = k; j < c->ncol && !rc; j += n) {
        double x = c->x[j];
        for (double y = c->y0; y < c->y1 && !rc; y += CELL_DEG)
            rc = add_cell(ctx, r, &c->part[k], (const GEOSGeometry *const *)mine,
                          (const double[4]){x, y, x + CELL_DEG, y + CELL_DEG});
    }
    if (clone)
        fl_destroy_all(ctx, mine, (size_t)r->n); /* and the array */
    return rc;
}

/* The parts' cells moved into w->cell (room made for them all), column by column. */
static void gather_cells(cut_work *c, int parts)
{
    int at[FL_THREADS_MAX] = {0};
    for (int j = 0; j < c->ncol; j++) {
        fl_water_cut *p = &c->part[j % parts];
        int *i = &at[j % parts];
        while (*i < p->ncell && p->cell[*i].cell[0] == c->x[j])
            c->w->cell[c->w->ncell++] = p->cell[(*i)++];
    }
    for (int k = 0; k < parts; k++)
        c->part[k].ncell = 0; /* moved */
}

/* The bounds of the regions' water, into b (empty: west of east). */
static void water_bounds(fl_ctx *ctx, const fl_water_cut *w, double b[4])
{
    b[0] = b[1] = INFINITY;
    b[2] = b[3] = -INFINITY;
    for (int k = 0; k < w->nregions; k++) {
        double g[4];
        if (!w->rw[k])
            continue;
        fl_geom_bounds(ctx, w->rw[k], g);
        b[0] = fmin(b[0], g[0]);
        b[1] = fmin(b[1], g[1]);
        b[2] = fmax(b[2], g[2]);
        b[3] = fmax(b[3], g[3]);
    }
}

/* The grid's cells over the regions' water (found), a part taking a column at least. */
static int cut_cells(fl_ctx *ctx, cut_work *c)
{
    double b[4];
    water_bounds(ctx, c->w, b);
    c->y0 = floor(b[1] / CELL_DEG) * CELL_DEG;
    c->y1 = b[3];
    size_t cap = 0;
    int rc = FL_OK;
    for (double x = floor(b[0] / CELL_DEG) * CELL_DEG; x < b[2] && !rc; x += CELL_DEG) {
        double *v = fl_grow(ctx, c->x, &cap, (size_t)c->ncol + 1, sizeof *v);
        if (v)
            (c->x = v)[c->ncol++] = x;
        else
            rc = FL_ENOMEM;
    }
    int parts = fl_parallel_count(ctx, c->ncol);
    if (!rc)
        rc = fl_parallel(ctx, parts, cells_part, c);
    size_t ncell = 0;
    for (int k = 0; !rc && k < parts; k++)
        ncell += (size_t)c->part[k].ncell;
    if (!rc && !(c->w->cell = fl_calloc(ctx, ncell + 1, sizeof *c->w->cell)))
        rc = FL_ENOMEM;
    if (!rc)
        gather_cells(c, parts);
    return rc;
}

/* Each region's water (regions without water: NULL) and its km², from u's polygons, then the
 * cells. */
static int build(fl_ctx *ctx, const fl_regions *r, const fl_point_index *u, fl_water_cut *w)
{
    int parts = fl_parallel_count(ctx, INT_MAX); /* the most any cut takes */
    cut_work c = {.r = r, .u = u, .w = w, .rw = w->rw};
    c.part = fl_calloc(ctx, (size_t)parts, sizeof *c.part);
    int rc = c.part ? fl_parallel(ctx, r->n, region_waters, &c) : FL_ENOMEM;
    if (!rc)
        rc = cut_cells(ctx, &c);
    for (int k = 0; c.part && k < parts; k++) {
        for (int i = 0; i < c.part[k].ncell; i++)
            cell_free(ctx, &c.part[k].cell[i]);
        free(c.part[k].cell);
    }
    free(c.x);
    free(c.part);
    return rc;
}

int fl_water_open(fl_ctx *ctx, const char *path, fl_water **out)
{
    if (!path || !out)
        return fl_null_arg(ctx, __func__, !path ? "path" : "out");
    *out = NULL;
    fl_water *w = fl_calloc(ctx, 1, sizeof *w);
    if (!w)
        return FL_ENOMEM;
    w->ctx = ctx;
    int rc = !(w->u = read_water(ctx, path))
                 ? ctx->err
                 : fl_point_index_new(ctx, (const GEOSGeometry *const[]){w->u}, 1, &w->polygons);
    if (rc) {
        fl_water_close(w);
        return rc;
    }
    *out = w;
    return FL_OK;
}

void fl_water_close(fl_water *w)
{
    if (!w)
        return;
    fl_point_index_free(w->ctx, w->polygons);
    if (w->u)
        GEOSGeom_destroy_r(w->ctx->geos, w->u);
    free(w);
}

/* The water of w cut for r, into *out: each region's water, indexed for points, and the
 * cells. */
static int cut_water(fl_ctx *ctx, fl_regions *r, const fl_water *water, fl_water_cut **out)
{
    fl_water_cut *w = fl_calloc(ctx, 1, sizeof *w);
    if (!w)
        return FL_ENOMEM;
    w->nregions = r->n;
    w->rw = fl_calloc(ctx, (size_t)r->n + 1, sizeof *w->rw);
    w->km2 = fl_calloc(ctx, (size_t)r->n + 1, sizeof *w->km2);
    int rc = !w->rw || !w->km2 ? FL_ENOMEM : build(ctx, r, water->polygons, w);
    if (!rc)
        rc = fl_point_index_new(ctx, (const GEOSGeometry *const *)w->rw, r->n, &w->index);
    if (rc) {
        fl_water_cut_free(ctx, w);
        return rc;
    }
    *out = w;
    return FL_OK;
}

int fl_regions_use_water(fl_ctx *ctx, fl_regions *r, const fl_water *water)
{
    fl_water_cut *w = NULL;
    int rc = water ? cut_water(ctx, r, water, &w) : FL_OK;
    if (rc)
        return rc;
    fl_water_cut_free(ctx, r->water);
    r->water = w;
    r->serial = ++ctx->serial; /* results cached for the regions without water are stale */
    return FL_OK;
}

int fl_regions_set_water(fl_ctx *ctx, fl_regions *r, const char *path)
{
    fl_water *w = NULL;
    int rc = path ? fl_water_open(ctx, path, &w) : FL_OK;
    if (!rc)
        rc = fl_regions_use_water(ctx, r, w);
    fl_water_close(w);
    return rc;
}

/* Cell c of src, cloned into *c: its water and the prepared tests, none of the last
 * snapshot's answers. */
static int cell_copy(fl_ctx *ctx, const water_cell *src, int nregions, water_cell *c)
{
    *c = (water_cell){.nreg = src->nreg};
    memcpy(c->cell, src->cell, sizeof c->cell);
    memcpy(c->box, src->box, sizeof c->box);
    c->reg = fl_calloc(ctx, (size_t)nregions + 1, sizeof *c->reg);
    c->water = fl_calloc(ctx, (size_t)nregions + 1, sizeof *c->water);
    c->open = fl_calloc(ctx, (size_t)nregions + 1, sizeof *c->open);
    c->prep = fl_calloc(ctx, (size_t)nregions + 1, sizeof *c->prep);
    if (!c->reg || !c->water || !c->open || !c->prep) {
        c->nreg = 0;
        return FL_ENOMEM;
    }
    memcpy(c->reg, src->reg, (size_t)src->nreg * sizeof *c->reg);
    for (int k = 0; k < src->nreg; k++) {
        if (!(c->water[k] = GEOSGeom_clone_r(ctx->geos, src->water[k]))) {
            c->nreg = k; /* what cell_free has to free */
            return fl_geos_error(ctx, "copying the water");
        }
        if (!(c->prep[k] = GEOSPrepare_r(ctx->geos, c->water[k]))) {
            c->nreg = k + 1;
            return fl_geos_error(ctx, "preparing the water");
        }
    }
    return FL_OK;
}

int fl_water_cut_copy(fl_ctx *ctx, const fl_water_cut *src, int nregions, fl_water_cut **out)
{
    fl_water_cut *w = fl_calloc(ctx, 1, sizeof *w);
    *out = NULL;
    if (!w)
        return FL_ENOMEM;
    w->nregions = nregions;
    w->rw = fl_calloc(ctx, (size_t)nregions + 1, sizeof *w->rw);
    w->km2 = fl_calloc(ctx, (size_t)nregions + 1, sizeof *w->km2);
    w->cell = fl_calloc(ctx, (size_t)src->ncell + 1, sizeof *w->cell);
    int rc = w->rw && w->km2 && w->cell ? FL_OK : FL_ENOMEM;
    for (int k = 0; k < nregions && !rc; k++)
        if (src->rw[k] && !(w->rw[k] = GEOSGeom_clone_r(ctx->geos, src->rw[k])))
            rc = fl_geos_error(ctx, "copying the water");
    if (!rc)
        memcpy(w->km2, src->km2, (size_t)nregions * sizeof *w->km2);
    for (int i = 0; i < src->ncell && !rc; i++, w->ncell++)
        rc = cell_copy(ctx, &src->cell[i], nregions, &w->cell[i]);
    if (!rc)
        rc = fl_point_index_new(ctx, (const GEOSGeometry *const *)w->rw, nregions, &w->index);
    if (rc) {
        fl_water_cut_free(ctx, w);
        return rc;
    }
    *out = w;
    return FL_OK;
}


double fl_regions_water_km2(const fl_regions *r, int i)
{
    if (!r->water || i < -1 || i >= r->n)
        return 0;
    double sum = 0;
    for (int k = 0; k < r->n && i < 0; k++)
        sum += r->water->km2[k];
    return i < 0 ? sum : r->water->km2[i];
}

/* Whether bounds a and b share more than an edge or a corner. */
static bool overlap_inside(const double a[4], const double b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* Whether g meets the water of cell c: 1, 0, or 2 on error. */
static char meets_water(fl_ctx *ctx, const water_cell *c, const GEOSGeometry *g)
{
    char meets = 0;
    for (int k = 0; k < c->nreg && !meets; k++)
        meets = GEOSPreparedIntersects_r(ctx->geos, c->prep[k], g);
    if (meets == 2)
        fl_geos_error(ctx, "placing a feature against the water");
    return meets;
}

/* Whether a window's core (where the diff of two snapshots found they may differ,
 * windows.c) meets the water of cell c: 1, 0, or 2 on error. */
static char windows_meet(fl_ctx *ctx, const water_cell *c, const fl_window *win, int nwin)
{
    char meets = 0;
    for (int i = 0; i < nwin && !meets; i++)
        if (fl_bounds_overlap(win[i].core, c->box))
            meets = meets_water(ctx, c, win[i].core_rect);
    return meets;
}

/* The clips of c that meet its water, as indexes into at[0..*n) (room for c->clips.n), and
 * *key continued with their keys. Only what meets the water is taken: the water left open is
 * the same without the rest, and a change away from the water (most of the front's, in a
 * cell the water crosses) leaves the key as it was. Whether a clip meets the water is kept
 * with it (its mark). */
static int clip_cover(fl_ctx *ctx, water_cell *c, size_t *at, size_t *n, uint64_t *key)
{
    fl_clip_cache *k = &c->clips;
    *n = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (k->mark[i] < 0 && (k->mark[i] = (signed char)meets_water(ctx, c, k->g[i])) == 2)
            k->mark[i] = -1;
        if (k->mark[i] < 0)
            return ctx->err;
        if (k->mark[i]) {
            at[(*n)++] = i;
            *key = fl_clip_cache_key(k, i, *key);
        }
    }
    return FL_OK;
}

/* Whether the polygon of hash h meets the water of c, as the last call of conflation_cover
 * found it (c->poly_*): 1, 0, or -1 when not known. */
static int known_meets(const water_cell *c, uint64_t h)
{
    for (size_t i = 0; i < c->npoly; i++)
        if (c->poly_hash[i] == h)
            return c->poly_meets[i];
    return -1;
}

/* The conflation's polygons (sl) that meet the water of c: *key continued with their hashes
 * in order and, with at, their indexes j appended to at[0..*n) as first + j. They are taken
 * whole: each lies in one cell (the conflation's tiles are these cells, conflate.c), and
 * clipping them would take GEOS' overlay, since their vertices lie on the cell's lines. The
 * index's grid gives those whose bounds may meet the cell's, in order. Whether one meets the
 * water is kept by the polygon's hash for the next call: most of the conflation's pieces come
 * out as they were (conflate.c), so GEOS' test runs for the new ones only. */
static int conflation_cover(fl_ctx *ctx, const fl_point_index *sl, water_cell *c,
                            size_t first, size_t *at, size_t *n, uint64_t *key)
{
    int *near = NULL;
    size_t nnear = sl ? fl_point_index_near(ctx, sl, c->box, &near) : 0, m = 0;
    if (nnear == SIZE_MAX)
        return FL_ENOMEM;
    const double *b;
    uint64_t *hash = fl_calloc(ctx, nnear + 1, sizeof *hash); /* room for all: m are kept */
    char *meets = fl_calloc(ctx, nnear + 1, sizeof *meets);
    int rc = hash && meets ? FL_OK : FL_ENOMEM;
    for (size_t i = 0; i < nnear && !rc; i++) {
        size_t j = (size_t)near[i];
        const GEOSGeometry *p = fl_point_index_polygon(sl, j, &b);
        if (!overlap_inside(b, c->box))
            continue;
        hash[m] = fl_geom_hash(ctx, p, FL_HASH_SEED);
        int known = known_meets(c, hash[m]);
        if ((meets[m] = (char)(known >= 0 ? known : meets_water(ctx, c, p))) == 2)
            rc = ctx->err;
        else if (meets[m] && at)
            at[(*n)++] = first + j;
        if (meets[m] == 1)
            *key = fl_hash_bytes(*key, &hash[m], sizeof hash[m]);
        m++;
    }
    free(near);
    if (rc) {
        free(hash);
        free(meets);
        return rc;
    }
    free(c->poly_hash);
    free(c->poly_meets);
    c->poly_hash = hash;
    c->poly_meets = meets;
    c->npoly = m;
    return FL_OK;
}

/* Each cell's key of the conflation's polygons that meet its water in s (conflation_cover),
 * computed once per snapshot and regions and kept with s; NULL on error. */
static const uint64_t *conflation_keys(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r)
{
    struct fl_snapshot_cache *cache = s->cache; /* the snapshot's content does not change */
    if (cache->water_keys && cache->water_serial == r->serial)
        return cache->water_keys;
    const fl_conflation *conf = fl_snapshot_conflation(ctx, s, r);
    const fl_water_cut *w = r->water;
    uint64_t *keys = conf ? fl_calloc(ctx, (size_t)w->ncell + 1, sizeof *keys) : NULL;
    int rc = keys ? FL_OK : ctx->err;
    for (int i = 0; i < w->ncell && !rc; i++) {
        keys[i] = FL_HASH_SEED;
        rc = conflation_cover(ctx, fl_conflation_index(conf), &w->cell[i], 0, NULL, NULL,
                              &keys[i]);
    }
    if (rc) {
        free(keys);
        return NULL;
    }
    free(cache->water_keys);
    cache->water_keys = keys;
    cache->water_serial = r->serial;
    return keys;
}

/* Each region's water in the cell that the cover (the n clips g, consumed) leaves open, into
 * c->open. */
static int cell_open(fl_ctx *ctx, water_cell *c, GEOSGeometry **g, size_t n)
{
    GEOSGeometry *cover = fl_union_all(ctx, g, n);
    free(g);
    if (!cover)
        return ctx->err;
    int rc = FL_OK;
    for (int k = 0; k < c->nreg && !rc; k++) {
        GEOSGeometry *open = fl_difference(ctx, c->water[k], cover);
        if (!open) {
            rc = ctx->err;
            break;
        }
        c->open[k] = fl_geom_km2(ctx, open);
        GEOSGeom_destroy_r(ctx->geos, open);
    }
    GEOSGeom_destroy_r(ctx->geos, cover);
    return rc;
}

/* Copies of the n clips of c->clips and polygons of sl that at names (cell_km2). */
static GEOSGeometry **cover_copies(fl_ctx *ctx, const water_cell *c, const fl_point_index *sl,
                                   const size_t *at, size_t n)
{
    size_t nf = c->clips.n;
    GEOSGeometry **g = fl_calloc(ctx, n + 1, sizeof *g);
    for (size_t i = 0; g && i < n; i++) {
        const double *b;
        const GEOSGeometry *p = at[i] < nf ? c->clips.g[at[i]]
                                           : fl_point_index_polygon(sl, at[i] - nf, &b);
        if (!(g[i] = GEOSGeom_clone_r(ctx->geos, p))) {
            fl_geos_error(ctx, "copying the water's cover");
            fl_destroy_all(ctx, g, i); /* and the array */
            return NULL;
        }
    }
    return g;
}

/* A cell's open water in s depends only on what covers it there: the clips and the
 * conflation's polygons (sl, their key sl_key) that meet its water, in order. A cell whose
 * cover is what it was when it was last computed (by hash; a timeline's consecutive versions
 * mostly are, away from the front) gives that answer again, the same numbers, so no sum
 * depends on it. The answers, and the clips (clip_cache.c: only the features that changed
 * are clipped), are kept with the regions (a cache; a timeline's thread has its own copy of
 * them). */
static int cell_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_point_index *sl,
                    uint64_t sl_key, water_cell *c)
{
    int rc = fl_clip_cache_update(ctx, &c->clips, s, c->box);
    size_t nf = c->clips.n, nsl = sl ? fl_point_index_count(sl) : 0, n = 0;
    size_t *at = rc ? NULL : fl_calloc(ctx, nf + nsl + 1, sizeof *at);
    uint64_t key = FL_HASH_SEED, unused = FL_HASH_SEED;
    if (!rc)
        rc = at ? clip_cover(ctx, c, at, &n, &key) : FL_ENOMEM;
    key = fl_hash_bytes(key, &sl_key, sizeof sl_key);
    if (!rc && !(c->known && c->key == key))
        rc = conflation_cover(ctx, sl, c, nf, at, &n, &unused);
    if (rc || (c->known && c->key == key)) {
        free(at);
        return rc;
    }
    c->known = false;
    GEOSGeometry **g = cover_copies(ctx, c, sl, at, n);
    free(at);
    if (!g)
        return ctx->err;
    rc = cell_open(ctx, c, g, n);
    c->known = !rc;
    c->key = key;
    return rc;
}

int fl_snapshot_water_km2(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, double *km2)
{
    memset(km2, 0, (size_t)(r->n + 1) * sizeof *km2);
    if (!r->water)
        return FL_OK;
    const uint64_t *keys = conflation_keys(ctx, s, r);
    const fl_conflation *conf = keys ? fl_snapshot_conflation(ctx, s, r) : NULL;
    int rc = conf ? FL_OK : ctx->err;
    for (int i = 0; i < r->water->ncell && !rc; i++) {
        water_cell *c = &r->water->cell[i];
        rc = cell_km2(ctx, s, fl_conflation_index(conf), keys[i], c);
        for (int k = 0; k < c->nreg && !rc; k++) {
            km2[c->reg[k] + 1] += c->open[k];
            km2[0] += c->open[k];
        }
    }
    return rc;
}

/* Cell c's change of open water from a to b, added to km2: computed for a then b (sa, sb:
 * their conflation's polygons; ka, kb: their keys). */
static int cell_change(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                       const fl_point_index *sa, const fl_point_index *sb, uint64_t ka,
                       uint64_t kb, water_cell *c, double *before, double *km2)
{
    int rc = cell_km2(ctx, a, sa, ka, c);
    if (!rc)
        memcpy(before, c->open, (size_t)c->nreg * sizeof *before);
    if (!rc)
        rc = cell_km2(ctx, b, sb, kb, c);
    for (int k = 0; k < c->nreg && !rc; k++) {
        km2[c->reg[k] + 1] += c->open[k] - before[k];
        km2[0] += c->open[k] - before[k];
    }
    return rc;
}

int fl_snapshot_water_change(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                             const fl_regions *r, const fl_window *win, int nwin, double *km2)
{
    memset(km2, 0, (size_t)(r->n + 1) * sizeof *km2);
    if (!r->water)
        return FL_OK;
    const uint64_t *ka = conflation_keys(ctx, a, r), *kb = ka ? conflation_keys(ctx, b, r) : NULL;
    /* the keys made both conflations (kept with a and b) */
    const fl_conflation *ca = kb ? fl_snapshot_conflation(ctx, a, r) : NULL;
    const fl_conflation *cb = ca ? fl_snapshot_conflation(ctx, b, r) : NULL;
    double *before = cb ? fl_calloc(ctx, (size_t)r->n + 1, sizeof *before) : NULL;
    int rc = before ? FL_OK : ctx->err;
    for (int i = 0; i < r->water->ncell && !rc; i++) {
        water_cell *c = &r->water->cell[i];
        char differ = ka[i] != kb[i] ? 1 : windows_meet(ctx, c, win, nwin);
        if (differ == 2)
            rc = ctx->err;
        else if (differ)
            rc = cell_change(ctx, a, b, fl_conflation_index(ca), fl_conflation_index(cb), ka[i],
                             kb[i], c, before, km2);
    }
    free(before);
    return rc;
}

int fl_water_points(fl_ctx *ctx, const fl_regions *r, int default_status, size_t n,
                    const double *lat, const double *lon, int *status)
{
    for (size_t i = 0; r->water && r->water->index && i < n; i++) {
        if (status[i] != default_status)
            continue;
        int in = fl_point_index_find(ctx, r->water->index, lat[i], lon[i]);
        if (in == -2)
            return ctx->err;
        if (in >= 0)
            status[i] = FL_STATUS_WATER;
    }
    return FL_OK;
}
