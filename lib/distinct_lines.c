/* distinct_lines.c — the rings of polygons as lines in which every segment occurs once.
 *
 * A window's faces come from noding the boundaries of both snapshots' changed features
 * (windows.c). A feature and the one that replaces it share most of their segments, and
 * neighbouring features share their common border: given to GEOS as they are, those copies
 * lie on each other, and GEOS' noders handle each overlapping pair vertex by vertex (most of
 * a window's cost when they were given so). A segment given twice adds nothing to the noded lines: no vertex (its
 * endpoints are the other copy's) and no crossing (the other copy crosses the same lines at
 * the same points). So each segment is kept the first time it is seen, by the exact
 * coordinates of its endpoints in either direction, and a ring becomes the runs of its
 * segments not seen before. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fl_distinct {
    double (*slot)[4]; /* hash set of segments: x0, y0, x1, y1, the lesser point first;
                        * an empty slot has x0 NaN (no coordinate is: fl_polygonal) */
    size_t cap, n;     /* cap: a power of 2 */
    GEOSGeometry **lines;
    size_t nlines, caplines;
    double *xy, *run; /* one ring's coordinates; the run being built */
    size_t capxy, caprun; /* caprun: points */
};

fl_distinct *fl_distinct_new(fl_ctx *ctx)
{
    return fl_calloc(ctx, 1, sizeof(fl_distinct));
}

void fl_distinct_free(fl_ctx *ctx, fl_distinct *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nlines; i++)
        GEOSGeom_destroy_r(ctx->geos, d->lines[i]);
    free(d->slot);
    free(d->lines);
    free(d->xy);
    free(d->run);
    free(d);
}

/* The slot holding segment s, else the empty one where it goes (linear probing). */
static size_t slot_of(const fl_distinct *d, const double s[4])
{
    uint64_t h = 0x9E3779B97F4A7C15u, v;
    for (int i = 0; i < 4; i++) {
        memcpy(&v, &s[i], sizeof v);
        h = (h ^ v) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    size_t i = (size_t)h & (d->cap - 1);
    while (!isnan(d->slot[i][0]) && memcmp(d->slot[i], s, sizeof(double[4])))
        i = (i + 1) & (d->cap - 1);
    return i;
}

/* Room for n more segments at a load of at most one half. */
static int reserve(fl_ctx *ctx, fl_distinct *d, size_t n)
{
    if (2 * (d->n + n) <= d->cap)
        return FL_OK;
    size_t cap = d->cap ? d->cap : 1024;
    while (2 * (d->n + n) > cap)
        cap *= 2;
    double(*old)[4] = d->slot;
    size_t oldcap = d->cap;
    if (!(d->slot = fl_calloc(ctx, cap, sizeof *d->slot))) {
        d->slot = old;
        return FL_ENOMEM;
    }
    d->cap = cap;
    for (size_t i = 0; i < cap; i++)
        d->slot[i][0] = NAN;
    for (size_t i = 0; i < oldcap; i++)
        if (!isnan(old[i][0]))
            memcpy(d->slot[slot_of(d, old[i])], old[i], sizeof *old);
    free(old);
    return FL_OK;
}

/* Whether segment p q is new (and now seen); room reserved. */
static bool first_sight(fl_distinct *d, const double *p, const double *q)
{
    bool p_first = p[0] < q[0] || (p[0] == q[0] && p[1] < q[1]);
    const double *a = p_first ? p : q, *b = p_first ? q : p;
    double s[4] = {a[0], a[1], b[0], b[1]};
    size_t i = slot_of(d, s);
    if (!isnan(d->slot[i][0]))
        return false;
    memcpy(d->slot[i], s, sizeof s);
    d->n++;
    return true;
}

/* The run of *k points as a line, appended to the lines; the run emptied. */
static int end_run(fl_ctx *ctx, fl_distinct *d, unsigned int *k)
{
    unsigned int n = *k;
    *k = 0;
    if (n < 2)
        return FL_OK;
    GEOSGeometry **v = fl_grow(ctx, d->lines, &d->caplines, d->nlines + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    d->lines = v;
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(ctx->geos, d->run, n, 0, 0);
    GEOSGeometry *line = cs ? GEOSGeom_createLineString_r(ctx->geos, cs) : NULL;
    if (!line)
        return fl_geos_error(ctx, "a line of distinct segments");
    d->lines[d->nlines++] = line;
    return FL_OK;
}

/* Room for a run of n points. */
static int reserve_run(fl_ctx *ctx, fl_distinct *d, unsigned int n)
{
    if (n <= d->caprun)
        return FL_OK;
    double *v = fl_realloc(ctx, d->run, 2 * (size_t)n, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    d->run = v;
    d->caprun = n;
    return FL_OK;
}

static int add_ring(fl_ctx *ctx, const GEOSGeometry *ring, void *data)
{
    fl_distinct *d = data;
    unsigned int n, k = 0;
    int rc = fl_line_coords(ctx, ring, &d->xy, &d->capxy, &n);
    if (!rc)
        rc = reserve(ctx, d, n);
    if (!rc)
        rc = reserve_run(ctx, d, n);
    for (unsigned int i = 0; !rc && i + 1 < n; i++) {
        const double *p = d->xy + 2 * i, *q = p + 2;
        if (p[0] == q[0] && p[1] == q[1]) /* a repeated point makes no segment */
            continue;
        if (!first_sight(d, p, q)) {
            rc = end_run(ctx, d, &k);
            continue;
        }
        if (k == 0)
            memcpy(d->run + 2 * k++, p, 2 * sizeof *p);
        memcpy(d->run + 2 * k++, q, 2 * sizeof *q);
    }
    return rc ? rc : end_run(ctx, d, &k);
}

int fl_distinct_add(fl_ctx *ctx, fl_distinct *d, const GEOSGeometry *g)
{
    return fl_each_ring(ctx, g, add_ring, d);
}

GEOSGeometry *fl_distinct_lines(fl_ctx *ctx, fl_distinct *d)
{
    size_t n = d->nlines;
    d->nlines = 0; /* fl_collect takes them, even on failure */
    if (n)
        return fl_collect(ctx, d->lines, n);
    GEOSGeometry *none = GEOSGeom_createEmptyCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION);
    if (!none)
        fl_geos_error(ctx, "an empty collection of lines");
    return none;
}
