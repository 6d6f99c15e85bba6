/* timeline_threads.c — a timeline computed on several threads.
 *
 * The snapshots are cut into contiguous runs. The first run is added to the caller's
 * timeline. Each other run is measured by a timeline of its own, deferred (timeline.h), which
 * starts from the snapshot before the run (loaded for its features and places only, so that
 * the run's first snapshot has its diff and the change log its transitions) and keeps each
 * snapshot's step. When all are done, the runs are appended in order: their steps applied to
 * the caller's timeline (which carries the areas and the front through them, so every row is
 * the one a single thread gives, wherever a run starts), their change logs, and the state the
 * next snapshot needs.
 *
 * The workers are the calling thread and up to jobs - 1 threads, each with its own context
 * and copy of the regions (made on the calling thread, before any worker starts) and of the
 * border band (the caller makes it while the threads start, and a clone for each; 0.2-0.4 s
 * that the threads spend weighing and loading). The calling thread starts on the whole
 * archive at once, while the first thread weighs the snapshots (a pass over their texts: the
 * bytes each would parse) and cuts what the caller has left into runs of about equal cost,
 * one per thread, if the threads' start pays. A byte is not a fixed time (0.28 to 0.47 µs on
 * stretches of 100 versions of the public archive), so a worker that finishes takes the tail
 * of the run with most left, cut where that evens the two best, when that ends the pair
 * sooner by more than the new run's start costs (the snapshot before it loaded, and its
 * first with every tile and water cell computed). A worker takes its snapshots one at a time
 * under the pool's mutex, so a run's end can move while it runs, never behind the snapshot it
 * is adding.
 *
 * Progress (fl_timeline_set_progress) is reported from every worker as its snapshots are
 * done, through a mutex of its own, so that the caller's function sees one call at a time and
 * a count that rises by one each call, and a slow function (a Python one waiting for the
 * interpreter's lock) keeps no worker from its next snapshot. */
#include "timeline.h"

#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct worker worker;

typedef struct run {
    size_t start, end; /* snapshots [start, end): end moves down when a worker takes the tail */
    size_t next;       /* the first snapshot not begun */
    fl_timeline *tl;   /* the caller's (the first run) or its own */
    worker *w;         /* the worker adding it */
    int rc;
} run;

typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t cv; /* signalled when planned, when the border band is ready, on failure */
    fl_timeline *tl;           /* the caller's */
    char *const *paths;
    char **rows;     /* n rows, or NULL */
    size_t n;
    int jobs;
    worker *workers; /* jobs of them: the caller, then the threads */
    double *cost, *whole; /* per snapshot (costs), once planned */
    double *sum;          /* sum[i]: the cost of the snapshots before i (n + 1 of them) */
    run *runs;            /* nruns, of at most cap */
    size_t nruns, cap;
    bool planned; /* the first cut is made */
    bool band_ready; /* the caller's border band is made, and each thread's clone of it */
    bool failed;  /* a worker failed: the others stop */
    pthread_mutex_t report_lock; /* the progress calls: fn, data, done */
    fl_progress_fn fn;
    void *data;
    size_t done;
} pool;

struct worker {
    pool *pool;
    fl_ctx *ctx;         /* the caller's for worker 0 */
    fl_regions *copy;    /* a thread's copy of the regions; NULL for worker 0 */
    fl_front_band *band; /* the border band, kept from one of its runs to the next */
    GEOSGeometry *band_geom; /* a thread's: the clone of the caller's band it makes it from */
    run *first;          /* its first run (a thread's: given by the plan, or none) */
    int rc;
    pthread_t th;
    bool started; /* th runs it */
};

/* The runs' timelines report here (their own counts are left aside). */
static void report(void *arg, size_t done, size_t total, const char *path)
{
    (void)done, (void)total;
    pool *p = arg;
    pthread_mutex_lock(&p->report_lock);
    p->done++;
    assert(p->done <= p->n);
    p->fn(p->data, p->done, p->n, path);
    pthread_mutex_unlock(&p->report_lock);
}

