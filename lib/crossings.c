/* crossings.c — the cost of repairing a polygon, bounded before GEOS' make-valid runs.
 *
 * Make-valid nodes every edge against every other: its time and memory grow with the number
 * of places where edges cross. A 129 KB self-crossing star (5,000 vertices, 12 million
 * crossings) grew to several GB while being repaired, and out of memory inside GEOS is not
 * always recoverable (under mimalloc, operator new aborts). So the crossings are counted
 * first, by a sweep over the edges sorted by their west end (an edge is only tested against
 * those whose longitude range overlaps its own), and the repair is refused once they exceed
 * FL_REPAIR_MAX_CROSSINGS, or the sweep itself exceeds FL_REPAIR_MAX_TESTS pairs. Real maps
 * have a handful of crossings per invalid polygon; the budget leaves room for thousands. */
#include "internal.h"

#include <stdlib.h>

#define FL_REPAIR_MAX_CROSSINGS 100000
#define FL_REPAIR_MAX_TESTS 200000000LL

typedef struct seg {
    double x0, y0, x1, y1; /* x0 <= x1 */
} seg;

typedef struct segs {
    seg *v;
    size_t n, cap;
    double *xy;
    size_t xycap;
} segs;

static int add_ring(fl_ctx *ctx, const GEOSGeometry *ring, void *data)
{
    segs *s = data;
    unsigned int n;
    int rc = fl_line_coords(ctx, ring, &s->xy, &s->xycap, &n);
    if (rc || n < 2)
        return rc;
    if (s->n + n > s->cap) {
        size_t cap = (s->n + n) * 2;
        seg *v = fl_realloc(ctx, s->v, cap, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    for (unsigned int i = 1; i < n; i++) {
        const double *a = s->xy + 2 * (i - 1), *b = s->xy + 2 * i;
        bool swap = a[0] > b[0];
        s->v[s->n++] = swap ? (seg){b[0], b[1], a[0], a[1]} : (seg){a[0], a[1], b[0], b[1]};
    }
    return FL_OK;
}

static int by_west(const void *a, const void *b)
{
    const seg *x = a, *y = b;
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

static double orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* Whether a and b cross at a point inside both (shared ends and touches do not count). */
static bool cross(const seg *a, const seg *b)
{
    double d1 = orient(a->x0, a->y0, a->x1, a->y1, b->x0, b->y0);
    double d2 = orient(a->x0, a->y0, a->x1, a->y1, b->x1, b->y1);
    double d3 = orient(b->x0, b->y0, b->x1, b->y1, a->x0, a->y0);
    double d4 = orient(b->x0, b->y0, b->x1, b->y1, a->x1, a->y1);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

int fl_repair_budget(fl_ctx *ctx, const GEOSGeometry *poly)
{
    segs s = {0};
    int rc = fl_each_ring(ctx, poly, add_ring, &s);
    free(s.xy);
    if (rc) {
        free(s.v);
        return rc;
    }
    qsort(s.v, s.n, sizeof *s.v, by_west);
    long long crossings = 0, tests = 0;
    for (size_t i = 0; i < s.n && crossings <= FL_REPAIR_MAX_CROSSINGS &&
                       tests <= FL_REPAIR_MAX_TESTS; i++) {
        const seg *a = &s.v[i];
        double lo = a->y0 < a->y1 ? a->y0 : a->y1, hi = a->y0 < a->y1 ? a->y1 : a->y0;
        for (size_t j = i + 1; j < s.n && s.v[j].x0 <= a->x1; j++) {
            const seg *b = &s.v[j];
            tests++;
            if ((b->y0 < lo && b->y1 < lo) || (b->y0 > hi && b->y1 > hi))
                continue;
            crossings += cross(a, b);
        }
    }
    size_t n = s.n;
    free(s.v);
    if (crossings > FL_REPAIR_MAX_CROSSINGS)
        return fl_error(ctx, FL_ELIMIT, "its edges cross each other more than %d times (%zu "
                        "edges): too costly to repair", FL_REPAIR_MAX_CROSSINGS, n);
    if (tests > FL_REPAIR_MAX_TESTS)
        return fl_error(ctx, FL_ELIMIT, "its %zu edges overlap too much to be checked for "
                        "crossings within the repair budget", n);
    return FL_OK;
}
