/* conflate.c — the coast and border conflation: a normalisation of a snapshot against the
 * reference boundary (read -> classify -> normalise -> analyse).
 *
 * Problem. A map's polygons and the reference regions draw the state border and the coast
 * each their own way. Where a status polygon stops short of the reference boundary, the
 * ground between them is covered by nothing and counts as the default status (free): Crimea
 * came out 96-99 % occupied although the map draws all of it occupied.
 *
 * Rule. Let T be the territory (the regions' union), C the union of the drawn statuses, U =
 * T − C the uncovered ground and w the tolerance (snap_km). The narrow part of U is N = U −
 * open(U), where open(U) = (U ⊖ w/2) ⊕ w/2 is the morphological opening by a disc of
 * diameter w (a GEOS buffer by −w/2, then by +w/2, in metres of a Lambert azimuthal
 * equal-area projection centred on the territory). A piece of N (a connected part) that
 * touches T's boundary (within 10 m) and touches a drawn status takes that status; when it
 * touches several, the one it shares the longest edge with, measured as the area of that
 * status' layer within 10 m of the piece. Pieces touching no status, or not the boundary,
 * stay as they are.
 *
 * Why it is right. (1) Only uncovered ground changes status: N ⊆ U, and drawn ground keeps
 * its status. (2) A free strip wider than w stays free: every point of a strip of width > w
 * lies in a disc of diameter w inside the strip, so it is in open(U), not in N. (3) A gap of
 * width < w between a polygon and the boundary contains no disc of diameter w: all of it is
 * in N, and it touches both, so it takes the polygon's status. (4) Narrow uncovered ground
 * that does not reach the boundary (a gap between two polygons inland) is not touched: the
 * rule is about the boundary only. Corners: where a polygon meets the coast at an acute
 * angle with wide free ground beside it, the tip of the angle narrower than w (an area of
 * the order of w²) goes to the polygon.
 *
 * Locality, hence speed. open(U) at a point depends only on U within w of it. The work is
 * cut into tiles: the cells of a 0.5° grid that the territory's boundary crosses (nothing
 * far from the boundary can change); each tile is computed within its cell grown by a
 * margin of at least w, from the features meeting it clipped to it, and its pieces are
 * clipped back to the cell, so the cells' results are exact for the rule above and add up
 * without overlap. Deciding a piece's status from what it touches within the grown cell
 * (not beyond) is the one approximation: a sliver running through several cells is decided
 * cell by cell. The tiles (the territory clipped to each, its boundary, the regions in it)
 * are built once per regions and tolerance; a snapshot then costs what its features near the
 * boundary cost, whether it was normalised or only loaded (a timeline's). A tile whose clips
 * are those it had for the last snapshot (by hash) gives its last slivers again, so on a
 * timeline only the tiles the front reaches are computed (tile_slivers); and there, a piece
 * that comes out as it was keeps what depends on it alone (piece). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TILE_DEG 0.5      /* grid cell, degrees */
#define TOUCH_M 10.0      /* a piece touches what lies within this distance, metres */
#define MIN_PIECE_M2 100. /* pieces smaller than this are rounding residue of the opening */
#define QUADSEGS 4        /* buffer arcs: segments per quarter circle */

/* A piece of a tile's narrow uncovered land as the tile's last compute found it, kept for
 * the next snapshot (see tile_slivers and piece). A piece that took a status is a sliver. */
typedef struct kept_piece {
    uint64_t hash;                      /* fl_geom_hash of the piece, in metres */
    GEOSGeometry *near;                 /* its surroundings, when it touches the boundary */
    int status;                         /* the drawn status it took, or -1 */
    GEOSGeometry *geom;                 /* once measured: clipped to the cell, lon/lat */
    double km2;
    double *reg_km2;                    /* of it in each of the tile's regions */
} kept_piece;

typedef struct coast_tile {
    double core[4], env[4];             /* the cell and the cell grown by the margin */
    GEOSGeometry *land;                 /* T ∩ env, metres */
    GEOSGeometry *border;               /* T's boundary ∩ env, metres */
    const GEOSPreparedGeometry *border_prep;
    int nreg;
    int *reg;                           /* regions meeting the cell */
    GEOSGeometry **reg_core;            /* each clipped to the cell, lon/lat */
    const GEOSPreparedGeometry **reg_prep; /* of each */
    fl_clip_cache clips;                /* the last snapshot's features clipped to env */
    /* the last snapshot's answer, valid when known: the key of its clips (tile_slivers) and
     * the slivers they gave */
    bool known;
    uint64_t key;
    int nkept;
    kept_piece *kept;
} coast_tile;

