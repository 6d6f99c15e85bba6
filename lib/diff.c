/* diff.c — the diff of two snapshots: the status-transition matrix (everywhere and per
 * region), the changed pieces, what each status lost and gained, and the places that flipped.
 *
 * Each snapshot partitions the plane: its exclusive drawn layers, the default status (the
 * territory no layer covers) and "none" (the rest). The matrix cell (a, b) is the area of
 * A_a ∩ B_b, so every row sums to the area of a in A and every column to that of b in B. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

/* The part of the plane snapshot s gives status m: a layer, the uncovered territory or, for
 * "none", everything outside both the cover and the territory (represented by the geometry
 * to subtract, since the plane itself is unbounded). */
static GEOSGeometry *part(fl_ctx *ctx, const fl_diff *d, const fl_snapshot *s, int m)
{
    int last = s->nstatus - 1;
    if (m < last)
        return GEOSGeom_clone_r(ctx->geos, s->layer[m]);
    if (m == last)
        return fl_difference(ctx, d->r->territory, s->cover);
    return NULL; /* none */
}

/* T_ab = A_a ∩ B_b, with "none" handled as a difference from cover ∪ territory. */
static GEOSGeometry *transition(fl_ctx *ctx, const fl_diff *d, GEOSGeometry **pa,
                                GEOSGeometry **pb, GEOSGeometry *ua, GEOSGeometry *ub, int a,
                                int b)
{
    int none = d->n - 1;
    if (a == none && b == none)
        return fl_empty_polygon(ctx);
    if (a == none)
        return fl_difference(ctx, pb[b], ua);
    if (b == none)
        return fl_difference(ctx, pa[a], ub);
    return fl_intersection(ctx, pa[a], pb[b]);
}

static GEOSGeometry *cover_and_territory(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r)
{
    GEOSGeometry *u = GEOSUnion_r(ctx->geos, s->cover, r->territory);
    if (!u)
        fl_geos_error(ctx, "union of cover and territory");
    return fl_keep_polygons(ctx, u);
}

/* Splits g into its polygons, appending them as pieces of the transition a → b. */
static int add_pieces(fl_ctx *ctx, fl_diff *d, GEOSGeometry *g, int a, int b)
{
    int k = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int i = 0; i < k; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        fl_piece *v = fl_realloc(ctx, d->pieces, (size_t)d->npieces + 1, sizeof *v);
        if (v)
            d->pieces = v;
        GEOSGeometry **gv = v ? fl_realloc(ctx, d->piece_geom, (size_t)d->npieces + 1,
                                           sizeof *gv) : NULL;
        if (!gv)
            return FL_ENOMEM;
        d->piece_geom = gv;
        GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, p);
        if (!c)
            return fl_geos_error(ctx, "copying a piece");
        fl_piece *pc = &d->pieces[d->npieces];
        *pc = (fl_piece){.from = status_of(d, a), .to = status_of(d, b)};
        pc->km2 = fl_geom_km2(ctx, c);
        fl_inner_point(ctx, c, &pc->lat, &pc->lon);
        pc->region = fl_regions_main(ctx, d->r, c);
        d->piece_geom[d->npieces++] = c;
    }
    return FL_OK;
}

/* Area of t in each region near it, into the per-region matrices at cell (a, b). */
static void region_cells(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *t, int a, int b)
{
    double bbox[4];
    int n;
    fl_geom_bounds(ctx, t, bbox);
    int *near = fl_regions_near(d->r, bbox, &n);
    for (int k = 0; near && k < n; k++) {
        int reg = near[k];
        GEOSGeometry *x = fl_intersection(ctx, t, d->r->geom[reg]);
        d->km2[(size_t)(reg + 1) * d->n * d->n + a * d->n + b] = x ? fl_geom_km2(ctx, x) : 0;
        if (x)
            GEOSGeom_destroy_r(ctx->geos, x);
    }
    free(near);
}

