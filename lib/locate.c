/* locate.c — status and region of many points: a quadtree over the snapshot's layers, the
 * territory and the regions. A geometry whose boundary misses a cell holds all of the cell or
 * none of it, so most points take their answer from their cell, labelled once when the tree
 * is built. Only points in the finest cells that a boundary crosses are tested exactly.
 *
 * The exact test is local. Such a leaf keeps, for each geometry crossing it, the boundary
 * segments that meet it and a reference point of the leaf (the parent's centre, one of its
 * corners) whose state GEOS gave when the tree was built. A point is on the reference
 * point's side of the boundary when the segment between them crosses an even number of the
 * leaf's segments: the segment lies in the leaf, so no other segment can cross it. Every
 * orientation is Shewchuk's orient2d with its error bound (a sign that the rounded
 * determinant cannot certify counts as unknown), so a counted crossing is a proper crossing
 * in exact arithmetic. When any is unknown (the point on or within rounding of a boundary,
 * the segment through a vertex), the prepared GEOS query of fl_snapshot_status_at answers,
 * hence the same answers (a point on a boundary is inside). GEOS' own point-in-area locator
 * counts the crossings of a ray across the whole geometry (every segment its y-interval
 * spans): on random points of a DeepStateMap export it took 44 % of the time, the local
 * count a few percent. This holds for valid geometries (rings that do not cross), which the
 * layers (GEOS overlays), the territory and the regions are.
 *
 * A query starts from a table of the cells of depth JUMP_DEPTH rather than from the root.
 * On the DeepStateMap exports with the embedded regions: about 35 ms to build, 7.5 MB, 3 % of
 * the bounds in leaves a boundary crosses; 1 million random points in about 20 ms
 * (bench/micro), against 1 million a second asked point by point. fl_snapshot_status_at
 * keeps the locator it builds with the snapshot (fl_snapshot_locator). */
#include "internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define MAX_DEPTH 10 /* finest cells: the bounds cut 1024 × 1024 */
#define JUMP_DEPTH 8 /* a query starts at the node of its cell of this depth (or the leaf
                      * above it), copied into a 512 kB table: one load instead of eight down
                      * the tree, which missed the cache on nearly every step */
#define MARGIN 1e-9  /* degrees around each cell: mapping a point to its cell may round it a
                      * few ulps outside the cell's rectangle */
#define INNER INT32_MIN

/* How a geometry meets a cell. */
enum { OUT, PART, IN };

/* A node of the quadtree. Inner: status == INNER and its four children start at index region
 * (x then y bit). Leaf: status and region are the answers (>= -1), or -2 - k when they depend
 * on the point: pool[k..] lists the geometries to test in order, ending with -1 (status
 * lists: layers then the territory; region lists: regions). An entry is a geometry's index
 * in area << 1 | 1 when it covers the cell, else the index of its part << 1. */
typedef struct node {
    int32_t status, region;
} node;

/* A boundary segment (or a lone point: both ends equal). */
typedef struct seg {
    double x0, y0, x1, y1;
} seg;

/* A geometry whose boundary crosses a leaf: its segments meeting the leaf, seg[first..first +
 * count), and a point of the leaf (x, y) with its state (1 in or on the geometry, 0 not). */
typedef struct part {
    int g, in;
    double x, y;
    size_t first, count;
} part;

struct fl_locator {
    int nlayer; /* the statuses but the default one */
    /* every geometry, prepared, in the order queries test them: the layers, the territory
     * (index nlayer), the regions (nlayer + 1 + k); they belong to the snapshot and regions */
    const GEOSPreparedGeometry **area;
    double west, south, east, north;
    double kx, ky; /* finest cells per degree */
    node *node;
    size_t nnode, capnode;
    node *jump; /* cell (ix, iy) of depth JUMP_DEPTH: a copy of its node (of that depth or a
                 * leaf above it), at iy << JUMP_DEPTH | ix */
    int32_t *pool;
    size_t npool, cappool;
    part *part;
    size_t npart, cappart;
    seg *seg; /* the parts' segments */
    size_t nseg, capseg;
};