struct fl_coast {
    double km;
    PJ *pj;
    int n;
    coast_tile *t;
};

struct fl_conflation {
    uint64_t serial;
    double km;
    int nstatus;
    GEOSGeometry **piece;                /* per drawn status, what it took (lon/lat) */
    fl_point_index *index;               /* the pieces of the drawn statuses, for points */
    double *km2;                         /* see fl_conflation_km2 */
};

static void pieces_free(fl_ctx *ctx, kept_piece *k, int n)
{
    for (int i = 0; i < n; i++) {
        if (k[i].near)
            GEOSGeom_destroy_r(ctx->geos, k[i].near);
        if (k[i].geom)
            GEOSGeom_destroy_r(ctx->geos, k[i].geom);
        free(k[i].reg_km2);
    }
    free(k);
}

/* Forgets the tile's last answer. */
static void tile_forget(fl_ctx *ctx, coast_tile *t)
{
    pieces_free(ctx, t->kept, t->nkept);
    t->kept = NULL;
    t->nkept = 0;
    t->known = false;
}

static void tile_free(fl_ctx *ctx, coast_tile *t)
{
    GEOSContextHandle_t h = ctx->geos;
    tile_forget(ctx, t);
    fl_clip_cache_clear(ctx, &t->clips);
    if (t->border_prep)
        GEOSPreparedGeom_destroy_r(h, t->border_prep);
    if (t->border)
        GEOSGeom_destroy_r(h, t->border);
    if (t->land)
        GEOSGeom_destroy_r(h, t->land);
    for (int k = 0; k < t->nreg; k++) {
        if (t->reg_prep[k])
            GEOSPreparedGeom_destroy_r(h, t->reg_prep[k]);
        if (t->reg_core[k])
            GEOSGeom_destroy_r(h, t->reg_core[k]);
    }
    free(t->reg);
    free(t->reg_core);
    free(t->reg_prep);
}

void fl_coast_free(fl_ctx *ctx, fl_coast *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        tile_free(ctx, &c->t[i]);
    free(c->t);
    proj_destroy(c->pj);
    free(c);
}

/* The regions meeting the tile's cell, each clipped to it. */
static int tile_regions(fl_ctx *ctx, const fl_regions *r, coast_tile *t)
{
    int n, *near = fl_regions_near(r, t->core, &n);
    t->reg = near;
    t->reg_core = near ? fl_calloc(ctx, (size_t)n + 1, sizeof *t->reg_core) : NULL;
    t->reg_prep = near ? fl_calloc(ctx, (size_t)n + 1, sizeof *t->reg_prep) : NULL;
    if (!t->reg_core || !t->reg_prep)
        return FL_ENOMEM;
    for (int i = 0; i < n; i++) {
        GEOSGeometry *g = fl_clip(ctx, r->geom[near[i]], t->core);
        if (!g)
            return ctx->err;
        if (GEOSisEmpty_r(ctx->geos, g)) {
            GEOSGeom_destroy_r(ctx->geos, g);
            continue;
        }
        t->reg[t->nreg] = near[i];
        t->reg_core[t->nreg] = g;
        if (!(t->reg_prep[t->nreg++] = GEOSPrepare_r(ctx->geos, g)))
            return fl_geos_error(ctx, "preparing a tile's region");
    }
    return FL_OK;
}

/* Builds the tile of one cell (its boundary and land in metres, its regions). */
static int tile_build(fl_ctx *ctx, const fl_regions *r, fl_coast *c, const GEOSGeometry *border,
                      coast_tile *t)
{
    double lat = fmax(fabs(t->core[1]), fabs(t->core[3])) + 1;
    double my = 1.2 * c->km / 110.5, mx = 1.2 * c->km / (111.3 * cos(lat * M_PI / 180));
    const double env[4] = {t->core[0] - mx, t->core[1] - my, t->core[2] + mx, t->core[3] + my};
    memcpy(t->env, env, sizeof env);
    GEOSGeometry *land = fl_clip(ctx, r->territory, env);
    GEOSGeometry *line = GEOSClipByRect_r(ctx->geos, border, env[0], env[1], env[2], env[3]);
    if (!line && land)
        fl_geos_error(ctx, "clipping the territory's boundary");
    t->land = land ? fl_transform(ctx, land, c->pj, PJ_FWD) : NULL;
    t->border = line ? fl_transform(ctx, line, c->pj, PJ_FWD) : NULL;
    if (land)
        GEOSGeom_destroy_r(ctx->geos, land);
    if (line)
        GEOSGeom_destroy_r(ctx->geos, line);
    if (!t->land || !t->border)
        return ctx->err;
    if (!(t->border_prep = GEOSPrepare_r(ctx->geos, t->border)))
        return fl_geos_error(ctx, "preparing the territory's boundary");
    return tile_regions(ctx, r, t);
}

