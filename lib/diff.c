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
    return &d->km2[(size_t)(region + 1) * d->n * d->n + a * d->n + b];
}

/* Adds the area of piece p (km2 in all) to the matrices of the regions it lies in, at cell
 * (a, b); returns the region holding most of it, or -1. A piece within one region (a
 * prepared test) needs no overlay; only pieces across region borders are cut. */
static int piece_regions(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *p, double km2, int a,
                         int b)
{
    double bbox[4], best = 0;
    int n, found = -1;
    fl_geom_bounds(ctx, p, bbox);
    int *near = fl_regions_near(d->r, bbox, &n);
    for (int k = 0; near && k < n && found < 0; k++)
        if (GEOSPreparedContains_r(ctx->geos, d->r->prep[near[k]], p) == 1) {
            *cell(d, near[k], a, b) += km2;
            found = near[k];
        }
    bool inside_one = found >= 0;
    for (int k = 0; near && k < n && !inside_one; k++) {
        GEOSGeometry *x = fl_intersection(ctx, p, d->r->geom[near[k]]);
        double part = x ? fl_geom_km2(ctx, x) : 0;
        *cell(d, near[k], a, b) += part;
        if (x)
            GEOSGeom_destroy_r(ctx->geos, x);
        if (part > best) {
            best = part;
            found = near[k];
        }
    }
    free(near);
    return found;
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

/* Splits t (the transition a → b in a window) into its polygons: each becomes a piece, and
 * its area goes into the matrices, everywhere and per region. */
static int add_pieces(fl_ctx *ctx, fl_diff *d, const GEOSGeometry *t, int a, int b)
{
    int k = GEOSGetNumGeometries_r(ctx->geos, t);
    for (int i = 0; i < k; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, t, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        if (piece_room(ctx, d))
            return FL_ENOMEM;
        GEOSGeometry *c = GEOSGeom_clone_r(ctx->geos, p);
        if (!c)
            return fl_geos_error(ctx, "copying a piece");
        fl_piece *pc = &d->pieces[d->npieces];
        *pc = (fl_piece){.from = status_of(d, a), .to = status_of(d, b)};
        pc->km2 = fl_geom_km2(ctx, c);
        *cell(d, -1, a, b) += pc->km2;
        fl_inner_point(ctx, c, &pc->lat, &pc->lon);
        pc->region = piece_regions(ctx, d, c, pc->km2, a, b);
        d->piece_geom[d->npieces++] = c;
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
    for (int i = 0; i < k; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSisEmpty_r(ctx->geos, p))
            continue;
        all[n] = (fl_piece){.from = from, .to = to, .km2 = fl_geom_km2(ctx, p), .region = -2};
        fl_inner_point(ctx, p, &all[n].lat, &all[n].lon);
        n++;
    }
    qsort(all, (size_t)n, sizeof *all, fl_piece_cmp);
    *kept = n < max ? n : max;
    memcpy(out, all, (size_t)*kept * sizeof *out);
    free(all);
    for (int i = 0; i < *kept; i++)
        if (out[i].region == -2) /* new: locate it */
            out[i].region = fl_regions_locate(ctx, d->r, out[i].lat, out[i].lon);
    return FL_OK;
}

/* What changed, window by window (windows.c). In a window both snapshots partition the
 * envelope into their statuses, none included; lost[s] = A_s − B_s and gained[s] = B_s − A_s,
 * and every off-diagonal cell of the matrix is T(a, b) = lost[a] ∩ gained[b]. Outside the
 * windows nothing changed. The diagonal (what stayed) is the rest of each row: the area of a
 * in A minus the row's changes. */
static int status_change(fl_ctx *ctx, fl_diff *d, const fl_window *w, GEOSGeometry **lost,
                         GEOSGeometry **gained, int s)
{
    const GEOSGeometry *pa = w->part[0][s], *pb = w->part[1][s];
    if (!(lost[s] = fl_difference(ctx, pa, pb)) || !(gained[s] = fl_difference(ctx, pb, pa)))
        return ctx->err;
    if (s > d->n - 2) /* none: no lost and gained report */
        return FL_OK;
    change *ch = &d->changes[s];
    ch->lost_km2 += fl_geom_km2(ctx, lost[s]);
    ch->gained_km2 += fl_geom_km2(ctx, gained[s]);
    int rc = largest(ctx, d, lost[s], s, -3, ch->lost, &ch->nlost, 3);
    return rc ? rc : largest(ctx, d, gained[s], -3, s, ch->gained, &ch->ngained, 3);
}

/* The transitions a → b (a ≠ b) within one window, into the matrices and pieces. */
static int window_matrices(fl_ctx *ctx, fl_diff *d, const fl_window *w, GEOSGeometry **lost,
                           GEOSGeometry **gained)
{
    int rc = FL_OK;
    for (int s = 0; s < d->n && !rc; s++)
        rc = status_change(ctx, d, w, lost, gained, s);
    for (int a = 0; a < d->n && !rc; a++)
        for (int b = 0; b < d->n && !rc; b++) {
            if (a == b || a + b == 2 * d->n - 3) /* default ↔ none: the territory is fixed */
                continue;
            GEOSGeometry *t = fl_intersection(ctx, lost[a], gained[b]);
            if (!t)
                return ctx->err;
            rc = add_pieces(ctx, d, t, a, b);
            GEOSGeom_destroy_r(ctx->geos, t);
        }
    return rc;
}

static void destroy_all(fl_ctx *ctx, GEOSGeometry **g, int n)
{
    for (int i = 0; i < n; i++)
        if (g[i]) {
            GEOSGeom_destroy_r(ctx->geos, g[i]);
            g[i] = NULL;
        }
}

/* The diagonal: each row's area in A (everywhere and per region) minus its changes. */
static int diagonal(fl_ctx *ctx, fl_diff *d)
{
    if (!d->a->km2_known && fl_snapshot_normalise(ctx, d->a))
        return ctx->err;
    const double *region_km2 = fl_snapshot_region_km2(ctx, d->a, d->r);
    if (!region_km2)
        return ctx->err;
    int last = d->n - 2;
    for (int a = 0; a <= last; a++)
        for (int k = -1; k < d->r->n; k++) {
            /* everywhere: drawn statuses as drawn (the plane), the default one in the territory */
            double rest = k < 0 && a < last ? d->a->km2[a] : region_km2[(k + 1) * (d->n - 1) + a];
            for (int b = 0; b < d->n; b++)
                rest -= b != a ? *cell(d, k, a, b) : 0;
            *cell(d, k, a, a) = rest > 0 ? rest : 0;
        }
    return FL_OK;
}

/* B's km² per status and region follow from A's and the per-region matrices: column sums
 * (the rows and columns add up to 1e-6, tests/test_realdata.c); so do its drawn areas, from
 * the matrix everywhere. When B has none yet (a timeline's next snapshot), they are filled in,
 * sparing its normalisation and region overlays. */
static int carry_areas(fl_ctx *ctx, fl_diff *d)
{
    fl_snapshot *b = (fl_snapshot *)d->b; /* a cache: B's content does not change */
    int ns = b->nstatus, nr = d->r->n;
    for (int st = 0; st < ns - 1 && !b->km2_known; st++) {
        b->km2[st] = 0;
        for (int a = 0; a < d->n; a++)
            b->km2[st] += *cell(d, -1, a, st);
    }
    b->km2_known = true;
    if (b->region_km2 && b->region_serial == d->r->serial)
        return FL_OK;
    double *km2 = fl_calloc(ctx, (size_t)(nr + 1) * ns, sizeof *km2);
    if (!km2)
        return FL_ENOMEM;
    for (int k = 0; k < nr; k++)
        for (int st = 0; st < ns; st++) {
            double col = 0;
            for (int a = 0; a < d->n; a++)
                col += *cell(d, k, a, st);
            km2[(k + 1) * ns + st] = col;
            km2[st] += col; /* the territory is the union of the regions */
        }
    free(b->region_km2);
    b->region_km2 = km2;
    b->region_serial = d->r->serial;
    return FL_OK;
}

static int matrices(fl_ctx *ctx, fl_diff *d)
{
    GEOSGeometry **lost = fl_calloc(ctx, (size_t)d->n, sizeof *lost);
    GEOSGeometry **gained = fl_calloc(ctx, (size_t)d->n, sizeof *gained);
    int rc = lost && gained ? fl_windows_new(ctx, d->a, d->b, d->r, &d->win, &d->nwin) : FL_ENOMEM;
    for (int i = 0; i < d->nwin && !rc; i++) {
        rc = window_matrices(ctx, d, &d->win[i], lost, gained);
        destroy_all(ctx, lost, d->n);
        destroy_all(ctx, gained, d->n);
    }
    free(lost);
    free(gained);
    if (!rc)
        rc = diagonal(ctx, d);
    return rc ? rc : carry_areas(ctx, d);
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
    int rc = d->km2 && d->changes ? FL_OK : FL_ENOMEM;
    if (!rc)
        rc = matrices(ctx, d);
    if (!rc)
        rc = places_changed(ctx, d);
    if (!rc)
        rc = order_pieces(ctx, d);
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
    fl_windows_free(ctx, d->win, d->nwin, d->n);
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
