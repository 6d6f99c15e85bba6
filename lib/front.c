/* front.c — the frontline: where ground of the profile's front status (occupied) meets other
 * ground inside the territory.
 *
 * Method: take the front status' layer clipped to the territory; its boundary runs along the
 * front and along the territory's own border and coast wherever the layer reaches them. Those
 * border parts are removed: every part of the boundary within tolerance_km of the territory's
 * boundary. The buffer is built in a Lambert azimuthal equal-area projection centred on the
 * territory (through PROJ), where metres are metres to within a fraction of a percent over a
 * country; lengths are then measured geodesically on the WGS84 ellipsoid. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fl_front {
    fl_ctx *ctx;        /* made with it; fl_front_free frees with it */
    GEOSGeometry *line; /* merged lines, lon/lat */
    double km;
    int n;
    double *piece_km;   /* longest first */
    const fl_snapshot *snap;
};

/* A Lambert azimuthal equal-area projection centred on bbox. */
static PJ *local_projection(fl_ctx *ctx, const double bbox[4])
{
    PJ *p = fl_laea(ctx, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
    if (!p)
        fl_proj_error(ctx, "creating a local projection");
    return p;
}

struct fl_front_band {
    fl_ctx *ctx;                      /* made with it; freed with it */
    const fl_regions *r;
    PJ *pj;                           /* a local projection of the territory (metres) */
    GEOSGeometry *band;               /* the territory's boundary buffered, projected */
    const GEOSPreparedGeometry *prep; /* band, prepared */
};

void fl_front_band_free(fl_front_band *b)
{
    if (!b)
        return;
    if (b->prep)
        GEOSPreparedGeom_destroy_r(b->ctx->geos, b->prep);
    if (b->band)
        GEOSGeom_destroy_r(b->ctx->geos, b->band);
    if (b->pj)
        proj_destroy(b->pj);
    free(b);
}

/* The ground within d metres of the boundary of polygon t (metres): t grown by d less t
 * shrunk by d, the same ground as the boundary's own buffer ({p : dist(p, ∂t) ≤ d}; the
 * boundary of the shrunk polygon lies at d from ∂t, and it is left in), built from two
 * polygon buffers, which offset one side of each ring. For the shipped territory (7,733
 * points, 2 km) that takes 0.11 s (each buffer 0.05 s, the difference 0.008 s; temporary
 * timers), where the buffer of its boundary, both sides of every segment, took 0.19 s; the
 * two bands' symmetric difference has no area (shapely, GEOS 3.11). NULL on error. */
static GEOSGeometry *boundary_band(fl_ctx *ctx, const GEOSGeometry *t, double d)
{
    GEOSGeometry *out = GEOSBuffer_r(ctx->geos, t, d, 8);
    GEOSGeometry *in = out ? GEOSBuffer_r(ctx->geos, t, -d, 8) : NULL;
    GEOSGeometry *band = in ? fl_difference(ctx, out, in) : NULL;
    if (!in)
        fl_geos_error(ctx, "buffering the territory");
    if (out)
        GEOSGeom_destroy_r(ctx->geos, out);
    if (in)
        GEOSGeom_destroy_r(ctx->geos, in);
    return band;
}

int fl_front_band_new(fl_ctx *ctx, const fl_regions *r, double tolerance_km,
                      fl_front_band **out)
{
    *out = NULL;
    if (!(tolerance_km >= 0))
        return fl_error(ctx, FL_EARG, "frontline tolerance %g km is not >= 0", tolerance_km);
    fl_front_band *b = fl_calloc(ctx, 1, sizeof *b);
    if (!b)
        return FL_ENOMEM;
    *b = (fl_front_band){.ctx = ctx, .r = r};
    double bbox[4];
    fl_geom_bounds(ctx, r->territory, bbox);
    GEOSGeometry *t = (b->pj = local_projection(ctx, bbox))
                          ? fl_transform(ctx, r->territory, b->pj, PJ_FWD) : NULL;
    b->band = t ? boundary_band(ctx, t, tolerance_km * 1000) : NULL;
    if (t)
        GEOSGeom_destroy_r(ctx->geos, t);
    if (b->band && !(b->prep = GEOSPrepare_r(ctx->geos, b->band)))
        fl_geos_error(ctx, "preparing the border band");
    if (!b->prep) {
        fl_front_band_free(b);
        return ctx->err ? ctx->err : FL_ENOMEM;
    }
    *out = b;
    return FL_OK;
}

GEOSGeometry *fl_front_band_clone(fl_ctx *ctx, const fl_front_band *b)
{
    GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, b->band);
    if (!g)
        fl_geos_error(ctx, "copying the border band");
    return g;
}