/* Adds the tile of cell (x, y) when the territory's boundary crosses it. */
static int add_cell(fl_ctx *ctx, const fl_regions *r, fl_coast *c, const GEOSGeometry *border,
                    const GEOSPreparedGeometry *bp, double x, double y)
{
    const double core[4] = {x, y, x + TILE_DEG, y + TILE_DEG};
    GEOSGeometry *rect = fl_rectangle(ctx, core);
    char meets = rect ? GEOSPreparedIntersects_r(ctx->geos, bp, rect) : 2;
    if (rect)
        GEOSGeom_destroy_r(ctx->geos, rect);
    if (meets != 1)
        return meets ? (ctx->err ? ctx->err : fl_geos_error(ctx, "placing a tile")) : FL_OK;
    coast_tile *v = fl_realloc(ctx, c->t, (size_t)c->n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    c->t = v;
    coast_tile *t = &c->t[c->n++];
    *t = (coast_tile){.core = {core[0], core[1], core[2], core[3]}};
    return tile_build(ctx, r, c, border, t);
}

/* The tiles of r at tolerance km. */
static int coast_build(fl_ctx *ctx, const fl_regions *r, double km, fl_coast **out)
{
    fl_coast *c = fl_calloc(ctx, 1, sizeof *c);
    if (!c)
        return FL_ENOMEM;
    c->km = km;
    double b[4];
    fl_geom_bounds(ctx, r->territory, b);
    if (!(c->pj = fl_laea(ctx, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2))) {
        free(c);
        return fl_proj_error(ctx, "creating the conflation's projection");
    }
    GEOSGeometry *border = GEOSBoundary_r(ctx->geos, r->territory);
    const GEOSPreparedGeometry *bp = border ? GEOSPrepare_r(ctx->geos, border) : NULL;
    int rc = bp ? FL_OK : fl_geos_error(ctx, "the territory's boundary");
    for (double x = floor(b[0] / TILE_DEG) * TILE_DEG; x < b[2] && !rc; x += TILE_DEG)
        for (double y = floor(b[1] / TILE_DEG) * TILE_DEG; y < b[3] && !rc; y += TILE_DEG)
            rc = add_cell(ctx, r, c, border, bp, x, y);
    if (bp)
        GEOSPreparedGeom_destroy_r(ctx->geos, bp);
    if (border)
        GEOSGeom_destroy_r(ctx->geos, border);
    if (rc) {
        fl_coast_free(ctx, c);
        return rc;
    }
    *out = c;
    return FL_OK;
}

/* The features meeting a tile's envelope, clipped to it (lon/lat), in the clip cache's order
 * (by status and clip, not the snapshot's), with their statuses. */
typedef struct clips {
    size_t n;
    GEOSGeometry **g;
    int *status;
} clips;

static void clips_free(fl_ctx *ctx, clips *k)
{
    fl_destroy_all(ctx, k->g, k->n);
    free(k->status);
}

/* Copies of the tile's clips, to be consumed by tile_compute. */
static int clips_copy(fl_ctx *ctx, const fl_clip_cache *c, clips *k)
{
    *k = (clips){0};
    k->g = fl_calloc(ctx, c->n + 1, sizeof *k->g);
    k->status = fl_calloc(ctx, c->n + 1, sizeof *k->status);
    if (!k->g || !k->status)
        return FL_ENOMEM;
    int rc = fl_clip_cache_copies(ctx, c, k->g);
    if (!rc) {
        memcpy(k->status, c->status, c->n * sizeof *k->status);
        k->n = c->n;
    }
    return rc;
}

/* The union of the clips of status st, taken from k. */
static GEOSGeometry *local_union(fl_ctx *ctx, clips *k, int st)
{
    GEOSGeometry **g = fl_calloc(ctx, k->n + 1, sizeof *g);
    size_t n = 0;
    for (size_t i = 0; g && i < k->n; i++)
        if (k->status[i] == st && k->g[i]) {
            g[n++] = k->g[i];
            k->g[i] = NULL;
        }
    GEOSGeometry *u = g ? fl_union_all(ctx, g, n) : NULL;
    free(g);
    return u;
}

/* What one tile computes: the drawn statuses' layers near it, in metres. */
typedef struct tile_work {
    int ndrawn;
    GEOSGeometry **layer; /* exclusive by precedence, metres */
    const GEOSPreparedGeometry **prep; /* each layer's, made when first asked (layer_meets) */
    char *met;            /* nearest_status: whether each layer meets the sliver's surroundings */
    GEOSGeometry *uncovered;
} tile_work;

static void work_free(fl_ctx *ctx, tile_work *w)
{
    for (int i = 0; w->prep && i < w->ndrawn; i++)
        if (w->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, w->prep[i]);
    free(w->prep);
    free(w->met);
    fl_destroy_all(ctx, w->layer, (size_t)w->ndrawn);
    if (w->uncovered)
        GEOSGeom_destroy_r(ctx->geos, w->uncovered);
}

/* The tile's layers (exclusive, metres) and uncovered land from its clips (taken); *none
 * when no feature meets it. */
static int work_init(fl_ctx *ctx, const fl_coast *c, const coast_tile *t, int ndrawn, clips *k,
                     tile_work *w, bool *none)
{
    GEOSContextHandle_t h = ctx->geos;
    *w = (tile_work){.ndrawn = ndrawn};
    if ((*none = k->n == 0))
        return FL_OK;
    w->layer = fl_calloc(ctx, (size_t)w->ndrawn + 1, sizeof *w->layer);
    w->prep = fl_calloc(ctx, (size_t)w->ndrawn + 1, sizeof *w->prep);
    w->met = fl_calloc(ctx, (size_t)w->ndrawn + 1, sizeof *w->met);
    if (!w->layer || !w->prep || !w->met)
        return FL_ENOMEM;
    GEOSGeometry *cover = NULL;
    bool failed = false;
    for (int i = 0; i < w->ndrawn && !failed; i++) {
        GEOSGeometry *u = local_union(ctx, k, i);
        GEOSGeometry *m = u ? fl_transform(ctx, u, c->pj, PJ_FWD) : NULL;
        if (u)
            GEOSGeom_destroy_r(h, u);
        if (!m) {
            failed = true;
            break;
        }
        w->layer[i] = cover ? fl_difference(ctx, m, cover) : GEOSGeom_clone_r(h, m);
        GEOSGeometry *next = !w->layer[i] ? NULL : cover ? fl_union(ctx, cover, m) : m;
        if (cover)
            GEOSGeom_destroy_r(h, cover);
        if (next != m)
            GEOSGeom_destroy_r(h, m);
        failed = !(cover = next);
    }
    if (cover && !failed)
        w->uncovered = fl_difference(ctx, t->land, cover);
    if (cover)
        GEOSGeom_destroy_r(h, cover);
    return w->uncovered ? FL_OK : ctx->err ? ctx->err : fl_geos_error(ctx, "a tile's layers");
}

/* The narrow part of the uncovered land: itself less its opening by a disc of diameter km. */
static GEOSGeometry *narrow_part(fl_ctx *ctx, const fl_coast *c, const GEOSGeometry *u)
{
    double r = c->km * 500; /* metres: half the tolerance */
    GEOSGeometry *eroded = GEOSBuffer_r(ctx->geos, u, -r, QUADSEGS);
    GEOSGeometry *opened = eroded ? GEOSBuffer_r(ctx->geos, eroded, r, QUADSEGS) : NULL;
    GEOSGeometry *n = opened ? fl_difference(ctx, u, opened) : NULL;
    if (!opened)
        fl_geos_error(ctx, "opening the uncovered land");
    if (eroded)
        GEOSGeom_destroy_r(ctx->geos, eroded);
    if (opened)
        GEOSGeom_destroy_r(ctx->geos, opened);
    return n;
}

/* Whether layer i of w meets near: 1, 0, or 2 on error. */
static char layer_meets(fl_ctx *ctx, tile_work *w, int i, const GEOSGeometry *near)
{
    if (!w->prep[i] && !(w->prep[i] = GEOSPrepare_r(ctx->geos, w->layer[i])))
        return 2;
    return GEOSPreparedIntersects_r(ctx->geos, w->prep[i], near);
}

/* The area of layer i of w within near, in m², or -1 on error. */
static double layer_near_m2(fl_ctx *ctx, tile_work *w, int i, const GEOSGeometry *near)
{
    GEOSGeometry *x = fl_intersection(ctx, w->layer[i], near);
    double a = 0;
    if (!x || GEOSArea_r(ctx->geos, x, &a) != 1)
        a = -1;
    if (x)
        GEOSGeom_destroy_r(ctx->geos, x);
    return a;
}

/* The drawn status sharing the most ground with near (p's surroundings): -1 when none meets
 * it, -2 on error. Which layers meet near is asked of their prepared geometries; most pieces
 * meet one, which is then the answer without an overlay (a layer meeting the surroundings of
 * a polygon shares ground with them: a contact of a point or a line alone is degenerate). */
static int nearest_status(fl_ctx *ctx, tile_work *w, const GEOSGeometry *near)
{
    int first = -1, count = 0;
    for (int i = 0; i < w->ndrawn; i++) {
        if ((w->met[i] = layer_meets(ctx, w, i, near)) == 2)
            return -2;
        if (w->met[i] && !count++)
            first = i;
    }
    if (count < 2)
        return first;
    int best = -1;
    double most = 0;
    for (int i = 0; i < w->ndrawn; i++) {
        double a = w->met[i] ? layer_near_m2(ctx, w, i, near) : 0;
        if (a < 0)
            return -2;
        if (a > most) {
            most = a;
            best = i;
        }
    }
    return best;
}

/* The surroundings of piece p (metres) when it touches the boundary, else NULL, into *near.
 * A piece takes the drawn status with the largest area within TOUCH_M of it (nearest_status),
 * or none when it touches no status or not the boundary. "Within TOUCH_M" is p's buffer by
 * TOUCH_M, which lies within TOUCH_M of p but for rounding: a piece farther than TOUCH_M (and a
 * centimetre) from the boundary cannot touch it, and is not buffered. */
static int surroundings(fl_ctx *ctx, const coast_tile *t, const GEOSGeometry *p,
                        GEOSGeometry **near)
{
    *near = NULL;
    char close = GEOSPreparedDistanceWithin_r(ctx->geos, t->border_prep, p, TOUCH_M + 0.01);
    GEOSGeometry *b = close == 1 ? GEOSBuffer_r(ctx->geos, p, TOUCH_M, 2) : NULL;
    char touches = b ? GEOSPreparedIntersects_r(ctx->geos, t->border_prep, b) : close;
    if (touches == 1)
        *near = b;
    else if (b)
        GEOSGeom_destroy_r(ctx->geos, b);
    return close == 2 || (close == 1 && (!b || touches == 2))
               ? fl_geos_error(ctx, "placing a sliver") : FL_OK;
}

/* The one region of tile t that contains g, or -1 (g straddles regions), or -2 on error. */
static int region_of(fl_ctx *ctx, const coast_tile *t, const GEOSGeometry *g)
{
    for (int i = 0; i < t->nreg; i++) {
        char in = GEOSPreparedContains_r(ctx->geos, t->reg_prep[i], g);
        if (in)
            return in == 1 ? i : (fl_geos_error(ctx, "placing a sliver in a region"), -2);
    }
    return -1;
}

/* Piece p (metres) as taken by status st: clipped to the cell, in lon/lat, measured in all
 * and in each of the tile's regions, into *k. A piece within one region (most) is all of its
 * km² there and none elsewhere, with no overlay; one across regions is overlaid with those it
 * meets (prepared test) and has none of the others. */
static int measure(fl_ctx *ctx, const fl_coast *c, const coast_tile *t, const GEOSGeometry *p,
                   kept_piece *k)
{
    GEOSGeometry *back = fl_transform(ctx, p, c->pj, PJ_INV);
    bool repaired; /* a thin sliver may cross itself once its vertices are rounded back */
    GEOSGeometry *geo = back ? fl_polygonal(ctx, back, false, &repaired) : NULL;
    k->geom = geo ? fl_clip(ctx, geo, t->core) : NULL;
    if (back)
        GEOSGeom_destroy_r(ctx->geos, back);
    if (geo)
        GEOSGeom_destroy_r(ctx->geos, geo);
    if (!k->geom || !(k->reg_km2 = fl_calloc(ctx, (size_t)t->nreg + 1, sizeof *k->reg_km2)))
        return ctx->err;
    k->km2 = fl_geom_km2(ctx, k->geom);
    int in = region_of(ctx, t, k->geom);
    if (in >= 0)
        k->reg_km2[in] = k->km2;
    for (int i = 0; i < t->nreg && in == -1; i++) {
        char meets = GEOSPreparedIntersects_r(ctx->geos, t->reg_prep[i], k->geom);
        GEOSGeometry *x = meets == 1 ? fl_intersection(ctx, k->geom, t->reg_core[i]) : NULL;
        if (meets == 2)
            return fl_geos_error(ctx, "placing a sliver in a region");
        if (meets && !x)
            return ctx->err;
        k->reg_km2[i] = x ? fl_geom_km2(ctx, x) : 0;
        if (x)
            GEOSGeom_destroy_r(ctx->geos, x);
    }
    return in == -2 ? ctx->err : FL_OK;
}

/* Piece p (metres) of a tile's narrow uncovered land, into *k: the status it takes, and when
 * it takes one, the sliver measured. What depends on the piece alone, its surroundings and its
 * measure, is taken from the record of the same piece (by hash) in the tile's last compute
 * (last), when there is one: they are what surroundings and measure would give. On a timeline
 * most of a recomputed tile's pieces lie away from the change and come out as they were
 * (74 % of them over the whole public archive, the first version's included). Only which
 * status it takes is asked again, of the layers. The pieces come in the order they came last
 * time, so the search starts after the last one taken (*from). */
static int piece(fl_ctx *ctx, const fl_coast *c, const coast_tile *t, tile_work *w,
                 const GEOSGeometry *p, kept_piece *last, int nlast, int *from, kept_piece *k)
{
    *k = (kept_piece){.hash = fl_geom_hash(ctx, p, FL_HASH_SEED), .status = -1};
    int i = 0, rc = FL_OK;
    while (i < nlast && last[(*from + i) % nlast].hash != k->hash)
        i++;
    if (i < nlast) {
        i = (*from + i) % nlast;
        *k = last[i];
        last[i] = (kept_piece){.hash = ~k->hash}; /* taken: it matches no more */
        *from = i + 1;
    } else
        rc = surroundings(ctx, t, p, &k->near);
    k->status = !rc && k->near ? nearest_status(ctx, w, k->near) : -1;
    if (k->status == -2)
        return ctx->err ? ctx->err : fl_geos_error(ctx, "placing a sliver");
    return !rc && k->status >= 0 && !k->geom ? measure(ctx, c, t, p, k) : rc;
}

/* Gives sliver k to its status: it is listed among its pieces (the tile keeps it until the
 * conflation has copied them, collect_pieces), its km² added to the moved km² of the tile's
 * regions and the territory. */
static int give(fl_ctx *ctx, const coast_tile *t, const kept_piece *k, fl_conflation *f,
                const GEOSGeometry ***got, size_t *ngot)
{
    int ns = f->nstatus, st = k->status;
    for (int i = 0; i < t->nreg; i++) {
        f->km2[fl_region_row(t->reg[i]) * ns + st] += k->reg_km2[i];
        f->km2[fl_region_row(t->reg[i]) * ns + ns - 1] -= k->reg_km2[i];
    }
    f->km2[st] += k->km2;
    f->km2[ns - 1] -= k->km2;
    const GEOSGeometry **v = fl_realloc(ctx, got[st], ngot[st] + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    got[st] = v;
    v[ngot[st]++] = k->geom;
    return FL_OK;
}

/* The pieces of one tile from its clips (taken), into t->kept: each piece of the narrow
 * uncovered land that touches the boundary and a status goes to that status. last: the
 * pieces of the tile's last compute, which may be taken again (piece). */
static int tile_compute(fl_ctx *ctx, const fl_coast *c, coast_tile *t, int ndrawn, clips *k,
                        kept_piece *last, int nlast)
{
    int from = 0;
    tile_work w;
    bool none;
    int rc = work_init(ctx, c, t, ndrawn, k, &w, &none);
    GEOSGeometry *n = !rc && !none ? narrow_part(ctx, c, w.uncovered) : NULL;
    if (!rc && !none && !n)
        rc = ctx->err;
    int parts = n ? GEOSGetNumGeometries_r(ctx->geos, n) : 0;
    for (int i = 0; i < parts && !rc; i++) {
        const GEOSGeometry *p = GEOSGeomTypeId_r(ctx->geos, n) == GEOS_POLYGON
                                    ? n : GEOSGetGeometryN_r(ctx->geos, n, i);
        double a = 0;
        if (GEOSArea_r(ctx->geos, p, &a) != 1 || a < MIN_PIECE_M2)
            continue;
        kept_piece *v = fl_realloc(ctx, t->kept, (size_t)t->nkept + 1, sizeof *v);
        if (!v) {
            rc = FL_ENOMEM;
            break;
        }
        t->kept = v;
        rc = piece(ctx, c, t, &w, p, last, nlast, &from, &t->kept[t->nkept++]);
    }
    if (n)
        GEOSGeom_destroy_r(ctx->geos, n);
    work_free(ctx, &w);
    return rc;
}

/* The slivers of one tile, given to their statuses. They depend only on the tile's clips (the
 * features meeting its envelope, clipped to it), so when a snapshot's clips are those the
 * last one had there (by hash; consecutive versions of a timeline mostly have them, away
 * from the front), the last answer is given again: the same slivers and the same km², added
 * in the same order, so the sums are the same to the last bit as if computed afresh. The
 * answers, and the clips (clip_cache.c: only the features that changed are clipped), are kept
 * with the regions' tiles (a cache; a timeline's thread has its own copy). */
static int tile_slivers(fl_ctx *ctx, const fl_coast *c, coast_tile *t, const fl_snapshot *s,
                        fl_conflation *f, const GEOSGeometry ***got, size_t *ngot)
{
    uint64_t key = fl_hash_bytes(FL_HASH_SEED, &s->nstatus, sizeof s->nstatus);
    int rc = fl_clip_cache_update(ctx, &t->clips, s, t->env);
    for (size_t i = 0; i < t->clips.n && !rc; i++)
        key = fl_clip_cache_key(&t->clips, i, key);
    if (!rc && (!t->known || t->key != key)) {
        kept_piece *last = t->kept; /* the last answer, if any, kept while the new is made */
        int nlast = t->nkept;
        t->kept = NULL;
        t->nkept = 0;
        tile_forget(ctx, t);
        clips k;
        rc = clips_copy(ctx, &t->clips, &k);
        if (!rc)
            rc = tile_compute(ctx, c, t, s->nstatus - 1, &k, last, nlast);
        clips_free(ctx, &k);
        pieces_free(ctx, last, nlast);
        t->known = !rc;
        t->key = key;
    }
    for (int i = 0; i < t->nkept && !rc; i++)
        if (t->kept[i].status >= 0)
            rc = give(ctx, t, &t->kept[i], f, got, ngot);
    if (rc)
        tile_forget(ctx, t);
    return rc;
}

void fl_conflation_free(fl_ctx *ctx, fl_conflation *f)
{
    if (!f)
        return;
    fl_point_index_free(ctx, f->index);
    for (int i = 0; f->piece && i < f->nstatus; i++)
        if (f->piece[i])
            GEOSGeom_destroy_r(ctx->geos, f->piece[i]);
    free(f->piece);
    free(f->km2);
    free(f);
}

/* Copies of the polygons of the n polygonal geometries gs as one MultiPolygon: the pieces of
 * different cells share at most edges. */
static GEOSGeometry *flatten(fl_ctx *ctx, const GEOSGeometry *const *gs, size_t n)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += (size_t)GEOSGetNumGeometries_r(ctx->geos, gs[i]);
    GEOSGeometry **parts = fl_calloc(ctx, total + 1, sizeof *parts);
    for (size_t i = 0; parts && i < n; i++) {
        int m = GEOSGetNumGeometries_r(ctx->geos, gs[i]);
        for (int j = 0; j < m && parts; j++) {
            const GEOSGeometry *g = GEOSGetGeometryN_r(ctx->geos, gs[i], j);
            if (GEOSGeomTypeId_r(ctx->geos, g) == GEOS_POLYGON && !GEOSisEmpty_r(ctx->geos, g) &&
                !(parts[k++] = GEOSGeom_clone_r(ctx->geos, g))) {
                for (k--; k > 0;) /* parts[k] is the failed copy */
                    GEOSGeom_destroy_r(ctx->geos, parts[--k]);
                free(parts);
                parts = NULL;
            }
        }
    }
    GEOSGeometry *m = parts ? GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts,
                                                           (unsigned)k) : NULL;
    free(parts);
    if (!m)
        fl_geos_error(ctx, "collecting the slivers");
    return m;
}