int fl_piece_cmp(const void *x, const void *y)
{
    double a = ((const fl_piece *)x)->km2, b = ((const fl_piece *)y)->km2;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* The largest pieces of g (a status' lost or gained area, merged across transitions). */
static int largest(fl_ctx *ctx, fl_diff *d, GEOSGeometry *g, int from, int to, fl_piece *out,
                   int max)
{
    int k = GEOSGetNumGeometries_r(ctx->geos, g), n = 0;
    fl_piece *all = fl_calloc(ctx, (size_t)(k ? k : 1), sizeof *all);
    if (!all)
        return 0;
    for (int i = 0; i < k; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        all[n] = (fl_piece){.from = from, .to = to, .km2 = fl_geom_km2(ctx, p)};
        all[n].region = -1;
        fl_inner_point(ctx, p, &all[n].lat, &all[n].lon);
        n++;
    }
    qsort(all, (size_t)n, sizeof *all, fl_piece_cmp);
    n = n < max ? n : max;
    memcpy(out, all, (size_t)n * sizeof *out);
    free(all);
    for (int i = 0; i < n; i++)
        out[i].region = fl_regions_locate(ctx, d->r, out[i].lat, out[i].lon);
    return n;
}

/* For each status s: A_s − B_s (lost) and B_s − A_s (gained), as merged pieces. */
static int status_changes(fl_ctx *ctx, fl_diff *d, GEOSGeometry **pa, GEOSGeometry **pb)
{
    int last = d->n - 2; /* the default status: its parts exist in both */
    for (int s = 0; s <= last; s++) {
        change *c = &d->changes[s];
        GEOSGeometry *lost = fl_difference(ctx, pa[s], pb[s]);
        GEOSGeometry *gained = lost ? fl_difference(ctx, pb[s], pa[s]) : NULL;
        if (!lost || !gained) {
            if (lost)
                GEOSGeom_destroy_r(ctx->geos, lost);
            return ctx->err;
        }
        c->lost_km2 = fl_geom_km2(ctx, lost);
        c->gained_km2 = fl_geom_km2(ctx, gained);
        c->nlost = largest(ctx, d, lost, s, -3, c->lost, 3);
        c->ngained = largest(ctx, d, gained, -3, s, c->gained, 3);
        GEOSGeom_destroy_r(ctx->geos, lost);
        GEOSGeom_destroy_r(ctx->geos, gained);
    }
    return FL_OK;
}

static int matrices(fl_ctx *ctx, fl_diff *d, GEOSGeometry **pa, GEOSGeometry **pb)
{
    GEOSGeometry *ua = cover_and_territory(ctx, d->a, d->r);
    GEOSGeometry *ub = ua ? cover_and_territory(ctx, d->b, d->r) : NULL;
    int rc = ub ? FL_OK : ctx->err;
    for (int a = 0; a < d->n && !rc; a++)
        for (int b = 0; b < d->n && !rc; b++) {
            GEOSGeometry *t = transition(ctx, d, pa, pb, ua, ub, a, b);
            if (!t) {
                rc = ctx->err;
                break;
            }
            d->km2[a * d->n + b] = fl_geom_km2(ctx, t);
            region_cells(ctx, d, t, a, b);
            if (a != b)
                rc = add_pieces(ctx, d, t, a, b);
            GEOSGeom_destroy_r(ctx->geos, t);
        }
    if (ua)
        GEOSGeom_destroy_r(ctx->geos, ua);
    if (ub)
        GEOSGeom_destroy_r(ctx->geos, ub);
    return rc;
}

static int places_changed(fl_ctx *ctx, fl_diff *d)
{
    if (!d->places)
        return FL_OK;
    int rc = fl_places_status(ctx, d->a, d->r, d->places, &d->place_from, &d->place_region);
    int *unused = NULL;
    if (!rc)
        rc = fl_places_status(ctx, d->b, d->r, d->places, &d->place_to, &unused);
    free(unused);
    return rc;
}

static int by_area(const void *x, const void *y, void *pieces)
{
    const fl_piece *p = pieces;
    return fl_piece_cmp(&p[*(const int *)x], &p[*(const int *)y]);
}

static int order_pieces(fl_ctx *ctx, fl_diff *d)
{
    if (!(d->order = fl_calloc(ctx, (size_t)(d->npieces + 1), sizeof *d->order)))
        return FL_ENOMEM;
    for (int i = 0; i < d->npieces; i++)
        d->order[i] = i;
    qsort_r(d->order, (size_t)d->npieces, sizeof *d->order, by_area, d->pieces);
    return FL_OK;
}

static bool same_statuses(const fl_profile *p, const fl_profile *q)
{
    if (p == q)
        return true;
    if (fl_profile_status_count(p) != fl_profile_status_count(q))
        return false;
    for (int i = 0; i < fl_profile_status_count(p); i++)
        if (strcmp(fl_status_name(p, i), fl_status_name(q, i)))
            return false;
    return true;
}

int fl_diff_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b, const fl_regions *r,
                const fl_places *places, fl_diff **out)
{
    *out = NULL;
    if (!same_statuses(a->profile, b->profile))
        return fl_error(ctx, FL_EARG, "%s and %s: profiles with different statuses", a->path,
                        b->path);
    fl_diff *d = fl_calloc(ctx, 1, sizeof *d);
    if (!d)
        return FL_ENOMEM;
    *d = (fl_diff){.a = a, .b = b, .r = r, .places = places, .n = a->nstatus + 1};
    size_t cells = (size_t)(r->n + 1) * (size_t)d->n * (size_t)d->n;
    d->km2 = fl_calloc(ctx, cells, sizeof *d->km2);
    d->changes = fl_calloc(ctx, (size_t)d->n, sizeof *d->changes);
    GEOSGeometry **pa = fl_calloc(ctx, (size_t)d->n, sizeof *pa);
    GEOSGeometry **pb = fl_calloc(ctx, (size_t)d->n, sizeof *pb);
    int rc = d->km2 && d->changes && pa && pb ? FL_OK : FL_ENOMEM;
    for (int m = 0; m < d->n - 1 && !rc; m++)
        if (!(pa[m] = part(ctx, d, a, m)) || !(pb[m] = part(ctx, d, b, m)))
            rc = ctx->err;
    if (!rc)
        rc = matrices(ctx, d, pa, pb);
    if (!rc)
        rc = status_changes(ctx, d, pa, pb);
    if (!rc)
        rc = places_changed(ctx, d);
    if (!rc)
        rc = order_pieces(ctx, d);
    for (int m = 0; m < d->n && pa && pb; m++) {
        if (pa[m])
            GEOSGeom_destroy_r(ctx->geos, pa[m]);
        if (pb[m])
            GEOSGeom_destroy_r(ctx->geos, pb[m]);
    }
    free(pa);
    free(pb);
    if (rc) {
        fl_diff_free(ctx, d);
        return rc;
    }
    *out = d;
    return FL_OK;
}

void fl_diff_free(fl_ctx *ctx, fl_diff *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->npieces; i++)
        GEOSGeom_destroy_r(ctx->geos, d->piece_geom[i]);
    free(d->piece_geom);
    free(d->order);
    free(d->pieces);
    free(d->changes);
    free(d->km2);
    free(d->place_from);
    free(d->place_to);
    free(d->place_region);
    free(d);
}

double fl_diff_km2(const fl_diff *d, int region, int from, int to)
{
    if (region < -1 || region >= d->r->n || from < FL_STATUS_NONE || to < FL_STATUS_NONE ||
        from >= d->n - 1 || to >= d->n - 1)
        return 0;
    return d->km2[(size_t)(region + 1) * d->n * d->n + mi(d, from) * d->n + mi(d, to)];
}

int fl_diff_piece_count(const fl_diff *d) { return d->npieces; }

void fl_diff_piece(const fl_diff *d, int i, fl_piece *out)
{
    if (i >= 0 && i < d->npieces)
        *out = d->pieces[d->order[i]];
    else
        memset(out, 0, sizeof *out);
}
