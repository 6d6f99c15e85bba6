/* render_labels.c — place markers and label placement: changed places first, then the
 * largest, each label tried at a few positions around its marker and kept where it collides
 * with no label or marker placed before it (a greedy placement with collision boxes). */
#include "render_internal.h"

/* ---- labels -------------------------------------------------------------------------- */

typedef struct placer {
    box *v;
    int n;
    size_t cap;
    box area; /* labels stay inside */
} placer;

static bool placer_free(const placer *pl, const box *b)
{
    if (!render_box_inside(b, &pl->area))
        return false;
    for (int i = 0; i < pl->n; i++)
        if (render_boxes_overlap(b, &pl->v[i]))
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
    box *v = fl_grow(ctx, pl->v, &pl->cap, (size_t)pl->n + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    pl->v = v;
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

double render_population(const fl_places *p, int i)
{
    const char *s = fl_places_attr(p, i, "population");
    double v = *s ? strtod(s, NULL) : 0;
    return isfinite(v) ? v : 0;
}

static int by_population_desc(const void *x, const void *y, void *data)
{
    const fl_places *places = ((const const_data *)data)->p;
    double a = render_population(places, *(const int *)x), b = render_population(places, *(const int *)y);
    return a < b ? 1 : a > b ? -1 : *(const int *)x - *(const int *)y;
}

static int add_mark(fl_ctx *ctx, fl_render *r, const fl_places *p, int i, mark m)
{
    mark *v = fl_grow(ctx, r->marks, &r->capmarks, (size_t)r->nmarks + 1, sizeof *v);
    if (!v)
        return FL_ENOMEM;
    r->marks = v;
    m.name = fl_strdup(ctx, fl_places_name(p, i));
    m.id = fl_strdup(ctx, fl_places_id(p, i));
    m.lat = fl_places_lat(p, i);
    m.lon = fl_places_lon(p, i);
    r->marks[r->nmarks++] = m;
    return m.name && m.id ? FL_OK : FL_ENOMEM;
}

double render_mark_radius(const fl_render *r, const mark *m)
{
    return (m->cls >= 0 ? 5.5 : 3.6) * r->u;
}

static box mark_box(const fl_render *r, const mark *m)
{
    double rad = render_mark_radius(r, m) + 0.5 * r->u;
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
    render_upper_ascii(s);
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
        render_destroy(ctx, pt);
        render_destroy(ctx, c);
        if (!ok || !render_project(r, lon, lat, &x, &y))
            continue;
        char *text = region_label(ctx, reg->name[k]);
        if (!text)
            return FL_ENOMEM;
        fl_canvas_font(m, size, false);
        double w = fl_canvas_text_width(m, text);
        /* the region must be large enough on the map for its name */
        double x0, y0, x1, y1, wb = 0;
        if (render_project(r, reg->bbox[k][0], (reg->bbox[k][1] + reg->bbox[k][3]) / 2, &x0, &y0) &&
            render_project(r, reg->bbox[k][2], (reg->bbox[k][1] + reg->bbox[k][3]) / 2, &x1, &y1))
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

bool render_changed_on_map(const fl_render *r, const fl_places *p, const int *sa,
                           const int *sb, int i, double *x, double *y)
{
    return sa[i] != sb[i] && sa[i] >= 0 && sb[i] >= 0 &&
           render_project(r, p->lon[i], p->lat[i], x, y) && *x >= r->map.x0 &&
           *x <= r->map.x1 && *y >= r->map.y0 && *y <= r->map.y1;
}

/* What labels keep off before any is placed: the scale bar, the inset and its focus, and
 * the inset's caption. */
static int reserve_boxes(fl_ctx *ctx, const fl_render *r, placer *pl, cairo_t *m)
{
    double u = r->u;
    int rc = placer_add(ctx, pl, r->scale_box);
    if (!rc && r->inset) { /* the inset and the focus keep labels off */
        const box *ib = &r->inset->map;
        box f = r->focus;
        rc = placer_add(ctx, pl, (box){ib->x0 - 8 * u, ib->y0 - 8 * u, ib->x1 + 8 * u, ib->y1 + 8 * u});
        if (!rc)
            rc = placer_add(ctx, pl, (box){f.x0 - 2 * u, f.y0 - 2 * u, f.x1 + 2 * u, f.y1 + 2 * u});
    }
    if (!rc && r->caption) {
        fl_canvas_font(m, 13 * u, true);
        rc = placer_add(ctx, pl, (box){r->map.x0, r->map.y0, r->map.x0 + 16 * u +
                                       fl_canvas_text_width(m, r->caption), r->map.y0 + 26 * u});
    }
    return rc;
}

/* Markers of the changed places, in file order (they are obstacles to every label); those in
 * the inset's focus are shown there, labelled as the inset labelled them. */
static int changed_marks(fl_ctx *ctx, fl_render *r, const fl_places *p, int n, placer *pl,
                         const int *sa, const int *sb)
{
    int rc = FL_OK;
    for (int i = 0; i < n && !rc; i++) {
        double x, y;
        if (!render_changed_on_map(r, p, sa, sb, i, &x, &y))
            continue;
        mark mk = {.place = i, .x = x, .y = y, .status = sb[i], .from = sa[i], .to = sb[i],
                   .cls = render_transition_class(r->profile, sa[i], sb[i])};
        if (r->inset && x >= r->focus.x0 && x <= r->focus.x1 && y >= r->focus.y0 && y <= r->focus.y1) {
            mk.in_focus = true; /* shown in the inset */
            for (int k = 0; k < r->inset->nmarks; k++)
                if (r->inset->marks[k].place == i)
                    mk.labelled = r->inset->marks[k].labelled;
            rc = add_mark(ctx, r, p, i, mk);
            continue;
        }
        if (!(rc = add_mark(ctx, r, p, i, mk)))
            rc = placer_add(ctx, pl, mark_box(r, &mk));
    }
    return rc;
}

/* Markers of the largest places, by population (order: place indices, largest first), at
 * most max, each where its marker is free: reserved before any label is placed, so that the
 * labels of changed places keep off the main cities. */
static int city_marks(fl_ctx *ctx, fl_render *r, const fl_places *p, const int *order, int n,
                      int max, placer *pl, const int *sa, const int *sb)
{
    int rc = FL_OK, ncity = 0;
    for (int k = 0; k < n && !rc && max > 0 && ncity < max; k++) {
        int i = order[k];
        if (render_population(p, i) <= 0)
            break;
        double x, y;
        if ((sa && sa[i] != sb[i]) || !render_project(r, p->lon[i], p->lat[i], &x, &y) ||
            x < pl->area.x0 || x > pl->area.x1 || y < pl->area.y0 || y > pl->area.y1)
            continue;
        mark mk = {.place = i, .x = x, .y = y, .status = sb[i], .from = sb[i], .to = sb[i],
                   .cls = -1};
        box mb = mark_box(r, &mk);
        if (!placer_free(pl, &mb))
            continue;
        if (!(rc = placer_add(ctx, pl, mb)))
            rc = add_mark(ctx, r, p, i, mk);
        ncity++;
    }
    return rc;
}

/* Leaves out the cities (marks from first_city on) left without a name. */
static void drop_unnamed(fl_render *r, int first_city, bool no_labels)
{
    int kept = first_city;
    for (int k = first_city; k < r->nmarks; k++) {
        if (r->marks[k].labelled || no_labels) {
            r->marks[kept++] = r->marks[k];
        } else {
            free(r->marks[k].name);
            free(r->marks[k].id);
        }
    }
    r->nmarks = kept;
}

/* Places: those that changed status (marked, and labelled when there is room, with a
 * leader if need be), then the largest by population. */
int render_place_marks(fl_ctx *ctx, fl_render *r, const fl_render_options *o,
                       const fl_regions *reg, const int *sa, const int *sb, cairo_t *m)
{
    const fl_places *p = o->places;
    double u = r->u;
    placer pl = {.area = {r->map.x0 + 4 * u, r->map.y0 + 4 * u, r->map.x1 - 4 * u,
                          r->map.y1 - 4 * u}};
    int rc = reserve_boxes(ctx, r, &pl, m), *order = NULL;
    if (!rc && p && p->n && !(order = fl_calloc(ctx, (size_t)p->n, sizeof *order)))
        rc = FL_ENOMEM;
    int n = p && sb && !rc ? p->n : 0;
    if (sa && !rc)
        rc = changed_marks(ctx, r, p, n, &pl, sa, sb);
    for (int i = 0; i < n; i++)
        order[i] = i;
    if (n)
        qsort_r(order, (size_t)n, sizeof *order, by_population_desc, &(const_data){p});
    int first_city = r->nmarks, first_box = pl.n;
    if (!rc)
        rc = city_marks(ctx, r, p, order, n, o->max_cities ? o->max_cities : 16, &pl, sa, sb);
    for (int k = 0; k < first_city && !rc && !o->no_labels; k++) {
        mark *mk = &r->marks[k];
        if (mk->in_focus)
            continue;
        int got = place_label(ctx, r, &pl, m, mk->name, mk->x, mk->y, render_mark_radius(r, mk),
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
        double pop = render_population(p, mk->place);
        double size = (pop >= 1e6 ? 14 : pop >= 3e5 ? 12.5 : 11.5) * r->u;
        int got = rc ? 0 : place_label(ctx, r, &pl, m, mk->name, mk->x, mk->y,
                                       render_mark_radius(r, mk), size, pop >= 1e6,
                                       (fl_rgb){0.13, 0.13, 0.13}, false);
        if (got < 0)
            rc = -got;
        mk->labelled = got == 1;
        if (!got) /* the city's marker no longer stands in the way */
            pl.v[first_box + k - first_city] = (box){-1e9, -1e9, -1e9, -1e9};
    }
    drop_unnamed(r, first_city, o->no_labels);
    if (!rc && !regions_done)
        rc = region_labels(ctx, r, reg, &pl, m);
    free(order);
    free(pl.v);
    return rc;
}
