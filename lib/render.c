/* render.c — maps of a snapshot or of a diff, drawn with cairo.
 *
 * Layout: a title band on top, the map on the left, the legend on the right, attribution and
 * projection in a footer. The map is in a Lambert azimuthal equal-area projection centred on
 * the view (through PROJ), so areas compare truly across the picture and the scale bar holds
 * at the centre. Everything drawn is computed once in fl_render_new and copied into picture
 * coordinates: status fills clipped to the territory, region outlines, changed pieces, the
 * frontline, place markers and labels (placed greedily with collision boxes, changed places
 * first), and the legend rows. fl_render_write then only draws, so PNG, SVG and PDF of one
 * render agree to the pixel. */
#include "canvas.h"
#include "diff.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WIDTH 1600
#define DEFAULT_ATTRIBUTION "Data: DeepStateMap; boundaries: Natural Earth; places: GeoNames"
/* Changed pieces from this area on get a halo (smaller ones are overlay slivers). */
#define HALO_MIN_KM2 0.25

/* ---- transitions, by what they mean for control ---------------------------------------- */

enum { C_LEFT_FRONT, C_INTO_NOSIDE, C_OUT_OF_NOSIDE, C_NEW_FRONT, C_CHANGED_SIDE, C_RELABEL,
       NCLASS };

static const struct {
    const char *key, *colour;
} classes[NCLASS] = {
    [C_LEFT_FRONT] = {"left_occupation", "#1565C0"},
    [C_INTO_NOSIDE] = {"became_contested", "#FFD000"},
    [C_OUT_OF_NOSIDE] = {"left_contested", "#4FC3F7"},
    [C_NEW_FRONT] = {"newly_occupied", "#FF6D00"},
    [C_CHANGED_SIDE] = {"changed_side", "#AA00FF"},
    [C_RELABEL] = {"relabelled", "#555555"},
};

/* The class of a transition from -> to (profile statuses), by the statuses' sides: the front
 * status' side is the occupier's (DeepState: occupied -> RU). */
static int transition_class(const fl_profile *p, int from, int to)
{
    const char *fs = fl_profile_status_side(p, from), *ts = fl_profile_status_side(p, to);
    const char *occ = fl_profile_status_side(p, fl_profile_front_status(p));
    if (*fs && !strcmp(fs, ts))
        return C_RELABEL;
    if (*occ ? !strcmp(ts, occ) : to == fl_profile_front_status(p))
        return C_NEW_FRONT;
    if (!*ts)
        return C_INTO_NOSIDE;
    if (*occ ? !strcmp(fs, occ) : from == fl_profile_front_status(p))
        return C_LEFT_FRONT;
    if (!*fs)
        return C_OUT_OF_NOSIDE;
    return C_CHANGED_SIDE;
}

/* ---- the render ---------------------------------------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

typedef struct label {
    char *text;
    double x, y; /* baseline start */
    double size;
    bool bold;
    fl_rgb colour;
    bool leader;
    double ax, ay, lx, ly; /* leader line from (ax, ay) to (lx, ly) */
} label;

typedef struct mark {
    int place;
    double x, y;
    int status, from, to; /* from = to when unchanged */
    int cls;              /* transition class, or -1 for an unchanged place */
    bool labelled;        /* on this map, or in the inset for a place in the focus */
    bool in_focus;        /* shown in the inset instead */
} mark;

typedef enum { ROW_HEADER, ROW_STATUS, ROW_FRONT, ROW_CLASS, ROW_TRANSITION, ROW_NOTE,
               ROW_PLACE } row_kind;

typedef struct legend_row {
    row_kind kind;
    char *left, *right, *extra; /* texts */
    fl_rgb colour;
    int cls;
    double y; /* baseline */
} legend_row;

typedef struct transition_entry {
    int from, to, cls;
    double km2;
} transition_entry;

struct fl_render {
    fl_ctx *ctx; /* made with it; fl_render_free frees with it */
    double width, height, u;
    box map, side;
    double view[4];
    char proj_def[256];
    PJ *pj;
    double ext[4];  /* projected metres shown in the map box: x0, y0, x1, y1 */
    double scale;   /* picture units per metre */
    char *title, *subtitle, *attribution, *footer, *scope;
    const fl_profile *profile;
    int nstatus;
    fl_rgb *status_rgb;
    double *status_km2, scope_km2;
    bool has_diff;
    GEOSGeometry *territory, *borders, *front; /* picture coordinates */
    GEOSGeometry *scope_line;                   /* the outline of the region zoomed on */
    GEOSGeometry **fill;                        /* per drawn status (nstatus - 1) */
    GEOSGeometry *cls_fill[NCLASS]; /* changed ground by class, picture coordinates */
    GEOSGeometry *cls_halo[NCLASS]; /* the part of it in pieces large enough for a halo */
    int ntrans;
    transition_entry *trans;
    double outside_km2, front_km;
    int nmarks;
    mark *marks;
    const fl_places *places_src; /* only for JSON names; copied below */
    char **mark_name, **mark_id;
    double *mark_lat, *mark_lon;
    int nlabels;
    label *labels;
    int nrows;
    legend_row *rows;
    double scale_km, scale_px;
    box scale_box;
    /* a detail map of the densest cluster of changed places, drawn over a corner of the map;
     * the focus is the area it shows, outlined on this map */
    bool is_inset;
    fl_render *inset;
    box focus;
    char *caption; /* of an inset: "Around Lyman" */
};

/* ---- small helpers ------------------------------------------------------------------- */

static char *xasprintf(fl_ctx *ctx, const char *fmt, ...) FL_PRINTF(2, 3);
static char *xasprintf(fl_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
        fl_error(ctx, FL_ENOMEM, "out of memory");
    }
    va_end(ap);
    return s;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void destroy(fl_ctx *ctx, GEOSGeometry *g)
{
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
}

static bool boxes_overlap(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static bool box_inside(const box *in, const box *out)
{
    return in->x0 >= out->x0 && in->x1 <= out->x1 && in->y0 >= out->y0 && in->y1 <= out->y1;
}

/* ---- projection ---------------------------------------------------------------------- */

typedef struct xform {
    const fl_render *r;
} xform;

static bool project(const fl_render *r, double lon, double lat, double *x, double *y)
{
    PJ_COORD c = proj_trans(r->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y) || c.xy.x == HUGE_VAL)
        return false;
    *x = r->map.x0 + (c.xy.x - r->ext[0]) * r->scale;
    *y = r->map.y0 + (r->ext[3] - c.xy.y) * r->scale;
    return true;
}

/* What GEOS' transform and qsort_r hand their callbacks: the const objects they read, behind
 * a pointer to this (their user data is not const). */
typedef struct const_data {
    const void *p;
} const_data;

static int to_picture(double *x, double *y, void *userdata)
{
    return project(((const const_data *)userdata)->p, *x, *y, x, y) ? 1 : 0;
}

static int to_metres(double *x, double *y, void *userdata)
{
    PJ_COORD c = proj_trans(userdata, PJ_FWD, proj_coord(*x, *y, 0, 0));
    *x = c.xy.x;
    *y = c.xy.y;
    return isfinite(*x) && isfinite(*y) && *x != HUGE_VAL;
}

static int make_projection(fl_ctx *ctx, fl_render *r)
{
    double lat0 = (r->view[1] + r->view[3]) / 2, lon0 = (r->view[0] + r->view[2]) / 2;
    snprintf(r->proj_def, sizeof r->proj_def,
             "+proj=laea +lat_0=%.4f +lon_0=%.4f +ellps=WGS84 +units=m +no_defs", lat0, lon0);
    if (!(r->pj = fl_laea(ctx, lon0, lat0)))
        return fl_proj_error(ctx, "creating the map projection");
    return FL_OK;
}

/* Projected envelope (metres) of g, lon/lat. */
static int projected_extent(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g, double ext[4])
{
    GEOSGeometry *m = GEOSGeom_transformXY_r(ctx->geos, g, to_metres, r->pj);
    if (!m)
        return fl_error(ctx, FL_EPROJ, "projecting the view");
    fl_geom_bounds(ctx, m, ext);
    GEOSGeom_destroy_r(ctx->geos, m);
    return FL_OK;
}

/* A lon/lat box as a polygon with its edges sampled, so that its projection bounds it. */
static GEOSGeometry *bbox_polygon(fl_ctx *ctx, const double b[4])
{
    enum { K = 32 };
    GEOSCoordSequence *seq = GEOSCoordSeq_create_r(ctx->geos, 4 * K + 1, 2);
    if (!seq)
        return NULL;
    for (int i = 0; i < 4 * K; i++) {
        int side = i / K;
        double t = (double)(i % K) / K, x, y;
        switch (side) {
        case 0: x = b[0] + t * (b[2] - b[0]); y = b[1]; break;
        case 1: x = b[2]; y = b[1] + t * (b[3] - b[1]); break;
        case 2: x = b[2] - t * (b[2] - b[0]); y = b[3]; break;
        default: x = b[0]; y = b[3] - t * (b[3] - b[1]); break;
        }
        GEOSCoordSeq_setXY_r(ctx->geos, seq, (unsigned)i, x, y);
    }
    GEOSCoordSeq_setXY_r(ctx->geos, seq, 4 * K, b[0], b[1]);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx->geos, seq);
    return ring ? GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0) : NULL;
}

/* g (lon/lat) in picture coordinates, clipped to the view: first roughly in lon/lat, then to
 * the map box with a margin. NULL with an error recorded on failure. */
static GEOSGeometry *to_view(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g,
                             const double lonlat_clip[4])
{
    GEOSGeometry *c = lonlat_clip ? GEOSClipByRect_r(ctx->geos, g, lonlat_clip[0], lonlat_clip[1],
                                                     lonlat_clip[2], lonlat_clip[3])
                                  : GEOSGeom_clone_r(ctx->geos, g);
    if (!c) {
        fl_geos_error(ctx, "clipping to the view");
        return NULL;
    }
    const_data data = {r};
    GEOSGeometry *p = GEOSGeom_transformXY_r(ctx->geos, c, to_picture, &data);
    GEOSGeom_destroy_r(ctx->geos, c);
    if (!p) {
        fl_error(ctx, FL_EPROJ, "projecting the map");
        return NULL;
    }
    double m = 20 * r->u;
    GEOSGeometry *q = GEOSClipByRect_r(ctx->geos, p, r->map.x0 - m, r->map.y0 - m,
                                       r->map.x1 + m, r->map.y1 + m);
    GEOSGeom_destroy_r(ctx->geos, p);
    if (!q)
        fl_geos_error(ctx, "clipping to the map");
    return q;
}

