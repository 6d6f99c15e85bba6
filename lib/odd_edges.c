/* odd_edges.c — where two sets of polygons differ, found from their edges alone.
 *
 * For valid (Multi)Polygons P and Q, the boundary of P △ Q, as segments counted mod 2, is the
 * sum of the boundaries of P and Q: a segment both have cancels out. Every part of P △ Q is
 * therefore enclosed by segments only one of them has (the "odd" ones), and lies within the
 * bounds of the odd segments that enclose it. Those are grouped by shared endpoints; odd
 * segments that cross without sharing a vertex land in groups whose bounds overlap, which
 * windows.c merges. Only exactly equal segments cancel: a stretch redrawn with other vertices
 * stays odd, which can only enlarge the bounds.
 *
 * For sets R and N of polygons (the features one version has and the other lacks), each R_i
 * is paired with the N_j sharing most segments with it. ⋃R △ ⋃N lies within the union of
 * the pairs' R_i △ N_j and of the unpaired polygons (a point of ⋃R outside ⋃N is in some R_i
 * and in no N_j: in R_i △ N_j if R_i is paired, in R_i if not), so segments cancel only within
 * a pair. One sort of the segments replaces the unions and the overlay (GEOS' symmetric
 * difference) that cost most of a diff of consecutive versions. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Beyond this many R × N, nothing is paired (the count of shared segments would take too
 * much memory): every segment stays odd, and the bounds are those of all changed features. */
#define MAX_PAIRINGS (1 << 20)

typedef struct seg {
    double x0, y0, x1, y1; /* endpoints, the lesser (x, then y) first */
    int side, feature;     /* R (0) or N (1), and which of them */
    int pair;              /* the pair it may cancel in (assigned after pairing) */
    bool odd;              /* kept by keep_odd */
} seg;

typedef struct segs {
    seg *v;
    size_t n, cap;
    double *xy; /* one ring's coordinates (fl_line_coords) */
    size_t capxy;
    int side, feature; /* of the rings being added */
} segs;

static int cmp_point(double ax, double ay, double bx, double by)
{
    return ax < bx ? -1 : ax > bx ? 1 : ay < by ? -1 : ay > by;
}

static int cmp_seg(const void *x, const void *y)
{
    const seg *a = x, *b = y;
    int c = cmp_point(a->x0, a->y0, b->x0, b->y0);
    return c ? c : cmp_point(a->x1, a->y1, b->x1, b->y1);
}

/* Appends the segments of one ring (a closed line). */
static int add_ring(fl_ctx *ctx, const GEOSGeometry *ring, void *data)
{
    segs *s = data;
    int side = s->side, feature = s->feature;
    unsigned int n;
    int rc = fl_line_coords(ctx, ring, &s->xy, &s->capxy, &n);
    if (rc || n < 2)
        return rc;
    if (s->n + n > s->cap) {
        size_t cap = 2 * (s->n + n);
        seg *v = fl_realloc(ctx, s->v, cap, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    for (unsigned int i = 0; i + 1 < n; i++) {
        const double *p = s->xy + 2 * i, *q = p + 2;
        int c = cmp_point(p[0], p[1], q[0], q[1]);
        if (c) /* a repeated point makes no segment */
            s->v[s->n++] = c < 0 ? (seg){p[0], p[1], q[0], q[1], side, feature, 0, false}
                                 : (seg){q[0], q[1], p[0], p[1], side, feature, 0, false};
    }
    return FL_OK;
}

/* Appends the segments of every ring of polygonal g. */
static int add_rings(fl_ctx *ctx, const GEOSGeometry *g, int side, int feature, segs *s)
{
    s->side = side;
    s->feature = feature;
    return fl_each_ring(ctx, g, add_ring, s);
}

/* Keeps, in place, one of each segment that occurs an odd number of times within a pair (v
 * sorted by cmp_seg, so that equal segments are next to each other); their count. */
static size_t keep_odd(seg *v, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && !cmp_seg(&v[i], &v[j]); j++)
            ;
        for (size_t a = i; a < j; a++) { /* a run is short: the features that share it */
            size_t same = 0, first = a;
            for (size_t b = i; b < j; b++)
                if (v[b].pair == v[a].pair) {
                    same++;
                    first = b < first ? b : first;
                }
            v[a].odd = same % 2 && first == a;
        }
        for (size_t a = i; a < j; a++) /* kept <= a: only what was read is overwritten */
            if (v[a].odd)
                v[kept++] = v[a];
    }
    return kept;
}

typedef struct endpoint {
    double x, y;
    size_t seg; /* the segment it ends */
} endpoint;

static int cmp_endpoint(const void *x, const void *y)
{
    const endpoint *a = x, *b = y;
    return cmp_point(a->x, a->y, b->x, b->y);
}

static size_t find(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Groups segments v[0 .. n) that share endpoints: parent[] links each to its group's root. */
static int group(fl_ctx *ctx, const seg *v, size_t n, size_t *parent)
{
    endpoint *e = fl_calloc(ctx, 2 * n + 1, sizeof *e);
    if (!e)
        return FL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        parent[i] = i;
        e[2 * i] = (endpoint){v[i].x0, v[i].y0, i};
        e[2 * i + 1] = (endpoint){v[i].x1, v[i].y1, i};
    }
    qsort(e, 2 * n, sizeof *e, cmp_endpoint);
    for (size_t k = 1; k < 2 * n; k++)
        if (!cmp_endpoint(&e[k - 1], &e[k])) {
            size_t a = find(parent, e[k - 1].seg), b = find(parent, e[k].seg);
            parent[a < b ? b : a] = a < b ? a : b;
        }
    free(e);
    return FL_OK;
}

