/* test_progress.c — a timeline's progress function (fl_timeline_set_progress): one call after
 * each snapshot, done rising by one, total the snapshots of an fl_timeline_add_all call (0 for
 * fl_timeline_add); over fl_timeline_add_all's threads never two calls at once; none once
 * removed. On the embedded samples, each added several times over with the time set apart
 * by a copy's name (so that the threads have runs to share). */
#include "check.h"

#include <stdatomic.h>

typedef struct seen {
    atomic_int inside;   /* calls running now */
    size_t calls, last_done, total;
    bool overlapped, out_of_order;
    char last_path[512];
} seen;

static void on_progress(void *arg, size_t done, size_t total, const char *path)
{
    seen *s = arg;
    if (atomic_fetch_add(&s->inside, 1) != 0)
        s->overlapped = true;
    usleep(1000); /* widen the window in which a second call would overlap */
    if (done != s->last_done + 1)
        s->out_of_order = true;
    s->last_done = done;
    s->total = total;
    s->calls++;
    snprintf(s->last_path, sizeof s->last_path, "%s", path);
    atomic_fetch_sub(&s->inside, 1);
}

/* n copies of the two samples, named by successive days so that they are in time order. */
static int make_copies(char **paths, int n)
{
    const char *src[2] = {data_file("sample/20220930.geojson"),
                          data_file("sample/20221004.geojson")};
    for (int i = 0; i < n; i++) {
        char buf[600], cmd[1400];
        snprintf(buf, sizeof buf, "%s/202210%02d.geojson", temp_dir(), i + 1);
        snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src[i % 2], buf);
        CHECK(system(cmd) == 0, "%s", cmd);
        paths[i] = strdup(buf);
    }
    return n;
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    open_embedded(ctx, &p, &r);
    char *paths[9];
    int n = make_copies(paths, 9) - 1; /* the last one is added after fl_timeline_add_all */
    fl_timeline *tl;

    /* one at a time: done counts the timeline's snapshots, total unknown (0) */
    seen one = {0};
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, NULL, 2.0, &tl));
    fl_timeline_set_progress(tl, on_progress, &one);
    for (int i = 0; i < 3; i++)
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], NULL));
    CHECK(one.calls == 3 && one.last_done == 3 && one.total == 0 && !one.out_of_order,
          "%zu calls, last done %zu, total %zu", one.calls, one.last_done, one.total);
    CHECK(!strcmp(one.last_path, paths[2]), "last path %s", one.last_path);
    /* removed: no more calls */
    fl_timeline_set_progress(tl, NULL, &one);
    CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[3], NULL));
    CHECK(one.calls == 3, "%zu calls after removing the function", one.calls);
    fl_timeline_free(tl);

    /* on 3 threads: every snapshot once, one call at a time, done 1..n of total n */
    for (int jobs = 1; jobs <= 3; jobs += 2) {
        seen all = {0};
        CHECK_OK(ctx, fl_timeline_new(ctx, p, r, NULL, 2.0, &tl));
        fl_timeline_set_progress(tl, on_progress, &all);
        CHECK_OK(ctx, fl_timeline_add_all(ctx, tl, paths, (size_t)n, jobs, NULL));
        CHECK(all.calls == (size_t)n && all.last_done == (size_t)n &&
              all.total == (size_t)n, "jobs %d: %zu calls, last done %zu, total %zu", jobs,
              all.calls, all.last_done, all.total);
        CHECK(!all.overlapped && !all.out_of_order, "jobs %d: calls overlapped or skipped",
              jobs);
        /* the caller's function stays set after the call, done going on from n */
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[n], NULL));
        CHECK(all.calls == (size_t)n + 1 && all.last_done == (size_t)n + 1 && all.total == 0,
              "jobs %d, then one more: %zu calls, last done %zu, total %zu", jobs, all.calls,
              all.last_done, all.total);
        fl_timeline_free(tl);
    }
    for (int i = 0; i <= n; i++)
        free(paths[i]);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("progress");
}