int fl_front_band_adopt(fl_ctx *ctx, GEOSGeometry *band, const fl_regions *r,
                        fl_front_band **out)
{
    *out = NULL;
    fl_front_band *b = fl_calloc(ctx, 1, sizeof *b);
    if (!b) {
        GEOSGeom_destroy_r(ctx->geos, band);
        return FL_ENOMEM;
    }
    *b = (fl_front_band){.ctx = ctx, .r = r, .band = band};
    double bbox[4];
    fl_geom_bounds(ctx, r->territory, bbox);
    if ((b->pj = local_projection(ctx, bbox)) && !(b->prep = GEOSPrepare_r(ctx->geos, b->band)))
        fl_geos_error(ctx, "preparing the border band");
    if (!b->prep) {
        fl_front_band_free(b);
        return ctx->err ? ctx->err : FL_ENOMEM;
    }
    *out = b;
    return FL_OK;
}

/* A growing list of line strings. */
typedef struct lines {
    GEOSGeometry **v;
    int n, cap;
} lines;

/* Adds the line strings of g to l, taking g. */
static int add_lines(fl_ctx *ctx, lines *l, GEOSGeometry *g)
{
    GEOSContextHandle_t h = ctx->geos;
    int k = GEOSGeomTypeId_r(h, g) == GEOS_LINESTRING ? 1 : GEOSGetNumGeometries_r(h, g);
    if (l->n + k > l->cap) {
        int cap = 2 * (l->n + k) + 16;
        GEOSGeometry **v = fl_realloc(ctx, l->v, (size_t)cap, sizeof *v);
        if (!v) {
            GEOSGeom_destroy_r(h, g);
            return FL_ENOMEM;
        }
        l->v = v;
        l->cap = cap;
    }
    if (GEOSGeomTypeId_r(h, g) == GEOS_LINESTRING) {
        l->v[l->n++] = g;
        return FL_OK;
    }
    int rc = FL_OK;
    for (int i = 0; i < k && !rc; i++)
        if (!(l->v[l->n] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g, i))))
            rc = fl_geos_error(ctx, "copying a line");
        else
            l->n++;
    GEOSGeom_destroy_r(h, g);
    return rc;
}

/* line (projected) less the border band. The band runs around the whole territory: it is
 * first clipped to the line's bounds (plus a metre, so that no cut runs along the line),
 * which spares the overlay from noding all of it. */
static GEOSGeometry *minus_band(fl_ctx *ctx, const fl_front_band *b,
                                const GEOSGeometry *line)
{
    double bbox[4];
    fl_geom_bounds(ctx, line, bbox);
    GEOSGeometry *near = fl_clip_around(ctx, b->band, bbox, 1 /* metre */);
    GEOSGeometry *out = near ? GEOSDifference_r(ctx->geos, line, near) : NULL;
    if (near)
        GEOSGeom_destroy_r(ctx->geos, near);
    return out;
}

/* Whether line (projected, clear of the border band) lies in the territory: a line that
 * stays more than the band's width from the territory's border lies wholly inside or wholly
 * outside it, so its first vertex tells. 1, 0, or 2 on error. */
static char line_in_territory(fl_ctx *ctx, const fl_front_band *b,
                              const GEOSGeometry *line)
{
    GEOSContextHandle_t h = ctx->geos;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, line);
    double x, y;
    if (!cs || !GEOSCoordSeq_getXY_r(h, cs, 0, &x, &y))
        return 2;
    PJ_COORD c = proj_trans(b->pj, PJ_INV, proj_coord(x, y, 0, 0));
    GEOSGeometry *pt = fl_point(ctx, c.xy.x, c.xy.y);
    char in = pt ? GEOSPreparedIntersects_r(h, b->r->territory_prep, pt) : 2;
    if (pt)
        GEOSGeom_destroy_r(h, pt);
    return in;
}

/* Keeps the lines of l that lie in the territory (see line_in_territory). */
static int keep_inside(fl_ctx *ctx, const fl_front_band *b, lines *l)
{
    int kept = 0;
    for (int i = 0; i < l->n; i++) {
        char in = line_in_territory(ctx, b, l->v[i]);
        if (in == 2) { /* the rest stays in l, for the caller to free */
            memmove(l->v + kept, l->v + i, (size_t)(l->n - i) * sizeof *l->v);
            l->n = kept + l->n - i;
            return fl_geos_error(ctx, "placing a front line in the territory");
        }
        if (in)
            l->v[kept++] = l->v[i];
        else
            GEOSGeom_destroy_r(ctx->geos, l->v[i]);
    }
    l->n = kept;
    return FL_OK;
}

/* The parts of lines m (projected) outside the border band, and when inside_only only those
 * in the territory, as one collection of line strings (GEOS 3.11's line merger skips a
 * multi-line inside a collection). Each line is first tested against the prepared band,
 * whose index is built once with the band: a line that does not touch the band is kept
 * whole, one the band covers is dropped, and only those crossing its edge are overlaid (an
 * overlay locates every line that crosses nothing by indexing the whole band again). */