/* The snapshot's layer i (exclusive by precedence) and its prepared form, computed on first
 * use: the only place the locator reads them. */
static int snapshot_layer(fl_ctx *ctx, const fl_snapshot *s, int i, const GEOSGeometry **geom,
                          const GEOSPreparedGeometry **prep)
{
    int rc = fl_snapshot_normalise(ctx, s);
    *geom = rc ? NULL : s->layer[i];
    *prep = rc ? NULL : s->prep[i];
    return rc;
}

/* ---------------------------------------------------------------------------------------
 * Building
 *
 * Each cell carries the boundary segments of every geometry that meet its rectangle (widened
 * by MARGIN), filtered from its parent's. A geometry none of whose segments meets the cell
 * holds all of it or none of it: GEOS' answer for any one point of the cell says which. The
 * four children of a cell share its centre, so one prepared point query per geometry and cell
 * labels them all. The segment filter only decides where GEOS is asked; it errs towards
 * "meets". (Prepared predicates on the cell rectangles give the same cells, 10 times slower.)
 * ------------------------------------------------------------------------------------- */

/* A geometry meeting a cell (g: its index in the locator's area) and its segments meeting
 * the cell, idx[first..first + count) of the cell's depth. */
typedef struct item {
    int g, state;
    size_t first, count;
    int centre; /* state of the cell's centre: -1 until asked */
    int up;     /* its index in the parent cell's list */
} item;

/* The lists of the cell being labelled at one depth. */
typedef struct level {
    item *items;
    uint32_t *idx;
    size_t cap;
} level;

typedef struct builder {
    fl_ctx *ctx;
    fl_locator *l;
    int ng;
    seg *seg;                          /* every segment, by geometry */
    size_t nseg, capseg;
    double *xy;                        /* room for the coordinates of one ring */
    size_t capxy;
    size_t *first;                     /* segments of g: first[g]..first[g + 1] */
    level lv[MAX_DEPTH + 1];
    int rc; /* why a leaf's list could not be made, when not for memory */
} builder;

static int add_segments(builder *b, const GEOSGeometry *g);

/* The segments of a ring or line, or the point. */
static int add_sequence(builder *b, const GEOSGeometry *g)
{
    fl_ctx *ctx = b->ctx;
    unsigned int n;
    int rc = fl_line_coords(ctx, g, &b->xy, &b->capxy, &n);
    if (rc)
        return rc;
    if (b->nseg + n > b->capseg) {
        size_t cap = 2 * (b->nseg + n);
        seg *v = fl_realloc(ctx, b->seg, cap, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        b->seg = v;
        b->capseg = cap;
    }
    const double *xy = b->xy;
    if (n == 1)
        b->seg[b->nseg++] = (seg){xy[0], xy[1], xy[0], xy[1]};
    for (unsigned int i = 0; i + 1 < n; i++)
        b->seg[b->nseg++] = (seg){xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3]};
    return FL_OK;
}

/* The boundary segments of any geometry: rings of polygons, lines, points. */
static int add_segments(builder *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = b->ctx->geos;
    int rc = FL_OK;
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_POLYGON:
        if (GEOSisEmpty_r(h, g))
            return FL_OK;
        rc = add_sequence(b, GEOSGetExteriorRing_r(h, g));
        for (int i = 0; !rc && i < GEOSGetNumInteriorRings_r(h, g); i++)
            rc = add_sequence(b, GEOSGetInteriorRingN_r(h, g, i));
        return rc;
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return add_sequence(b, g);
    default:
        for (int i = 0; !rc && i < GEOSGetNumGeometries_r(h, g); i++)
            rc = add_segments(b, GEOSGetGeometryN_r(h, g, i));
        return rc;
    }
}

