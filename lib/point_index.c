/* point_index.c — which of a few geometries holds a point, asked of many points: the water,
 * the conflation's slivers. A prepared MultiPolygon spread over the country answers a point by
 * counting ray crossings against every part its latitude meets, about a microsecond; most
 * points lie in no part at all. Here the polygons of the geometries are binned by envelope in
 * a uniform grid over their bounds: a point looks in its one cell, compares the envelopes
 * listed there, and asks GEOS (the part prepared) only inside an envelope. The answer is the
 * one the prepared geometries give: a part's envelope holds every point of the part, and the
 * cell of a point (closed cells; a point on a cell line is looked up in one of them) lists
 * every part whose envelope holds the point, so no part that holds it is passed over. Parts
 * are listed in geometry order, so the first geometry holding the point wins, as a loop over
 * the prepared geometries would have it. */
#include "internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#define MAX_SIDE 256 /* cells along each side of the grid at most */

typedef struct part {
    double bbox[4];
    int geom; /* index of the geometry it belongs to */
    const GEOSGeometry *poly;
    const GEOSPreparedGeometry *prep;
} part;

struct fl_point_index {
    int npart;
    part *part;
    double west, south, kx, ky; /* cells per degree */
    int nx, ny;
    int *start; /* the parts of cell c: id[start[c]..start[c + 1]) */
    int *id;
};

/* Appends the polygons of g (polygons, multi-polygons, collections of them) as parts of
 * geometry k; other types hold no area and add nothing. */
static int add_parts(fl_ctx *ctx, fl_point_index *x, const GEOSGeometry *g, int k, size_t *cap)
{
    GEOSContextHandle_t h = ctx->geos;
    int type = GEOSGeomTypeId_r(h, g), rc = FL_OK;
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; !rc && i < GEOSGetNumGeometries_r(h, g); i++)
            rc = add_parts(ctx, x, GEOSGetGeometryN_r(h, g, i), k, cap);
        return rc;
    }
    if (type != GEOS_POLYGON || GEOSisEmpty_r(h, g))
        return FL_OK;
    part *v = fl_grow(ctx, x->part, cap, (size_t)x->npart + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    x->part = v;
    part *p = &x->part[x->npart];
    *p = (part){.geom = k, .poly = g};
    fl_geom_bounds(ctx, g, p->bbox);
    if (!(p->prep = GEOSPrepare_r(h, g)))
        return fl_geos_error(ctx, "preparing a polygon for point queries");
    x->npart++;
    return FL_OK;
}

/* The cells (inclusive ranges) a box meets. */
static void cell_range(const fl_point_index *x, const double b[4], int r[4])
{
    for (int i = 0; i < 4; i++) {
        double v = i & 1 ? (b[i] - x->south) * x->ky : (b[i] - x->west) * x->kx;
        int side = i & 1 ? x->ny : x->nx;
        r[i] = v <= 0 ? 0 : v >= side - 1 ? side - 1 : (int)v;
    }
}

/* The grid: its bounds are the parts', its side about twice the square root of their count,
 * so that a cell lists a few parts. */