/* ---- layout: view and boxes -------------------------------------------------------- */

/* The lon/lat box the map box shows (sampled along its edges), widened a little. */
static void view_lonlat(fl_ctx *ctx, const fl_render *r, double out[4])
{
    PJ *pj = r->pj;
    out[0] = out[1] = HUGE_VAL;
    out[2] = out[3] = -HUGE_VAL;
    for (int i = 0; i <= 64; i++)
        for (int side = 0; side < 4; side++) {
            double t = i / 64.0, x, y;
            switch (side) {
            case 0: x = r->ext[0] + t * (r->ext[2] - r->ext[0]); y = r->ext[1]; break;
            case 1: x = r->ext[0] + t * (r->ext[2] - r->ext[0]); y = r->ext[3]; break;
            case 2: x = r->ext[0]; y = r->ext[1] + t * (r->ext[3] - r->ext[1]); break;
            default: x = r->ext[2]; y = r->ext[1] + t * (r->ext[3] - r->ext[1]); break;
            }
            PJ_COORD c = proj_trans(pj, PJ_INV, proj_coord(x, y, 0, 0));
            if (!isfinite(c.lp.lam) || c.lp.lam == HUGE_VAL)
                continue;
            out[0] = fmin(out[0], c.lp.lam);
            out[1] = fmin(out[1], c.lp.phi);
            out[2] = fmax(out[2], c.lp.lam);
            out[3] = fmax(out[3], c.lp.phi);
        }
    (void)ctx;
    double dx = (out[2] - out[0]) * 0.05 + 0.05, dy = (out[3] - out[1]) * 0.05 + 0.05;
    out[0] = fmax(out[0] - dx, -180);
    out[1] = fmax(out[1] - dy, -90);
    out[2] = fmin(out[2] + dx, 180);
    out[3] = fmin(out[3] + dy, 90);
}

/* ---- legend rows --------------------------------------------------------------------- */

static int add_row(fl_ctx *ctx, fl_render *r, row_kind kind, fl_rgb colour, int cls,
                   char *left, char *right, char *extra)
{
    legend_row *v = fl_realloc(ctx, r->rows, (size_t)r->nrows + 1, sizeof *v);
    if (!v || !left) {
        free(left);
        free(right);
        free(extra);
        return v ? ctx->err ? ctx->err : FL_ENOMEM : FL_ENOMEM;
    }
    r->rows = v;
    v[r->nrows++] = (legend_row){kind, left, right, extra, colour, cls, 0};
    return FL_OK;
}

static char *km2_text(fl_ctx *ctx, double km2)
{
    char n[64];
    return xasprintf(ctx, "%s km²", fl_format_number(n, sizeof n, km2, 1));
}

static void upper_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static char *capitalised(fl_ctx *ctx, const char *s)
{
    char *c = fl_strdup(ctx, s);
    if (c && *c >= 'a' && *c <= 'z')
        *c = (char)(*c - 'a' + 'A');
    return c;
}

static char *class_title(fl_ctx *ctx, const fl_render *r, int cls)
{
    const fl_profile *p = r->profile;
    const char *front = fl_profile_status_name(p, fl_profile_front_status(p));
    const char *noside = "contested";
    for (int i = 0; i < r->nstatus; i++)
        if (!*fl_profile_status_side(p, i)) {
            noside = fl_profile_status_name(p, i);
            break;
        }
    switch (cls) {
    case C_LEFT_FRONT: return xasprintf(ctx, "No longer %s", front);
    case C_NEW_FRONT: return xasprintf(ctx, "Newly %s", front);
    case C_INTO_NOSIDE: return xasprintf(ctx, "Became %s", noside);
    case C_OUT_OF_NOSIDE: return xasprintf(ctx, "No longer %s", noside);
    case C_CHANGED_SIDE: return xasprintf(ctx, "Changed side");
    default: return xasprintf(ctx, "Same side, relabelled");
    }
}

static int build_legend(fl_ctx *ctx, fl_render *r, const fl_snapshot *a, const fl_snapshot *b)
{
    char t[64], n[64];
    const fl_profile *p = r->profile;
    fl_rgb black = {0, 0, 0};
    int rc = add_row(ctx, r, ROW_HEADER, black, -1,
                     xasprintf(ctx, "Control%s%s", b->time != FL_TIME_UNKNOWN ? ", " : "",
                               fl_format_time(t, sizeof t, b->time)), NULL, NULL);
    for (int s = 0; s < r->nstatus && !rc; s++) {
        double share = r->scope_km2 > 0 ? 100 * r->status_km2[s] / r->scope_km2 : 0;
        rc = add_row(ctx, r, ROW_STATUS, r->status_rgb[s], -1,
                     capitalised(ctx, fl_profile_status_name(p, s)), km2_text(ctx, r->status_km2[s]),
                     xasprintf(ctx, "%.1f %%", share));
    }
    if (!rc)
        rc = add_row(ctx, r, ROW_FRONT, black, -1,
                     xasprintf(ctx, "%s", strcmp(r->scope, "territory") ? "Frontline, all of it"
                                                                         : "Frontline"),
                     xasprintf(ctx, "%s km", fl_format_number(n, sizeof n, r->front_km, 0)), NULL);
    if (rc || !r->has_diff)
        return rc;
    rc = add_row(ctx, r, ROW_HEADER, black, -1,
                 xasprintf(ctx, "Changed since %s", a->time != FL_TIME_UNKNOWN
                                                        ? fl_format_time(t, sizeof t, a->time)
                                                        : base_name(a->path)), NULL, NULL);
    bool any = false;
    for (int cls = 0; cls < NCLASS && !rc; cls++) {
        double total = 0;
        int count = 0;
        for (int i = 0; i < r->ntrans; i++)
            if (r->trans[i].cls == cls) {
                total += r->trans[i].km2;
                count++;
            }
        if (!count)
            continue;
        any = true;
        rc = add_row(ctx, r, ROW_CLASS, fl_rgb_parse(classes[cls].colour), cls,
                     class_title(ctx, r, cls), km2_text(ctx, total), NULL);
        for (int i = 0; i < r->ntrans && !rc; i++)
            if (r->trans[i].cls == cls && count > 1)
                rc = add_row(ctx, r, ROW_TRANSITION, black, cls,
                             xasprintf(ctx, "%s → %s", fl_profile_status_name(p, r->trans[i].from),
                                       fl_profile_status_name(p, r->trans[i].to)),
                             km2_text(ctx, r->trans[i].km2), NULL);
            else if (r->trans[i].cls == cls)
                rc = add_row(ctx, r, ROW_TRANSITION, black, cls,
                             xasprintf(ctx, "%s → %s", fl_profile_status_name(p, r->trans[i].from),
                                       fl_profile_status_name(p, r->trans[i].to)), NULL, NULL);
    }
    if (!rc && !any)
        rc = add_row(ctx, r, ROW_NOTE, black, -1, xasprintf(ctx, "No change of status"), NULL, NULL);
    if (!rc && r->outside_km2 >= 0.05)
        rc = add_row(ctx, r, ROW_NOTE, black, -1,
                     xasprintf(ctx, "Outside the territory, not drawn: %s km²",
                               fl_format_number(n, sizeof n, r->outside_km2, 1)), NULL, NULL);
    int changed = 0;
    for (int i = 0; i < r->nmarks; i++)
        changed += r->marks[i].cls >= 0;
    if (rc || !changed)
        return rc;
    rc = add_row(ctx, r, ROW_HEADER, black, -1, xasprintf(ctx, "Places that changed status (%d)",
                                                          changed), NULL, NULL);
    int listed = 0, max_listed = 14;
    for (int i = 0; i < r->nmarks && !rc; i++) {
        const mark *m = &r->marks[i];
        if (m->cls < 0)
            continue;
        if (listed++ == max_listed) {
            rc = add_row(ctx, r, ROW_NOTE, black, -1,
                         xasprintf(ctx, "and %d more (frontline diff lists them)",
                                   changed - max_listed), NULL, NULL);
            break;
        }
        rc = add_row(ctx, r, ROW_PLACE, fl_rgb_parse(classes[m->cls].colour), m->cls,
                     fl_strdup(ctx, r->mark_name[i]),
                     xasprintf(ctx, "%s → %s", fl_profile_status_name(p, m->from),
                               fl_profile_status_name(p, m->to)), NULL);
    }
    return rc;
}

/* Legend row heights and baselines; returns the height used. */
static double layout_legend(fl_render *r)
{
    double u = r->u, y = r->side.y0;
    for (int i = 0; i < r->nrows; i++) {
        legend_row *row = &r->rows[i];
        switch (row->kind) {
        case ROW_HEADER: y += (i ? 34 : 16) * u; break;
        case ROW_STATUS: case ROW_FRONT: case ROW_CLASS: y += 26 * u; break;
        case ROW_TRANSITION: case ROW_PLACE: y += 20 * u; break;
        case ROW_NOTE: y += 22 * u; break;
        }
        row->y = y;
        if (row->kind == ROW_HEADER)
            y += 4 * u;
    }
    return y + 10 * u - r->side.y0;
}

/* ---- labels -------------------------------------------------------------------------- */

typedef struct placer {
    box *v;
    int n, cap;
    box area; /* labels stay inside */
} placer;

static bool placer_free(const placer *pl, const box *b)
{
    if (!box_inside(b, &pl->area))
        return false;
    for (int i = 0; i < pl->n; i++)
        if (boxes_overlap(b, &pl->v[i]))
            return false;
    return true;
}