/* Whether the segment may meet the box: false only when its bounds miss the box or the four
 * corners lie strictly on one side of its line. The box is MARGIN wider than the cell, so a
 * segment meeting the cell leaves corners at least MARGIN away on both sides, far above the
 * rounding of these products. */
static bool seg_meets(const seg *s, const double box[4])
{
    if ((s->x0 < box[0] && s->x1 < box[0]) || (s->x0 > box[2] && s->x1 > box[2]) ||
        (s->y0 < box[1] && s->y1 < box[1]) || (s->y0 > box[3] && s->y1 > box[3]))
        return false;
    double dx = s->x1 - s->x0, dy = s->y1 - s->y0, pos = 0, neg = 0;
    for (int c = 0; c < 4; c++) {
        double side = dx * (box[1 + 2 * (c >> 1)] - s->y0) - dy * (box[2 * (c & 1)] - s->x0);
        pos += side > 0;
        neg += side < 0;
    }
    return pos < 4 && neg < 4;
}

/* The rectangle of cell (ix, iy) of depth d, widened by MARGIN. */
static void cell_box(const fl_locator *l, int d, uint32_t ix, uint32_t iy, double box[4])
{
    double w = (l->east - l->west) / (double)(1u << d);
    double h = (l->north - l->south) / (double)(1u << d);
    box[0] = l->west + ix * w - MARGIN;
    box[1] = l->south + iy * h - MARGIN;
    box[2] = l->west + (ix + 1) * w + MARGIN;
    box[3] = l->south + (iy + 1) * h + MARGIN;
}

/* IN when the point is in (or on) geometry g, OUT when not, -1 on error. */
static int point_state(builder *b, int g, double x, double y)
{
    GEOSGeometry *pt = fl_point(b->ctx, x, y);
    char in = pt ? GEOSPreparedIntersects_r(b->ctx->geos, b->l->area[g], pt) : 2;
    if (pt)
        GEOSGeom_destroy_r(b->ctx->geos, pt);
    return in == 2 ? -1 : in ? IN : OUT;
}

/* The state of geometry p (an item of the parent's list) at the parent's centre, a corner of
 * cell (ix, iy) of depth d, asked once per parent; the corner into x and y when not NULL. -1
 * on a GEOS error. */
static int parent_centre(builder *b, int d, uint32_t ix, uint32_t iy, item *p, double *x,
                         double *y)
{
    double box[4];
    cell_box(b->l, d, ix, iy, box);
    double cx = ix & 1 ? box[0] + MARGIN : box[2] - MARGIN;
    double cy = iy & 1 ? box[1] + MARGIN : box[3] - MARGIN;
    if (x) {
        *x = cx;
        *y = cy;
    }
    if (p->centre < 0)
        p->centre = point_state(b, p->g, cx, cy);
    return p->centre;
}

/* Labels child cell (ix, iy) of depth d from its parent's list (depth d - 1): the geometries
 * meeting it and their segments, into level d. Past the first layer covering the cell no
 * other layer nor the territory matters; past the first region covering it no other region.
 * Returns the count, or -1 on a GEOS error. */
static int label(builder *b, int d, uint32_t ix, uint32_t iy, int n)
{
    const fl_locator *l = b->l;
    level *up = &b->lv[d - 1], *lv = &b->lv[d];
    double box[4];
    cell_box(l, d, ix, iy, box);
    int m = 0;
    size_t used = 0;
    bool status_done = false, region_done = false;
    for (int k = 0; k < n; k++) {
        item *p = &up->items[k];
        bool is_status = p->g <= l->nlayer;
        if (is_status ? status_done : region_done)
            continue;
        item it = {p->g, p->state, used, 0, -1, k};
        for (size_t j = p->first; p->state == PART && j < p->first + p->count; j++)
            if (seg_meets(&b->seg[up->idx[j]], box))
                lv->idx[used++] = up->idx[j];
        it.count = used - it.first;
        if (it.state == PART && !it.count) { /* the parent's centre is a corner of the cell */
            if ((it.state = parent_centre(b, d, ix, iy, p, NULL, NULL)) < 0)
                return -1;
        }
        if (it.state == OUT)
            continue;
        lv->items[m++] = it;
        if (it.state == IN && is_status)
            status_done = it.g < l->nlayer;
        else if (it.state == IN)
            region_done = true;
    }
    return m;
}

