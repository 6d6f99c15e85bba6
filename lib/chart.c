/* chart.c — charts of areas over time, drawn with cairo.
 *
 * A chart holds, for each point in time, the km² of every status within the territory and
 * within each region (what fl_areas computes), so a timeline can fill one as it goes and stay
 * bounded by two snapshots in memory. It is drawn as small multiples on dated axes: one panel
 * per drawn status (km² within the territory, each on its own scale, so that a change of a
 * few hundred km² shows next to 100,000 km²), then one per region for the regions that
 * changed most, as km² gained or lost since the first point (one scale for every status of
 * the region, zero marked). */
#include "canvas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_WIDTH 1600
#define DEFAULT_REGIONS 3
#define DEFAULT_TITLE "Territorial control over time"
#define DEFAULT_ATTRIBUTION "Data: DeepStateMap; boundaries: Natural Earth; places: GeoNames"

struct fl_chart {
    const fl_profile *profile;
    const fl_regions *regions;
    int nstatus, nregions;
    int n, cap;
    int64_t *t;
    double *km2; /* n rows of (nregions + 1) × nstatus: the territory, then each region */
};

static size_t row_size(const fl_chart *c) { return (size_t)(c->nregions + 1) * (size_t)c->nstatus; }

/* km² of status s in region k (or FL_REGION_ALL: the territory) at point i. */
static double value(const fl_chart *c, int i, int k, int s)
{
    return c->km2[(size_t)i * row_size(c) + fl_region_row(k) * (size_t)c->nstatus + (size_t)s];
}

int fl_chart_new(fl_ctx *ctx, const fl_profile *profile, const fl_regions *regions,
                 fl_chart **out)
{
    *out = fl_calloc(ctx, 1, sizeof **out);
    if (!*out)
        return FL_ENOMEM;
    (*out)->profile = profile;
    (*out)->regions = regions;
    (*out)->nstatus = fl_profile_status_count(profile);
    (*out)->nregions = regions ? fl_regions_count(regions) : 0;
    return FL_OK;
}

void fl_chart_free(fl_chart *c)
{
    if (!c)
        return;
    free(c->t);
    free(c->km2);
    free(c);
}

int fl_chart_count(const fl_chart *c) { return c ? c->n : 0; }

/* A new row for time t, in time order (after every point not later than t); NULL on error. */
static double *chart_row(fl_ctx *ctx, fl_chart *c, int64_t t)
{
    if (t == FL_TIME_UNKNOWN) {
        fl_error(ctx, FL_EARG, "a chart point needs a time");
        return NULL;
    }
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 32;
        int64_t *tv = fl_realloc(ctx, c->t, (size_t)cap, sizeof *tv);
        if (!tv)
            return NULL;
        c->t = tv;
        double *kv = fl_realloc(ctx, c->km2, (size_t)cap * row_size(c), sizeof *kv);
        if (!kv)
            return NULL;
        c->km2 = kv;
        c->cap = cap;
    }
    int at = c->n;
    while (at > 0 && c->t[at - 1] > t)
        at--;
    size_t rs = row_size(c);
    memmove(c->t + at + 1, c->t + at, (size_t)(c->n - at) * sizeof *c->t);
    memmove(c->km2 + (size_t)(at + 1) * rs, c->km2 + (size_t)at * rs,
            (size_t)(c->n - at) * rs * sizeof *c->km2);
    c->t[at] = t;
    c->n++;
    return c->km2 + (size_t)at * rs;
}

int fl_chart_add(fl_ctx *ctx, fl_chart *c, int64_t t, const fl_areas *areas)
{
    double *row = chart_row(ctx, c, t);
    if (!row)
        return ctx->err;
    for (size_t k = 0; k <= (size_t)c->nregions; k++)
        for (int s = 0; s < c->nstatus; s++)
            row[k * (size_t)c->nstatus + (size_t)s] = fl_areas_km2(areas, fl_row_region(k), s);
    return FL_OK;
}

/* ---- axes ---------------------------------------------------------------------------- */

/* A round step for about `want` intervals over span: 1, 2, 2.5 or 5 times a power of ten. */
static double nice_step(double span, int want)
{
    if (!(span > 0))
        return 1;
    double raw = span / want, p = pow(10, floor(log10(raw)));
    double steps[] = {1, 2, 2.5, 5, 10};
    for (int i = 0; i < 5; i++)
        if (steps[i] * p >= raw)
            return steps[i] * p;
    return 10 * p;
}

typedef struct time_ticks {
    int64_t step;    /* seconds, or 0 for calendar months */
    int months;      /* step in months when step == 0 */
} time_ticks;