/* The next snapshot of r for its worker, or SIZE_MAX when the run is over (or a worker
 * failed). */
static size_t next_snapshot(pool *p, run *r)
{
    pthread_mutex_lock(&p->lock);
    size_t i = !p->failed && r->next < r->end ? r->next++ : SIZE_MAX;
    pthread_mutex_unlock(&p->lock);
    return i;
}

/* A thread's border band, made from the clone of the caller's once the caller has made it
 * (the thread meanwhile weighs the snapshots and loads the one its run starts from); none if
 * a worker failed (the run then stops at once). */
static int take_band(worker *w)
{
    pool *p = w->pool;
    pthread_mutex_lock(&p->lock);
    while (!p->band_ready && !p->failed)
        pthread_cond_wait(&p->cv, &p->lock);
    GEOSGeometry *g = p->failed ? NULL : w->band_geom;
    w->band_geom = NULL;
    pthread_mutex_unlock(&p->lock);
    return g ? fl_front_band_adopt(w->ctx, g, w->copy, &w->band) : FL_OK;
}

/* A run's own timeline, started from the snapshot before the run. */
static int run_timeline(worker *w, run *r)
{
    const fl_timeline *tl = w->pool->tl;
    int rc = fl_timeline_new(w->ctx, tl->profile, w->copy ? w->copy : tl->r, tl->places,
                             tl->tolerance_km, &r->tl);
    if (rc)
        return rc;
    r->tl->deferred = true;
    rc = fl_timeline_add(w->ctx, r->tl, w->pool->paths[r->start - 1], NULL);
    if (!rc && !w->band)
        rc = take_band(w);
    r->tl->band = w->band;
    w->band = NULL;
    return rc;
}

/* What a run that does not end the archive no longer needs: the state the next snapshot
 * would go on from (the next run has its own). Memory stays at a few snapshots per worker. */
static void drop_state(fl_timeline *t)
{
    fl_snapshot_close(t->prev);
    t->prev = NULL;
    free(t->prev_status);
    t->prev_status = NULL;
    free(t->prev_drawn);
    t->prev_drawn = NULL;
}

/* Adds run r's snapshots on worker w, one at a time as the pool gives them. */
static int add_run(worker *w, run *r)
{
    pool *p = w->pool;
    int rc = r->tl ? FL_OK : run_timeline(w, r);
    if (!rc && p->fn) /* from here: the starting snapshot is not one of the run's */
        fl_timeline_set_progress(r->tl, report, p);
    for (size_t i; !rc && (i = next_snapshot(p, r)) != SIZE_MAX;)
        rc = fl_timeline_add(w->ctx, r->tl, p->paths[i], p->rows ? &p->rows[i] : NULL);
    if (!r->tl)
        return rc;
    w->band = r->tl->band;
    r->tl->band = NULL;
    pthread_mutex_lock(&p->lock);
    bool last = r->end == p->n;
    pthread_mutex_unlock(&p->lock);
    if (!last && r->tl != p->tl)
        drop_state(r->tl);
    return rc;
}

/* What each snapshot costs a run, in bytes of text parsed (the timeline's costs follow them:
 * parsing, and the diff's windows around the features that changed): cost[i] when paths[i]
 * comes after paths[i-1], the text of its features that paths[i-1] has not; cost[0], the
 * archive's first snapshot measured whole, its whole text and WHOLE_BYTES besides; whole[i]
 * for a run that starts from paths[i] (its features and places loaded) up to its first
 * snapshot, measured, included: the whole text and START_BYTES. All add a fixed part for what
 * every snapshot costs whatever changed (areas, places, front). A pass over the texts, in a
 * context of its own: a file it cannot read costs the fixed part (the timeline reports the
 * error).
 *
 * WHOLE_BYTES: every coast tile and water cell computed, not only those the changes reach;
 * START_BYTES: every coast tile (the places of the snapshot a run starts from take the
 * conflation), the water cells only where the first step's changes reach them. Timed on the
 * public archive (temporary timers, 100 early, 100 middle and 20 late versions): the first
 * snapshot took 0.30, 0.30 and 0.37 s (0.21, 0.48 and 0.61 MB of text), a thread's starting
 * snapshot and its first step together 0.25, 0.22 and 0.27 s. */
