/* render_layout.c — the projection (Lambert azimuthal equal-area on the view, through
 * PROJ), the boxes of the picture (title, map, legend, footer) and the legend rows. */
#include "render_internal.h"

/* ---- projection ---------------------------------------------------------------------- */

typedef struct xform {
    const fl_render *r;
} xform;

bool render_project(const fl_render *r, double lon, double lat, double *x, double *y)
{
    PJ_COORD c = proj_trans(r->pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
    if (!isfinite(c.xy.x) || !isfinite(c.xy.y) || c.xy.x == HUGE_VAL)
        return false;
    *x = r->map.x0 + (c.xy.x - r->ext[0]) * r->scale;
    *y = r->map.y0 + (r->ext[3] - c.xy.y) * r->scale;
    return true;
}

static int to_picture(double *x, double *y, void *userdata)
{
    return render_project(((const const_data *)userdata)->p, *x, *y, x, y) ? 1 : 0;
}

static int to_metres(double *x, double *y, void *userdata)
{
    PJ_COORD c = proj_trans(userdata, PJ_FWD, proj_coord(*x, *y, 0, 0));
    *x = c.xy.x;
    *y = c.xy.y;
    return isfinite(*x) && isfinite(*y) && *x != HUGE_VAL;
}

int render_make_projection(fl_ctx *ctx, fl_render *r)
{
    double lat0 = (r->view[1] + r->view[3]) / 2, lon0 = (r->view[0] + r->view[2]) / 2;
    snprintf(r->proj_def, sizeof r->proj_def,
             "+proj=laea +lat_0=%.4f +lon_0=%.4f +ellps=WGS84 +units=m +no_defs", lat0, lon0);
    if (!(r->pj = fl_laea(ctx, lon0, lat0)))
        return fl_proj_error(ctx, "creating the map projection");
    return FL_OK;
}

/* Projected envelope (metres) of g, lon/lat. */
int render_projected_extent(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g, double ext[4])
{
    GEOSGeometry *m = GEOSGeom_transformXY_r(ctx->geos, g, to_metres, r->pj);
    if (!m)
        return fl_error(ctx, FL_EPROJ, "projecting the view");
    fl_geom_bounds(ctx, m, ext);
    GEOSGeom_destroy_r(ctx->geos, m);
    return FL_OK;
}

/* A lon/lat box as a polygon with its edges sampled, so that its projection bounds it. */
GEOSGeometry *render_bbox_polygon(fl_ctx *ctx, const double b[4])
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
GEOSGeometry *render_to_view(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g,
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
void render_view_lonlat(fl_ctx *ctx, const fl_render *r, double out[4])
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
    return render_xasprintf(ctx, "%s km²", fl_format_number(n, sizeof n, km2, 1));
}

void render_upper_ascii(char *s)
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
    case C_LEFT_FRONT: return render_xasprintf(ctx, "No longer %s", front);
    case C_NEW_FRONT: return render_xasprintf(ctx, "Newly %s", front);
    case C_INTO_NOSIDE: return render_xasprintf(ctx, "Became %s", noside);
    case C_OUT_OF_NOSIDE: return render_xasprintf(ctx, "No longer %s", noside);
    case C_CHANGED_SIDE: return render_xasprintf(ctx, "Changed side");
    default: return render_xasprintf(ctx, "Same side, relabelled");
    }
}

int render_build_legend(fl_ctx *ctx, fl_render *r, const fl_snapshot *a, const fl_snapshot *b)
{
    char t[64], n[64];
    const fl_profile *p = r->profile;
    fl_rgb black = {0, 0, 0};
    int rc = add_row(ctx, r, ROW_HEADER, black, -1,
                     render_xasprintf(ctx, "Control%s%s", b->time != FL_TIME_UNKNOWN ? ", " : "",
                                      fl_format_time(t, sizeof t, b->time)), NULL, NULL);
    for (int s = 0; s < r->nstatus && !rc; s++) {
        double share = r->scope_km2 > 0 ? 100 * r->status_km2[s] / r->scope_km2 : 0;
        rc = add_row(ctx, r, ROW_STATUS, r->status_rgb[s], -1,
                     capitalised(ctx, fl_profile_status_name(p, s)), km2_text(ctx, r->status_km2[s]),
                     render_xasprintf(ctx, "%.1f %%", share));
    }
    if (!rc)
        rc = add_row(ctx, r, ROW_FRONT, black, -1,
                     render_xasprintf(ctx, "%s", strcmp(r->scope, "territory") ? "Frontline, all of it"
                                                                         : "Frontline"),
                     render_xasprintf(ctx, "%s km", fl_format_number(n, sizeof n, r->front_km, 0)), NULL);
    if (rc || !r->has_diff)
        return rc;
    rc = add_row(ctx, r, ROW_HEADER, black, -1,
                 render_xasprintf(ctx, "Changed since %s", a->time != FL_TIME_UNKNOWN
                                                        ? fl_format_time(t, sizeof t, a->time)
                                                        : render_base_name(a->path)), NULL, NULL);
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
                             render_xasprintf(ctx, "%s → %s", fl_profile_status_name(p, r->trans[i].from),
                                              fl_profile_status_name(p, r->trans[i].to)),
                             km2_text(ctx, r->trans[i].km2), NULL);
            else if (r->trans[i].cls == cls)
                rc = add_row(ctx, r, ROW_TRANSITION, black, cls,
                             render_xasprintf(ctx, "%s → %s", fl_profile_status_name(p, r->trans[i].from),
                                              fl_profile_status_name(p, r->trans[i].to)), NULL, NULL);
    }
    if (!rc && !any)
        rc = add_row(ctx, r, ROW_NOTE, black, -1, render_xasprintf(ctx, "No change of status"), NULL, NULL);
    if (!rc && r->outside_km2 >= 0.05)
        rc = add_row(ctx, r, ROW_NOTE, black, -1,
                     render_xasprintf(ctx, "Outside the territory, not drawn: %s km²",
                                      fl_format_number(n, sizeof n, r->outside_km2, 1)), NULL, NULL);
    int changed = 0;
    for (int i = 0; i < r->nmarks; i++)
        changed += r->marks[i].cls >= 0;
    if (rc || !changed)
        return rc;
    rc = add_row(ctx, r, ROW_HEADER, black, -1, render_xasprintf(ctx, "Places that changed status (%d)",
                                                                 changed), NULL, NULL);
    int listed = 0, max_listed = 14;
    for (int i = 0; i < r->nmarks && !rc; i++) {
        const mark *m = &r->marks[i];
        if (m->cls < 0)
            continue;
        if (listed++ == max_listed) {
            rc = add_row(ctx, r, ROW_NOTE, black, -1,
                         render_xasprintf(ctx, "and %d more (frontline diff lists them)",
                                          changed - max_listed), NULL, NULL);
            break;
        }
        rc = add_row(ctx, r, ROW_PLACE, fl_rgb_parse(classes[m->cls].colour), m->cls,
                     fl_strdup(ctx, m->name),
                     render_xasprintf(ctx, "%s → %s", fl_profile_status_name(p, m->from),
                                      fl_profile_status_name(p, m->to)), NULL);
    }
    return rc;
}

/* Legend row heights and baselines; returns the height used. */
double render_layout_legend(fl_render *r)
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