static time_ticks choose_time_ticks(double span, int want)
{
    static const int64_t steps[] = {3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400,
                                    7 * 86400, 14 * 86400};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span / (double)steps[i] <= want)
            return (time_ticks){steps[i], 0};
    static const int months[] = {1, 2, 3, 6, 12, 24, 60};
    for (size_t i = 0; i < sizeof months / sizeof *months; i++)
        if (span / (months[i] * 30.44 * 86400) <= want)
            return (time_ticks){0, months[i]};
    return (time_ticks){0, 120};
}

/* The first tick at or after t0. */
static int64_t first_tick(int64_t t0, time_ticks tt)
{
    if (tt.step) {
        int64_t base = tt.step >= 7 * 86400 ? 4 * 86400 : 0; /* weeks start on Monday */
        int64_t k = (t0 - base + tt.step - 1) / tt.step;
        if (t0 - base < 0)
            k = (t0 - base) / tt.step;
        return base + k * tt.step;
    }
    time_t tt0 = (time_t)t0;
    struct tm tm;
    gmtime_r(&tt0, &tm);
    int month = tm.tm_year * 12 + tm.tm_mon;
    if (tm.tm_mday > 1 || tm.tm_hour || tm.tm_min || tm.tm_sec)
        month++;
    month = (month + tt.months - 1) / tt.months * tt.months;
    struct tm m = {.tm_year = month / 12, .tm_mon = month % 12, .tm_mday = 1};
    return (int64_t)timegm(&m);
}

static int64_t next_tick(int64_t t, time_ticks tt)
{
    if (tt.step)
        return t + tt.step;
    time_t tt0 = (time_t)t;
    struct tm tm;
    gmtime_r(&tt0, &tm);
    int month = tm.tm_year * 12 + tm.tm_mon + tt.months;
    struct tm m = {.tm_year = month / 12, .tm_mon = month % 12, .tm_mday = 1};
    return (int64_t)timegm(&m);
}

static void tick_label(char *buf, size_t size, int64_t t, time_ticks tt)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt0 = (time_t)t;
    struct tm tm;
    gmtime_r(&tt0, &tm);
    if (tt.step && tt.step < 86400 && (tm.tm_hour || tm.tm_min))
        snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
    else if (tt.step)
        snprintf(buf, size, "%d %s", tm.tm_mday, mon[tm.tm_mon]);
    else if (tt.months >= 12)
        snprintf(buf, size, "%d", tm.tm_year + 1900);
    else if (tm.tm_mon == 0 || tt.months >= 3)
        snprintf(buf, size, "%s %d", mon[tm.tm_mon], tm.tm_year + 1900);
    else
        snprintf(buf, size, "%s", mon[tm.tm_mon]);
}

static char *short_date(char *buf, size_t size, int64_t t)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt0 = (time_t)t;
    struct tm tm;
    gmtime_r(&tt0, &tm);
    snprintf(buf, size, "%d %s %d", tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900);
    return buf;
}

/* ---- panels -------------------------------------------------------------------------- */

typedef struct panel {
    double x0, y0, x1, y1; /* the plot area */
    int region;            /* FL_REGION_ALL: a status panel */
    int status;            /* status panels: the status */
} panel;

typedef struct frame {
    const fl_chart *c;
    double u;
    int64_t t0, t1; /* x range */
} frame;

static double px_of(const frame *f, const panel *p, int64_t t)
{
    return p->x0 + (p->x1 - p->x0) * (double)(t - f->t0) / (double)(f->t1 - f->t0);
}

/* The value plotted for series s of a panel at point i. */
static double series(const frame *f, const panel *p, int s, int i)
{
    if (p->region < 0)
        return value(f->c, i, FL_REGION_ALL, s);
    return value(f->c, i, p->region, s) - value(f->c, 0, p->region, s);
}

/* The value axis of a panel: from *y_lo to *y_hi by *step, round numbers around the values
 * plotted, with zero always shown for changes. */