/* Collects each status' pieces (got: the tiles' own) into one MultiPolygon of copies, and
 * indexes them for point queries; after an error (rc), only frees the lists. */
static int collect_pieces(fl_ctx *ctx, fl_conflation *f, const GEOSGeometry ***got,
                          size_t *ngot, int rc)
{
    for (int i = 0; i < f->nstatus; i++) {
        if (ngot[i] && !rc && !(f->piece[i] = flatten(ctx, got[i], ngot[i])))
            rc = ctx->err;
        free(got[i]);
    }
    return rc ? rc : fl_point_index_new(ctx, (const GEOSGeometry *const *)f->piece,
                                        f->nstatus - 1, &f->index);
}

static int conflate(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, fl_conflation *f)
{
    struct fl_regions_cache *tiles = r->cache; /* the tiles are a cache of the regions */
    if (r->snap_km <= 0)
        return FL_OK;
    if (tiles->coast && tiles->coast->km != r->snap_km) {
        fl_coast_free(ctx, tiles->coast);
        tiles->coast = NULL;
    }
    int rc = tiles->coast ? FL_OK : coast_build(ctx, r, r->snap_km, &tiles->coast);
    const GEOSGeometry ***got = rc ? NULL : fl_calloc(ctx, (size_t)f->nstatus, sizeof *got);
    size_t *ngot = got ? fl_calloc(ctx, (size_t)f->nstatus, sizeof *ngot) : NULL;
    if (!rc && !ngot)
        rc = FL_ENOMEM;
    for (int i = 0; i < (ngot ? tiles->coast->n : 0) && !rc; i++)
        rc = tile_slivers(ctx, tiles->coast, &tiles->coast->t[i], s, f, got, ngot);
    if (ngot)
        rc = collect_pieces(ctx, f, got, ngot, rc);
    free(got);
    free(ngot);
    return rc;
}