#define FIXED_BYTES 16384.0
#define WHOLE_BYTES 4e5
#define START_BYTES 2e5
#define MIN_GAIN (4 * FIXED_BYTES) /* what taking a tail must save to pay: four snapshots */
static void costs(const fl_ctx *caller, char *const *paths, size_t n, double *cost,
                  double *whole)
{
    fl_ctx *ctx = fl_ctx_like(caller);
    fl_source src[2] = {{0}, {0}};
    for (size_t i = 0; i < n; i++) {
        fl_source *s = &src[i % 2], *prev = &src[(i + 1) % 2];
        fl_source_clear(s);
        bool read = ctx && !fl_geojson_source(ctx, paths[i], s);
        double text = read ? (double)s->len : 0;
        whole[i] = FIXED_BYTES + START_BYTES + text;
        cost[i] = i ? FIXED_BYTES + (read ? (double)fl_source_new_bytes(s, prev) : 0)
                    : FIXED_BYTES + WHOLE_BYTES + text;
    }
    fl_source_clear(&src[0]);
    fl_source_clear(&src[1]);
    fl_ctx_free(ctx);
}

/* What a thread costs before the snapshot its run starts from (counted apart, whole), in the
 * bytes above: FL_THREAD_BYTES unless set. The first thread weighs the snapshots (0.04 s for
 * 100 versions, 0.2 s for 200 late ones) while the caller makes the border band; its regions,
 * water and border band are copies of the caller's, made in milliseconds. */
void fl_timeline_set_thread_cost(fl_timeline *tl, double bytes)
{
    if (tl)
        tl->thread_bytes = bytes >= 0 ? bytes : FL_THREAD_BYTES;
}

/* Cuts the snapshots into runs in order, each as long as it costs at most cap (a run of one
 * snapshot may cost more; the first starts at first, its first snapshot included, a later
 * one at thread, a thread's start, and the whole of the snapshot before it, its first
 * snapshot included); returns the number of runs, start[k] the first snapshot of run k,
 * start[runs] = n and *most the cost of the costliest run. */
static int cut(const double *cost, const double *whole, size_t n, double first, double thread,
               double cap, size_t *start, double *most)
{
    int k = 0;
    double run_cost = first;
    start[0] = 0;
    *most = 0;
    for (size_t i = 1; i < n; i++) {
        if (run_cost + cost[i] > cap) {
            start[++k] = i;
            *most = run_cost > *most ? run_cost : *most;
            run_cost = thread + whole[i - 1];
        } else {
            run_cost += cost[i];
        }
    }
    *most = run_cost > *most ? run_cost : *most;
    start[k + 1] = n;
    return k + 1;
}

/* What cutting the archive must save to pay: about 0.1 s, what the costs above missed by on
 * the first snapshots of the public archive (the model's error where a thread starts). */
#define MIN_SPLIT_GAIN 2e5

/* Cuts n >= 2 snapshots into at most jobs runs whose costliest costs least: the least cap
 * (by bisection) at which the greedy cut needs no more runs than that; the number of runs.
 * When its costliest run (a thread's start included) costs no less than all of them on one
 * thread less MIN_SPLIT_GAIN, one run. */
static int cut_even(const fl_timeline *tl, const double *cost, const double *whole, size_t n,
                    double first, int jobs, size_t *start)
{
    double lo = 0, hi = first, most;
    for (size_t i = 1; i < n; i++)
        hi += cost[i];
    const double one = hi; /* one run: the whole */
    for (int step = 0; step < 50; step++) {
        double mid = (lo + hi) / 2;
        if (cut(cost, whole, n, first, tl->thread_bytes, mid, start, &most) <= jobs)
            hi = mid;
        else
            lo = mid;
    }
    int runs = cut(cost, whole, n, first, tl->thread_bytes, hi, start, &most);
    if (tl->thread_bytes > 0 && most + MIN_SPLIT_GAIN >= one) /* the threads do not pay */
        return 1;
    return runs;
}