static int bin(fl_ctx *ctx, fl_point_index *x)
{
    double b[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (int i = 0; i < x->npart; i++)
        for (int c = 0; c < 4; c++)
            b[c] = c < 2 ? fmin(b[c], x->part[i].bbox[c]) : fmax(b[c], x->part[i].bbox[c]);
    int side = (int)fmin(MAX_SIDE, fmax(1, 2 * sqrt(x->npart)));
    x->nx = x->ny = side;
    x->west = b[0];
    x->south = b[1];
    x->kx = b[2] > b[0] ? side / (b[2] - b[0]) : 0;
    x->ky = b[3] > b[1] ? side / (b[3] - b[1]) : 0;
    size_t ncell = (size_t)side * (size_t)side;
    x->start = fl_calloc(ctx, ncell + 1, sizeof *x->start);
    if (!x->start)
        return FL_ENOMEM;
    for (int pass = 0; pass < 2; pass++) { /* count, then place */
        for (int i = 0; i < x->npart; i++) {
            int r[4];
            cell_range(x, x->part[i].bbox, r);
            for (int cy = r[1]; cy <= r[3]; cy++)
                for (int cx = r[0]; cx <= r[2]; cx++) {
                    size_t c = (size_t)cy * (size_t)side + (size_t)cx;
                    if (pass == 0)
                        x->start[c + 1]++;
                    else
                        x->id[x->start[c]++] = i;
                }
        }
        if (pass == 0) {
            for (size_t c = 0; c < ncell; c++)
                x->start[c + 1] += x->start[c];
            if (!(x->id = fl_calloc(ctx, (size_t)x->start[ncell] + 1, sizeof *x->id)))
                return FL_ENOMEM;
        }
    }
    int total = x->start[ncell - 1]; /* placing moved each start to the next cell's */
    for (size_t c = ncell; c > 0; c--)
        x->start[c] = x->start[c - 1];
    x->start[0] = 0;
    assert(x->start[ncell] == total && total >= x->npart);
    return FL_OK;
}

int fl_point_index_new(fl_ctx *ctx, const GEOSGeometry *const *geom, int n,
                       fl_point_index **out)
{
    *out = NULL;
    fl_point_index *x = fl_calloc(ctx, 1, sizeof *x);
    if (!x)
        return FL_ENOMEM;
    size_t cap = 0;
    int rc = FL_OK;
    for (int k = 0; k < n && !rc; k++)
        if (geom[k])
            rc = add_parts(ctx, x, geom[k], k, &cap);
    if (!rc)
        rc = bin(ctx, x);
    if (rc) {
        fl_point_index_free(ctx, x);
        return rc;
    }
    *out = x;
    return FL_OK;
}

void fl_point_index_free(fl_ctx *ctx, fl_point_index *x)
{
    if (!x)
        return;
    for (int i = 0; i < x->npart; i++)
        GEOSPreparedGeom_destroy_r(ctx->geos, x->part[i].prep);
    free(x->part);
    free(x->start);
    free(x->id);
    free(x);
}

int fl_point_index_find(fl_ctx *ctx, const fl_point_index *x, double lat, double lon)
{
    if (!x->npart || !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        return -1;
    int r[4];
    cell_range(x, (const double[4]){lon, lat, lon, lat}, r);
    size_t c = (size_t)r[1] * (size_t)x->nx + (size_t)r[0];
    GEOSGeometry *pt = NULL;
    char in = 0;
    int j = x->start[c];
    for (; j < x->start[c + 1] && !in; j++) {
        const part *p = &x->part[x->id[j]];
        if (lon < p->bbox[0] || lon > p->bbox[2] || lat < p->bbox[1] || lat > p->bbox[3])
            continue;
        if (!pt && !(pt = fl_point(ctx, lon, lat)))
            return -2;
        in = GEOSPreparedIntersects_r(ctx->geos, p->prep, pt);
    }
    if (pt)
        GEOSGeom_destroy_r(ctx->geos, pt);
    if (in == 2)
        return fl_geos_error(ctx, "locating a point"), -2;
    return in ? x->part[x->id[j - 1]].geom : -1;
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

size_t fl_point_index_near(fl_ctx *ctx, const fl_point_index *x, const double box[4],
                           int **ids)
{
    *ids = NULL;
    if (!x->npart)
        return 0;
    int r[4];
    cell_range(x, box, r);
    size_t n = 0;
    for (int cy = r[1]; cy <= r[3]; cy++)
        n += (size_t)(x->start[cy * x->nx + r[2] + 1] - x->start[cy * x->nx + r[0]]);
    if (!(*ids = fl_calloc(ctx, n + 1, sizeof **ids)))
        return SIZE_MAX;
    size_t k = 0;
    for (int cy = r[1]; cy <= r[3]; cy++)
        for (int j = x->start[cy * x->nx + r[0]]; j < x->start[cy * x->nx + r[2] + 1]; j++)
            (*ids)[k++] = x->id[j];
    assert(k == n);
    qsort(*ids, n, sizeof **ids, by_value);
    size_t m = 0; /* a part whose bounds span cells is listed in each */
    for (size_t i = 0; i < n; i++)
        if (!m || (*ids)[i] != (*ids)[m - 1])
            (*ids)[m++] = (*ids)[i];
    return m;
}

size_t fl_point_index_count(const fl_point_index *x) { return (size_t)x->npart; }

const GEOSGeometry *fl_point_index_polygon(const fl_point_index *x, size_t i,
                                           const double **bbox)
{
    assert(i < (size_t)x->npart);
    *bbox = x->part[i].bbox;
    return x->part[i].poly;
}