static void value_axis(const frame *f, const panel *p, int s0, int s1, double *y_lo,
                       double *y_hi, double *step)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (int s = s0; s < s1; s++)
        for (int i = 0; i < f->c->n; i++) {
            double v = series(f, p, s, i);
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
    if (p->region >= 0) { /* changes: zero is always shown */
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    /* a span of at least 1 km² (and 2 % of the values): rounding noise stays flat */
    double span = hi - lo, min_span = fmax(1, 0.02 * fmax(fabs(lo), fabs(hi)) * (p->region < 0));
    if (span < min_span) {
        double mid = (lo + hi) / 2;
        bool positive = lo >= 0;
        lo = mid - min_span / 2, hi = mid + min_span / 2;
        if (positive && lo < 0)
            hi -= lo, lo = 0;
    } else {
        bool positive = lo >= 0;
        lo -= span * 0.08, hi += span * 0.08;
        if (positive && lo < 0) /* areas: no negative axis */
            lo = 0;
    }
    *step = nice_step(hi - lo, 5);
    *y_lo = floor(lo / *step) * *step, *y_hi = ceil(hi / *step) * *step;
    if (p->region < 0 && lo >= 0 && *y_lo < 0)
        *y_lo = 0;
}

/* The grid with the value ticks, the time ticks and the axes of a panel. */
static void draw_axes(const frame *f, const panel *p, cairo_t *cr, double y_lo, double y_hi,
                      double step)
{
    double u = f->u;
    fl_rgb grey = {0.4, 0.4, 0.4};
    int decimals = 0; /* as many as the step needs: 2.5 -> 1 */
    while (decimals < 6 && fabs(step * pow(10, decimals) - round(step * pow(10, decimals))) > 1e-6)
        decimals++;
    cairo_set_line_width(cr, 0.7 * u);
    fl_canvas_font(cr, 12 * u, false);
    for (double v = y_lo; v <= y_hi + step / 2; v += step) {
        double y = p->y1 - (p->y1 - p->y0) * (v - y_lo) / (y_hi - y_lo);
        cairo_new_path(cr);
        cairo_move_to(cr, p->x0, y);
        cairo_line_to(cr, p->x1, y);
        bool zero = p->region >= 0 && fabs(v) < step / 2;
        cairo_set_source_rgb(cr, zero ? 0.35 : 0.86, zero ? 0.35 : 0.86, zero ? 0.35 : 0.86);
        cairo_set_line_width(cr, (zero ? 1.2 : 0.7) * u);
        cairo_stroke(cr);
        char n[64], t[80];
        fl_format_number(n, sizeof n, fabs(v) < step / 2 ? 0 : v, decimals);
        snprintf(t, sizeof t, "%s%s", p->region >= 0 && v > step / 2 ? "+" : "", n);
        fl_canvas_text(cr, p->x0 - 8 * u, y + 4 * u, t, FL_ALIGN_RIGHT, grey, 0);
    }
    time_ticks tt = choose_time_ticks((double)(f->t1 - f->t0), (int)((p->x1 - p->x0) / (56 * u)));
    for (int64_t t = first_tick(f->t0, tt); t <= f->t1; t = next_tick(t, tt)) {
        double x = px_of(f, p, t);
        cairo_new_path(cr);
        cairo_move_to(cr, x, p->y1);
        cairo_line_to(cr, x, p->y1 + 5 * u);
        cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
        char label[32];
        tick_label(label, sizeof label, t, tt);
        fl_canvas_text(cr, x, p->y1 + 19 * u, label, FL_ALIGN_CENTRE, grey, 0);
    }
    cairo_new_path(cr);
    cairo_move_to(cr, p->x0, p->y0);
    cairo_line_to(cr, p->x0, p->y1);
    cairo_line_to(cr, p->x1, p->y1);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.9 * u);
    cairo_stroke(cr);
}