/* The border band the caller makes while its threads start (0.11 s, timed: 0.3 MB at the
 * 0.25-0.43 µs a byte of changed text costs on stretches of 100 and 200 versions). */
#define BAND_BYTES 3e5

/* On the first thread: the snapshots' costs, then what the caller's run has left cut into up
 * to jobs runs, the first kept by the caller and each other given to a thread (the threads
 * left without one stop). */
static int plan(worker *w)
{
    pool *p = w->pool;
    size_t n = p->n;
    double *cost = fl_calloc(w->ctx, 3 * n + 1, sizeof *cost);
    size_t *start = fl_calloc(w->ctx, n + 2, sizeof *start);
    if (!cost || !start) {
        free(cost);
        free(start);
        return FL_ENOMEM;
    }
    double *whole = cost + n, *sum = whole + n;
    costs(w->ctx, p->paths, n, cost, whole);
    for (size_t i = 0; i < n; i++)
        sum[i + 1] = sum[i] + cost[i];
    pthread_mutex_lock(&p->lock);
    p->cost = cost, p->whole = whole, p->sum = sum;
    run *r0 = &p->runs[0];
    size_t from = r0->next;
    /* the caller's run starts with its next snapshot (cost[0] is the first's, measured
     * whole) and the border band, while the caller makes it */
    double first = cost[from] + (p->band_ready ? 0 : BAND_BYTES);
    int runs = from + 2 <= r0->end
                   ? cut_even(p->tl, cost + from, whole + from, n - from, first, p->jobs, start)
                   : 1;
    for (int k = 1; k < runs; k++) {
        run *r = &p->runs[p->nruns++];
        *r = (run){.start = from + start[k], .end = from + start[k + 1],
                   .next = from + start[k], .w = &p->workers[k]};
        p->workers[k].first = r;
    }
    if (runs > 1)
        r0->end = from + start[1];
    p->planned = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->lock);
    free(start);
    return FL_OK;
}

/* A run for worker w, which has finished its own: the tail of the run with most left, cut
 * where the two runs' larger cost is least, if that is less than the run's cost left by more
 * than MIN_GAIN bytes (the new run's start and first snapshot cost the whole of the snapshot
 * before it); NULL when none pays. */
static run *take_tail(worker *w)
{
    pool *p = w->pool;
    run *victim = NULL, *r = NULL;
    size_t at = 0;
    double best = MIN_GAIN;
    pthread_mutex_lock(&p->lock);
    for (size_t k = 0; p->sum && !p->failed && k < p->nruns; k++) {
        run *v = &p->runs[k];
        double left = v->next < v->end ? p->sum[v->end] - p->sum[v->next] : 0;
        for (size_t s = v->next + 1; s < v->end; s++) {
            double owner = p->sum[s] - p->sum[v->next];
            double thief = p->whole[s - 1] + p->sum[v->end] - p->sum[s + 1];
            double gain = left - (owner > thief ? owner : thief);
            if (gain > best) {
                best = gain;
                victim = v;
                at = s;
            }
        }
    }
    if (victim && p->nruns < p->cap) {
        r = &p->runs[p->nruns++];
        *r = (run){.start = at, .end = victim->end, .next = at, .w = w};
        victim->end = at;
    }
    pthread_mutex_unlock(&p->lock);
    return r;
}