/* Whether the segment (x0, y0) -> (x1, y1) crosses b (Liang-Barsky clipping). */
static bool segment_hits(double x0, double y0, double x1, double y1, const box *b)
{
    double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    double p[4] = {-dx, dx, -dy, dy}, q[4] = {x0 - b->x0, b->x1 - x0, y0 - b->y0, b->y1 - y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = fmax(t0, t);
        else
            t1 = fmin(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

/* A leader line keeps off every box but its own marker's. */
static bool placer_leader_free(const placer *pl, const box *own, double x0, double y0, double x1,
                               double y1)
{
    for (int i = 0; i < pl->n; i++) {
        const box *b = &pl->v[i];
        bool mine = b->x0 == own->x0 && b->y0 == own->y0 && b->x1 == own->x1 && b->y1 == own->y1;
        if (!mine && segment_hits(x0, y0, x1, y1, b))
            return false;
    }
    return true;
}

static int placer_add(fl_ctx *ctx, placer *pl, box b)
{
    if (pl->n == pl->cap) {
        int cap = pl->cap ? pl->cap * 2 : 64;
        box *v = fl_realloc(ctx, pl->v, (size_t)cap, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        pl->v = v;
        pl->cap = cap;
    }
    pl->v[pl->n++] = b;
    return FL_OK;
}

static int add_label(fl_ctx *ctx, fl_render *r, label l)
{
    label *v = fl_realloc(ctx, r->labels, (size_t)r->nlabels + 1, sizeof *v);
    if (!v || !l.text) {
        free(l.text);
        return FL_ENOMEM;
    }
    r->labels = v;
    v[r->nlabels++] = l;
    return FL_OK;
}

/* Tries to place text next to the point (px, py) with a marker of radius rad: eight positions
 * around it, then (when far is set) further out with a leader line. Returns 1 when placed,
 * 0 when there is no room, or an error code (negative). */
static int place_label(fl_ctx *ctx, fl_render *r, placer *pl, cairo_t *m, const char *text,
                       double px, double py, double rad, double size, bool bold, fl_rgb colour,
                       bool far)
{
    fl_canvas_font(m, size, bold);
    cairo_font_extents_t fe;
    cairo_font_extents(m, &fe);
    double w = fl_canvas_text_width(m, text), asc = size * 0.76, desc = size * 0.24;
    double g = rad + 3 * r->u, pad = 1.5 * r->u;
    /* baseline start (x, y) candidates, nearest first */
    double cand[8][2] = {
        {px + g, py + asc / 2 - desc / 2},     {px - g - w, py + asc / 2 - desc / 2},
        {px + g * 0.7, py - g * 0.7 - desc},   {px + g * 0.7, py + g * 0.7 + asc},
        {px - g * 0.7 - w, py - g * 0.7 - desc}, {px - g * 0.7 - w, py + g * 0.7 + asc},
        {px - w / 2, py - g - desc},           {px - w / 2, py + g + asc},
    };
    for (int i = 0; i < 8; i++) {
        box b = {cand[i][0] - pad, cand[i][1] - asc - pad, cand[i][0] + w + pad,
                 cand[i][1] + desc + pad};
        if (!placer_free(pl, &b))
            continue;
        if (placer_add(ctx, pl, b))
            return -FL_ENOMEM;
        label l = {fl_strdup(ctx, text), cand[i][0], cand[i][1], size, bold, colour, false,
                   0, 0, 0, 0};
        return add_label(ctx, r, l) ? -FL_ENOMEM : 1;
    }
    if (!far)
        return 0;
    for (int ring = 1; ring <= 6; ring++) {
        double d = g + ring * 1.6 * size;
        for (int k = 0; k < 16; k++) {
            double a = k * M_PI / 8 + (ring % 2) * M_PI / 16;
            double cx = px + d * cos(a), cy = py - d * sin(a); /* a point of the label's edge */
            double x = cos(a) >= 0 ? cx : cx - w, y = cy + (asc - desc) / 2;
            if (fabs(cos(a)) < 0.3)
                x = cx - w / 2, y = sin(a) > 0 ? cy : cy + asc;
            box b = {x - pad, y - asc - pad, x + w + pad, y + desc + pad};
            if (!placer_free(pl, &b))
                continue;
            /* the leader ends at the box edge nearest the point */
            double lx = fmin(fmax(px, b.x0 + pad), b.x1 - pad);
            double ly = fmin(fmax(py, b.y0 + pad), b.y1 - pad);
            double ax = px + rad * (lx - px) / hypot(lx - px, ly - py);
            double ay = py + rad * (ly - py) / hypot(lx - px, ly - py);
            box own = {px - rad - 0.5 * r->u, py - rad - 0.5 * r->u, px + rad + 0.5 * r->u,
                       py + rad + 0.5 * r->u}; /* as mark_box */
            if (!placer_leader_free(pl, &own, ax, ay, lx, ly))
                continue;
            if (placer_add(ctx, pl, b))
                return -FL_ENOMEM;
            label l = {fl_strdup(ctx, text), x, y, size, bold, colour, true, ax, ay, lx, ly};
            return add_label(ctx, r, l) ? -FL_ENOMEM : 1;
        }
    }
    return 0;
}

static double population(const fl_places *p, int i)
{
    const char *s = fl_places_attr(p, i, "population");
    double v = *s ? strtod(s, NULL) : 0;
    return isfinite(v) ? v : 0;
}

static int by_population_desc(const void *x, const void *y, void *data)
{
    const fl_places *places = ((const const_data *)data)->p;
    double a = population(places, *(const int *)x), b = population(places, *(const int *)y);
    return a < b ? 1 : a > b ? -1 : *(const int *)x - *(const int *)y;
}

static int add_mark(fl_ctx *ctx, fl_render *r, const fl_places *p, int i, mark m)
{
    size_t n = (size_t)r->nmarks + 1;
    mark *v = fl_realloc(ctx, r->marks, n, sizeof *v);
    if (v)
        r->marks = v;
    char **nm = v ? fl_realloc(ctx, r->mark_name, n, sizeof *nm) : NULL;
    if (nm)
        r->mark_name = nm;
    char **id = nm ? fl_realloc(ctx, r->mark_id, n, sizeof *id) : NULL;
    if (id)
        r->mark_id = id;
    double *la = id ? fl_realloc(ctx, r->mark_lat, n, sizeof *la) : NULL;
    if (la)
        r->mark_lat = la;
    double *lo = la ? fl_realloc(ctx, r->mark_lon, n, sizeof *lo) : NULL;
    if (!lo)
        return FL_ENOMEM;
    r->mark_lon = lo;
    r->mark_name[r->nmarks] = fl_strdup(ctx, fl_places_name(p, i));
    r->mark_id[r->nmarks] = fl_strdup(ctx, fl_places_id(p, i));
    r->mark_lat[r->nmarks] = fl_places_lat(p, i);
    r->mark_lon[r->nmarks] = fl_places_lon(p, i);
    r->marks[r->nmarks++] = m;
    return r->mark_name[r->nmarks - 1] && r->mark_id[r->nmarks - 1] ? FL_OK : FL_ENOMEM;
}

static double mark_radius(const fl_render *r, const mark *m)
{
    return (m->cls >= 0 ? 5.5 : 3.6) * r->u;
}

static box mark_box(const fl_render *r, const mark *m)
{
    double rad = mark_radius(r, m) + 0.5 * r->u;
    return (box){m->x - rad, m->y - rad, m->x + rad, m->y + rad};
}

/* A short display name for a region: "Donetsk Oblast" -> "DONETSK". */
static char *region_label(fl_ctx *ctx, const char *name)
{
    const char *prefix = "Autonomous Republic of ";
    if (!strncmp(name, prefix, strlen(prefix)))
        name += strlen(prefix);
    char *s = fl_strdup(ctx, name);
    if (!s)
        return NULL;
    const char *suffixes[] = {" Oblast", " oblast", " Region"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t n = strlen(s), m = strlen(suffixes[i]);
        if (n > m && !strcmp(s + n - m, suffixes[i]))
            s[n - m] = '\0';
    }
    upper_ascii(s);
    return s;
}

static int region_labels(fl_ctx *ctx, fl_render *r, const fl_regions *reg, placer *pl,
                         cairo_t *m)
{
    double size = 11.5 * r->u;
    for (int k = 0; k < reg->n; k++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, reg->geom[k]);
        GEOSGeometry *c = GEOSGetCentroid_r(ctx->geos, reg->geom[k]);
        double lon, lat, x, y;
        bool ok = pt && c;
        if (ok && GEOSPreparedContains_r(ctx->geos, reg->prep[k], c) == 1)
            ok = GEOSGeomGetX_r(ctx->geos, c, &lon) && GEOSGeomGetY_r(ctx->geos, c, &lat);
        else if (ok)
            ok = GEOSGeomGetX_r(ctx->geos, pt, &lon) && GEOSGeomGetY_r(ctx->geos, pt, &lat);
        destroy(ctx, pt);
        destroy(ctx, c);
        if (!ok || !project(r, lon, lat, &x, &y))
            continue;
        char *text = region_label(ctx, reg->name[k]);
        if (!text)
            return FL_ENOMEM;
        fl_canvas_font(m, size, false);
        double w = fl_canvas_text_width(m, text);
        /* the region must be large enough on the map for its name */
        double x0, y0, x1, y1, wb = 0;
        if (project(r, reg->bbox[k][0], (reg->bbox[k][1] + reg->bbox[k][3]) / 2, &x0, &y0) &&
            project(r, reg->bbox[k][2], (reg->bbox[k][1] + reg->bbox[k][3]) / 2, &x1, &y1))
            wb = fabs(x1 - x0);
        if (wb < w * 1.5) {
            free(text);
            continue;
        }
        double shifts[] = {0, -1.2, 1.2, -2.4, 2.4};
        for (size_t s = 0; s < sizeof shifts / sizeof *shifts; s++) {
            double bx = x - w / 2, by = y + size * 0.35 + shifts[s] * size;
            box b = {bx - r->u, by - size * 0.8, bx + w + r->u, by + size * 0.3};
            if (!placer_free(pl, &b))
                continue;
            if (placer_add(ctx, pl, b)) {
                free(text);
                return FL_ENOMEM;
            }
            label l = {text, bx, by, size, false, {0.33, 0.33, 0.33}, false, 0, 0, 0, 0};
            text = NULL;
            if (add_label(ctx, r, l))
                return FL_ENOMEM;
            break;
        }
        free(text);
    }
    return FL_OK;
}

/* Places: those that changed status (marked, and labelled when there is room, with a
 * leader if need be), then the largest by population. */
static int place_marks(fl_ctx *ctx, fl_render *r, const fl_render_options *o,
                       const fl_regions *reg, const int *sa, const int *sb, cairo_t *m)
{
    const fl_places *p = o->places;
    double u = r->u;
    placer pl = {.area = {r->map.x0 + 4 * u, r->map.y0 + 4 * u, r->map.x1 - 4 * u,
                          r->map.y1 - 4 * u}};
    int rc = placer_add(ctx, &pl, r->scale_box), *order = NULL;
    if (!rc && r->inset) { /* the inset and the focus keep labels off */
        const box *ib = &r->inset->map;
        box f = r->focus;
        rc = placer_add(ctx, &pl, (box){ib->x0 - 8 * u, ib->y0 - 8 * u, ib->x1 + 8 * u, ib->y1 + 8 * u});
        if (!rc)
            rc = placer_add(ctx, &pl, (box){f.x0 - 2 * u, f.y0 - 2 * u, f.x1 + 2 * u, f.y1 + 2 * u});
    }
    if (!rc && r->caption) {
        fl_canvas_font(m, 13 * u, true);
        rc = placer_add(ctx, &pl, (box){r->map.x0, r->map.y0, r->map.x0 + 16 * u +
                                        fl_canvas_text_width(m, r->caption), r->map.y0 + 26 * u});
    }
    if (!rc && p && p->n && !(order = fl_calloc(ctx, (size_t)p->n, sizeof *order)))
        rc = FL_ENOMEM;
    int n = p && sb && !rc ? p->n : 0;
    /* changed places, in file order: markers first (they are obstacles to every label) */
    for (int i = 0; i < n && !rc && sa; i++) {
        double x, y;
        if (sa[i] == sb[i] || sa[i] < 0 || sb[i] < 0 ||
            !project(r, p->lon[i], p->lat[i], &x, &y) || x < r->map.x0 || x > r->map.x1 ||
            y < r->map.y0 || y > r->map.y1)
            continue;
        mark mk = {i, x, y, sb[i], sa[i], sb[i], transition_class(r->profile, sa[i], sb[i]), false,
                   false};
        if (r->inset && x >= r->focus.x0 && x <= r->focus.x1 && y >= r->focus.y0 && y <= r->focus.y1) {
            mk.in_focus = true; /* shown in the inset */
            for (int k = 0; k < r->inset->nmarks; k++)
                if (r->inset->marks[k].place == i)
                    mk.labelled = r->inset->marks[k].labelled;
            rc = add_mark(ctx, r, p, i, mk);
            continue;
        }
        if (!(rc = add_mark(ctx, r, p, i, mk)))
            rc = placer_add(ctx, &pl, mark_box(r, &mk));
    }
    /* the largest places, by population: their markers are reserved before any label is
     * placed, so that the labels of changed places keep off the main cities */
    int max = o->max_cities ? o->max_cities : 16, ncity = 0;
    for (int i = 0; i < n; i++)
        order[i] = i;
    if (n)
        qsort_r(order, (size_t)n, sizeof *order, by_population_desc, &(const_data){p});
    int first_city = r->nmarks, first_box = pl.n;
    for (int k = 0; k < n && !rc && max > 0 && ncity < max; k++) {
        int i = order[k];
        if (population(p, i) <= 0)
            break;
        double x, y;
        if ((sa && sa[i] != sb[i]) || !project(r, p->lon[i], p->lat[i], &x, &y) ||
            x < pl.area.x0 || x > pl.area.x1 || y < pl.area.y0 || y > pl.area.y1)
            continue;
        mark mk = {i, x, y, sb[i], sb[i], sb[i], -1, false, false};
        box mb = mark_box(r, &mk);
        if (!placer_free(&pl, &mb))
            continue;
        if (!(rc = placer_add(ctx, &pl, mb)))
            rc = add_mark(ctx, r, p, i, mk);
        ncity++;
    }
    for (int k = 0; k < first_city && !rc && !o->no_labels; k++) {
        mark *mk = &r->marks[k];
        if (mk->in_focus)
            continue;
        int got = place_label(ctx, r, &pl, m, r->mark_name[k], mk->x, mk->y, mark_radius(r, mk),
                              13 * r->u, true, (fl_rgb){0.08, 0.08, 0.08}, true);
        if (got < 0)
            rc = -got;
        mk->labelled = got == 1;
    }
    bool regions_done = o->no_labels || r->is_inset;
    for (int k = first_city; k < r->nmarks && !rc && !o->no_labels; k++) {
        if (!regions_done && k - first_city == 5) {
            rc = region_labels(ctx, r, reg, &pl, m);
            regions_done = true;
        }
        mark *mk = &r->marks[k];
        double pop = population(p, mk->place);
        double size = (pop >= 1e6 ? 14 : pop >= 3e5 ? 12.5 : 11.5) * r->u;
        int got = rc ? 0 : place_label(ctx, r, &pl, m, r->mark_name[k], mk->x, mk->y,
                                       mark_radius(r, mk), size, pop >= 1e6,
                                       (fl_rgb){0.13, 0.13, 0.13}, false);
        if (got < 0)
            rc = -got;
        mk->labelled = got == 1;
        if (!got) /* the city's marker no longer stands in the way */
            pl.v[first_box + k - first_city] = (box){-1e9, -1e9, -1e9, -1e9};
    }
    /* cities left without a name are left out */
    int kept = first_city;
    for (int k = first_city; k < r->nmarks; k++) {
        if (r->marks[k].labelled || o->no_labels) {
            r->marks[kept] = r->marks[k];
            r->mark_name[kept] = r->mark_name[k];
            r->mark_id[kept] = r->mark_id[k];
            r->mark_lat[kept] = r->mark_lat[k];
            r->mark_lon[kept] = r->mark_lon[k];
            kept++;
        } else {
            free(r->mark_name[k]);
            free(r->mark_id[k]);
        }
    }
    r->nmarks = kept;
    if (!rc && !regions_done)
        rc = region_labels(ctx, r, reg, &pl, m);
    free(order);
    free(pl.v);
    return rc;
}

/* ---- geometry -------------------------------------------------------------------------- */

static int make_geometry(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
                         const fl_regions *reg, const fl_diff *d, double tolerance_km, int region)
{
    double clip[4];
    view_lonlat(ctx, r, clip);
    int n = r->nstatus;
    GEOSGeometry **layers = fl_calloc(ctx, (size_t)n, sizeof *layers);
    if (!layers || !(r->fill = fl_calloc(ctx, (size_t)n, sizeof *r->fill))) {
        free(layers);
        return FL_ENOMEM;
    }
    int rc = fl_snapshot_clip(ctx, shown, reg, layers);
    for (int s = 0; s < n - 1 && !rc; s++)
        if (!(r->fill[s] = to_view(ctx, r, layers[s], clip)))
            rc = ctx->err;
    for (int s = 0; s < n && layers[0]; s++)
        destroy(ctx, layers[s]);
    free(layers);
    if (!rc && !(r->territory = to_view(ctx, r, reg->territory, clip)))
        rc = ctx->err;
    GEOSGeometry *bd = rc ? NULL : GEOSBoundary_r(ctx->geos, reg->territory);
    GEOSGeometry **lines = rc ? NULL : fl_calloc(ctx, (size_t)reg->n + 1, sizeof *lines);
    if (!rc && (!bd || !lines))
        rc = bd ? FL_ENOMEM : fl_geos_error(ctx, "region outlines");
    destroy(ctx, bd);
    for (int k = 0; k < reg->n && !rc; k++)
        if (!(lines[k] = GEOSBoundary_r(ctx->geos, reg->geom[k])))
            rc = fl_geos_error(ctx, "region outlines");
    GEOSGeometry *coll = NULL;
    if (!rc && !(coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, lines,
                                                    (unsigned)reg->n)))
        rc = fl_geos_error(ctx, "region outlines");
    if (coll) {
        r->borders = to_view(ctx, r, coll, clip);
        GEOSGeom_destroy_r(ctx->geos, coll);
        if (!r->borders)
            rc = ctx->err;
    } else if (lines) {
        for (int k = 0; k < reg->n; k++)
            destroy(ctx, lines[k]);
    }
    free(lines);
    if (!rc && region >= 0) {
        GEOSGeometry *line = GEOSBoundary_r(ctx->geos, reg->geom[region]);
        if (!line || !(r->scope_line = to_view(ctx, r, line, clip)))
            rc = line ? ctx->err : fl_geos_error(ctx, "the region's outline");
        destroy(ctx, line);
    }
    /* the frontline */
    fl_front *f = NULL;
    if (!rc && !(rc = fl_front_new(ctx, shown, reg, tolerance_km, &f))) {
        r->front_km = fl_front_km(f);
        if (!(r->front = to_view(ctx, r, fl_front_line(f), clip)))
            rc = ctx->err;
    }
    fl_front_free(f);
    /* the changed pieces, clipped to the territory, as one union per class so that
     * neighbouring pieces share one outline */
    if (rc || !d)
        return rc;
    GEOSGeometry **all = fl_calloc(ctx, (size_t)d->npieces + 1, sizeof *all);
    GEOSGeometry **big = all ? fl_calloc(ctx, (size_t)d->npieces + 1, sizeof *big) : NULL;
    for (int cls = 0; cls < NCLASS && big && !rc; cls++) {
        size_t na = 0, nb = 0;
        for (int i = 0; i < d->npieces && !rc; i++) {
            const fl_piece *pc = &d->pieces[i];
            if (pc->from < 0 || pc->to < 0 || transition_class(r->profile, pc->from, pc->to) != cls)
                continue; /* to or from outside the territory: not drawn */
            double pb[4];
            fl_geom_bounds(ctx, d->piece_geom[i], pb);
            if (!fl_bounds_overlap(pb, clip))
                continue;
            GEOSGeometry *in = GEOSPreparedContains_r(ctx->geos, reg->territory_prep,
                                                      d->piece_geom[i]) == 1
                                   ? GEOSGeom_clone_r(ctx->geos, d->piece_geom[i])
                                   : fl_intersection(ctx, d->piece_geom[i], reg->territory);
            GEOSGeometry *copy = in && pc->km2 >= HALO_MIN_KM2 ? GEOSGeom_clone_r(ctx->geos, in)
                                                               : NULL;
            if (!in || (pc->km2 >= HALO_MIN_KM2 && !copy)) {
                destroy(ctx, in);
                rc = ctx->err ? ctx->err : fl_geos_error(ctx, "copying a piece");
                break;
            }
            all[na++] = in;
            if (copy)
                big[nb++] = copy;
        }
        if (rc) {
            while (na)
                destroy(ctx, all[--na]);
            while (nb)
                destroy(ctx, big[--nb]);
            break;
        }
        GEOSGeometry *ua = na ? fl_union_all(ctx, all, na) : NULL;
        GEOSGeometry *ub = nb ? fl_union_all(ctx, big, nb) : NULL;
        if ((na && !ua) || (nb && !ub))
            rc = ctx->err ? ctx->err : FL_EGEOS;
        if (!rc && ua && !(r->cls_fill[cls] = to_view(ctx, r, ua, clip)))
            rc = ctx->err;
        if (!rc && ub && !(r->cls_halo[cls] = to_view(ctx, r, ub, clip)))
            rc = ctx->err;
        destroy(ctx, ua);
        destroy(ctx, ub);
    }
    if (!big && !rc)
        rc = FL_ENOMEM;
    free(all);
    free(big);
    return rc;
}

/* ---- fl_render_new ------------------------------------------------------------------- */

static int check_options(fl_ctx *ctx, const fl_render_options *o, const fl_regions *reg,
                         int *region)
{
    *region = FL_REGION_ALL;
    if (o->width < 0 || (o->width > 0 && (o->width < 640 || o->width > 16000)))
        return fl_error(ctx, FL_EARG, "map width %d is out of range (640 .. 16000)", o->width);
    if (o->region && (*region = fl_regions_find(reg, o->region)) < 0)
        return fl_error(ctx, FL_EARG, "no region '%s' (codes are like UA-DT)", o->region);
    const double *b = o->bbox;
    bool any = b[0] || b[1] || b[2] || b[3];
    if (any && !(b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] < b[2] &&
                 b[1] < b[3]))
        return fl_error(ctx, FL_EARG, "bbox %g,%g,%g,%g is not west,south,east,north in degrees "
                        "with west < east and south < north", b[0], b[1], b[2], b[3]);
    if (any && o->region)
        return fl_error(ctx, FL_EARG, "give a region or a bbox, not both");
    if (!(o->front_tolerance_km >= 0))
        return fl_error(ctx, FL_EARG, "frontline tolerance %g km is not >= 0",
                        o->front_tolerance_km);
    return FL_OK;
}

/* The view and the boxes of the picture. */
static int layout(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_regions *reg,
                  int region, const fl_snapshot *shown, const box *inset_box)
{
    const double *b = o->bbox;
    const GEOSGeometry *extent_of = NULL;
    GEOSGeometry *tmp = NULL;
    if (b[0] || b[1] || b[2] || b[3]) {
        memcpy(r->view, b, sizeof r->view);
    } else if (region >= 0) {
        memcpy(r->view, reg->bbox[region], sizeof r->view);
        extent_of = reg->geom[region];
    } else {
        fl_geom_bounds(ctx, reg->territory, r->view);
        extent_of = reg->territory;
        if (!(r->view[2] > r->view[0])) { /* no territory: what the snapshot draws */
            fl_snapshot_bounds(shown, r->view);
            extent_of = NULL;
        }
        if (!(r->view[2] > r->view[0]))
            return fl_error(ctx, FL_EARG, "nothing to draw: no regions and an empty snapshot");
    }
    int rc = make_projection(ctx, r);
    if (rc)
        return rc;
    if (!extent_of && !(extent_of = tmp = bbox_polygon(ctx, r->view)))
        return fl_geos_error(ctx, "the view");
    rc = projected_extent(ctx, r, extent_of, r->ext);
    destroy(ctx, tmp);
    if (rc)
        return rc;
    double u = r->u, m = 28 * u, side_w = fmin(440 * u, 0.4 * r->width);
    r->map = inset_box ? *inset_box : (box){m, 112 * u, r->width - 2 * m - side_w, 0};
    double wm = r->map.x1 - r->map.x0;
    double ew = r->ext[2] - r->ext[0], eh = r->ext[3] - r->ext[1];
    /* a margin around what is shown (an inset's view has one already) */
    double margin = inset_box ? 0 : 0.025;
    r->ext[0] -= ew * margin, r->ext[2] += ew * margin, r->ext[1] -= eh * margin, r->ext[3] += eh * margin;
    ew *= 1 + 2 * margin, eh *= 1 + 2 * margin;
    double hm = inset_box ? inset_box->y1 - inset_box->y0
                          : fmin(fmax(wm * eh / ew, 0.55 * wm), 1.3 * wm);
    /* fill the box: widen the extent along the short side */
    if (hm / wm > eh / ew) {
        double grow = (hm / wm * ew - eh) / 2;
        r->ext[1] -= grow, r->ext[3] += grow;
    } else {
        double grow = (eh * wm / hm - ew) / 2;
        r->ext[0] -= grow, r->ext[2] += grow;
    }
    r->scale = wm / (r->ext[2] - r->ext[0]);
    r->map.y1 = r->map.y0 + hm;
    r->side = (box){r->map.x1 + m, r->map.y0, r->width - m, r->map.y1};
    /* the scale bar: a round length near a fifth of the map width */
    double target_km = wm / (inset_box ? 4 : 5) / r->scale / 1000;
    double p10 = pow(10, floor(log10(target_km)));
    double steps[] = {1, 2, 5, 10};
    r->scale_km = p10;
    for (int i = 0; i < 4; i++)
        if (steps[i] * p10 <= target_km)
            r->scale_km = steps[i] * p10;
    r->scale_px = r->scale_km * 1000 * r->scale;
    r->scale_box = (box){r->map.x0 + 10 * u, r->map.y1 - 40 * u,
                         r->map.x0 + 30 * u + r->scale_px + 40 * u, r->map.y1};
    return FL_OK;
}

static int legend_figures(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
                          const fl_regions *reg, int region, const fl_diff *d)
{
    fl_areas *areas = NULL;
    int rc = fl_areas_new(ctx, shown, reg, &areas);
    if (rc)
        return rc;
    r->scope_km2 = region >= 0 ? fl_regions_area_km2(reg, region) : fl_regions_territory_km2(reg);
    for (int s = 0; s < r->nstatus; s++)
        r->status_km2[s] = fl_areas_km2(areas, region, s);
    fl_areas_free(areas);
    if (!d)
        return FL_OK;
    if (!(r->trans = fl_calloc(ctx, (size_t)(r->nstatus * r->nstatus), sizeof *r->trans)))
        return FL_ENOMEM;
    for (int a = 0; a < r->nstatus; a++)
        for (int b = 0; b < r->nstatus; b++) {
            double km2 = fl_diff_km2(d, region, a, b);
            if (a != b && km2 > 0)
                r->trans[r->ntrans++] = (transition_entry){a, b,
                                                           transition_class(r->profile, a, b), km2};
        }
    for (int s = 0; s < r->nstatus; s++)
        r->outside_km2 += fl_diff_km2(d, region, s, FL_STATUS_NONE) +
                          fl_diff_km2(d, region, FL_STATUS_NONE, s);
    return FL_OK;
}

static int titles(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                  const fl_snapshot *b, const fl_regions *reg, int region)
{
    char ta[64], tb[64];
    const char *na = a->time != FL_TIME_UNKNOWN ? fl_format_time(ta, sizeof ta, a->time)
                                                : base_name(a->path);
    const char *nb = b->time != FL_TIME_UNKNOWN ? fl_format_time(tb, sizeof tb, b->time)
                                                : base_name(b->path);
    const char *where = region >= 0 ? reg->name[region] : NULL;
    if (o->title)
        r->title = fl_strdup(ctx, o->title);
    else if (r->has_diff)
        r->title = xasprintf(ctx, "%s%sControl changes, %s → %s", where ? where : "",
                             where ? ": " : "", na, nb);
    else
        r->title = xasprintf(ctx, "%s%sTerritorial control, %s", where ? where : "",
                             where ? ": " : "", na);
    if (r->has_diff)
        r->subtitle = xasprintf(ctx, "Fills: control in %s. Highlighted: ground whose status "
                                "changed since %s. Areas geodesic, within %s.", base_name(b->path),
                                base_name(a->path), where ? where : "the territory");
    else
        r->subtitle = xasprintf(ctx, "Control as drawn in %s. Areas geodesic, within %s.",
                                base_name(b->path), where ? where : "the territory");
    r->attribution = fl_strdup(ctx, o->attribution ? o->attribution : DEFAULT_ATTRIBUTION);
    double lat0 = (r->view[1] + r->view[3]) / 2, lon0 = (r->view[0] + r->view[2]) / 2;
    r->footer = xasprintf(ctx, "Lambert azimuthal equal-area, centre %.1f° %s %.1f° %s · "
                          "frontline %s", fabs(lat0), lat0 >= 0 ? "N" : "S", fabs(lon0),
                          lon0 >= 0 ? "E" : "W", fl_version());
    r->scope = fl_strdup(ctx, region >= 0 ? reg->code[region] : "territory");
    return r->title && r->subtitle && r->attribution && r->footer && r->scope ? FL_OK : FL_ENOMEM;
}

/* ---- the inset ------------------------------------------------------------------------ */

static int build_map(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                     const fl_snapshot *b, const fl_regions *reg, const fl_diff *d, int region,
                     const box *inset_box, const int *sa, const int *sb);

static int find_root(int *parent, int i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Area of g (picture coordinates) inside b. */
static double area_in(fl_ctx *ctx, const GEOSGeometry *g, const box *b)
{
    if (!g)
        return 0;
    GEOSGeometry *c = GEOSClipByRect_r(ctx->geos, g, b->x0, b->y0, b->x1, b->y1);
    double a = 0;
    if (c && GEOSArea_r(ctx->geos, c, &a) != 1)
        a = 0;
    destroy(ctx, c);
    return a;
}

/* When changed places crowd (three or more whose markers would overlap), a detail map of the
 * densest cluster goes into the emptiest corner of the map, and the area it shows is
 * outlined. */
static int make_inset(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                      const fl_snapshot *b, const fl_regions *reg, const fl_diff *d,
                      const int *sa, const int *sb)
{
    const fl_places *p = o->places;
    double u = r->u, near = 2 * 5.5 * u + 6 * u; /* marker diameter and a gap */
    int n = 0, *idx = fl_calloc(ctx, (size_t)p->n + 1, sizeof *idx);
    double *xy = idx ? fl_calloc(ctx, 2 * (size_t)p->n + 2, sizeof *xy) : NULL;
    int *parent = xy ? fl_calloc(ctx, (size_t)p->n + 1, sizeof *parent) : NULL;
    if (!parent) {
        free(idx);
        free(xy);
        return FL_ENOMEM;
    }
    for (int i = 0; i < p->n && n < 4000; i++) {
        double x, y;
        if (sa[i] == sb[i] || sa[i] < 0 || sb[i] < 0 || !project(r, p->lon[i], p->lat[i], &x, &y) ||
            x < r->map.x0 || x > r->map.x1 || y < r->map.y0 || y > r->map.y1)
            continue;
        idx[n] = i;
        xy[2 * n] = x, xy[2 * n + 1] = y;
        parent[n] = n;
        n++;
    }
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]) < near)
                parent[find_root(parent, i)] = find_root(parent, j);
    int best = -1, best_n = 2; /* three places at least: two get leaders on the map */
    for (int i = 0; i < n; i++) {
        int root = find_root(parent, i), count = 0;
        if (root != i)
            continue;
        for (int j = 0; j < n; j++)
            count += find_root(parent, j) == root;
        if (count > best_n)
            best = root, best_n = count;
    }
    int rc = FL_OK;
    if (best < 0)
        goto done;
    /* the cluster's box, with room around it, in degrees */
    double ll[4] = {180, 90, -180, -90};
    int named = -1;
    double named_pop = -1;
    for (int j = 0; j < n; j++) {
        if (find_root(parent, j) != best)
            continue;
        int i = idx[j];
        ll[0] = fmin(ll[0], p->lon[i]), ll[1] = fmin(ll[1], p->lat[i]);
        ll[2] = fmax(ll[2], p->lon[i]), ll[3] = fmax(ll[3], p->lat[i]);
        double pop = population(p, i);
        if (pop > named_pop)
            named = i, named_pop = pop;
    }
    double lat = (ll[1] + ll[3]) / 2, kx = 111.32 * cos(lat * M_PI / 180), ky = 110.6;
    double wkm = (ll[2] - ll[0]) * kx, hkm = (ll[3] - ll[1]) * ky;
    double pad = fmax(0.35 * fmax(wkm, hkm), 12);
    double side = fmax(wkm, hkm) + 2 * pad; /* square-ish */
    double cx = (ll[0] + ll[2]) / 2, cy = lat;
    ll[0] = cx - side / 2 / kx, ll[2] = cx + side / 2 / kx;
    ll[1] = cy - side / 2 / ky, ll[3] = cy + side / 2 / ky;
    double fx0, fy0, fx1, fy1;
    if (!project(r, ll[0], ll[3], &fx0, &fy0) || !project(r, ll[2], ll[1], &fx1, &fy1))
        goto done;
    box focus = {fmin(fx0, fx1), fmin(fy0, fy1), fmax(fx0, fx1), fmax(fy0, fy1)};
    double wm = r->map.x1 - r->map.x0, hm = r->map.y1 - r->map.y0;
    if (focus.x1 - focus.x0 > 0.3 * wm) /* not a small cluster: the map shows it */
        goto done;
    /* the emptiest corner: least territory and least change under it */
    double iw = fmin(0.34 * wm, 0.5 * hm), ih = iw, gap = 10 * u;
    box corners[4] = {
        {r->map.x0 + gap, r->map.y0 + gap, r->map.x0 + gap + iw, r->map.y0 + gap + ih},
        {r->map.x1 - gap - iw, r->map.y0 + gap, r->map.x1 - gap, r->map.y0 + gap + ih},
        {r->map.x1 - gap - iw, r->map.y1 - gap - ih, r->map.x1 - gap, r->map.y1 - gap},
        {r->map.x0 + gap, r->map.y1 - gap - ih, r->map.x0 + gap + iw, r->map.y1 - gap},
    };
    int corner = -1;
    double best_score = HUGE_VAL;
    for (int k = 0; k < 4; k++) {
        box grown = {focus.x0 - 3 * gap, focus.y0 - 3 * gap, focus.x1 + 3 * gap, focus.y1 + 3 * gap};
        if (boxes_overlap(&corners[k], &grown))
            continue;
        double score = area_in(ctx, r->territory, &corners[k]);
        for (int c = 0; c < NCLASS; c++)
            score += 20 * area_in(ctx, r->cls_fill[c], &corners[k]);
        score += 5 * area_in(ctx, r->fill[fl_profile_front_status(r->profile)], &corners[k]);
        if (score < best_score)
            best_score = score, corner = k;
    }
    if (corner < 0)
        goto done;
    if (boxes_overlap(&corners[corner], &r->scale_box)) { /* the scale bar moves right */
        double w = r->scale_box.x1 - r->scale_box.x0;
        r->scale_box.x1 = r->map.x1 - 10 * u;
        r->scale_box.x0 = r->scale_box.x1 - w;
    }
    fl_render *in = fl_calloc(ctx, 1, sizeof *in);
    if (!in) {
        rc = FL_ENOMEM;
        goto done;
    }
    *in = (fl_render){.ctx = ctx, .width = r->width, .u = u, .profile = r->profile, .nstatus = r->nstatus,
                      .has_diff = r->has_diff, .is_inset = true};
    r->inset = in;
    r->focus = focus;
    if (!(in->status_rgb = fl_calloc(ctx, (size_t)r->nstatus, sizeof *in->status_rgb)) ||
        !(in->status_km2 = fl_calloc(ctx, (size_t)r->nstatus, sizeof *in->status_km2)) ||
        !(in->caption = xasprintf(ctx, "Around %s (boxed on the map)", p->name[named]))) {
        rc = FL_ENOMEM;
        goto done;
    }
    memcpy(in->status_rgb, r->status_rgb, (size_t)r->nstatus * sizeof *in->status_rgb);
    fl_render_options io = {.places = p, .max_cities = 5, .no_labels = o->no_labels,
                            .front_tolerance_km = o->front_tolerance_km};
    memcpy(io.bbox, ll, sizeof io.bbox);
    rc = build_map(ctx, in, &io, a, b, reg, d, FL_REGION_ALL, &corners[corner], sa, sb);
