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

static double *cell(fl_diff *d, int region, int a, int b)
{
    return &d->km2[fl_region_row(region) * d->n * d->n + a * d->n + b];
}

GEOSGeometry *fl_piece_in(fl_ctx *ctx, const GEOSGeometry *p, const double bbox[4],
                          const GEOSGeometry *g)
{
    GEOSGeometry *near = fl_clip_around(ctx, g, bbox, 1e-4 /* degrees, ~10 m */);
    GEOSGeometry *x = near ? fl_intersection(ctx, p, near) : NULL;
    if (near)
        GEOSGeom_destroy_r(ctx->geos, near);
    return x;
}

/* Adds the area of piece p (km2 in all) to the matrices of the regions it lies in, at cell
 * (a, b), and sets *region to the region holding most of it, or -1. A piece within one
 * region (a prepared test) needs no overlay; only pieces across region borders are cut, by
 * the regions they meet. A piece known to lie in the territory (in_territory), which is the
 * union of the regions, is cut by all of them but the last: that one holds the rest. */
static int piece_regions(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *p, double km2,
                         bool in_territory, int a, int b, int *region)
{
    double bbox[4], best = 0, cut = 0;
    int n, m = 0, inside = 0, rc = FL_OK;
    *region = -1;
    fl_geom_bounds(ctx, p, bbox);
    int *near = fl_regions_near(d->r, bbox, &n);
    if (!near)
        return fl_error(ctx, FL_ENOMEM, "out of memory");
    for (int k = 0; k < n && inside == 0; k++)
        if ((inside = GEOSPreparedContains_r(ctx->geos, d->r->prep[near[k]], p)) == 1) {
            *cell(d, near[k], a, b) += km2;
            *region = near[k];
        }
    if (inside == 2)
        rc = fl_geos_error(ctx, "placing a piece in a region");
    for (int k = 0; k < n && inside == 0 && !rc; k++) { /* keep those it meets */
        char meets = GEOSPreparedIntersects_r(ctx->geos, d->r->prep[near[k]], p);
        if (meets == 2)
            rc = fl_geos_error(ctx, "placing a piece in a region");
        if (meets == 1) /* else near by its bounds only */
            near[m++] = near[k];
    }
    for (int k = 0; k < m && inside == 0 && !rc; k++) {
        double part = 0;
        if (in_territory && k == m - 1) {
            part = fmax(km2 - cut, 0);
        } else {
            GEOSGeometry *x = fl_piece_in(ctx, p, bbox, d->r->geom[near[k]]);
            if (!x) {
                rc = ctx->err;
                break;
            }
            cut += part = fl_geom_km2(ctx, x);
            GEOSGeom_destroy_r(ctx->geos, x);
        }
        *cell(d, near[k], a, b) += part;
        if (part > best) {
            best = part;
            *region = near[k];
        }
    }
    free(near);
    return rc;
}

/* Makes room for one more piece. */
static int piece_room(fl_ctx *ctx, fl_diff *d)
{
    if (d->npieces < d->cap_pieces)
        return FL_OK;
    int cap = d->cap_pieces ? 2 * d->cap_pieces : 64;
    fl_piece *v = fl_realloc(ctx, d->pieces, (size_t)cap, sizeof *v);
    if (v)
        d->pieces = v;
    GEOSGeometry **gv = v ? fl_realloc(ctx, d->piece_geom, (size_t)cap, sizeof *gv) : NULL;
    if (!gv)
        return FL_ENOMEM;
    d->piece_geom = gv;
    d->cap_pieces = cap;
    return FL_OK;
}

/* Keeps a copy of polygon p as piece pc, with a point inside it. */
static int keep_piece(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *p, fl_piece *pc)
{
    if (piece_room(ctx, d))
        return FL_ENOMEM;
    GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, p);
    if (!c)
        return fl_geos_error(ctx, "copying a piece");
    d->piece_geom[d->npieces] = c; /* freed with the diff, even on error */
    fl_piece *kept = &d->pieces[d->npieces++];
    *kept = *pc;
    return fl_inner_point(ctx, c, &kept->lat, &kept->lon);
}

