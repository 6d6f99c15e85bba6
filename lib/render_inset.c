/* render_inset.c — the detail map: where changed places crowd, the densest cluster is
 * drawn again at a larger scale over the emptiest corner of the map, and its area outlined. */
#include "render_internal.h"

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
    render_destroy(ctx, c);
    return a;
}

/* Clusters the n points xy (x, y pairs) that lie within near of another (parent[i] = i
 * given: a union-find) and returns the root of the largest cluster of three points or more,
 * or -1 (two crowding places get leaders on the map). */
static int densest_cluster(int *parent, const double *xy, int n, double near)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]) < near)
                parent[find_root(parent, i)] = find_root(parent, j);
    int best = -1, best_n = 2;
    for (int i = 0; i < n; i++) {
        int root = find_root(parent, i), count = 0;
        if (root != i)
            continue;
        for (int j = 0; j < n; j++)
            count += find_root(parent, j) == root;
        if (count > best_n)
            best = root, best_n = count;
    }
    return best;
}

/* The view of the inset around the cluster of changed places whose root is best (idx[j]
 * the place of point j, parent the clusters' union-find): the cluster's box with room
 * around it, square-ish, in degrees, into ll (W, S, E, N). Returns the most populous place
 * of the cluster, which names the inset. */
static int cluster_view(const fl_places *p, const int *idx, int *parent, int n, int best,
                        double ll[4])
{
    ll[0] = 180, ll[1] = 90, ll[2] = -180, ll[3] = -90;
    int named = -1;
    double named_pop = -1;
    for (int j = 0; j < n; j++) {
        if (find_root(parent, j) != best)
            continue;
        int i = idx[j];
        ll[0] = fmin(ll[0], p->lon[i]), ll[1] = fmin(ll[1], p->lat[i]);
        ll[2] = fmax(ll[2], p->lon[i]), ll[3] = fmax(ll[3], p->lat[i]);
        double pop = render_population(p, i);
        if (pop > named_pop)
            named = i, named_pop = pop;
    }
    assert(named >= 0); /* a cluster has three places at least */
    double lat = (ll[1] + ll[3]) / 2, kx = 111.32 * cos(lat * M_PI / 180), ky = 110.6;
    double wkm = (ll[2] - ll[0]) * kx, hkm = (ll[3] - ll[1]) * ky;
    double pad = fmax(0.35 * fmax(wkm, hkm), 12);
    double side = fmax(wkm, hkm) + 2 * pad; /* square-ish */
    double cx = (ll[0] + ll[2]) / 2, cy = lat;
    ll[0] = cx - side / 2 / kx, ll[2] = cx + side / 2 / kx;
    ll[1] = cy - side / 2 / ky, ll[3] = cy + side / 2 / ky;
    return named;
}

/* The emptiest corner of the map for an inset, clear of the focus: the one with least
 * territory and least change under it. Its index in corners (the four candidates), or -1. */