done:
    free(idx);
    free(xy);
    free(parent);
    return rc;
}

/* The map part of a render (the whole of an inset): view, geometry, inset, places. */
static int build_map(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                     const fl_snapshot *b, const fl_regions *reg, const fl_diff *d, int region,
                     const box *inset_box, const int *sa, const int *sb)
{
    int rc = layout(ctx, r, o, reg, region, b, inset_box);
    if (!rc)
        rc = make_geometry(ctx, r, b, reg, d,
                           o->front_tolerance_km > 0 ? o->front_tolerance_km : 2.0, region);
    if (!rc && !inset_box && d && sa && sb)
        rc = make_inset(ctx, r, o, a, b, reg, d, sa, sb);
    cairo_t *m = rc ? NULL : fl_canvas_measurer();
    if (m) {
        rc = place_marks(ctx, r, o, reg, sa, sb, m);
        cairo_destroy(m);
    }
    return rc;
}

int fl_render_new(fl_ctx *ctx, const fl_snapshot *snap, const fl_snapshot *diff_to,
                  const fl_regions *regions, const fl_render_options *opts, fl_render **out)
{
    *out = NULL;
    fl_render_options defaults = {0};
    const fl_render_options *o = opts ? opts : &defaults;
    int region;
    int rc = check_options(ctx, o, regions, &region);
    if (rc)
        return rc;
    if (o->diff && (o->diff->a != snap || o->diff->b != diff_to || o->diff->r != regions))
        return fl_error(ctx, FL_EARG, "the diff given in the render options does not compare "
                        "these two snapshots over these regions");
    fl_render *r = fl_calloc(ctx, 1, sizeof *r);
    if (!r)
        return FL_ENOMEM;
    r->ctx = ctx;
    const fl_snapshot *shown = diff_to ? diff_to : snap;
    r->width = o->width ? o->width : DEFAULT_WIDTH;
    r->u = fmax(r->width / 1600.0, 0.75); /* text stays readable in small pictures */
    r->profile = snap->profile;
    r->nstatus = snap->nstatus;
    r->has_diff = diff_to != NULL;
    fl_diff *own = NULL;
    const fl_diff *d = o->diff;
    int *sa = NULL, *sb = NULL, *rg = NULL;
    if (!(r->status_rgb = fl_calloc(ctx, (size_t)r->nstatus, sizeof *r->status_rgb)) ||
        !(r->status_km2 = fl_calloc(ctx, (size_t)r->nstatus, sizeof *r->status_km2)))
        rc = FL_ENOMEM;
    for (int s = 0; !rc && s < r->nstatus; s++)
        r->status_rgb[s] = fl_rgb_parse(fl_profile_status_colour(r->profile, s));
    if (!rc && diff_to && !d && !(rc = fl_diff_new(ctx, snap, diff_to, regions, NULL, &own)))
        d = own;
    /* the places' statuses, in both snapshots */
    if (!rc && o->places && o->places->n) {
        rc = fl_places_status(ctx, shown, regions, o->places, &sb, &rg);
        free(rg);
        rg = NULL;
        if (!rc && diff_to)
            rc = fl_places_status(ctx, snap, regions, o->places, &sa, &rg);
        free(rg);
    }
    if (!rc)
        rc = build_map(ctx, r, o, snap, shown, regions, d, region, NULL, sa, sb);
    if (!rc)
        rc = legend_figures(ctx, r, shown, regions, region, d);
    if (!rc)
        rc = titles(ctx, r, o, snap, shown, regions, region);
    if (!rc)
        rc = build_legend(ctx, r, snap, shown);
    fl_diff_free(own);
    free(sa);
    free(sb);
    if (rc) {
        fl_render_free(r);
        return rc;
    }
    double legend_h = layout_legend(r);
    r->height = ceil(fmax(r->map.y1, r->side.y0 + legend_h) + 56 * r->u);
    *out = r;
    return FL_OK;
}