/* The region of a cell from its list: an index, -1, or INNER when it depends on the point. */
static int cell_region(const fl_locator *l, const item *v, int n)
{
    for (int k = 0; k < n; k++)
        if (v[k].g > l->nlayer)
            return v[k].state == IN ? v[k].g - l->nlayer - 1 : INNER;
    return -1;
}

/* The status of a cell: the first layer meeting it, if it covers the cell; with no layer,
 * the default status where the territory or a region covers the cell, FL_STATUS_NONE where
 * neither meets it; otherwise INNER. */
static int cell_status(const fl_locator *l, const item *v, int n)
{
    if (n == 0 || v[0].g > l->nlayer) { /* no layer, no territory */
        int rg = cell_region(l, v, n);
        return rg == INNER ? INNER : rg >= 0 ? l->nlayer : FL_STATUS_NONE;
    }
    if (v[0].state == PART)
        return INNER;
    return v[0].g; /* a layer, or the territory: the default status, numbered like it */
}

/* The part of item it of leaf (ix, iy) of depth d: its segments and reference point. Its
 * pool entry, or INNER when out of memory or on a GEOS error. */
static int32_t add_part(builder *b, int d, uint32_t ix, uint32_t iy, const item *it)
{
    fl_locator *l = b->l;
    part p = {it->g, -1, 0, 0, l->nseg, it->count};
    if (d > 0) {
        p.in = parent_centre(b, d, ix, iy, &b->lv[d - 1].items[it->up], &p.x, &p.y);
    } else { /* a root that is a leaf: its centre */
        double box[4];
        cell_box(l, d, ix, iy, box);
        p.x = (box[0] + box[2]) / 2;
        p.y = (box[1] + box[3]) / 2;
        p.in = point_state(b, p.g, p.x, p.y);
    }
    if (p.in < 0) {
        b->rc = fl_geos_error(b->ctx, "labelling the locator's cells");
        return INNER;
    }
    p.in = p.in == IN;
    if (l->npart >= INT32_MAX / 2 ||
        !(l->part = fl_grow(b->ctx, l->part, &l->cappart, l->npart + 1, sizeof *l->part)) ||
        !(l->seg = fl_grow(b->ctx, l->seg, &l->capseg, l->nseg + it->count, sizeof *l->seg)))
        return INNER;
    for (size_t j = 0; j < it->count; j++)
        l->seg[l->nseg++] = b->seg[b->lv[d].idx[it->first + j]];
    l->part[l->npart] = p;
    return (int32_t)l->npart++ << 1;
}

/* Appends the status (regions false) or region part of leaf (ix, iy)'s list (depth d) to the
 * pool; returns its code, or INNER when out of memory or on a GEOS error. */
static int32_t pool_list(builder *b, int d, uint32_t ix, uint32_t iy, int n, bool regions)
{
    fl_locator *l = b->l;
    const item *v = b->lv[d].items;
    if (l->npool + (size_t)n + 1 > l->cappool) {
        size_t cap = 2 * (l->npool + (size_t)n + 1);
        int32_t *p = cap <= INT32_MAX ? fl_realloc(b->ctx, l->pool, cap, sizeof *p) : NULL;
        if (!p)
            return INNER;
        l->pool = p;
        l->cappool = cap;
    }
    int32_t code = -2 - (int32_t)l->npool;
    for (int k = 0; k < n; k++) {
        if ((v[k].g > l->nlayer) != regions)
            continue;
        int32_t e = v[k].state == IN ? v[k].g * 2 + 1 : add_part(b, d, ix, iy, &v[k]);
        if (e == INNER)
            return INNER;
        l->pool[l->npool++] = e;
    }
    l->pool[l->npool++] = -1;
    return code;
}

