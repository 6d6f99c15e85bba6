/* timeline_threads.c — a timeline computed on several threads. The snapshots are cut into
 * contiguous runs, one per thread. The first run is added to the timeline itself, on the
 * calling thread; every other run gets a thread with its own context, its own copy of the
 * regions and its own timeline, which starts from the snapshot before the run (so that the
 * run's first row has its diff, and the change log its transitions). The runs' results are
 * then appended in order: rows, change log, chart, and the state the next snapshot needs. */
#include "timeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    fl_timeline *tl;          /* the caller's (first run) or the thread's own */
    fl_ctx *ctx;
    fl_regions *regions;      /* the thread's copy */
    char *const *paths;       /* the run's snapshots, after the starting one for threads */
    size_t n;
    char **rows;              /* n rows, or NULL */
    bool warm;                /* a thread: paths[-1] starts the timeline, without a row */
    int rc;
} run;

static void *run_main(void *arg)
{
    run *r = arg;
    if (r->warm && (r->rc = fl_timeline_add(r->ctx, r->tl, r->paths[-1], NULL)))
        return NULL;
    for (size_t i = 0; i < r->n && !r->rc; i++)
        r->rc = fl_timeline_add(r->ctx, r->tl, r->paths[i], r->rows ? &r->rows[i] : NULL);
    return NULL;
}

/* A thread's run: a context, a copy of the regions and a timeline of its own. */
static int run_open(fl_ctx *ctx, const fl_timeline *tl, run *r)
{
    if (!(r->ctx = fl_ctx_new()))
        return fl_error(ctx, FL_ENOMEM, "creating a thread's context");
    int rc = fl_regions_copy(r->ctx, tl->r, &r->regions);
    if (!rc)
        rc = fl_timeline_new(r->ctx, tl->profile, r->regions, tl->places, tl->tolerance_km,
                             &r->tl);
    if (rc)
        fl_error(ctx, rc, "%s", fl_ctx_errmsg(r->ctx));
    return rc;
}

static void run_close(run *r)
{
    if (!r->ctx)
        return;
    fl_timeline_free(r->ctx, r->tl);
    fl_regions_close(r->ctx, r->regions);
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
    fl_snapshot_close(ctx, tl->prev); /* geometries belong to no context: they move */
    tl->prev = t->prev;
    t->prev = NULL;
    if (tl->prev->region_serial == r->regions->serial) /* areas in the copy: the same */
        tl->prev->region_serial = tl->r->serial;
    free(tl->prev_status);
    tl->prev_status = t->prev_status;
    t->prev_status = NULL;
    tl->front_km = t->front_km;
    for (int i = 0; i < FL_STAGES; i++)
        tl->cpu[i] += t->cpu[i];
    return FL_OK;
}

/* Cuts n snapshots into runs: the first starts at 0, each next one at start[k]. */
static void cut(size_t n, int runs, size_t *start)
{
    for (int k = 0; k <= runs; k++)
        start[k] = n * (size_t)k / (size_t)runs;
}

int fl_timeline_add_all(fl_ctx *ctx, fl_timeline *tl, char *const *paths, size_t n, int jobs,
                        char **rows)
{
    int runs = jobs < 1 ? 1 : (size_t)jobs > n / 2 ? (int)(n / 2) : jobs; /* runs of >= 2 */
    if (runs < 1)
        runs = 1;
    size_t start[runs + 1];
    run r[runs];
    pthread_t th[runs];
    bool started[runs];
    cut(n, runs, start);
    memset(r, 0, sizeof r);
    memset(started, 0, sizeof started);
    int rc = FL_OK;
    for (int k = 0; k < runs; k++) {
        r[k] = (run){.tl = k ? NULL : tl, .ctx = k ? NULL : ctx, .paths = paths + start[k],
                     .n = start[k + 1] - start[k], .rows = rows ? rows + start[k] : NULL,
                     .warm = k > 0};
        if (k > 0 && !rc && !(rc = run_open(ctx, tl, &r[k])) &&
            pthread_create(&th[k], NULL, run_main, &r[k]) == 0)
            started[k] = true;
        else if (k > 0 && !rc)
            rc = fl_error(ctx, FL_ENOMEM, "cannot start a thread");
    }
    if (!rc)
        run_main(&r[0]);
    rc = rc ? rc : r[0].rc;
    for (int k = 1; k < runs; k++) {
        if (started[k])
            pthread_join(th[k], NULL);
        if (!rc && started[k] && r[k].rc)
            rc = fl_error(ctx, r[k].rc, "%s", fl_ctx_errmsg(r[k].ctx));
        if (!rc && started[k])
            rc = append(ctx, tl, &r[k]);
        run_close(&r[k]);
    }
    return rc;
}
