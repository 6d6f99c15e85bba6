/* render.c — maps of a snapshot or of a diff, drawn with cairo.
 *
 * Layout: a title band on top, the map on the left, the legend on the right, attribution and
 * projection in a footer. The map is in a Lambert azimuthal equal-area projection centred on
 * the view (through PROJ), so areas compare truly across the picture and the scale bar holds
 * at the centre. Everything drawn is computed once in fl_render_new and copied into picture
 * coordinates: status fills clipped to the territory, region outlines, changed pieces, the
 * frontline, place markers and labels (placed greedily with collision boxes, changed places
 * first), and the legend rows. fl_render_write then only draws, so PNG, SVG and PDF of one
 * render agree to the pixel. This file makes the render (fl_render_new and its geometry);
 * the other steps are in the render_*.c files that render_internal.h lists. */
#include "render_internal.h"

/* The class of a transition from -> to (profile statuses), by the statuses' sides: the front
 * status' side is the occupier's (DeepState: occupied -> RU). */
int render_transition_class(const fl_profile *p, int from, int to)
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

/* ---- small helpers ------------------------------------------------------------------- */

char *render_xasprintf(fl_ctx *ctx, const char *fmt, ...)
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

const char *render_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void render_destroy(fl_ctx *ctx, GEOSGeometry *g)
{
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
}

bool render_boxes_overlap(const box *a, const box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

bool render_box_inside(const box *in, const box *out)
{
    return in->x0 >= out->x0 && in->x1 <= out->x1 && in->y0 >= out->y0 && in->y1 <= out->y1;
}

/* ---- geometry -------------------------------------------------------------------------- */

/* The status fills clipped to the territory, and the territory, in picture coordinates. */
static int make_fills(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown, const fl_regions *reg,
                      const double clip[4])
{
    int n = r->nstatus;
    GEOSGeometry **layers = fl_calloc(ctx, (size_t)n, sizeof *layers);
    if (!layers || !(r->fill = fl_calloc(ctx, (size_t)n, sizeof *r->fill))) {
        free(layers);
        return FL_ENOMEM;
    }
    int rc = fl_snapshot_clip(ctx, shown, reg, layers);
    for (int s = 0; s < n - 1 && !rc; s++)
        if (!(r->fill[s] = render_to_view(ctx, r, layers[s], clip)))
            rc = ctx->err;
    for (int s = 0; s < n && layers[0]; s++)
        render_destroy(ctx, layers[s]);
    free(layers);
    if (!rc && !(r->territory = render_to_view(ctx, r, reg->territory, clip)))
        rc = ctx->err;
    return rc;
}

/* The regions' outlines and, zoomed on one region, its outline. */
static int make_outlines(fl_ctx *ctx, fl_render *r, const fl_regions *reg, int region,
                         const double clip[4])
{
    int rc = FL_OK;
    GEOSGeometry *bd = GEOSBoundary_r(ctx->geos, reg->territory);
    GEOSGeometry **lines = fl_calloc(ctx, (size_t)reg->n + 1, sizeof *lines);
    if (!bd || !lines)
        rc = bd ? FL_ENOMEM : fl_geos_error(ctx, "region outlines");
    render_destroy(ctx, bd);
    for (int k = 0; k < reg->n && !rc; k++)
        if (!(lines[k] = GEOSBoundary_r(ctx->geos, reg->geom[k])))
            rc = fl_geos_error(ctx, "region outlines");
    GEOSGeometry *coll = NULL;
    if (!rc && !(coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, lines,
                                                    (unsigned)reg->n)))
        rc = fl_geos_error(ctx, "region outlines");
    if (coll) {
        r->borders = render_to_view(ctx, r, coll, clip);
        GEOSGeom_destroy_r(ctx->geos, coll);
        if (!r->borders)
            rc = ctx->err;
    } else if (lines) {
        for (int k = 0; k < reg->n; k++)
            render_destroy(ctx, lines[k]);
    }
    free(lines);
    if (!rc && region >= 0) {
        GEOSGeometry *line = GEOSBoundary_r(ctx->geos, reg->geom[region]);
        if (!line || !(r->scope_line = render_to_view(ctx, r, line, clip)))
            rc = line ? ctx->err : fl_geos_error(ctx, "the region's outline");
        render_destroy(ctx, line);
    }
    return rc;
}

/* The changed pieces of class cls, clipped to the territory, into all[] and, those large
 * enough for a halo, copies into big[]; their counts in *na and *nb. */
static int class_pieces(fl_ctx *ctx, const fl_render *r, const fl_regions *reg, const fl_diff *d,
                        int cls, const double clip[4], GEOSGeometry **all, size_t *na,
                        GEOSGeometry **big, size_t *nb)
{
    for (int i = 0; i < d->npieces; i++) {
        const fl_piece *pc = &d->pieces[i];
        if (pc->from < 0 || pc->to < 0 || render_transition_class(r->profile, pc->from, pc->to) != cls)
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
            render_destroy(ctx, in);
            return ctx->err ? ctx->err : fl_geos_error(ctx, "copying a piece");
        }
        all[(*na)++] = in;
        if (copy)
            big[(*nb)++] = copy;
    }
    return FL_OK;
}

/* The changed pieces, clipped to the territory, as one union per class so that neighbouring
 * pieces share one outline. */