/* Room at depth d + 1 for the segments of the n geometries of depth d. */
static int reserve(builder *b, int d, int n)
{
    size_t need = 0;
    for (int k = 0; k < n; k++)
        need += b->lv[d].items[k].count;
    level *lv = &b->lv[d + 1];
    if (need <= lv->cap)
        return FL_OK;
    uint32_t *idx = fl_realloc(b->ctx, lv->idx, need, sizeof *idx);
    if (!idx)
        return FL_ENOMEM;
    lv->idx = idx;
    lv->cap = need;
    return FL_OK;
}

/* Node k is cell (ix, iy) of depth d, its n geometries labelled at level d: a leaf when they
 * answer for every point of it or at MAX_DEPTH, else four children labelled in turn. */
static int build_node(builder *b, size_t k, int d, uint32_t ix, uint32_t iy, int n)
{
    fl_locator *l = b->l;
    const item *v = b->lv[d].items;
    int st = cell_status(l, v, n), rg = cell_region(l, v, n);
    if ((st != INNER && rg != INNER) || d == MAX_DEPTH || !l->kx || !l->ky) {
        l->node[k].status = st != INNER ? st : pool_list(b, d, ix, iy, n, false);
        l->node[k].region = rg != INNER ? rg : pool_list(b, d, ix, iy, n, true);
        if (l->node[k].status == INNER || l->node[k].region == INNER)
            return b->rc ? b->rc : FL_ENOMEM;
        return FL_OK;
    }
    if (l->nnode + 4 > l->capnode) {
        size_t cap = 2 * l->capnode;
        node *p = cap <= INT32_MAX ? fl_realloc(b->ctx, l->node, cap, sizeof *p) : NULL;
        if (!p)
            return FL_ENOMEM;
        l->node = p;
        l->capnode = cap;
    }
    size_t child = l->nnode;
    l->nnode += 4;
    l->node[k] = (node){INNER, (int32_t)child};
    int rc = reserve(b, d, n);
    for (uint32_t c = 0; c < 4 && !rc; c++) {
        uint32_t cx = 2 * ix + (c & 1), cy = 2 * iy + (c >> 1);
        int m = label(b, d + 1, cx, cy, n);
        rc = m < 0 ? fl_geos_error(b->ctx, "labelling the locator's cells")
                   : build_node(b, child + c, d + 1, cx, cy, m);
    }
    return rc;
}

/* The geometries in query order, prepared, their segments, and the locator's bounds: those
 * of the segments. */
static int builder_init(builder *b, fl_ctx *ctx, fl_locator *l, const fl_snapshot *s,
                        const fl_regions *r)
{
    *b = (builder){.ctx = ctx, .l = l, .ng = l->nlayer + 1 + r->n};
    size_t ng = (size_t)b->ng;
    l->area = fl_calloc(ctx, ng, sizeof *l->area);
    b->first = fl_calloc(ctx, ng + 1, sizeof *b->first);
    for (int d = 0; d <= MAX_DEPTH; d++)
        if (!(b->lv[d].items = fl_calloc(ctx, ng, sizeof *b->lv[d].items)))
            return FL_ENOMEM;
    if (!l->area || !b->first)
        return FL_ENOMEM;
    int rc = FL_OK;
    for (int g = 0; g < b->ng && !rc; g++) {
        const GEOSGeometry *geom = r->territory;
        l->area[g] = r->territory_prep;
        if (g < l->nlayer)
            rc = snapshot_layer(ctx, s, g, &geom, &l->area[g]);
        else if (g > l->nlayer) {
            geom = r->geom[g - l->nlayer - 1];
            l->area[g] = r->prep[g - l->nlayer - 1];
        }
        b->first[g] = b->nseg;
        if (!rc)
            rc = add_segments(b, geom);
    }
    b->first[ng] = b->nseg;
    l->west = l->south = HUGE_VAL;
    l->east = l->north = -HUGE_VAL;
    for (size_t i = 0; i < b->nseg; i++) {
        const seg *s = &b->seg[i];
        l->west = fmin(l->west, fmin(s->x0, s->x1));
        l->south = fmin(l->south, fmin(s->y0, s->y1));
        l->east = fmax(l->east, fmax(s->x0, s->x1));
        l->north = fmax(l->north, fmax(s->y0, s->y1));
    }
    double cells = (double)(1u << MAX_DEPTH);
    l->kx = l->east > l->west ? cells / (l->east - l->west) : 0;
    l->ky = l->north > l->south ? cells / (l->north - l->south) : 0;
    return rc;
}