/* Splits t (the transition a → b in a window) into its polygons: each goes into the
 * matrices, everywhere and per region, and, for a report, becomes a piece. in_territory:
 * t lies in the territory. */
static int add_pieces(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *t, bool in_territory, int a,
                      int b)
{
    int k = GEOSGetNumGeometries_r(ctx->geos, t);
    for (int i = 0; i < k; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, t, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        fl_piece pc = {.from = status_of(d, a), .to = status_of(d, b), .km2 = fl_geom_km2(ctx, p)};
        *cell(d, FL_REGION_ALL, a, b) += pc.km2;
        int rc = piece_regions(ctx, d, p, pc.km2, in_territory, a, b, &pc.region);
        if (!rc && d->report)
            rc = keep_piece(ctx, d, p, &pc);
        if (rc)
            return rc;
    }
    return FL_OK;
}

int fl_piece_cmp(const void *x, const void *y)
{
    double a = ((const fl_piece *)x)->km2, b = ((const fl_piece *)y)->km2;
    return a < b ? 1 : a > b ? -1 : 0;
}

/* Merges the pieces of g (part of a status' lost or gained area) into the largest ones
 * kept so far, out[0 .. *kept), at most max. */
static int largest(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *g, int from, int to,
                   fl_piece *out, int *kept, int max)
{
    int k = GEOSGetNumGeometries_r(ctx->geos, g), n = *kept;
    fl_piece *all = fl_calloc(ctx, (size_t)(k + n + 1), sizeof *all);
    if (!all)
        return FL_ENOMEM;
    memcpy(all, out, (size_t)n * sizeof *all);
    int rc = FL_OK;
    for (int i = 0; i < k && !rc; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        all[n] = (fl_piece){.from = from, .to = to, .km2 = fl_geom_km2(ctx, p),
                            .region = FL_REGION_UNLOCATED};
        rc = fl_inner_point(ctx, p, &all[n].lat, &all[n].lon);
        n++;
    }
    qsort(all, (size_t)n, sizeof *all, fl_piece_cmp);
    *kept = n < max ? n : max;
    memcpy(out, all, (size_t)*kept * sizeof *out);
    free(all);
    for (int i = 0; i < *kept && !rc; i++)
        if (out[i].region == FL_REGION_UNLOCATED) /* new: locate it */
            rc = fl_regions_locate(ctx, d->r, out[i].lat, out[i].lon, &out[i].region);
    return rc;
}

/* What changed, window by window (windows.c). The features of both snapshots (and the
 * territory's border) cut a window into faces, each labelled with its status in A and in B:
 * a drawn status, the default one (ground no layer covers, in the territory) or none. A face
 * that is a in A and b in B, a ≠ b, belongs to the transition a → b. Outside the windows
 * nothing changed. The diagonal (what stayed) is the rest of each row: the area of a in A
 * minus the row's changes. What a status lost (gained) is the union of the pieces leaving
 * (reaching) it. */

/* Copies of the window's pieces (d->pieces[first ..]) from a to b (matrix indices, or
 * FL_DIFF_ANY), into g, and their count into *n. */
static int select_pieces(fl_ctx *ctx, const fl_diff *d, int first, int a, int b,
                         GEOSGeometry **g, size_t *n)
{
    *n = 0;
    for (int i = first; i < d->npieces; i++) {
        const fl_piece *p = &d->pieces[i];
        if ((a != FL_DIFF_ANY && p->from != status_of(d, a)) ||
            (b != FL_DIFF_ANY && p->to != status_of(d, b)))
            continue;
        if (!(g[*n] = GEOSGeom_clone_r(ctx->geos, d->piece_geom[i]))) {
            for (size_t k = 0; k < *n; k++)
                GEOSGeom_destroy_r(ctx->geos, g[k]);
            return fl_geos_error(ctx, "copying a piece");
        }
        ++*n;
    }
    return FL_OK;
}

