/* render_draw.c — drawing a laid-out map with cairo: fills, outlines, changed ground with
 * its halo, the frontline, markers, labels, the legend, the scale bar and the inset, in the
 * order that keeps each readable. Only draws: every position was fixed by fl_render_new. */
#include "render_internal.h"

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

/* Inks of the map besides the statuses' and the transitions' colours. */
static const fl_rgb WHITE = {1, 1, 1}, INK = {0.1, 0.1, 0.1}, DARK = {0.15, 0.15, 0.15};

/* Strokes the current path twice, a casing (colour c0 at alpha a0, width w0) under the line
 * (colour c1, width w1), so that the line reads on any fill; the path is then cleared. */
static void stroke_cased(cairo_t *cr, fl_rgb c0, double a0, double w0, fl_rgb c1, double w1)
{
    fl_canvas_set_rgb(cr, c0, a0);
    cairo_set_line_width(cr, w0);
    cairo_stroke_preserve(cr);
    fl_canvas_set_rgb(cr, c1, 1);
    cairo_set_line_width(cr, w1);
    cairo_stroke(cr);
}

/* The territory in the default status, the drawn statuses, the region borders and the
 * changed ground (halos, fills, outlines). */
static void draw_fills(fl_ctx *ctx, const fl_render *r, cairo_t *cr)
{
    double u = r->u;
    fill_geom(ctx, cr, r->territory, r->status_rgb[r->nstatus - 1], 1);
    for (int s = r->nstatus - 2; s >= 0; s--)
        fill_geom(ctx, cr, r->fill[s], r->status_rgb[s], 1);
    stroke_geom(ctx, cr, r->borders, (fl_rgb){0.25, 0.25, 0.25}, 0.55, 0.8 * u);
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
}

/* The frontline (cased), the territory's outline and the outline of the region zoomed on. */
static void draw_lines(fl_ctx *ctx, const fl_render *r, cairo_t *cr)
{
    double u = r->u;
    stroke_geom(ctx, cr, r->front, WHITE, 0.85, 3.6 * u);
    stroke_geom(ctx, cr, r->front, INK, 1, 1.5 * u);
    stroke_geom(ctx, cr, r->territory, DARK, 1, 1.3 * u);
    if (r->scope_line) {
        stroke_geom(ctx, cr, r->scope_line, WHITE, 0.8, 4.5 * u);
        stroke_geom(ctx, cr, r->scope_line, INK, 1, 2 * u);
    }
}

/* Leaders (under the markers), markers and labels. */
static void draw_places(const fl_render *r, cairo_t *cr)
{
    double u = r->u;
    for (int i = 0; i < r->nlabels; i++) {
        const label *l = &r->labels[i];
        if (!l->leader)
            continue;
        cairo_new_path(cr);
        cairo_move_to(cr, l->ax, l->ay);
        cairo_line_to(cr, l->lx, l->ly);
        stroke_cased(cr, WHITE, 0.9, 2.6 * u, DARK, 0.9 * u);
    }
    for (int i = 0; i < r->nmarks; i++) {
        const mark *mk = &r->marks[i];
        if (mk->in_focus)
            continue;
        double rad = render_mark_radius(r, mk);
        cairo_new_path(cr);
        cairo_arc(cr, mk->x, mk->y, rad, 0, 2 * M_PI);
        if (mk->cls >= 0) {
            fl_canvas_set_rgb(cr, fl_rgb_parse(classes[mk->cls].colour), 1);
            cairo_fill_preserve(cr);
            stroke_cased(cr, WHITE, 1, 1.6 * u, INK, 0.7 * u);
        } else { /* a ring: the ground under a city stays visible */
            stroke_cased(cr, WHITE, 0.9, 3.2 * u, INK, 1.4 * u);
        }
    }
    for (int i = 0; i < r->nlabels; i++) {
        const label *l = &r->labels[i];
        fl_canvas_font(cr, l->size, l->bold);
        fl_canvas_text(cr, l->x, l->y, l->text, FL_ALIGN_LEFT, l->colour, 3.2 * u);
    }
}

/* The scale bar, and an inset's caption. */
static void draw_scale(const fl_render *r, cairo_t *cr)
{
    double u = r->u;
    double x = r->scale_box.x0 + 8 * u, y = r->scale_box.y1 - 22 * u, h = 5 * u;
    cairo_set_line_width(cr, 0.8 * u);
    for (int k = 0; k < 2; k++) {
        cairo_rectangle(cr, x + k * r->scale_px / 2, y, r->scale_px / 2, h);
        fl_canvas_set_rgb(cr, k == 0 ? INK : WHITE, 1);
        cairo_fill_preserve(cr);
        fl_canvas_set_rgb(cr, INK, 1);
        cairo_stroke(cr);
    }
    char n[64], t[80];
    fl_canvas_font(cr, 12 * u, false);
    fl_canvas_text(cr, x, y - 5 * u, "0", FL_ALIGN_CENTRE, INK, 3 * u);
    snprintf(t, sizeof t, "%s km", fl_format_number(n, sizeof n, r->scale_km, r->scale_km < 1 ? 1 : 0));
    fl_canvas_text(cr, x + r->scale_px, y - 5 * u, t, FL_ALIGN_CENTRE, INK, 3 * u);
    if (r->caption) {
        fl_canvas_font(cr, 13 * u, true);
        fl_canvas_text(cr, r->map.x0 + 8 * u, r->map.y0 + 18 * u, r->caption, FL_ALIGN_LEFT, INK,
                       3 * u);
    }
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
    draw_fills(ctx, r, cr);
    draw_lines(ctx, r, cr);
    draw_places(r, cr);
    draw_scale(r, cr);
    cairo_restore(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, m->x0, m->y0, m->x1 - m->x0, m->y1 - m->y0);
    if (r->is_inset) {
        stroke_cased(cr, WHITE, 1, 5 * u, INK, 1.4 * u);
    } else {
        cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
    }
    if (!r->inset)
        return;
    /* the focus, then the inset */
    const box *f = &r->focus;
    cairo_new_path(cr);
    cairo_rectangle(cr, f->x0, f->y0, f->x1 - f->x0, f->y1 - f->y0);
    stroke_cased(cr, WHITE, 0.9, 3.6 * u, INK, 1.3 * u);
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

/* The swatch of a class of changed ground (x, y its top left): as drawn on the map, dashed
 * outline for a relabelling, a fill with its halo for the others. */
static void class_swatch(cairo_t *cr, const legend_row *row, double x, double y, double sw,
                         double sh, double u)
{
    cairo_new_path(cr);
    if (row->cls == C_RELABEL) {
        double dash[] = {2.5 * u, 2 * u};
        cairo_rectangle(cr, x, y, sw, sh);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_source_rgb(cr, 0.33, 0.33, 0.33);
        cairo_set_line_width(cr, 1.1 * u);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    } else {
        cairo_rectangle(cr, x + 2 * u, y + 2 * u, sw - 4 * u, sh - 4 * u);
        fl_canvas_set_rgb(cr, row->colour, 0.45);
        cairo_set_line_width(cr, 5 * u);
        cairo_stroke_preserve(cr);
        fl_canvas_set_rgb(cr, row->colour, 1);
        cairo_fill(cr);
    }
    cairo_set_line_width(cr, 0.8 * u);
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
            class_swatch(cr, row, x0, y - sh + 3 * u, sw, sh, u);
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

void fl_render_draw(fl_ctx *ctx, const fl_render *r, cairo_t *cr)
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
    fl_render_draw(ctx, r, c.cr);
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