/* Bounds of each group of segments, into out (one slot per group root). */
static int group_bounds(fl_ctx *ctx, const seg *v, size_t n, size_t *parent,
                        double (**out)[4], int *count)
{
    double(*b)[4] = fl_calloc(ctx, n + 1, sizeof *b);
    int *slot = fl_calloc(ctx, n + 1, sizeof *slot);
    if (!b || !slot) {
        free(b);
        free(slot);
        return FL_ENOMEM;
    }
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t r = find(parent, i);
        double lo_x = v[i].x0, hi_x = v[i].x1; /* x0 <= x1 by construction */
        double lo_y = v[i].y0 < v[i].y1 ? v[i].y0 : v[i].y1;
        double hi_y = v[i].y0 < v[i].y1 ? v[i].y1 : v[i].y0;
        if (r == i) { /* roots come first: a root is the least index of its group */
            slot[i] = k;
            b[k][0] = lo_x, b[k][1] = lo_y, b[k][2] = hi_x, b[k][3] = hi_y;
            k++;
            continue;
        }
        double *g = b[slot[r]];
        g[0] = lo_x < g[0] ? lo_x : g[0];
        g[1] = lo_y < g[1] ? lo_y : g[1];
        g[2] = hi_x > g[2] ? hi_x : g[2];
        g[3] = hi_y > g[3] ? hi_y : g[3];
    }
    free(slot);
    *out = b;
    *count = k;
    return FL_OK;
}

/* Counts, for each R_i and N_j, the segments they share (v sorted by cmp_seg), into
 * shared[i * nn + j]. */
static void count_shared(const seg *v, size_t n, int nn, int *shared)
{
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && !cmp_seg(&v[i], &v[j]); j++)
            ;
        for (size_t a = i; a < j; a++)
            for (size_t b = i; b < j; b++)
                if (v[a].side == 0 && v[b].side == 1)
                    shared[v[a].feature * nn + v[b].feature]++;
    }
}

/* Pairs R_i with N_j, most shared segments first: pair_of_n[j] = i, or -1. */
static int pair_up(fl_ctx *ctx, const int *shared, int nr, int nn, int *pair_of_n)
{
    bool *r_taken = fl_calloc(ctx, (size_t)nr + 1, sizeof *r_taken);
    if (!r_taken)
        return FL_ENOMEM;
    for (int j = 0; j < nn; j++)
        pair_of_n[j] = -1;
    for (int best = 1; best > 0;) {
        int bi = -1, bj = -1;
        best = 0;
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nn && !r_taken[i]; j++)
                if (pair_of_n[j] < 0 && shared[i * nn + j] > best)
                    best = shared[i * nn + j], bi = i, bj = j;
        if (best > 0) {
            r_taken[bi] = true;
            pair_of_n[bj] = bi;
        }
    }
    free(r_taken);
    return FL_OK;
}

/* The odd segments of v (in place, their count): a segment of R_i is numbered in pair i, one
 * of N_j in its partner's pair, or in a pair of its own (nr + j). */
static int odd_segments(fl_ctx *ctx, seg *v, size_t n, int nr, int nn, size_t *odd)
{
    bool pairing = (size_t)nr * (size_t)nn <= MAX_PAIRINGS;
    int *shared = fl_calloc(ctx, pairing ? (size_t)nr * (size_t)nn + 1 : 1, sizeof *shared);
    int *pair_of_n = fl_calloc(ctx, (size_t)nn + 1, sizeof *pair_of_n);
    if (!shared || !pair_of_n) {
        free(shared);
        free(pair_of_n);
        return FL_ENOMEM;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_seg);
    if (pairing)
        count_shared(v, n, nn, shared);
    int rc = pair_up(ctx, shared, pairing ? nr : 0, nn, pair_of_n);
    for (size_t i = 0; i < n && !rc; i++)
        v[i].pair = v[i].side == 0 ? v[i].feature
                  : pair_of_n[v[i].feature] >= 0 ? pair_of_n[v[i].feature] : nr + v[i].feature;
    *odd = rc ? 0 : keep_odd(v, n);
    free(shared);
    free(pair_of_n);
    return rc;
}

int fl_odd_edge_bounds(fl_ctx *ctx, const GEOSGeometry *const *r, int nr,
                       const GEOSGeometry *const *nw, int nn, double (**bounds)[4], int *count)
{
    *bounds = NULL;
    *count = 0;
    segs s = {0};
    int rc = FL_OK;
    for (int i = 0; i < nr && !rc; i++)
        rc = add_rings(ctx, r[i], 0, i, &s);
    for (int j = 0; j < nn && !rc; j++)
        rc = add_rings(ctx, nw[j], 1, j, &s);
    size_t n = 0, *parent = NULL;
    if (!rc)
        rc = odd_segments(ctx, s.v, s.n, nr, nn, &n);
    if (!rc) {
        parent = fl_calloc(ctx, n + 1, sizeof *parent);
        rc = parent ? group(ctx, s.v, n, parent) : FL_ENOMEM;
    }
    if (!rc)
        rc = group_bounds(ctx, s.v, n, parent, bounds, count);
    free(parent);
    free(s.v);
    free(s.xy);
    return rc;
}