/* The union of the window's pieces from a to b (matrix indices, or FL_DIFF_ANY). */
static GEOSGeometry *pieces_union(fl_ctx *ctx, const fl_diff *d, int first, int a, int b)
{
    GEOSGeometry **g = fl_calloc(ctx, (size_t)(d->npieces - first) + 1, sizeof *g);
    size_t n = 0;
    GEOSGeometry *u = g && !select_pieces(ctx, d, first, a, b, g, &n)
                          ? fl_coverage_union(ctx, g, n) : NULL;
    free(g);
    return u;
}

/* What status s lost and gained in one window (its pieces from first on), into its report. */
static int status_change(fl_ctx *ctx, fl_diff *d, int first, int s)
{
    GEOSGeometry *lost = pieces_union(ctx, d, first, s, FL_DIFF_ANY);
    GEOSGeometry *gained = lost ? pieces_union(ctx, d, first, FL_DIFF_ANY, s) : NULL;
    int rc = gained ? FL_OK : ctx->err;
    change *ch = &d->changes[s];
    if (!rc) {
        ch->lost_km2 += fl_geom_km2(ctx, lost);
        ch->gained_km2 += fl_geom_km2(ctx, gained);
        rc = largest(ctx, d, lost, s, FL_DIFF_ANY, ch->lost, &ch->nlost, 3);
    }
    if (!rc)
        rc = largest(ctx, d, gained, FL_DIFF_ANY, s, ch->gained, &ch->ngained, 3);
    if (lost)
        GEOSGeom_destroy_r(ctx->geos, lost);
    if (gained)
        GEOSGeom_destroy_r(ctx->geos, gained);
    return rc;
}

/* The transitions within one window, into the matrices and, for a report, its pieces and
 * what each status lost and gained. Areas add up, so the matrices take the faces one by
 * one; a report's pieces are each transition's faces merged, as a reader expects a piece
 * to be (the features' own boundaries also cut faces). */
static int window_matrices(fl_ctx *ctx, fl_diff *d, const fl_window *w)
{
    int first = d->npieces, rc = FL_OK, ns = d->n;
    for (int i = 0; i < w->nfaces && !rc && !d->report; i++)
        if (w->label[0][i] != w->label[1][i])
            rc = add_pieces(ctx, d, GEOSGetGeometryN_r(ctx->geos, w->faces, i), w->inside[i],
                            w->label[0][i], w->label[1][i]);
    for (int a = 0; a < ns && !rc && d->report; a++)
        for (int b = 0; b < ns && !rc; b++) {
            if (a == b)
                continue;
            bool inside;
            GEOSGeometry *g = fl_window_area(ctx, w, a, b, &inside);
            rc = !g ? ctx->err
                    : GEOSisEmpty_r(ctx->geos, g) ? FL_OK : add_pieces(ctx, d, g, inside, a, b);
            if (g)
                GEOSGeom_destroy_r(ctx->geos, g);
        }
    for (int s = 0; s < d->n - 1 && d->report && !rc; s++) /* none: no report */
        rc = status_change(ctx, d, first, s);
    return rc;
}

/* The diagonal and B's areas, carried from A's measured ones through the changes (carry.c).
 * When B has none yet (a diff of a timeline's versions), they are filled in, sparing its
 * normalisation and region overlays; the rows and columns add up to 1e-6
 * (tests/test_realdata.c). */