/* The root's list: every geometry but the empty ones, with all its segments. */
static int root_list(builder *b, int *n)
{
    level *lv = &b->lv[0];
    if (b->nseg > UINT32_MAX || !(lv->idx = fl_calloc(b->ctx, b->nseg, sizeof *lv->idx)))
        return b->nseg > UINT32_MAX ? fl_error(b->ctx, FL_ELIMIT, "locator: too many vertices")
                                    : FL_ENOMEM;
    for (size_t i = 0; i < b->nseg; i++)
        lv->idx[i] = (uint32_t)i;
    *n = 0;
    for (int g = 0; g < b->ng; g++)
        if (b->first[g + 1] > b->first[g])
            lv->items[(*n)++] = (item){g, PART, b->first[g], b->first[g + 1] - b->first[g], -1, -1};
    return FL_OK;
}

static void builder_free(builder *b)
{
    for (int d = 0; d <= MAX_DEPTH; d++) {
        free(b->lv[d].items);
        free(b->lv[d].idx);
    }
    free(b->first);
    free(b->seg);
    free(b->xy);
}

/* The jump table below node k, cell (ix, iy) of depth d: a leaf (or a node of JUMP_DEPTH)
 * fills the cells of depth JUMP_DEPTH it covers. */
static void fill_jump(fl_locator *l, int32_t k, int d, uint32_t ix, uint32_t iy)
{
    if (l->node[k].status == INNER && d < JUMP_DEPTH) {
        for (uint32_t c = 0; c < 4; c++)
            fill_jump(l, l->node[k].region + (int32_t)c, d + 1, 2 * ix + (c & 1),
                      2 * iy + (c >> 1));
        return;
    }
    uint32_t span = 1u << (JUMP_DEPTH - d);
    for (uint32_t y = iy * span; y < (iy + 1) * span; y++)
        for (uint32_t x = ix * span; x < (ix + 1) * span; x++)
            l->jump[y << JUMP_DEPTH | x] = l->node[k];
}

int fl_locator_new(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, fl_locator **out)
{
    if (!out)
        return fl_error(ctx, FL_EARG, "locator: no output pointer");
    *out = NULL;
    if (!s || !r)
        return fl_error(ctx, FL_EARG, "locator: a snapshot and regions are needed");
    fl_locator *l = fl_calloc(ctx, 1, sizeof *l);
    if (!l)
        return FL_ENOMEM;
    *l = (fl_locator){.nlayer = s->nstatus - 1, .nnode = 1, .capnode = 1024};
    builder b;
    int n = 0, rc = builder_init(&b, ctx, l, s, r);
    if (!rc)
        rc = root_list(&b, &n);
    if (!rc && !(l->node = fl_calloc(ctx, l->capnode, sizeof *l->node)))
        rc = FL_ENOMEM;
    if (!rc)
        rc = build_node(&b, 0, 0, 0, 0, n);
    builder_free(&b);
    if (!rc && !(l->jump = fl_calloc(ctx, (size_t)1 << 2 * JUMP_DEPTH, sizeof *l->jump)))
        rc = FL_ENOMEM;
    if (!rc)
        fill_jump(l, 0, 0, 0, 0);
    if (rc) {
        fl_locator_free(l);
        return rc;
    }
    *out = l;
    return FL_OK;
}