void fl_render_free(fl_render *r)
{
    if (!r)
        return;
    fl_ctx *ctx = r->ctx;
    if (r->pj)
        proj_destroy(r->pj);
    fl_render_free(r->inset);
    free(r->caption);
    destroy(ctx, r->territory);
    destroy(ctx, r->borders);
    destroy(ctx, r->front);
    destroy(ctx, r->scope_line);
    for (int s = 0; r->fill && s < r->nstatus; s++)
        destroy(ctx, r->fill[s]);
    free(r->fill);
    for (int c = 0; c < NCLASS; c++) {
        destroy(ctx, r->cls_fill[c]);
        destroy(ctx, r->cls_halo[c]);
    }
    free(r->trans);
    for (int i = 0; i < r->nmarks; i++) {
        free(r->mark_name[i]);
        free(r->mark_id[i]);
    }
    free(r->marks);
    free(r->mark_name);
    free(r->mark_id);
    free(r->mark_lat);
    free(r->mark_lon);
    for (int i = 0; i < r->nlabels; i++)
        free(r->labels[i].text);
    free(r->labels);
    for (int i = 0; i < r->nrows; i++) {
        free(r->rows[i].left);
        free(r->rows[i].right);
        free(r->rows[i].extra);
    }
    free(r->rows);
    free(r->status_rgb);
    free(r->status_km2);
    free(r->title);
    free(r->subtitle);
    free(r->attribution);
    free(r->footer);
    free(r->scope);
    free(r);
}