static int carry(fl_ctx *ctx, fl_diff *d)
{
    if (!d->a->cache->km2_known && fl_snapshot_normalise(ctx, d->a))
        return ctx->err;
    const double *a_region = fl_snapshot_region_km2(ctx, d->a, d->r);
    if (!a_region)
        return ctx->err;
    const fl_snapshot *b = d->b; /* its cache is filled in */
    int ns = b->nstatus, nr = d->r->n;
    double *km2 = fl_calloc(ctx, (size_t)(nr + 1) * ns + (size_t)ns, sizeof *km2);
    if (!km2)
        return FL_ENOMEM;
    double *drawn = km2 + (size_t)(nr + 1) * ns;
    fl_carry(ns, nr, d->a->km2, a_region, d->km2, drawn, km2);
    if (!b->cache->km2_known)
        memcpy(b->km2, drawn, (size_t)(ns - 1) * sizeof *drawn);
    b->cache->km2_known = true;
    if (b->cache->region_km2 && b->cache->region_serial == d->r->serial) {
        free(km2);
        return FL_OK;
    }
    free(b->cache->region_km2);
    b->cache->region_km2 = km2;
    b->cache->region_serial = d->r->serial;
    return FL_OK;
}

static int matrices(fl_ctx *ctx, fl_diff *d)
{
    int rc = fl_windows_new(ctx, d->a, d->b, d->r, &d->win, &d->nwin);
    for (int i = 0; i < d->nwin && !rc; i++)
        rc = window_matrices(ctx, d, &d->win[i]);
    return rc || d->kind == FL_DIFF_CHANGES ? rc : carry(ctx, d);
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
        if (strcmp(fl_profile_status_name(p, i), fl_profile_status_name(q, i)))
            return false;
    return true;
}

int fl_diff_compute(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b,
                    const fl_regions *r, const fl_places *places, fl_diff_kind kind,
                    fl_diff **out)
{
    *out = NULL;
    if (!same_statuses(a->profile, b->profile))
        return fl_error(ctx, FL_EARG, "%s and %s: profiles with different statuses", a->path,
                        b->path);
    fl_diff *d = fl_calloc(ctx, 1, sizeof *d);
    if (!d)
        return FL_ENOMEM;
    *d = (fl_diff){.ctx = ctx, .a = a, .b = b, .r = r, .places = places, .n = a->nstatus + 1,
                   .kind = kind, .report = kind == FL_DIFF_WHOLE};
    size_t cells = (size_t)(r->n + 1) * (size_t)d->n * (size_t)d->n;
    d->km2 = fl_calloc(ctx, cells, sizeof *d->km2);
    d->changes = fl_calloc(ctx, (size_t)d->n, sizeof *d->changes);
    int rc = d->km2 && d->changes ? FL_OK : FL_ENOMEM;
    if (!rc)
        rc = matrices(ctx, d);
    if (!rc)
        rc = places_changed(ctx, d);
    if (!rc)
        rc = order_pieces(ctx, d);
    if (rc) {
        fl_diff_free(d);
        return rc;
    }
    *out = d;
    return FL_OK;
}

int fl_diff_new(fl_ctx *ctx, const fl_snapshot *a, const fl_snapshot *b, const fl_regions *r,
                const fl_places *places, fl_diff **out)
{
    return fl_diff_compute(ctx, a, b, r, places, FL_DIFF_WHOLE, out);
}

void fl_diff_free(fl_diff *d)
{
    if (!d)
        return;
    fl_ctx *ctx = d->ctx;
    fl_windows_free(ctx, d->win, d->nwin);
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
    if ((region != FL_REGION_ALL && (region < 0 || region >= d->r->n)) ||
        from < FL_STATUS_NONE || to < FL_STATUS_NONE || from >= d->n - 1 || to >= d->n - 1)
        return 0;
    return d->km2[fl_region_row(region) * d->n * d->n + mi(d, from) * d->n + mi(d, to)];
}

int fl_diff_piece_count(const fl_diff *d) { return d->npieces; }

void fl_diff_piece(const fl_diff *d, int i, fl_piece *out)
{
    if (i >= 0 && i < d->npieces)
        *out = d->pieces[d->order[i]];
    else
        memset(out, 0, sizeof *out);
}
