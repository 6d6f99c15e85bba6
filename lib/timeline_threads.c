/* timeline_threads.c — a timeline computed on several threads. The snapshots are cut into
 * contiguous runs of about equal cost (the bytes each would parse), one per thread. The first
 * run is added to the timeline itself, on the calling thread; every other run gets a thread
 * with its own context, its own copy of the regions and its own timeline, which starts from the
 * snapshot before the run (so that the run's first row has its diff, and the change log its
 * transitions). The runs' results are then appended in order: rows, change log, chart, and the
 * state the next snapshot needs. Progress (fl_timeline_set_progress) is reported from every
 * thread as its snapshots are done, through one mutex, so that the caller's function sees one
 * call at a time and a count that rises by one each call. */
#include "timeline.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The caller's progress function, shared by the runs of one fl_timeline_add_all. */
typedef struct progress {
    pthread_mutex_t lock;
    fl_progress_fn fn;
    void *data;
    size_t done, total;
} progress;

/* The runs' timelines report here (their own counts are left aside). */
static void report(void *arg, size_t done, size_t total, const char *path)
{
    (void)done, (void)total;
    progress *p = arg;
    pthread_mutex_lock(&p->lock);
    p->done++;
    assert(p->done <= p->total);
    p->fn(p->data, p->done, p->total, path);
    pthread_mutex_unlock(&p->lock);
}

typedef struct run {
    fl_timeline *tl;          /* the caller's (first run) or the thread's own */
    fl_ctx *ctx;
    fl_regions *regions;      /* the thread's copy */
    char *const *paths;       /* the run's snapshots, after the starting one for threads */
    size_t n;
    char **rows;              /* n rows, or NULL */
    bool warm;                /* a thread: paths[-1] starts the timeline, without a row */
    progress *progress;       /* NULL: none wanted */
    int rc;
    pthread_t th;
    bool started;             /* th runs it */
} run;

static void *run_main(void *arg)
{
    run *r = arg;
    if (r->warm && (r->rc = fl_timeline_add(r->ctx, r->tl, r->paths[-1], NULL)))
        return NULL;
    if (r->progress) /* from here: the starting snapshot is not one of the run's */
        fl_timeline_set_progress(r->tl, report, r->progress);
    for (size_t i = 0; i < r->n && !r->rc; i++)
        r->rc = fl_timeline_add(r->ctx, r->tl, r->paths[i], r->rows ? &r->rows[i] : NULL);
    return NULL;
}

/* A new context with ctx's limits, or NULL. */
static fl_ctx *ctx_like(const fl_ctx *ctx)
{
    fl_ctx *c = fl_ctx_new();
    if (c)
        memcpy(c->limits, ctx->limits, sizeof c->limits);
    return c;
}

/* A thread's run: a context (with the caller's limits), a copy of the regions and a
 * timeline of its own. */
static int run_open(fl_ctx *ctx, const fl_timeline *tl, run *r)
{
    if (!(r->ctx = ctx_like(ctx)))
        return fl_error(ctx, FL_ENOMEM, "creating a thread's context");
    int rc = fl_regions_copy(r->ctx, tl->r, &r->regions);
    if (!rc)
        rc = fl_timeline_new(r->ctx, tl->profile, r->regions, tl->places, tl->tolerance_km,
                             &r->tl);
    if (!rc)
        r->tl->anchor = tl->anchor; /* its runs start at anchors: the same ones */
    if (rc)
        fl_error(ctx, rc, "%s", fl_ctx_errmsg(r->ctx));
    return rc;
}

static void run_close(run *r)
{
    if (!r->ctx)
        return;
    fl_timeline_free(r->tl);
    fl_regions_close(r->regions);
    fl_ctx_free(r->ctx);
}

/* Appends a thread's results to tl: its change log, its chart without the starting point,
 * and its last snapshot, place statuses and front length to go on from. */
