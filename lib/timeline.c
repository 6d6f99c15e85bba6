/* timeline.c — timelines over archives: one row per snapshot (areas, transitions against the
 * previous snapshot, frontline length) and the change log of places. Only the previous
 * snapshot is kept, so memory does not grow with the archive.
 *
 * A snapshot is added in two parts. It is measured (measure: loaded, its changes from the
 * previous snapshot, what the conflation moved, the water's change, the frontline's change,
 * its places) into a step, on whichever thread adds it; then the step is applied (apply): the
 * areas, the water and the front length are carried from the previous snapshot's through the
 * changes (carry.c), and the row is made. Only the first snapshot's areas, water and front
 * are measured whole. A run of fl_timeline_add_all that starts later in the archive keeps its steps and
 * applies them when the runs before it are (timeline_threads.c), so each row is the one a
 * single thread gives. */
#include "timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fl_timeline_new(fl_ctx *ctx, const fl_profile *profile, const fl_regions *r,
                    const fl_places *places, double tolerance_km, fl_timeline **out)
{
    *out = fl_calloc(ctx, 1, sizeof **out);
    if (!*out)
        return FL_ENOMEM;
    **out = (fl_timeline){.profile = profile, .r = r, .places = places,
                          .tolerance_km = tolerance_km, .thread_bytes = FL_THREAD_BYTES};
    int rc = fl_chart_new(ctx, profile, r, &(*out)->chart);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

void fl_step_clear(fl_step *st)
{
    free(st->path);
    free(st->measured);
    free(st->cells);
    free(st->water);
    fl_areas_free(st->areas);
    *st = (fl_step){0};
}

void fl_timeline_free(fl_timeline *tl)
{
    if (!tl)
        return;
    fl_snapshot_close(tl->prev);
    fl_front_band_free(tl->band);
    free(tl->prev_status);
    free(tl->prev_drawn);
    free(tl->first_status);
    free(tl->changes);
    fl_chart_free(tl->chart);
    free(tl->km2);
    free(tl->next_km2);
    free(tl->matrix);
    for (size_t i = 0; i < tl->nsteps; i++)
        fl_step_clear(&tl->steps[i]);
    free(tl->steps);
    free(tl);
}

/* Status of every place in s, as drawn (into tl->prev_drawn, for the next snapshot) and as
 * published (*status, which the caller frees; as fl_places_status gives them). The drawn ones are measured for the first
 * snapshot, afterwards they are the previous snapshot's changed where the diff d has windows;
 * the published ones are made from them for each snapshot (fl_status_conflate), so that a
 * place's status is the same whether its run started at s or long before (the conflation
 * of a point can change where nothing was drawn anew: the slivers are the snapshot's). */
static int place_statuses(fl_ctx *ctx, fl_timeline *tl, const fl_snapshot *s, const fl_diff *d,
                          int **status)
{
    const fl_places *p = tl->places;
    size_t n = (size_t)p->n;
    int rc = FL_OK;
    if (!d || !tl->prev_drawn) {
        free(tl->prev_drawn);
        tl->prev_drawn = fl_calloc(ctx, n + 1, sizeof *tl->prev_drawn);
        rc = tl->prev_drawn ? fl_snapshot_status_drawn(ctx, s, tl->r, n, p->lat, p->lon,
                                                       tl->prev_drawn, NULL)
                            : FL_ENOMEM;
    } else {
        rc = fl_windows_status(ctx, d->win, d->nwin, tl->r, n, p->lat, p->lon, tl->prev_drawn);
    }
    *status = rc ? NULL : fl_calloc(ctx, n + 1, sizeof **status);
    if (!rc && !*status)
        rc = FL_ENOMEM;
    if (!rc) {
        memcpy(*status, tl->prev_drawn, n * sizeof **status);
        rc = fl_status_conflate(ctx, s, tl->r, n, p->lat, p->lon, false, *status);
    }
    if (rc) {
        free(*status);
        *status = NULL;
        free(tl->prev_drawn); /* a half-updated state must not be carried on */
        tl->prev_drawn = NULL;
    }
    return rc;
}

/* Appends the places whose status differs from the previous snapshot to the change log. */
static int log_places(fl_ctx *ctx, fl_timeline *tl, const fl_snapshot *s, const fl_diff *d,
                      int *count)
{
    *count = 0;
    if (!tl->places)
        return FL_OK;
    int *status;
    int rc = place_statuses(ctx, tl, s, d, &status);
    if (rc)
        return rc;
    for (int i = 0; tl->prev_status && i < tl->places->n; i++) {
        if (status[i] == tl->prev_status[i])
            continue;
        place_change *v = fl_realloc(ctx, tl->changes, (size_t)tl->nchanges + 1, sizeof *v);
        if (!v) {
            free(status);
            return FL_ENOMEM;
        }
        tl->changes = v;
        v[tl->nchanges++] = (place_change){i, tl->prev_status[i], status[i], tl->prev->time,
                                           s->time};
        (*count)++;
    }
    if (!tl->first_status) {
        tl->first_status = status;
        tl->first_time = s->time;
        status = NULL;
        tl->prev_status = malloc((size_t)tl->places->n * sizeof *tl->prev_status);
        if (!tl->prev_status)
            return fl_error(ctx, FL_ENOMEM, "out of memory");
        memcpy(tl->prev_status, tl->first_status, (size_t)tl->places->n * sizeof(int));
    } else {
        free(tl->prev_status);
        tl->prev_status = status;
    }
    return FL_OK;
}

/* The frontline's length for the first snapshot (d NULL), else its change from the previous
 * one, window by window. */
static int front_km(fl_ctx *ctx, fl_timeline *tl, const fl_snapshot *s, const fl_diff *d,
                    double *km)
{
    int rc = tl->band ? FL_OK : fl_front_band_new(ctx, tl->r, tl->tolerance_km, &tl->band);
    if (rc)
        return rc;
    if (d)
        return fl_front_change_km(ctx, d->win, d->nwin, s->profile, tl->band, km);
    fl_front *f;
    rc = fl_front_with(ctx, s, tl->band, &f);
    if (!rc)
        *km = fl_front_km(f);
    fl_front_free(f);
    return rc;
}

static json_object *km2_object(const fl_profile *p, int n, double (*get)(const void *, int, int),
                               const void *obj, int region)
{
    json_object *o = json_object_new_object();
    for (int i = 0; i < n; i++)
        fl_json_object_add(o, fl_profile_status_name(p, i), fl_json_km2(get(obj, region, i)));
    return o;
}

static double area_get(const void *a, int region, int status)
{
    return fl_areas_km2(a, region, status);
}

static double moved_get(const void *a, int region, int status)
{
    return fl_areas_moved_km2(a, region, status);
}

static double drawn_get(const void *km2, int region, int status)
{
    (void)region;
    return ((const double *)km2)[status];
}

/* The row of step st, applied: its drawn km² and front length (carried), and transitions,
 * the everywhere matrix (NULL for the first snapshot). */
static json_object *row_json(const fl_timeline *tl, const fl_step *st, const double *drawn,
                             double front_km, const double *transitions)
{
    const fl_profile *p = tl->profile;
    int n = fl_profile_status_count(p);
    const fl_areas *a = st->areas;
    json_object *row = fl_head_json(st->path, st->time);
    fl_json_object_add(row, "status_km2", km2_object(p, n - 1, drawn_get, drawn, 0));
    fl_json_object_add(row, "territory_km2", km2_object(p, n, area_get, a, FL_REGION_ALL));
    /* the conflation's and the water's share of those figures (docs/geography.md) */
    fl_json_object_add(row, "moved_km2", km2_object(p, n, moved_get, a, FL_REGION_ALL));
    fl_json_object_add(row, "water_km2", fl_json_km2(fl_areas_water_km2(a, FL_REGION_ALL)));
    json_object *regions = json_object_new_array();
    for (int k = 0; k < tl->r->n; k++) {
        json_object *o = fl_region_json(tl->r, k);
        fl_json_object_add(o, "status_km2", km2_object(p, n, area_get, a, k));
        fl_json_array_add(regions, o);
    }
    fl_json_object_add(row, "regions", regions);
    fl_json_object_add(row, "transitions",
                       transitions ? fl_transitions_json(p, n + 1, transitions) : NULL);
    fl_json_object_add(row, "front_km", fl_json_num(front_km, 3));
    fl_json_object_add(row, "place_changes", json_object_new_int(st->changes));
    fl_json_object_add(row, "features", fl_counts_json(&st->counts));
    return row;
}

static const char *const stage_names[FL_STAGES] = {
    "load+classify", "diff", "areas", "front", "places", "rows",
};

/* Adds the CPU time since *t to stage i (this thread's clock) and restarts *t. */
static void lap(fl_timeline *tl, int i, struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    tl->cpu[i] += (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
    *t = now;
}

int fl_timeline_add(fl_ctx *ctx, fl_timeline *tl, const char *path, char **row_json_out)
{
    return fl_timeline_add_files(ctx, tl, &path, 1, row_json_out);
}

/* The first snapshot's km², measured, into st->measured (see fl_step). */
static int measure_first(fl_ctx *ctx, const fl_timeline *tl, const fl_snapshot *s, fl_step *st)
{
    size_t ns = (size_t)s->nstatus, region = (size_t)(tl->r->n + 1) * ns;
    const double *km2 = fl_snapshot_region_km2(ctx, s, tl->r);
    st->measured = km2 ? fl_calloc(ctx, ns - 1 + region, sizeof *st->measured) : NULL;
    if (!st->measured)
        return ctx->err;
    memcpy(st->measured, s->km2, (ns - 1) * sizeof *s->km2);
    memcpy(st->measured + ns - 1, km2, region * sizeof *km2);
    return FL_OK;
}

/* The diff's changes: its nonzero cells off the diagonal, in order. */
static int keep_cells(fl_ctx *ctx, const fl_diff *d, fl_step *st)
{
    size_t n = (size_t)d->n, cells = (size_t)(d->r->n + 1) * n * n;
    for (size_t i = 0; i < cells; i++)
        st->ncells += d->km2[i] != 0 && i % n != i / n % n;
    st->cells = fl_calloc(ctx, st->ncells + 1, sizeof *st->cells);
    if (!st->cells)
        return FL_ENOMEM;
    for (size_t i = 0, k = 0; i < cells; i++)
        if (d->km2[i] != 0 && i % n != i / n % n)
            st->cells[k++] = (fl_step_cell){i, d->km2[i]};
    return FL_OK;
}

/* The first snapshot's undrawn water, measured, or its change from the previous snapshot
 * (d: their diff), into st->water. */
static int water(fl_ctx *ctx, const fl_timeline *tl, const fl_snapshot *s, const fl_diff *d,
                 fl_step *st)
{
    st->water = fl_calloc(ctx, (size_t)tl->r->n + 1, sizeof *st->water);
    if (!st->water)
        return FL_ENOMEM;
    return d ? fl_snapshot_water_change(ctx, tl->prev, s, tl->r, d->win, d->nwin, st->water)
             : fl_snapshot_water_km2(ctx, s, tl->r, st->water);
}

/* Loads s (after prev, whose features it copies) and checks its time. */
static int load(fl_ctx *ctx, const fl_timeline *tl, const char *const *paths, size_t n,
                fl_snapshot **s)
{
    int rc = fl_snapshot_load_files(ctx, paths, n, tl->profile, tl->prev, s);
    if (!rc && (*s)->time == FL_TIME_UNKNOWN)
        rc = fl_error(ctx, FL_EARG, "%s: no time in the file name (a timeline orders its "
                      "snapshots by time; see docs/times.md for the forms read)", (*s)->path);
    if (!rc && tl->prev && (*s)->time < tl->prev->time)
        rc = fl_error(ctx, FL_EARG, "%s: earlier than the previous snapshot %s (add snapshots "
                      "in time order)", (*s)->path, tl->prev->path);
    return rc;
}

/* Measures snapshot s into step st (see fl_step); its place changes go to the change log.
 * A deferred run's first snapshot, which it only starts from, gets its places alone. */
static int measure(fl_ctx *ctx, fl_timeline *tl, const fl_snapshot *s, fl_step *st,
                   struct timespec *t)
{
    bool first = !tl->prev, start = first && tl->deferred;
    *st = (fl_step){.time = s->time, .counts = s->counts};
    int rc = first && !start ? fl_snapshot_normalise(ctx, s) : FL_OK;
    if (!rc && first && !start)
        rc = measure_first(ctx, tl, s, st);
    lap(tl, 0, t);
    fl_diff *d = NULL;
    if (!rc && !first)
        rc = fl_diff_compute(ctx, tl->prev, s, tl->r, NULL, FL_DIFF_CHANGES, &d);
    if (!rc && d)
        rc = keep_cells(ctx, d, st);
    lap(tl, 1, t);
    if (!rc && !start)
        rc = fl_areas_measure(ctx, s, tl->r, &st->areas);
    if (!rc && !start)
        rc = water(ctx, tl, s, d, st);
    lap(tl, 2, t);
    if (!rc && !start)
        rc = front_km(ctx, tl, s, d, &st->front_km);
    lap(tl, 3, t);
    if (!rc)
        rc = log_places(ctx, tl, s, d, &st->changes);
    lap(tl, 4, t);
    fl_diff_free(d);
    if (!rc && !start && !(st->path = fl_strdup(ctx, s->path)))
        rc = FL_ENOMEM;
    return rc;
}

/* Makes room for tl's carried km² and the matrices of the changes. */
static int carry_room(fl_ctx *ctx, fl_timeline *tl)
{
    size_t ns = (size_t)fl_profile_status_count(tl->profile), nr = (size_t)tl->r->n;
    size_t km2 = ns - 1 + (nr + 1) * (ns + 1);
    if (!tl->km2)
        tl->km2 = fl_calloc(ctx, km2, sizeof *tl->km2);
    if (!tl->next_km2)
        tl->next_km2 = fl_calloc(ctx, km2, sizeof *tl->next_km2);
    if (!tl->matrix)
        tl->matrix = fl_calloc(ctx, (nr + 1) * (ns + 1) * (ns + 1), sizeof *tl->matrix);
    return tl->km2 && tl->next_km2 && tl->matrix ? FL_OK : FL_ENOMEM;
}

/* Applies step st to tl (see the file's head): its km² and front carried (or, for the first,
 * taken as measured), its areas filled, its row made and its point charted; on error tl is
 * as it was. */
static int apply(fl_ctx *ctx, fl_timeline *tl, fl_step *st)
{
    int rc = carry_room(ctx, tl);
    if (rc)
        return rc;
    int ns = fl_profile_status_count(tl->profile), nr = tl->r->n;
    size_t nkm2 = (size_t)(ns - 1) + (size_t)(nr + 1) * ns;
    double *next = tl->next_km2, *m = st->measured ? NULL : tl->matrix;
    if (m) {
        memset(m, 0, (size_t)(nr + 1) * (ns + 1) * (ns + 1) * sizeof *m);
        for (size_t i = 0; i < st->ncells; i++)
            m[st->cells[i].at] = st->cells[i].km2;
        fl_carry(ns, nr, tl->km2, tl->km2 + ns - 1, m, next, next + ns - 1);
        for (int k = 0; k <= nr; k++) /* an area, so no rounding takes it below 0 */
            next[nkm2 + k] = fmax(0, tl->km2[nkm2 + k] + st->water[k]);
    } else {
        memcpy(next, st->measured, nkm2 * sizeof *next);
        memcpy(next + nkm2, st->water, (size_t)(nr + 1) * sizeof *next);
    }
    fl_areas_fill(st->areas, next + ns - 1, next + nkm2);
    double front_km = m ? tl->front_km + st->front_km : st->front_km;
    char *row = NULL;
    if (st->row)
        rc = fl_json_out(ctx, row_json(tl, st, next, front_km, m), &row);
    if (!rc)
        rc = fl_chart_add(ctx, tl->chart, st->time, st->areas);
    if (rc) {
        free(row);
        return rc;
    }
    tl->next_km2 = tl->km2;
    tl->km2 = next;
    tl->front_km = front_km;
    if (st->row)
        *st->row = row;
    return FL_OK;
}

/* Keeps step st in tl's steps (a deferred run's); st is emptied. */
static int keep_step(fl_ctx *ctx, fl_timeline *tl, fl_step *st)
{
    if (tl->nsteps == tl->cap_steps) {
        size_t cap = tl->cap_steps ? 2 * tl->cap_steps : 16;
        fl_step *v = fl_realloc(ctx, tl->steps, cap, sizeof *v);
        if (!v)
            return FL_ENOMEM;
        tl->steps = v;
        tl->cap_steps = cap;
    }
    tl->steps[tl->nsteps++] = *st;
    *st = (fl_step){0};
    return FL_OK;
}

int fl_timeline_apply_steps(fl_ctx *ctx, fl_timeline *tl, fl_timeline *run)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    int rc = FL_OK;
    for (size_t i = 0; i < run->nsteps && !rc; i++) {
        rc = apply(ctx, tl, &run->steps[i]);
        fl_step_clear(&run->steps[i]); /* applied: its row is made */
    }
    lap(tl, 5, &t);
    return rc;
}

int fl_timeline_add_files(fl_ctx *ctx, fl_timeline *tl, const char *const *paths, size_t n,
                          char **row_json_out)
{
    fl_snapshot *s = NULL;
    fl_step st = {0};
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    bool start = !tl->prev && tl->deferred;
    int rc = load(ctx, tl, paths, n, &s);
    if (!rc)
        rc = measure(ctx, tl, s, &st, &t);
    st.row = row_json_out;
    if (!rc && tl->deferred && !start)
        rc = keep_step(ctx, tl, &st);
    else if (!rc && !start)
        rc = apply(ctx, tl, &st);
    fl_step_clear(&st);
    if (rc) {
        fl_snapshot_close(s);
        return rc;
    }
    fl_snapshot_close(tl->prev);
    tl->prev = s;
    lap(tl, 5, &t);
    tl->added++;
    if (tl->progress)
        tl->progress(tl->progress_data, tl->added, 0, paths[0]);
    return FL_OK;
}

void fl_timeline_set_progress(fl_timeline *tl, fl_progress_fn fn, void *userdata)
{
    tl->progress = fn;
    tl->progress_data = fn ? userdata : NULL;
}

const char *fl_timeline_stage(const fl_timeline *tl, int i, double *cpu_seconds)
{
    if (i < 0 || i >= FL_STAGES)
        return NULL;
    *cpu_seconds = tl->cpu[i];
    return stage_names[i];
}

const fl_chart *fl_timeline_chart(const fl_timeline *tl) { return tl->chart; }

int fl_timeline_changes_json(fl_ctx *ctx, const fl_timeline *tl, char **json)
{
    json_object *arr = json_object_new_array();
    char t[32];
    for (int i = 0; i < tl->nchanges; i++) {
        const place_change *c = &tl->changes[i];
        json_object *o = fl_place_json(tl->places, c->place);
        fl_json_object_add(o, "status_from", json_object_new_string(fl_profile_status_name(tl->profile, c->from)));
        fl_json_object_add(o, "status_to", json_object_new_string(fl_profile_status_name(tl->profile, c->to)));
        fl_json_object_add(o, "before", json_object_new_string(fl_time_format(c->before, t, sizeof t)));
        fl_json_object_add(o, "after", json_object_new_string(fl_time_format(c->after, t, sizeof t)));
        fl_json_array_add(arr, o);
    }
    return fl_json_out(ctx, arr, json);
}

int fl_timeline_place_json(fl_ctx *ctx, const fl_timeline *tl, int place, char **json)
{
    if (!tl->places || place < 0 || place >= tl->places->n)
        return fl_error(ctx, FL_EARG, "no place %d", place);
    json_object *doc = fl_place_json(tl->places, place), *hist = json_object_new_array();
    char t[32];
    if (tl->first_status) {
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "time", json_object_new_string(fl_time_format(tl->first_time, t, sizeof t)));
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(tl->profile, tl->first_status[place])));
        fl_json_array_add(hist, o);
    }
    for (int i = 0; i < tl->nchanges; i++) {
        const place_change *c = &tl->changes[i];
        if (c->place != place)
            continue;
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "time", json_object_new_string(fl_time_format(c->after, t, sizeof t)));
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(tl->profile, c->to)));
        fl_json_object_add(o, "previous_time", json_object_new_string(fl_time_format(c->before, t, sizeof t)));
        fl_json_array_add(hist, o);
    }
    fl_json_object_add(doc, "history", hist);
    return fl_json_out(ctx, doc, json);
}

static int cmp_paths(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    int64_t ta = fl_time_parse(a), tb = fl_time_parse(b);
    if (ta != tb) {
        if (ta == FL_TIME_UNKNOWN || tb == FL_TIME_UNKNOWN)
            return ta == FL_TIME_UNKNOWN ? 1 : -1;
        return ta < tb ? -1 : 1;
    }
    return strcmp(a, b);
}

void fl_timeline_sort_paths(char **paths, size_t n)
{
    qsort(paths, n, sizeof *paths, cmp_paths);
}
