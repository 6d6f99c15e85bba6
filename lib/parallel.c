/* parallel.c — a function run on several threads at once, each with a context of its own.
 *
 * A context's GEOS and PROJ handles serve one thread at a time (GEOS' _r API and PROJ's
 * contexts are made so), so each thread but the calling one gets a new context with the
 * caller's limits, and its error, if any, is copied into the caller's. The caller cuts the
 * work so that no two parts write the same memory, nor use one GEOS geometry while another
 * may: GEOS computes a geometry's envelope when first asked for it, so a geometry that two
 * parts would overlay or clip is cloned for each (cloning only reads). */
#include "internal.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct part {
    fl_ctx *ctx;
    fl_part_fn fn;
    void *arg;
    int k, n, rc;
    pthread_t th;
    bool started;
} part;

static void *run_part(void *arg)
{
    part *p = arg;
    p->rc = p->fn(p->ctx, p->arg, p->k, p->n);
    return NULL;
}

int fl_parallel_count(const fl_ctx *ctx, int parts)
{
    int64_t most = ctx->limits[FL_LIMIT_THREADS];
    assert(most >= 1 && most <= FL_THREADS_MAX);
    return parts < 1 ? 1 : parts > most ? (int)most : parts;
}

int fl_parallel(fl_ctx *ctx, int parts, fl_part_fn fn, void *arg)
{
    int n = fl_parallel_count(ctx, parts);
    if (n == 1)
        return fn(ctx, arg, 0, 1);
    part *p = fl_calloc(ctx, (size_t)n, sizeof *p);
    if (!p)
        return FL_ENOMEM;
    int rc = FL_OK;
    for (int k = 1; k < n && !rc; k++) {
        p[k] = (part){.ctx = fl_ctx_like(ctx), .fn = fn, .arg = arg, .k = k, .n = n};
        if (!p[k].ctx || pthread_create(&p[k].th, NULL, run_part, &p[k]))
            rc = fl_error(ctx, FL_ENOMEM, "cannot start a thread");
        else
            p[k].started = true;
    }
    if (!rc) /* else the work is incomplete: the threads started are only waited for */
        rc = fn(ctx, arg, 0, n);
    for (int k = 1; k < n; k++)
        if (p[k].started)
            pthread_join(p[k].th, NULL);
    for (int k = 1; k < n && !rc; k++)
        if (p[k].rc)
            rc = fl_error(ctx, p[k].rc, "%s", fl_ctx_errmsg(p[k].ctx));
    for (int k = 1; k < n; k++)
        fl_ctx_free(p[k].ctx);
    free(p);
    return rc;
}