static GEOSGeometry *outside_band(fl_ctx *ctx, const fl_front_band *b, const GEOSGeometry *m,
                                  bool inside_only)
{
    GEOSContextHandle_t h = ctx->geos;
    lines l = {0};
    int n = GEOSGetNumGeometries_r(h, m), rc = n < 0 ? fl_geos_error(ctx, "a front") : FL_OK;
    for (int i = 0; i < n && !rc; i++) {
        const GEOSGeometry *line = GEOSGetGeometryN_r(h, m, i);
        char away = GEOSPreparedDisjoint_r(h, b->prep, line);
        char within = away == 0 ? GEOSPreparedCovers_r(h, b->prep, line) : 0;
        GEOSGeometry *out = away == 2 || within ? NULL
                          : away ? GEOSGeom_clone_r(h, line) : minus_band(ctx, b, line);
        if (within != 1)
            rc = out ? add_lines(ctx, &l, out) : fl_geos_error(ctx, "cutting the border band");
    }
    if (!rc && inside_only)
        rc = keep_inside(ctx, b, &l);
    GEOSGeometry *all = rc ? NULL : fl_collect(ctx, l.v, (size_t)l.n);
    for (int i = 0; rc && i < l.n; i++)
        GEOSGeom_destroy_r(h, l.v[i]);
    free(l.v);
    return all;
}

/* The front of held (the front status' ground within the territory): its boundary, only
 * within clip (a rectangle W, S, E, N) when clip is not NULL, minus the tolerance band along
 * the territory's boundary, computed in projected metres, back in longitude/latitude.
 * With clip, held may also reach outside the territory when inside_only is set: the lines
 * outside are dropped (the boundary of held ∩ territory, less the band, is the same). */
static GEOSGeometry *front_of(fl_ctx *ctx, const GEOSGeometry *held, const fl_front_band *b,
                              const double *clip, bool inside_only)
{
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *edge = GEOSBoundary_r(h, held);
    GEOSGeometry *part = edge && clip ? GEOSClipByRect_r(h, edge, clip[0], clip[1], clip[2],
                                                         clip[3]) : NULL;
    const GEOSGeometry *lines = clip ? part : edge;
    GEOSGeometry *edge_m = lines ? fl_transform(ctx, lines, b->pj, PJ_FWD) : NULL;
    GEOSGeometry *line_m = !edge_m ? NULL
        : clip ? outside_band(ctx, b, edge_m, inside_only) /* a window's: only its length */
        : GEOSPreparedDisjoint_r(h, b->prep, edge_m) == 1
            ? GEOSGeom_clone_r(h, edge_m) /* most lines are far from the border */
            : GEOSDifference_r(h, edge_m, b->band); /* noded together: the pieces split
                                                            where two rings touch */
    GEOSGeometry *merged = line_m ? GEOSLineMerge_r(h, line_m) : NULL;
    GEOSGeometry *line = merged ? fl_transform(ctx, merged, b->pj, PJ_INV) : NULL;
    if (!line && ctx->err != FL_EPROJ)
        fl_geos_error(ctx, "computing the frontline");
    GEOSGeometry *tmp[] = {edge, part, edge_m, line_m, merged};
    for (size_t i = 0; i < sizeof tmp / sizeof *tmp; i++)
        if (tmp[i])
            GEOSGeom_destroy_r(h, tmp[i]);
    return line;
}

/* The whole frontline of a snapshot. */
static GEOSGeometry *front_line(fl_ctx *ctx, const fl_snapshot *s, const fl_front_band *b)
{
    GEOSGeometry *held = fl_intersection(ctx, s->layer[fl_profile_front_status(s->profile)],
                                         b->r->territory);
    GEOSGeometry *line = held ? front_of(ctx, held, b, NULL, false) : NULL;
    if (held)
        GEOSGeom_destroy_r(ctx->geos, held);
    return line;
}

/* Length of the front of side (0: a, 1: b) within a window's core. */
static int window_front_km(fl_ctx *ctx, const fl_window *w, int side, int status,
                           const fl_front_band *b, double *km)
{
    GEOSGeometry *drawn = fl_window_layer(ctx, w, side, status);
    GEOSGeometry *line = drawn ? front_of(ctx, drawn, b, w->core, !w->in_territory) : NULL;
    *km = line ? fl_geom_length_km(ctx, line) : 0;
    if (drawn)
        GEOSGeom_destroy_r(ctx->geos, drawn);
    if (!line)
        return ctx->err;
    GEOSGeom_destroy_r(ctx->geos, line);
    return FL_OK;
}