const fl_conflation *fl_snapshot_conflation(fl_ctx *ctx, const fl_snapshot *cs,
                                            const fl_regions *r)
{
    const fl_snapshot *s = cs;
    struct fl_snapshot_cache *cache = s->cache; /* the snapshot's content does not change */
    if (cache->conf && cache->conf->serial == r->serial && cache->conf->km == r->snap_km)
        return cache->conf;
    fl_conflation *f = fl_calloc(ctx, 1, sizeof *f);
    if (!f)
        return NULL;
    *f = (fl_conflation){.serial = r->serial, .km = r->snap_km, .nstatus = s->nstatus};
    f->piece = fl_calloc(ctx, (size_t)s->nstatus, sizeof *f->piece);
    f->km2 = fl_calloc(ctx, (size_t)(r->n + 1) * (size_t)s->nstatus, sizeof *f->km2);
    int rc = f->piece && f->km2 ? conflate(ctx, s, r, f) : FL_ENOMEM;
    if (rc) {
        fl_conflation_free(ctx, f);
        return NULL;
    }
    fl_conflation_free(ctx, cache->conf);
    cache->conf = f;
    return f;
}

const double *fl_conflation_km2(const fl_conflation *f) { return f->km2; }

const fl_point_index *fl_conflation_index(const fl_conflation *f) { return f->index; }

int fl_conflation_points(fl_ctx *ctx, const fl_conflation *f, size_t n, const double *lat,
                         const double *lon, int *status)
{
    for (size_t i = 0; f->index && i < n; i++) {
        if (status[i] != f->nstatus - 1)
            continue;
        int st = fl_point_index_find(ctx, f->index, lat[i], lon[i]);
        if (st == -2)
            return ctx->err;
        if (st >= 0)
            status[i] = st;
    }
    return FL_OK;
}

long fl_snapshot_outside(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r)
{
    double tb[4];
    fl_geom_bounds(ctx, r->territory, tb);
    long out = 0;
    for (size_t i = 0; i < s->nfeat; i++) {
        const fl_feat *f = &s->feat[i];
        char meets = fl_bounds_overlap(f->bbox, tb)
                         ? GEOSPreparedIntersects_r(ctx->geos, r->territory_prep, f->geom) : 0;
        if (meets == 2) {
            fl_geos_error(ctx, "placing a feature against the territory");
            return -1;
        }
        out += !meets;
    }
    return out;
}