static int append(fl_ctx *ctx, fl_timeline *tl, run *r)
{
    fl_timeline *t = r->tl;
    if (t->nchanges) {
        place_change *v = fl_realloc(ctx, tl->changes, (size_t)(tl->nchanges + t->nchanges),
                                     sizeof *v);
        if (!v)
            return FL_ENOMEM;
        memcpy(v + tl->nchanges, t->changes, (size_t)t->nchanges * sizeof *v);
        tl->changes = v;
        tl->nchanges += t->nchanges;
    }
    int rc = fl_chart_append(ctx, tl->chart, fl_timeline_chart(t), 1);
    if (rc)
        return rc;
    fl_snapshot_close(tl->prev); /* geometries belong to no context: they move */
    tl->prev = t->prev;
    tl->prev->ctx = ctx;
    t->prev = NULL;
    if (tl->prev->cache->region_serial == r->regions->serial) /* areas in the copy: the same */
        tl->prev->cache->region_serial = tl->r->serial;
    free(tl->prev_status);
    tl->prev_status = t->prev_status;
    t->prev_status = NULL;
    free(tl->prev_drawn);
    tl->prev_drawn = t->prev_drawn;
    t->prev_drawn = NULL;
    tl->front_km = t->front_km;
    tl->added += r->n;
    for (int i = 0; i < FL_STAGES; i++)
        tl->cpu[i] += t->cpu[i];
    return FL_OK;
}

/* What each snapshot costs a run, in bytes of text parsed (the timeline's costs follow them:
 * parsing, and the diff's windows around the features that changed): cost[i] when paths[i]
 * comes after paths[i-1], the text of its features that paths[i-1] has not; whole[i] when a
 * run starts from paths[i], which it then loads whole. Both add a fixed part for what every
 * snapshot costs whatever changed (areas, places, front). A pass over the texts, in a context
 * of its own: a file it cannot read costs the fixed part (the timeline reports the error). */
#define FIXED_BYTES 16384.0
static void costs(const fl_ctx *caller, char *const *paths, size_t n, double *cost,
                  double *whole)
{
    fl_ctx *ctx = ctx_like(caller);
    fl_source src[2] = {{0}, {0}};
    for (size_t i = 0; i < n; i++) {
        fl_source *s = &src[i % 2], *prev = &src[(i + 1) % 2];
        fl_source_clear(s);
        bool read = ctx && !fl_geojson_source(ctx, paths[i], s);
        whole[i] = FIXED_BYTES + (read ? (double)s->len : 0);
        cost[i] = FIXED_BYTES + (read ? (double)fl_source_new_bytes(s, prev) : 0);
    }
    fl_source_clear(&src[0]);
    fl_source_clear(&src[1]);
    fl_ctx_free(ctx);
}

/* What a thread costs before its first snapshot, in the bytes above: FL_THREAD_BYTES unless
 * set. The calling thread copies the regions for it before its own run starts, and the thread
 * builds its coast tiles and border band: about 1.5 s, or 0.6 s wall and 1.0 s CPU more for
 * --jobs 2 than for --jobs 1 on two snapshots. A byte of cost took 0.3 to 0.8 µs on the
 * shared archives; at 3 MB a start keeps the 29 occupied exports (2.9 MB of cost, 1.8 s CPU),
 * which a second thread made slower, on one thread, and cuts the raw ones and the whole
 * public archive (98 MB). */
void fl_timeline_set_thread_cost(fl_timeline *tl, double bytes)
{
    if (tl)
        tl->thread_bytes = bytes >= 0 ? bytes : FL_THREAD_BYTES;
}

/* Cuts the snapshots into runs in order, each as long as it costs at most cap (a run may
 * cost more where no cut is allowed; a run after the first starts at thread, a thread's
 * start); returns the number of runs, start[k] the first snapshot of run k, start[runs] = n
 * and *most the cost of the costliest run. A run starts only after an anchor (one of every
 * anchor snapshots, FL_TIMELINE_ANCHOR): the snapshot it starts from is then measured whole
 * by every run, whatever the cut; added is the number of snapshots the timeline had before
 * paths[0]. */