void fl_render_size(const fl_render *r, int *width, int *height)
{
    if (width)
        *width = (int)ceil(r->width);
    if (height)
        *height = (int)ceil(r->height);
}

int fl_render_project(fl_ctx *ctx, const fl_render *r, double lat, double lon, double *x,
                      double *y)
{
    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
        return fl_error(ctx, FL_EARG, "%g, %g is not a latitude, longitude in degrees", lat, lon);
    if (!project(r, lon, lat, x, y))
        return fl_error(ctx, FL_EPROJ, "%g N %g E cannot be projected on this map", lat, lon);
    return FL_OK;
}

/* ---- drawing ------------------------------------------------------------------------- */

/* Adds a coordinate sequence to the path, leaving out vertices within tol of the last one
 * kept (invisible detail that would only bloat SVG and PDF). */
static void path_seq(fl_ctx *ctx, cairo_t *cr, const GEOSCoordSequence *seq, bool close,
                     double tol)
{
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx->geos, seq, &n) || n == 0)
        return;
    double lx = 0, ly = 0;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, seq, i, &x, &y);
        if (i == 0) {
            cairo_move_to(cr, x, y);
        } else if (i == n - 1 || fabs(x - lx) > tol || fabs(y - ly) > tol) {
            cairo_line_to(cr, x, y);
        } else {
            continue;
        }
        lx = x, ly = y;
    }
    if (close)
        cairo_close_path(cr);
}