int fl_snapshot_locator(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, bool make,
                        const fl_locator **out)
{
    struct fl_snapshot_cache *cache = s->cache; /* the snapshot's content does not change */
    bool kept = cache->locator && cache->locator_serial == r->serial;
    *out = kept ? cache->locator : NULL;
    if (kept || !make)
        return FL_OK;
    fl_locator *l;
    int rc = fl_locator_new(ctx, s, r, &l);
    if (rc)
        return rc;
    fl_locator_free(cache->locator);
    cache->locator = l;
    cache->locator_serial = r->serial;
    *out = l;
    return FL_OK;
}

void fl_locator_free(fl_locator *l)
{
    if (!l)
        return;
    free(l->area);
    free(l->node);
    free(l->jump);
    free(l->pool);
    free(l->part);
    free(l->seg);
    free(l);
}

/* ---------------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------------- */

/* One point being located; its GEOS point is made only when a cell cannot answer. */
typedef struct query {
    fl_ctx *ctx;
    const fl_locator *l;
    double lat, lon;
    GEOSGeometry *pt;
    int region; /* INNER until known */
    bool failed; /* a GEOS call failed */
} query;

/* Whether the point is in (or on) prep: 1, 0, or -1 on error. */
static int query_in(query *q, const GEOSPreparedGeometry *prep)
{
    char in = 2;
    if (q->pt || (q->pt = fl_point(q->ctx, q->lon, q->lat)))
        in = GEOSPreparedIntersects_r(q->ctx->geos, prep, q->pt);
    q->failed |= in == 2;
    return in == 2 ? -1 : in;
}

/* Orientation of (cx, cy) against the line a -> b: 1 left, -1 right, 0 when the rounded
 * determinant cannot certify its sign (Shewchuk's orient2d, its first error bound
 * ccwerrboundA = (3 + 16 eps) eps). Products near underflow certify nothing. */
static int orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    double left = (ax - cx) * (by - cy), right = (ay - cy) * (bx - cx);
    double det = left - right, sum = fabs(left) + fabs(right);
    double bound = (3.0 + 16.0 * 0x1p-53) * 0x1p-53 * sum;
    if (!(sum > 0x1p-900))
        return 0;
    return det > bound ? 1 : det < -bound ? -1 : 0;
}

/* Whether segment p -> r properly crosses s: 1 or 0; -1 when the rounding cannot tell (an end
 * of one on or near the other's line, where it is not certain that they miss). */
static int crossing(double px, double py, double rx, double ry, const seg *s)
{
    if (fmax(px, rx) < fmin(s->x0, s->x1) || fmin(px, rx) > fmax(s->x0, s->x1) ||
        fmax(py, ry) < fmin(s->y0, s->y1) || fmin(py, ry) > fmax(s->y0, s->y1))
        return 0;
    int a = orient(s->x0, s->y0, s->x1, s->y1, px, py);
    int b = orient(s->x0, s->y0, s->x1, s->y1, rx, ry);
    if (a && a == b)
        return 0;
    int c = orient(px, py, rx, ry, s->x0, s->y0), d = orient(px, py, rx, ry, s->x1, s->y1);
    if (c && c == d)
        return 0;
    return a && b && c && d ? 1 : -1;
}

/* Whether the point is in (or on) the geometry of pool entry e: 1, 0, or -1 on error. A
 * part answers by the parity of crossings to its reference point, GEOS when it cannot. */
static int entry_in(query *q, int32_t e)
{
    if (e & 1)
        return 1;
    const fl_locator *l = q->l;
    const part *p = &l->part[e >> 1];
    assert((size_t)(e >> 1) < l->npart && p->first + p->count <= l->nseg);
    int odd = 0;
    for (size_t j = p->first; j < p->first + p->count; j++) {
        int c = crossing(q->lon, q->lat, p->x, p->y, &l->seg[j]);
        if (c < 0)
            return query_in(q, l->area[p->g]);
        odd ^= c;
    }
    return p->in ^ odd;
}