static int cut(const double *cost, const double *whole, size_t n, size_t added, size_t anchor,
               double thread, double cap, size_t *start, double *most)
{
    int k = 0;
    double run_cost = whole[0];
    start[0] = 0;
    *most = 0;
    for (size_t i = 1; i < n; i++) {
        if (run_cost + cost[i] > cap && (added + i - 1) % anchor == 0) {
            start[++k] = i;
            *most = run_cost > *most ? run_cost : *most;
            run_cost = thread + whole[i - 1];
        }
        run_cost += cost[i];
    }
    *most = run_cost > *most ? run_cost : *most;
    start[k + 1] = n;
    return k + 1;
}

/* Cuts n >= 2 snapshots into at most jobs runs whose costliest costs least: the least cap
 * (by bisection) at which the greedy cut needs no more runs than that. When its costliest run
 * (a thread's start included) costs no less than all of them on one thread, one run. */
static int cut_even(fl_ctx *ctx, const fl_timeline *tl, char *const *paths, size_t n, int jobs,
                    size_t *start, int *runs)
{
    double *cost = fl_calloc(ctx, 2 * n, sizeof *cost);
    if (!cost)
        return FL_ENOMEM;
    double *whole = cost + n;
    costs(ctx, paths, n, cost, whole);
    double lo = 0, hi = whole[0], most;
    for (size_t i = 1; i < n; i++)
        hi += cost[i];
    const double one = hi; /* one run: the whole */
    for (int step = 0; step < 50; step++) {
        double mid = (lo + hi) / 2;
        int runs_at_mid = cut(cost, whole, n, tl->added, tl->anchor, tl->thread_bytes, mid,
                              start, &most);
        if (runs_at_mid <= jobs)
            hi = mid;
        else
            lo = mid;
    }
    *runs = cut(cost, whole, n, tl->added, tl->anchor, tl->thread_bytes, hi, start, &most);
    if (tl->thread_bytes > 0 && most >= one) { /* the threads' start outweighs their share */
        *runs = 1;
        start[1] = n;
    }
    free(cost);
    return FL_OK;
}

int fl_timeline_add_all(fl_ctx *ctx, fl_timeline *tl, char *const *paths, size_t n, int jobs,
                        char **rows)
{
    int rc = FL_OK, runs = 1;
    size_t *start = fl_calloc(ctx, n + 2, sizeof *start);
    if (!start)
        return FL_ENOMEM;
    start[1] = n;
    if (jobs > 1 && n >= 2)
        rc = cut_even(ctx, tl, paths, n, jobs, start, &runs);
    run *r = rc ? NULL : fl_calloc(ctx, (size_t)runs, sizeof *r);
    if (!r) {
        free(start);
        return rc ? rc : FL_ENOMEM;
    }
    fl_progress_fn caller_fn = tl->progress; /* run 0 reports through the mutex too */
    void *caller_data = tl->progress_data;
    progress pg = {.fn = caller_fn, .data = caller_data, .total = n};
    if (caller_fn)
        pthread_mutex_init(&pg.lock, NULL);
    for (int k = 0; k < runs; k++) {
        r[k] = (run){.tl = k ? NULL : tl, .ctx = k ? NULL : ctx, .paths = paths + start[k],
                     .n = start[k + 1] - start[k], .rows = rows ? rows + start[k] : NULL,
                     .warm = k > 0, .progress = caller_fn ? &pg : NULL};
        if (k > 0 && !rc && !(rc = run_open(ctx, tl, &r[k])) &&
            pthread_create(&r[k].th, NULL, run_main, &r[k]) == 0)
            r[k].started = true;
        else if (k > 0 && !rc)
            rc = fl_error(ctx, FL_ENOMEM, "cannot start a thread");
    }
    if (!rc)
        run_main(&r[0]);
    rc = rc ? rc : r[0].rc;
    fl_timeline_set_progress(tl, caller_fn, caller_data);
    for (int k = 1; k < runs; k++) {
        if (r[k].started)
            pthread_join(r[k].th, NULL);
        if (!rc && r[k].started && r[k].rc)
            rc = fl_error(ctx, r[k].rc, "%s", fl_ctx_errmsg(r[k].ctx));
        if (!rc && r[k].started)
            rc = append(ctx, tl, &r[k]);
        run_close(&r[k]);
    }
    if (caller_fn)
        pthread_mutex_destroy(&pg.lock);
    free(r);
    free(start);
    return rc;
}