/* A thread's start: the plan (the first thread) or waiting for it. */
static int thread_start(worker *w)
{
    pool *p = w->pool;
    int rc = w == &p->workers[1] ? plan(w) : FL_OK;
    pthread_mutex_lock(&p->lock);
    if (rc) {
        p->failed = true;
        pthread_cond_broadcast(&p->cv);
    }
    while (!p->planned && !p->failed)
        pthread_cond_wait(&p->cv, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->pool;
    if (w->copy)
        w->rc = thread_start(w);
    for (run *r = w->rc ? NULL : w->first; r && !w->rc; r = take_tail(w))
        w->rc = r->rc = add_run(w, r);
    if (w->rc) {
        pthread_mutex_lock(&p->lock);
        p->failed = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

/* Starts worker w on a thread: a context (with the caller's limits), a copy of the regions
 * (its border band comes later: take_band). */
static int start_thread(fl_ctx *ctx, worker *w)
{
    if (!(w->ctx = fl_ctx_like(ctx)))
        return fl_error(ctx, FL_ENOMEM, "creating a thread's context");
    int rc = fl_regions_copy(w->ctx, w->pool->tl->r, &w->copy);
    if (rc)
        return fl_error(ctx, rc, "%s", fl_ctx_errmsg(w->ctx));
    if (pthread_create(&w->th, NULL, work, w))
        return fl_error(ctx, FL_ENOMEM, "cannot start a thread");
    w->started = true;
    return FL_OK;
}

/* Appends run r (after the caller's) to tl: its steps applied, its change log and, if it ends
 * the archive, its last snapshot and place statuses to go on from. */
static int append(fl_ctx *ctx, fl_timeline *tl, run *r)
{
    fl_timeline *t = r->tl;
    int rc = fl_timeline_apply_steps(ctx, tl, t);
    if (rc)
        return rc;
    if (t->nchanges) {
        place_change *v = fl_realloc(ctx, tl->changes, (size_t)(tl->nchanges + t->nchanges),
                                     sizeof *v);
        if (!v)
            return FL_ENOMEM;
        memcpy(v + tl->nchanges, t->changes, (size_t)t->nchanges * sizeof *v);
        tl->changes = v;
        tl->nchanges += t->nchanges;
    }
    if (t->prev) { /* geometries belong to no context: they move */
        fl_snapshot_close(tl->prev);
        tl->prev = t->prev;
        tl->prev->ctx = ctx;
        t->prev = NULL;
        free(tl->prev_status);
        tl->prev_status = t->prev_status;
        t->prev_status = NULL;
        free(tl->prev_drawn);
        tl->prev_drawn = t->prev_drawn;
        t->prev_drawn = NULL;
    }
    tl->added += r->end - r->start;
    for (int i = 0; i < FL_STAGES; i++)
        tl->cpu[i] += t->cpu[i];
    return FL_OK;
}

static int by_start(const void *a, const void *b)
{
    const run *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* The first error after the workers: of the earliest run that failed, else of a thread's
 * start, else rc (starting the threads). */
static int first_error(fl_ctx *ctx, const pool *p, int rc)
{
    for (size_t k = 0; k < p->nruns && !rc; k++) {
        const run *r = &p->runs[k];
        if (r->rc)
            rc = r->w->ctx == ctx ? r->rc : fl_error(ctx, r->rc, "%s", fl_ctx_errmsg(r->w->ctx));
    }
    for (int k = 1; k < p->jobs && !rc; k++)
        if (p->workers[k].rc)
            rc = fl_error(ctx, p->workers[k].rc, "%s", fl_ctx_errmsg(p->workers[k].ctx));
    return rc;
}

/* After the workers: the runs, in order, appended to tl up to the first that did not
 * complete; the first error returned. */
static int gather(fl_ctx *ctx, pool *p, int rc)
{
    qsort(p->runs, p->nruns, sizeof *p->runs, by_start);
    rc = first_error(ctx, p, rc);
    for (size_t k = 1; k < p->nruns; k++) {
        run *r = &p->runs[k];
        if (r->rc || r->next < r->end) /* failed, or stopped by another's failure */
            break;
        int arc = append(ctx, p->tl, r);
        if (arc)
            return rc ? rc : arc;
    }
    return rc;
}

static void close_workers(fl_ctx *ctx, pool *p)
{
    for (size_t k = 0; k < p->nruns; k++)
        if (p->runs[k].tl != p->tl)
            fl_timeline_free(p->runs[k].tl);
    assert(!p->tl->band); /* the caller's run handed it to worker 0 (add_run) */
    p->tl->band = p->workers[0].band;
    for (int k = 1; k < p->jobs; k++) {
        worker *w = &p->workers[k];
        fl_front_band_free(w->band);
        if (w->band_geom) /* never taken: the thread stopped first */
            GEOSGeom_destroy_r(ctx->geos, w->band_geom);
        fl_regions_close(w->copy);
        fl_ctx_free(w->ctx);
    }
}

/* The caller's border band, made (if it has none) once the threads have started, and a
 * clone of it for each thread, made before the caller uses it (a geometry computes its
 * bounds when first asked: no thread may read it meanwhile). */
static int share_band(fl_ctx *ctx, pool *p)
{
    fl_timeline *tl = p->tl;
    int rc = tl->band ? FL_OK : fl_front_band_new(ctx, tl->r, tl->tolerance_km, &tl->band);
    pthread_mutex_lock(&p->lock);
    for (int k = 1; k < p->jobs && !rc; k++)
        if (p->workers[k].started && !(p->workers[k].band_geom = fl_front_band_clone(ctx, tl->band)))
            rc = ctx->err;
    p->band_ready = !rc;
    p->failed |= rc != FL_OK;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Starts the threads (when jobs > 1), shares the border band with them, runs the caller's
 * worker, waits for the threads. */
static int run_workers(fl_ctx *ctx, pool *p)
{
    int rc = FL_OK;
    for (int k = 1; k < p->jobs && !rc; k++)
        rc = start_thread(ctx, &p->workers[k]);
    if (!rc && p->jobs > 1)
        rc = share_band(ctx, p);
    if (rc) { /* the threads started stop before their first snapshot */
        pthread_mutex_lock(&p->lock);
        p->failed = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->lock);
    }
    work(&p->workers[0]);
    for (int k = 1; k < p->jobs; k++)
        if (p->workers[k].started)
            pthread_join(p->workers[k].th, NULL);
    return rc;
}

int fl_timeline_add_all(fl_ctx *ctx, fl_timeline *tl, char *const *paths, size_t n, int jobs,
                        char **rows)
{
    size_t most_runs = n + 1; /* a run has a snapshot at least */
    pool p = {.tl = tl, .paths = paths, .rows = rows, .n = n,
              .jobs = n < 2 || jobs < 1 ? 1 : jobs, .cap = most_runs, .fn = tl->progress,
              .data = tl->progress_data};
    if ((size_t)p.jobs > most_runs)
        p.jobs = (int)most_runs;
    p.runs = fl_calloc(ctx, p.cap, sizeof *p.runs);
    p.workers = p.runs ? fl_calloc(ctx, (size_t)p.jobs, sizeof *p.workers) : NULL;
    if (!p.workers) {
        free(p.runs);
        return FL_ENOMEM;
    }
    for (int k = 0; k < p.jobs; k++)
        p.workers[k] = (worker){.pool = &p, .ctx = k ? NULL : ctx};
    p.runs[0] = (run){.start = 0, .end = n, .next = 0, .tl = tl, .w = &p.workers[0]};
    p.workers[0].first = &p.runs[0];
    p.nruns = 1;
    pthread_mutex_init(&p.lock, NULL);
    pthread_mutex_init(&p.report_lock, NULL);
    pthread_cond_init(&p.cv, NULL);
    int rc = run_workers(ctx, &p);
    fl_timeline_set_progress(tl, p.fn, p.data);
    rc = gather(ctx, &p, rc);
    close_workers(ctx, &p);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.lock);
    pthread_mutex_destroy(&p.report_lock);
    free(p.workers);
    free(p.runs);
    free(p.cost);
    return rc;
}