static void path_geom(fl_ctx *ctx, cairo_t *cr, const GEOSGeometry *g, double tol)
{
    if (!g)
        return;
    GEOSContextHandle_t h = ctx->geos;
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_POLYGON:
        path_seq(ctx, cr, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)), true, tol);
        for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); i++)
            path_seq(ctx, cr, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i)), true, tol);
        break;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        path_seq(ctx, cr, GEOSGeom_getCoordSeq_r(h, g), false, tol);
        break;
    case GEOS_MULTIPOLYGON:
    case GEOS_MULTILINESTRING:
    case GEOS_GEOMETRYCOLLECTION:
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++)
            path_geom(ctx, cr, GEOSGetGeometryN_r(h, g, i), tol);
        break;
    default:
        break;
    }
}

static void fill_geom(fl_ctx *ctx, cairo_t *cr, const GEOSGeometry *g, fl_rgb c, double alpha)
{
    cairo_new_path(cr);
    path_geom(ctx, cr, g, 0.2);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    fl_canvas_set_rgb(cr, c, alpha);
    cairo_fill(cr);
}

static void stroke_geom(fl_ctx *ctx, cairo_t *cr, const GEOSGeometry *g, fl_rgb c, double alpha,
                        double width)
{
    cairo_new_path(cr);
    path_geom(ctx, cr, g, 0.2);
    fl_canvas_set_rgb(cr, c, alpha);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_stroke(cr);
}

static void draw_map(fl_ctx *ctx, const fl_render *r, cairo_t *cr)
{
    double u = r->u;
    const box *m = &r->map;
    cairo_save(cr);
    cairo_rectangle(cr, m->x0, m->y0, m->x1 - m->x0, m->y1 - m->y0);
    cairo_set_source_rgb(cr, 0.88, 0.91, 0.93); /* outside the territory */
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    /* the territory in the default status, then the drawn statuses */
    fill_geom(ctx, cr, r->territory, r->status_rgb[r->nstatus - 1], 1);
    for (int s = r->nstatus - 2; s >= 0; s--)
        fill_geom(ctx, cr, r->fill[s], r->status_rgb[s], 1);
    stroke_geom(ctx, cr, r->borders, (fl_rgb){0.25, 0.25, 0.25}, 0.55, 0.8 * u);
    /* changed ground: halos, fills, outlines */
    for (int c = 0; c < NCLASS; c++)
        if (c != C_RELABEL)
            stroke_geom(ctx, cr, r->cls_halo[c], fl_rgb_parse(classes[c].colour), 0.45, 9 * u);
    for (int c = 0; c < NCLASS; c++)
        if (c != C_RELABEL)
            fill_geom(ctx, cr, r->cls_fill[c], fl_rgb_parse(classes[c].colour), 1);
    for (int c = 0; c < NCLASS; c++) {
        if (c == C_RELABEL) {
            double dash[] = {2.5 * u, 2 * u};
            cairo_set_dash(cr, dash, 2, 0);
            stroke_geom(ctx, cr, r->cls_fill[c], fl_rgb_parse(classes[c].colour), 0.9, 1.1 * u);
            cairo_set_dash(cr, NULL, 0, 0);
        } else {
            stroke_geom(ctx, cr, r->cls_fill[c], fl_rgb_darken(fl_rgb_parse(classes[c].colour), 0.45),
                        1, 0.7 * u);
        }
    }
    /* the frontline, cased */
    stroke_geom(ctx, cr, r->front, (fl_rgb){1, 1, 1}, 0.85, 3.6 * u);
    stroke_geom(ctx, cr, r->front, (fl_rgb){0.1, 0.1, 0.1}, 1, 1.5 * u);
    stroke_geom(ctx, cr, r->territory, (fl_rgb){0.15, 0.15, 0.15}, 1, 1.3 * u);
    if (r->scope_line) {
        stroke_geom(ctx, cr, r->scope_line, (fl_rgb){1, 1, 1}, 0.8, 4.5 * u);
        stroke_geom(ctx, cr, r->scope_line, (fl_rgb){0.1, 0.1, 0.1}, 1, 2 * u);
    }
    /* leaders, under the markers */
    for (int i = 0; i < r->nlabels; i++) {
        const label *l = &r->labels[i];
        if (!l->leader)
            continue;
        cairo_new_path(cr);
        cairo_move_to(cr, l->ax, l->ay);
        cairo_line_to(cr, l->lx, l->ly);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        cairo_set_line_width(cr, 2.6 * u);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_set_line_width(cr, 0.9 * u);
        cairo_stroke(cr);
    }
    /* markers */
    for (int i = 0; i < r->nmarks; i++) {
        const mark *mk = &r->marks[i];
        if (mk->in_focus)
            continue;
        double rad = mark_radius(r, mk);
        cairo_new_path(cr);
        cairo_arc(cr, mk->x, mk->y, rad, 0, 2 * M_PI);
        if (mk->cls >= 0) {
            fl_canvas_set_rgb(cr, fl_rgb_parse(classes[mk->cls].colour), 1);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 1.6 * u);
            cairo_stroke_preserve(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 0.7 * u);
            cairo_stroke(cr);
        } else { /* a ring: the ground under a city stays visible */
            cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
            cairo_set_line_width(cr, 3.2 * u);
            cairo_stroke_preserve(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.4 * u);
            cairo_stroke(cr);
        }
    }
    /* labels */
    for (int i = 0; i < r->nlabels; i++) {
        const label *l = &r->labels[i];
        fl_canvas_font(cr, l->size, l->bold);
        fl_canvas_text(cr, l->x, l->y, l->text, FL_ALIGN_LEFT, l->colour, 3.2 * u);
    }
    /* the scale bar */
    double x = r->scale_box.x0 + 8 * u, y = r->scale_box.y1 - 22 * u, h = 5 * u;
    cairo_set_line_width(cr, 0.8 * u);
    for (int k = 0; k < 2; k++) {
        cairo_rectangle(cr, x + k * r->scale_px / 2, y, r->scale_px / 2, h);
        if (k == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_stroke(cr);
    }
    char n[64], t[80];
    fl_canvas_font(cr, 12 * u, false);
    fl_rgb ink = {0.1, 0.1, 0.1};
    fl_canvas_text(cr, x, y - 5 * u, "0", FL_ALIGN_CENTRE, ink, 3 * u);
    snprintf(t, sizeof t, "%s km", fl_format_number(n, sizeof n, r->scale_km, r->scale_km < 1 ? 1 : 0));
    fl_canvas_text(cr, x + r->scale_px, y - 5 * u, t, FL_ALIGN_CENTRE, ink, 3 * u);
    if (r->caption) {
        fl_canvas_font(cr, 13 * u, true);
        fl_canvas_text(cr, m->x0 + 8 * u, m->y0 + 18 * u, r->caption, FL_ALIGN_LEFT, ink, 3 * u);
    }
    cairo_restore(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, m->x0, m->y0, m->x1 - m->x0, m->y1 - m->y0);
    if (r->is_inset) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 5 * u);
        cairo_stroke_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 1.4 * u);
    } else {
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr, 0.8 * u);
    }
    cairo_stroke(cr);
    if (!r->inset)
        return;
    /* the focus, then the inset */
    const box *f = &r->focus;
    for (int pass = 0; pass < 2; pass++) {
        cairo_new_path(cr);
        cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
        if (pass == 0)
            cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        else
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, (pass == 0 ? 3.6 : 1.3) * u);
        cairo_stroke(cr);
    }
    draw_map(ctx, r->inset, cr);
}

static void swatch(cairo_t *cr, double x, double y, double w, double h, fl_rgb c)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, w, h);
    fl_canvas_set_rgb(cr, c, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.5);
    cairo_stroke(cr);
}