static int make_changes(fl_ctx *ctx, fl_render *r, const fl_regions *reg, const fl_diff *d,
                        const double clip[4])
{
    int rc = FL_OK;
    GEOSGeometry **all = fl_calloc(ctx, (size_t)d->npieces + 1, sizeof *all);
    GEOSGeometry **big = all ? fl_calloc(ctx, (size_t)d->npieces + 1, sizeof *big) : NULL;
    for (int cls = 0; cls < NCLASS && big && !rc; cls++) {
        size_t na = 0, nb = 0;
        if ((rc = class_pieces(ctx, r, reg, d, cls, clip, all, &na, big, &nb))) {
            while (na)
                render_destroy(ctx, all[--na]);
            while (nb)
                render_destroy(ctx, big[--nb]);
            break;
        }
        GEOSGeometry *ua = na ? fl_union_all(ctx, all, na) : NULL;
        GEOSGeometry *ub = nb ? fl_union_all(ctx, big, nb) : NULL;
        if ((na && !ua) || (nb && !ub))
            rc = ctx->err ? ctx->err : FL_EGEOS;
        if (!rc && ua && !(r->cls_fill[cls] = render_to_view(ctx, r, ua, clip)))
            rc = ctx->err;
        if (!rc && ub && !(r->cls_halo[cls] = render_to_view(ctx, r, ub, clip)))
            rc = ctx->err;
        render_destroy(ctx, ua);
        render_destroy(ctx, ub);
    }
    if (!big && !rc)
        rc = FL_ENOMEM;
    free(all);
    free(big);
    return rc;
}

int render_make_geometry(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
                         const fl_regions *reg, const fl_diff *d, double tolerance_km, int region)
{
    double clip[4];
    render_view_lonlat(ctx, r, clip);
    int rc = make_fills(ctx, r, shown, reg, clip);
    if (!rc)
        rc = make_outlines(ctx, r, reg, region, clip);
    /* the frontline */
    fl_front *f = NULL;
    if (!rc && !(rc = fl_front_new(ctx, shown, reg, tolerance_km, &f))) {
        r->front_km = fl_front_km(f);
        if (!(r->front = render_to_view(ctx, r, fl_front_line(f), clip)))
            rc = ctx->err;
    }
    fl_front_free(f);
    return rc || !d ? rc : make_changes(ctx, r, reg, d, clip);
}

/* ---- fl_render_new ------------------------------------------------------------------- */

int render_check_options(fl_ctx *ctx, const fl_render_options *o, const fl_regions *reg,
                         int *region)
{
    *region = FL_REGION_ALL;
    if (o->width < 0 || (o->width > 0 && (o->width < 640 || o->width > 16000)))
        return fl_error(ctx, FL_EARG, "map width %d is out of range (640 .. 16000)", o->width);
    if (o->region && (*region = fl_regions_find(reg, o->region)) < 0)
        return fl_error(ctx, FL_EARG, "no region '%s' among the %s regions (codes are like "
                        "%s)", o->region, *fl_level_name(fl_regions_level(reg))
                        ? fl_level_name(fl_regions_level(reg)) : "loaded",
                        fl_regions_code(reg, 0));
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
int render_layout(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_regions *reg,
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
    int rc = render_make_projection(ctx, r);
    if (rc)
        return rc;
    if (!extent_of && !(extent_of = tmp = render_bbox_polygon(ctx, r->view)))
        return fl_geos_error(ctx, "the view");
    rc = render_projected_extent(ctx, r, extent_of, r->ext);
    render_destroy(ctx, tmp);
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

int render_legend_figures(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
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
                                                           render_transition_class(r->profile, a, b), km2};
        }
    for (int s = 0; s < r->nstatus; s++)
        r->outside_km2 += fl_diff_km2(d, region, s, FL_STATUS_NONE) +
                          fl_diff_km2(d, region, FL_STATUS_NONE, s);
    return FL_OK;
}

int render_titles(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                  const fl_snapshot *b, const fl_regions *reg, int region)
{
    char ta[64], tb[64];
    const char *na = a->time != FL_TIME_UNKNOWN ? fl_format_time(ta, sizeof ta, a->time)
                                                : render_base_name(a->path);
    const char *nb = b->time != FL_TIME_UNKNOWN ? fl_format_time(tb, sizeof tb, b->time)
                                                : render_base_name(b->path);
    const char *where = region >= 0 ? reg->name[region] : NULL;
    if (o->title)
        r->title = fl_strdup(ctx, o->title);
    else if (r->has_diff)
        r->title = render_xasprintf(ctx, "%s%sControl changes, %s → %s", where ? where : "",
                                    where ? ": " : "", na, nb);
    else
        r->title = render_xasprintf(ctx, "%s%sTerritorial control, %s", where ? where : "",
                                    where ? ": " : "", na);
    if (r->has_diff)
        r->subtitle = render_xasprintf(ctx, "Fills: control in %s. Highlighted: ground whose status "
                                       "changed since %s. Areas geodesic, within %s.", render_base_name(b->path),
                                       render_base_name(a->path), where ? where : "the territory");
    else
        r->subtitle = render_xasprintf(ctx, "Control as drawn in %s. Areas geodesic, within %s.",
                                       render_base_name(b->path), where ? where : "the territory");
    r->attribution = fl_strdup(ctx, o->attribution ? o->attribution : DEFAULT_ATTRIBUTION);
    double lat0 = (r->view[1] + r->view[3]) / 2, lon0 = (r->view[0] + r->view[2]) / 2;
    r->footer = render_xasprintf(ctx, "Lambert azimuthal equal-area, centre %.1f° %s %.1f° %s · "
                                 "frontline %s", fabs(lat0), lat0 >= 0 ? "N" : "S", fabs(lon0),
                                 lon0 >= 0 ? "E" : "W", fl_version());
    r->scope = fl_strdup(ctx, region >= 0 ? reg->code[region] : "territory");
    return r->title && r->subtitle && r->attribution && r->footer && r->scope ? FL_OK : FL_ENOMEM;
}