static int emptiest_corner(fl_ctx *ctx, const fl_render *r, const box *focus, box corners[4])
{
    double wm = r->map.x1 - r->map.x0, hm = r->map.y1 - r->map.y0;
    double iw = fmin(0.34 * wm, 0.5 * hm), ih = iw, gap = 10 * r->u;
    const box *m = &r->map;
    corners[0] = (box){m->x0 + gap, m->y0 + gap, m->x0 + gap + iw, m->y0 + gap + ih};
    corners[1] = (box){m->x1 - gap - iw, m->y0 + gap, m->x1 - gap, m->y0 + gap + ih};
    corners[2] = (box){m->x1 - gap - iw, m->y1 - gap - ih, m->x1 - gap, m->y1 - gap};
    corners[3] = (box){m->x0 + gap, m->y1 - gap - ih, m->x0 + gap + iw, m->y1 - gap};
    int corner = -1;
    double best_score = HUGE_VAL;
    for (int k = 0; k < 4; k++) {
        box grown = {focus->x0 - 3 * gap, focus->y0 - 3 * gap, focus->x1 + 3 * gap,
                     focus->y1 + 3 * gap};
        if (render_boxes_overlap(&corners[k], &grown))
            continue;
        double score = area_in(ctx, r->territory, &corners[k]);
        for (int c = 0; c < NCLASS; c++)
            score += 20 * area_in(ctx, r->cls_fill[c], &corners[k]);
        score += 5 * area_in(ctx, r->fill[fl_profile_front_status(r->profile)], &corners[k]);
        if (score < best_score)
            best_score = score, corner = k;
    }
    return corner;
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
        if (!render_changed_on_map(r, p, sa, sb, i, &x, &y))
            continue;
        idx[n] = i;
        xy[2 * n] = x, xy[2 * n + 1] = y;
        parent[n] = n;
        n++;
    }
    int best = densest_cluster(parent, xy, n, near);
    int rc = FL_OK;
    if (best < 0)
        goto done;
    double ll[4];
    int named = cluster_view(p, idx, parent, n, best, ll);
    double fx0, fy0, fx1, fy1;
    if (!render_project(r, ll[0], ll[3], &fx0, &fy0) || !render_project(r, ll[2], ll[1], &fx1, &fy1))
        goto done;
    box focus = {fmin(fx0, fx1), fmin(fy0, fy1), fmax(fx0, fx1), fmax(fy0, fy1)};
    double wm = r->map.x1 - r->map.x0;
    if (focus.x1 - focus.x0 > 0.3 * wm) /* not a small cluster: the map shows it */
        goto done;
    box corners[4];
    int corner = emptiest_corner(ctx, r, &focus, corners);
    if (corner < 0)
        goto done;
    if (render_boxes_overlap(&corners[corner], &r->scale_box)) { /* the scale bar moves right */
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
        !(in->caption = render_xasprintf(ctx, "Around %s (boxed on the map)", p->name[named]))) {
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
    int rc = render_layout(ctx, r, o, reg, region, b, inset_box);
    if (!rc)
        rc = render_make_geometry(ctx, r, b, reg, d,
                                  o->front_tolerance_km > 0 ? o->front_tolerance_km : 2.0, region);
    if (!rc && !inset_box && d && sa && sb)
        rc = make_inset(ctx, r, o, a, b, reg, d, sa, sb);
    cairo_t *m = rc ? NULL : fl_canvas_measurer();
    if (m) {
        rc = render_place_marks(ctx, r, o, reg, sa, sb, m);
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
    int rc = render_check_options(ctx, o, regions, &region);
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
        rc = render_legend_figures(ctx, r, shown, regions, region, d);
    if (!rc)
        rc = render_titles(ctx, r, o, snap, shown, regions, region);
    if (!rc)
        rc = render_build_legend(ctx, r, snap, shown);
    fl_diff_free(own);
    free(sa);
    free(sb);
    if (rc) {
        fl_render_free(r);
        return rc;
    }
    double legend_h = render_layout_legend(r);
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
    render_destroy(ctx, r->territory);
    render_destroy(ctx, r->borders);
    render_destroy(ctx, r->front);
    render_destroy(ctx, r->scope_line);
    for (int s = 0; r->fill && s < r->nstatus; s++)
        render_destroy(ctx, r->fill[s]);
    free(r->fill);
    for (int c = 0; c < NCLASS; c++) {
        render_destroy(ctx, r->cls_fill[c]);
        render_destroy(ctx, r->cls_halo[c]);
    }
    free(r->trans);
    for (int i = 0; i < r->nmarks; i++) {
        free(r->marks[i].name);
        free(r->marks[i].id);
    }
    free(r->marks);
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
    if (!render_project(r, lon, lat, x, y))
        return fl_error(ctx, FL_EPROJ, "%g N %g E cannot be projected on this map", lat, lon);
    return FL_OK;
}