int fl_front_change_km(fl_ctx *ctx, const fl_window *w, int nwin, const fl_profile *p,
                       const fl_front_band *b, double *delta)
{
    *delta = 0;
    int front = fl_profile_front_status(p);
    for (int i = 0; i < nwin; i++) {
        if (fl_window_layer_same(&w[i], front)) /* the front did not move there */
            continue;
        for (int side = 0; side < 2; side++) {
            double km;
            int rc = window_front_km(ctx, &w[i], side, front, b, &km);
            if (rc)
                return rc;
            *delta += side ? km : -km;
        }
    }
    return FL_OK;
}

static int cmp_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? 1 : a > b ? -1 : 0;
}

int fl_front_new(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, double tolerance_km,
                 fl_front **out)
{
    fl_front_band *b;
    *out = NULL;
    if (!(tolerance_km >= 0 && tolerance_km <= FL_FRONT_MAX_TOLERANCE_KM))
        return fl_error(ctx, FL_EARG, "frontline tolerance %g km is not within 0 .. %d km",
                        tolerance_km, FL_FRONT_MAX_TOLERANCE_KM);
    int rc = fl_front_band_new(ctx, r, tolerance_km, &b);
    if (!rc)
        rc = fl_front_with(ctx, s, b, out);
    fl_front_band_free(b);
    return rc;
}

int fl_front_with(fl_ctx *ctx, const fl_snapshot *s, const fl_front_band *b, fl_front **out)
{
    *out = NULL;
    fl_front *f = fl_calloc(ctx, 1, sizeof *f);
    if (f)
        f->ctx = ctx;
    if (f && (f->line = front_line(ctx, s, b))) {
        f->snap = s;
        f->n = GEOSisEmpty_r(ctx->geos, f->line) ? 0 : GEOSGetNumGeometries_r(ctx->geos, f->line);
        f->piece_km = fl_calloc(ctx, (size_t)(f->n + 1), sizeof *f->piece_km);
        for (int i = 0; f->piece_km && i < f->n; i++)
            f->km += f->piece_km[i] = fl_geom_length_km(ctx, GEOSGetGeometryN_r(ctx->geos, f->line, i));
        if (f->piece_km)
            qsort(f->piece_km, (size_t)f->n, sizeof *f->piece_km, cmp_desc);
    }
    if (!f || !f->line || !f->piece_km) {
        fl_front_free(f);
        return ctx->err ? ctx->err : FL_ENOMEM;
    }
    *out = f;
    return FL_OK;
}

void fl_front_free(fl_front *f)
{
    if (!f)
        return;
    if (f->line)
        GEOSGeom_destroy_r(f->ctx->geos, f->line);
    free(f->piece_km);
    free(f);
}

double fl_front_km(const fl_front *f) { return f->km; }
const GEOSGeometry *fl_front_line(const fl_front *f) { return f->line; }
int fl_front_piece_count(const fl_front *f) { return f->n; }
double fl_front_piece_km(const fl_front *f, int i) { return i >= 0 && i < f->n ? f->piece_km[i] : 0; }

int fl_front_json(fl_ctx *ctx, const fl_front *f, char **json)
{
    json_object *doc = fl_snapshot_head_json(f->snap), *pieces = json_object_new_array();
    if (!pieces) { /* checked here: a front of no pieces adds nothing that would report it */
        json_object_put(doc);
        return fl_error(ctx, FL_ENOMEM, "out of memory building JSON");
    }
    fl_json_object_add(doc, "status", json_object_new_string(
        fl_profile_status_name(f->snap->profile, fl_profile_front_status(f->snap->profile))));
    fl_json_object_add(doc, "front_km", fl_json_num(f->km, 3));
    for (int i = 0; i < f->n; i++)
        fl_json_array_add(pieces, fl_json_num(f->piece_km[i], 3));
    fl_json_object_add(doc, "pieces_km", pieces);
    return fl_json_out(ctx, doc, json);
}

/* The frontline as a FeatureCollection of one feature to a sink. */
static int front_geojson(fl_ctx *ctx, const fl_front *f, fl_geojson_sink to)
{
    json_object *props = json_object_new_object();
    fl_json_object_add(props, "front_km", fl_json_num(f->km, 3));
    fl_json_object_add(props, "pieces_total", json_object_new_int(f->n));
    int rc = fl_write_geojson_layers(ctx, to, 1, &f->line, &props);
    json_object_put(props);
    return rc;
}

int fl_front_write(fl_ctx *ctx, const fl_front *f, const char *path)
{
    return front_geojson(ctx, f, (fl_geojson_sink){.path = path});
}

int fl_front_geojson(fl_ctx *ctx, const fl_front *f, char **geojson)
{
    return front_geojson(ctx, f, (fl_geojson_sink){.text = geojson});
}