/* The geometry (its index in area) of pool entry e. */
static int entry_geometry(const fl_locator *l, int32_t e)
{
    return e & 1 ? e >> 1 : l->part[e >> 1].g;
}

/* The leaf holding the point. */
static const node *leaf(const fl_locator *l, double lat, double lon)
{
    const uint32_t last = (1u << MAX_DEPTH) - 1;
    double fx = (lon - l->west) * l->kx, fy = (lat - l->south) * l->ky;
    uint32_t ix = fx < last ? (uint32_t)fx : last, iy = fy < last ? (uint32_t)fy : last;
    const int below = MAX_DEPTH - JUMP_DEPTH;
    const node *n = l->jump + ((iy >> below) << JUMP_DEPTH | ix >> below);
    for (int shift = below - 1; n->status == INNER; shift--) {
        assert(shift >= 0);
        n = l->node + n->region + ((ix >> shift) & 1) + 2 * ((iy >> shift) & 1);
    }
    return n;
}

/* The first region of the cell's list holding the point, or -1. */
static int query_region(query *q, const node *n)
{
    const fl_locator *l = q->l;
    if (q->region != INNER)
        return q->region;
    if (n->region >= -1)
        return q->region = n->region;
    q->region = -1;
    for (const int32_t *v = l->pool + (-2 - n->region); *v >= 0; v++) {
        int in = entry_in(q, *v);
        if (in) {
            q->region = in > 0 ? entry_geometry(l, *v) - l->nlayer - 1 : -1;
            break;
        }
    }
    return q->region;
}

/* The first layer of the cell's list holding the point; else the default status within the
 * territory (held by a region or by the territory itself), FL_STATUS_NONE outside. */
static int query_status(query *q, const node *n)
{
    const fl_locator *l = q->l;
    if (n->status >= -1)
        return n->status;
    for (const int32_t *v = l->pool + (-2 - n->status); *v >= 0; v++) {
        int g = entry_geometry(l, *v), in = *v & 1;
        if (g == l->nlayer && (in || query_region(q, n) >= 0))
            return g;
        if (!in && (in = entry_in(q, *v)) < 0)
            return FL_STATUS_NONE;
        if (in)
            return g;
    }
    return query_region(q, n) >= 0 ? l->nlayer : FL_STATUS_NONE;
}

int fl_locator_status(fl_ctx *ctx, const fl_locator *l, size_t n, const double *lat,
                      const double *lon, int *status, int *region)
{
    if (!l || (n && (!lat || !lon)))
        return fl_error(ctx, FL_EARG, "locator: a locator and coordinates are needed");
    ctx->geos_msg[0] = 0; /* a failed GEOS predicate answers neither yes nor no */
    for (size_t i = 0; i < n; i++) {
        int st = FL_STATUS_INVALID, rg = -1;
        if (lat[i] >= -90 && lat[i] <= 90 && lon[i] >= -180 && lon[i] <= 180) {
            st = FL_STATUS_NONE;
            if (lon[i] >= l->west && lon[i] <= l->east && lat[i] >= l->south &&
                lat[i] <= l->north) {
                const node *c = leaf(l, lat[i], lon[i]);
                query q = {ctx, l, lat[i], lon[i], NULL, INNER, false};
                if (status)
                    st = query_status(&q, c);
                if (region)
                    rg = query_region(&q, c);
                if (q.pt)
                    GEOSGeom_destroy_r(ctx->geos, q.pt);
                if (q.failed || ctx->geos_msg[0])
                    return fl_geos_error(ctx, "locating a point");
            }
        }
        if (status)
            status[i] = st;
        if (region)
            region[i] = rg;
    }
    return FL_OK;
}