static void draw_legend(const fl_render *r, cairo_t *cr)
{
    double u = r->u, x0 = r->side.x0, x1 = r->side.x1;
    fl_rgb ink = {0.1, 0.1, 0.1}, grey = {0.35, 0.35, 0.35};
    cairo_set_line_width(cr, 0.8 * u);
    for (int i = 0; i < r->nrows; i++) {
        const legend_row *row = &r->rows[i];
        double y = row->y, sw = 26 * u, sh = 16 * u, tx = x0 + sw + 10 * u;
        switch (row->kind) {
        case ROW_HEADER: {
            fl_canvas_fit_font(cr, row->left, 13.5 * u, true, x1 - x0);
            fl_canvas_text(cr, x0, y, row->left, FL_ALIGN_LEFT, ink, 0);
            cairo_new_path(cr);
            cairo_move_to(cr, x0, y + 6 * u);
            cairo_line_to(cr, x1, y + 6 * u);
            cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
            cairo_stroke(cr);
            break;
        }
        case ROW_STATUS:
            swatch(cr, x0, y - sh + 3 * u, sw, sh, row->colour);
            fl_canvas_font(cr, 14 * u, false);
            fl_canvas_text(cr, tx, y, row->left, FL_ALIGN_LEFT, ink, 0);
            fl_canvas_text(cr, x1 - 70 * u, y, row->right, FL_ALIGN_RIGHT, ink, 0);
            fl_canvas_text(cr, x1, y, row->extra, FL_ALIGN_RIGHT, grey, 0);
            break;
        case ROW_FRONT:
            cairo_new_path(cr);
            cairo_move_to(cr, x0, y - sh / 2 + 3 * u);
            cairo_line_to(cr, x0 + sw, y - sh / 2 + 3 * u);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_set_line_width(cr, 1.8 * u);
            cairo_stroke(cr);
            cairo_set_line_width(cr, 0.8 * u);
            fl_canvas_font(cr, 14 * u, false);
            fl_canvas_text(cr, tx, y, row->left, FL_ALIGN_LEFT, ink, 0);
            fl_canvas_text(cr, x1 - 70 * u, y, row->right, FL_ALIGN_RIGHT, ink, 0);
            break;
        case ROW_CLASS:
            if (row->cls == C_RELABEL) {
                double dash[] = {2.5 * u, 2 * u};
                cairo_new_path(cr);
                cairo_rectangle(cr, x0, y - sh + 3 * u, sw, sh);
                cairo_set_dash(cr, dash, 2, 0);
                cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
                cairo_set_line_width(cr, 1.1 * u);
                cairo_stroke(cr);
                cairo_set_dash(cr, NULL, 0, 0);
                cairo_set_line_width(cr, 0.8 * u);
            } else {
                cairo_new_path(cr);
                cairo_rectangle(cr, x0 + 2 * u, y - sh + 5 * u, sw - 4 * u, sh - 4 * u);
                fl_canvas_set_rgb(cr, row->colour, 0.45);
                cairo_set_line_width(cr, 5 * u);
                cairo_stroke_preserve(cr);
                cairo_set_line_width(cr, 0.8 * u);
                fl_canvas_set_rgb(cr, row->colour, 1);
                cairo_fill(cr);
            }
            fl_canvas_font(cr, 14 * u, true);
            fl_canvas_text(cr, x1 - 70 * u, y, row->right, FL_ALIGN_RIGHT, ink, 0);
            fl_canvas_fit_font(cr, row->left, 14 * u, true,
                     x1 - 70 * u - fl_canvas_text_width(cr, row->right) - 10 * u - tx);
            fl_canvas_text(cr, tx, y, row->left, FL_ALIGN_LEFT, ink, 0);
            break;
        case ROW_TRANSITION:
            fl_canvas_font(cr, 12.5 * u, false);
            fl_canvas_text(cr, tx + 10 * u, y, row->left, FL_ALIGN_LEFT, grey, 0);
            if (row->right)
                fl_canvas_text(cr, x1 - 70 * u, y, row->right, FL_ALIGN_RIGHT, grey, 0);
            break;
        case ROW_NOTE:
            fl_canvas_fit_font(cr, row->left, 12.5 * u, false, x1 - x0);
            fl_canvas_text(cr, x0, y, row->left, FL_ALIGN_LEFT, grey, 0);
            break;
        case ROW_PLACE:
            cairo_new_path(cr);
            cairo_arc(cr, x0 + sw / 2, y - 4.5 * u, 5 * u, 0, 2 * M_PI);
            fl_canvas_set_rgb(cr, row->colour, 1);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            cairo_stroke(cr);
            fl_canvas_font(cr, 12 * u, false);
            fl_canvas_text(cr, x1, y, row->right, FL_ALIGN_RIGHT, grey, 0);
            double rw = fl_canvas_text_width(cr, row->right);
            fl_canvas_fit_font(cr, row->left, 13 * u, false, x1 - rw - 10 * u - tx);
            fl_canvas_text(cr, tx, y, row->left, FL_ALIGN_LEFT, ink, 0);
            break;
        }
    }
}

static void draw(fl_ctx *ctx, const fl_render *r, cairo_t *cr)
{
    double u = r->u, m = 28 * u;
    fl_rgb ink = {0.08, 0.08, 0.08}, grey = {0.35, 0.35, 0.35};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    fl_canvas_fit_font(cr, r->title, 28 * u, true, r->width - 2 * m);
    fl_canvas_text(cr, m, m + 28 * u, r->title, FL_ALIGN_LEFT, ink, 0);
    fl_canvas_fit_font(cr, r->subtitle, 15 * u, false, r->width - 2 * m);
    fl_canvas_text(cr, m, m + 58 * u, r->subtitle, FL_ALIGN_LEFT, grey, 0);
    draw_map(ctx, r, cr);
    draw_legend(r, cr);
    fl_canvas_font(cr, 12.5 * u, false);
    fl_canvas_text(cr, m, r->height - 22 * u, r->attribution, FL_ALIGN_LEFT, grey, 0);
    fl_canvas_text(cr, r->width - m, r->height - 22 * u, r->footer, FL_ALIGN_RIGHT, grey, 0);
}

int fl_render_write(fl_ctx *ctx, const fl_render *r, const char *path)
{
    fl_canvas c;
    int rc = fl_canvas_open(ctx, &c, path, ceil(r->width), ceil(r->height), r->title);
    if (rc)
        return rc;
    draw(ctx, r, c.cr);
    return fl_canvas_close(ctx, &c, false);
}

int fl_render_map(fl_ctx *ctx, const fl_snapshot *snap, const fl_snapshot *diff_to,
                  const fl_regions *regions, const fl_render_options *opts, const char *path)
{
    if (fl_canvas_kind_of(ctx, path) < 0) /* before the work */
        return ctx->err;
    fl_render *r;
    int rc = fl_render_new(ctx, snap, diff_to, regions, opts, &r);
    if (rc)
        return rc;
    rc = fl_render_write(ctx, r, path);
    fl_render_free(r);
    return rc;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static json_object *hex_json(fl_rgb c)
{
    char s[8];
    snprintf(s, sizeof s, "#%02X%02X%02X", (int)lround(c.r * 255), (int)lround(c.g * 255),
             (int)lround(c.b * 255));
    return json_object_new_string(s);
}

static json_object *numbers_json(const double *v, int n, int decimals)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < n; i++)
        fl_json_array_add(a, fl_json_num(v[i], decimals));
    return a;
}

int fl_render_json(fl_ctx *ctx, const fl_render *r, char **json)
{
    const fl_profile *p = r->profile;
    json_object *doc = json_object_new_object();
    fl_json_object_add(doc, "width", json_object_new_int((int)ceil(r->width)));
    fl_json_object_add(doc, "height", json_object_new_int((int)ceil(r->height)));
    fl_json_object_add(doc, "title", json_object_new_string(r->title));
    fl_json_object_add(doc, "projection", json_object_new_string(r->proj_def));
    fl_json_object_add(doc, "view", numbers_json(r->view, 4, 6));
    double mb[4] = {r->map.x0, r->map.y0, r->map.x1, r->map.y1};
    fl_json_object_add(doc, "map", numbers_json(mb, 4, 2));
    fl_json_object_add(doc, "scope", json_object_new_string(r->scope));
    fl_json_object_add(doc, "scope_km2", fl_json_km2(r->scope_km2));
    json_object *st = json_object_new_array();
    for (int s = 0; s < r->nstatus; s++) {
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(p, s)));
        fl_json_object_add(o, "colour", hex_json(r->status_rgb[s]));
        fl_json_object_add(o, "km2", fl_json_km2(r->status_km2[s]));
        fl_json_object_add(o, "share", fl_json_num(r->scope_km2 > 0 ? r->status_km2[s] /
                                                       r->scope_km2 : 0, 8));
        fl_json_array_add(st, o);
    }
    fl_json_object_add(doc, "statuses", st);
    json_object *tr = json_object_new_array();
    for (int i = 0; i < r->ntrans; i++) {
        const transition_entry *t = &r->trans[i];
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "from", json_object_new_string(fl_profile_status_name(p, t->from)));
        fl_json_object_add(o, "to", json_object_new_string(fl_profile_status_name(p, t->to)));
        fl_json_object_add(o, "km2", fl_json_km2(t->km2));
        fl_json_object_add(o, "class", json_object_new_string(classes[t->cls].key));
        fl_json_object_add(o, "colour", json_object_new_string(classes[t->cls].colour));
        fl_json_array_add(tr, o);
    }
    fl_json_object_add(doc, "transitions", tr);
    fl_json_object_add(doc, "outside_km2", fl_json_km2(r->outside_km2));
    fl_json_object_add(doc, "front_km", fl_json_num(r->front_km, 3));
    fl_json_object_add(doc, "scale_km", fl_json_num(r->scale_km, 3));
    json_object *pl = json_object_new_array();
    for (int i = 0; i < r->nmarks; i++) {
        const mark *m = &r->marks[i];
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "id", json_object_new_string(r->mark_id[i]));
        fl_json_object_add(o, "name", json_object_new_string(r->mark_name[i]));
        fl_json_object_add(o, "lat", fl_json_num(r->mark_lat[i], 6));
        fl_json_object_add(o, "lon", fl_json_num(r->mark_lon[i], 6));
        fl_json_object_add(o, "x", fl_json_num(m->x, 2));
        fl_json_object_add(o, "y", fl_json_num(m->y, 2));
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(p, m->status)));
        if (m->cls >= 0) {
            fl_json_object_add(o, "from", json_object_new_string(fl_profile_status_name(p, m->from)));
            fl_json_object_add(o, "to", json_object_new_string(fl_profile_status_name(p, m->to)));
            fl_json_object_add(o, "class", json_object_new_string(classes[m->cls].key));
        }
        fl_json_object_add(o, "labelled", json_object_new_boolean(m->labelled));
        fl_json_object_add(o, "inset", json_object_new_boolean(m->in_focus));
        fl_json_array_add(pl, o);
    }
    fl_json_object_add(doc, "places", pl);
    json_object *inset = NULL;
    if (r->inset) {
        inset = json_object_new_object();
        fl_json_object_add(inset, "caption", json_object_new_string(r->inset->caption));
        fl_json_object_add(inset, "view", numbers_json(r->inset->view, 4, 6));
        double ib[4] = {r->inset->map.x0, r->inset->map.y0, r->inset->map.x1, r->inset->map.y1};
        fl_json_object_add(inset, "map", numbers_json(ib, 4, 2));
        double fb[4] = {r->focus.x0, r->focus.y0, r->focus.x1, r->focus.y1};
        fl_json_object_add(inset, "focus", numbers_json(fb, 4, 2));
    }
    fl_json_object_add(doc, "inset", inset);
    return fl_json_out(ctx, doc, json);
}