/* The line of series s in a panel, with a dot at each point when they are few. */
static void draw_series(const frame *f, const panel *p, cairo_t *cr, int s, double y_lo,
                        double y_hi)
{
    const fl_chart *c = f->c;
    double u = f->u;
    fl_rgb col = fl_rgb_parse(fl_profile_status_colour(c->profile, s));
    /* a very light status colour would vanish on white: darken it */
    if (col.r + col.g + col.b > 2.4)
        col = fl_rgb_darken(col, 0.5);
    cairo_new_path(cr);
    for (int i = 0; i < c->n; i++) {
        double x = px_of(f, p, c->t[i]);
        double y = p->y1 - (p->y1 - p->y0) * (series(f, p, s, i) - y_lo) / (y_hi - y_lo);
        if (i == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    fl_canvas_set_rgb(cr, col, 1);
    cairo_set_line_width(cr, 2.4 * u);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    if (c->n > 80)
        return;
    for (int i = 0; i < c->n; i++) {
        double x = px_of(f, p, c->t[i]);
        double y = p->y1 - (p->y1 - p->y0) * (series(f, p, s, i) - y_lo) / (y_hi - y_lo);
        cairo_new_path(cr);
        cairo_arc(cr, x, y, 2.8 * u, 0, 2 * M_PI);
        fl_canvas_set_rgb(cr, col, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.8 * u);
        cairo_stroke(cr);
    }
}

static void draw_panel(const frame *f, const panel *p, cairo_t *cr, const char *title)
{
    double u = f->u;
    int ndrawn = f->c->nstatus - 1;
    int s0 = p->region < 0 ? p->status : 0, s1 = p->region < 0 ? p->status + 1 : ndrawn;
    double y_lo, y_hi, step;
    value_axis(f, p, s0, s1, &y_lo, &y_hi, &step);
    fl_rgb ink = {0.1, 0.1, 0.1};
    fl_canvas_fit_font(cr, title, 15 * u, true, p->x1 - p->x0 + 40 * u);
    fl_canvas_text(cr, p->x0 - 2 * u, p->y0 - 14 * u, title, FL_ALIGN_LEFT, ink, 0);
    draw_axes(f, p, cr, y_lo, y_hi, step);
    cairo_save(cr);
    cairo_rectangle(cr, p->x0, p->y0 - 4 * u, p->x1 - p->x0, p->y1 - p->y0 + 8 * u);
    cairo_clip(cr);
    for (int s = s0; s < s1; s++)
        draw_series(f, p, cr, s, y_lo, y_hi);
    cairo_restore(cr);
}

/* Regions ordered by how much changed in them: the largest range over time of any drawn
 * status. */
typedef struct ranked {
    int region;
    double change;
} ranked;

static int by_change(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    return a->change < b->change ? 1 : a->change > b->change ? -1 : a->region - b->region;
}

/* The regions ranked by change (by_change), and in *nreg how many of the first to draw: at
 * most *nreg, and none where nothing changed. NULL when out of memory. */
static ranked *rank_regions(fl_ctx *ctx, const fl_chart *c, int *nreg)
{
    ranked *rk = fl_calloc(ctx, (size_t)(c->nregions + 1), sizeof *rk);
    if (!rk)
        return NULL;
    for (int k = 0; k < c->nregions; k++) {
        rk[k].region = k;
        for (int s = 0; s < c->nstatus - 1; s++) {
            double lo = HUGE_VAL, hi = -HUGE_VAL;
            for (int i = 0; i < c->n; i++) {
                lo = fmin(lo, value(c, i, k, s));
                hi = fmax(hi, value(c, i, k, s));
            }
            rk[k].change = fmax(rk[k].change, hi - lo);
        }
    }
    qsort(rk, (size_t)c->nregions, sizeof *rk, by_change);
    if (*nreg > c->nregions)
        *nreg = c->nregions;
    while (*nreg > 0 && !(rk[*nreg - 1].change > 0.005)) /* regions where nothing changed */
        --*nreg;
    return rk;
}

/* The title, the subtitle (how many versions, from when to when) and the legend of the
 * statuses' colours. */
static void draw_heading(const fl_chart *c, cairo_t *cr, const char *title, double width,
                         double m, double u)
{
    fl_rgb ink = {0.08, 0.08, 0.08}, grey = {0.35, 0.35, 0.35};
    char d0[32], d1[32], sub[256];
    fl_canvas_fit_font(cr, title, 28 * u, true, width - 2 * m);
    fl_canvas_text(cr, m, m + 28 * u, title, FL_ALIGN_LEFT, ink, 0);
    snprintf(sub, sizeof sub, "%d map version%s from %s to %s. Areas in km², geodesic, within the "
             "territory and its regions.", c->n, c->n == 1 ? "" : "s",
             short_date(d0, sizeof d0, c->t[0]), short_date(d1, sizeof d1, c->t[c->n - 1]));
    fl_canvas_fit_font(cr, sub, 15 * u, false, width - 2 * m);
    fl_canvas_text(cr, m, m + 58 * u, sub, FL_ALIGN_LEFT, grey, 0);
    double lx = m;
    for (int s = 0; s < c->nstatus - 1; s++) {
        fl_rgb col = fl_rgb_parse(fl_profile_status_colour(c->profile, s));
        cairo_new_path(cr);
        cairo_move_to(cr, lx, m + 88 * u);
        cairo_line_to(cr, lx + 28 * u, m + 88 * u);
        fl_canvas_set_rgb(cr, col, 1);
        cairo_set_line_width(cr, 3 * u);
        cairo_stroke(cr);
        const char *name = fl_profile_status_name(c->profile, s);
        fl_canvas_font(cr, 14 * u, false);
        fl_canvas_text(cr, lx + 36 * u, m + 93 * u, name, FL_ALIGN_LEFT, ink, 0);
        lx += 36 * u + fl_canvas_text_width(cr, name) + 30 * u;
    }
}

int fl_chart_write(fl_ctx *ctx, const fl_chart *c, const fl_chart_options *opts,
                   const char *path)
{
    fl_chart_options defaults = {0};
    const fl_chart_options *o = opts ? opts : &defaults;
    if (fl_canvas_kind_of(ctx, path) < 0)
        return ctx->err;
    if (!c || c->n == 0)
        return fl_error(ctx, FL_EARG, "%s: the chart has no points (snapshots with a known time)",
                        path);
    if (o->width < 0 || (o->width > 0 && (o->width < 640 || o->width > 16000)))
        return fl_error(ctx, FL_EARG, "chart width %d is out of range (640 .. 16000)", o->width);
    double width = o->width ? o->width : DEFAULT_WIDTH, u = fmax(width / 1600, 0.75);
    int ndrawn = c->nstatus - 1;
    int nreg = o->regions < 0 ? 0 : o->regions ? o->regions : DEFAULT_REGIONS;
    ranked *rk = rank_regions(ctx, c, &nreg);
    if (!rk)
        return FL_ENOMEM;
    /* layout: panels three to a row */
    int cols = width < 1100 ? 2 : 3, nstat_rows = (ndrawn + cols - 1) / cols, nreg_rows = (nreg + cols - 1) / cols;
    double m = 28 * u, top = 150 * u, gap_x = 90 * u, ph = 250 * u, row_h = ph + 80 * u;
    double pw = (width - 2 * m - 70 * u - (cols - 1) * gap_x) / cols;
    double height = top + (nstat_rows + nreg_rows) * row_h + (nreg_rows ? 40 * u : 0) + 50 * u;
    fl_canvas cv;
    const char *title = o->title ? o->title : DEFAULT_TITLE;
    int rc = fl_canvas_open(ctx, &cv, path, width, ceil(height), title);
    if (rc) {
        free(rk);
        return rc;
    }
    cairo_t *cr = cv.cr;
    fl_rgb ink = {0.08, 0.08, 0.08}, grey = {0.35, 0.35, 0.35};
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    frame f = {c, u, c->t[0], c->t[c->n - 1]};
    if (f.t1 <= f.t0) { /* one point in time: a day either side */
        f.t0 -= 86400;
        f.t1 += 86400;
    } else {
        int64_t pad = (f.t1 - f.t0) / 40;
        f.t0 -= pad;
        f.t1 += pad;
    }
    char d0[32], d1[32];
    draw_heading(c, cr, title, width, m, u);
    double x_left = m + 70 * u;
    for (int s = 0; s < ndrawn; s++) {
        int row = s / cols, col = s % cols;
        double x0 = x_left + col * (pw + gap_x), y0 = top + row * row_h + 30 * u;
        panel p = {x0, y0, x0 + pw, y0 + ph, FL_REGION_ALL, s};
        char n[64], t[200];
        const char *name = fl_profile_status_name(c->profile, s);
        snprintf(t, sizeof t, "%c%s: %s km² on %s",
                 name[0] >= 'a' && name[0] <= 'z' ? name[0] - 32 : name[0], name + 1,
                 fl_format_number(n, sizeof n, value(c, c->n - 1, FL_REGION_ALL, s), 0),
                 short_date(d1, sizeof d1, c->t[c->n - 1]));
        draw_panel(&f, &p, cr, t);
    }
    if (nreg) {
        double y = top + nstat_rows * row_h + 20 * u;
        char t[200];
        snprintf(t, sizeof t, "Regions that changed most: km² gained or lost since %s",
                 short_date(d0, sizeof d0, c->t[0]));
        fl_canvas_fit_font(cr, t, 17 * u, true, width - 2 * m);
        fl_canvas_text(cr, m, y + 10 * u, t, FL_ALIGN_LEFT, ink, 0);
        for (int k = 0; k < nreg; k++) {
            int row = k / cols, col = k % cols;
            double x0 = x_left + col * (pw + gap_x), y0 = y + 40 * u + row * row_h + 30 * u;
            panel p = {x0, y0, x0 + pw, y0 + ph, rk[k].region, 0};
            draw_panel(&f, &p, cr, fl_regions_name(c->regions, rk[k].region));
        }
    }
    fl_canvas_font(cr, 12.5 * u, false);
    fl_canvas_text(cr, m, height - 20 * u, o->attribution ? o->attribution : DEFAULT_ATTRIBUTION,
                   FL_ALIGN_LEFT, grey, 0);
    char v[64];
    snprintf(v, sizeof v, "frontline %s", fl_version());
    fl_canvas_text(cr, width - m, height - 20 * u, v, FL_ALIGN_RIGHT, grey, 0);
    free(rk);
    return fl_canvas_close(ctx, &cv, false);
}
