/* test_threads.c — N threads, each with its own context (and its own profile and regions, as
 * the header asks: objects are used with the context that made them), over the shared raw
 * archive (or the embedded samples when it is absent): area JSON of every file, diff JSON of
 * every consecutive pair, front JSON of every file. Every document must be byte-for-byte the
 * one a sequential run makes; and a timeline of the files on THREADS threads
 * (fl_timeline_add_all) has the change log of one made on this thread alone. Run under
 * ThreadSanitizer in CI (build-tsan, see .ci/run).
 *
 * Usage: test_threads [THREADS] [MAX_FILES] (defaults 3 and 8; 0 files: all). */
#include "check.h"

#include <pthread.h>

#define MAX_THREADS 4

static char **files;
static int nfiles;
static char *profile_path, *regions_path; /* made before the threads: data_file is not
                                            * thread-safe */

/* Documents: [3 * i] area of file i, [3 * i + 1] diff i -> i + 1, [3 * i + 2] front of i. */
typedef struct job {
    int first, step; /* this thread does files first, first + step, ... */
    char **docs;
    int rc;
    char msg[1200];
} job;

static int fail(job *j, fl_ctx *ctx, const char *what)
{
    snprintf(j->msg, sizeof j->msg, "%s: %s", what, ctx ? fl_ctx_errmsg(ctx) : "no context");
    return j->rc = 1;
}

static int one_file(job *j, fl_ctx *ctx, fl_profile *p, fl_regions *r, int i)
{
    fl_snapshot *a = NULL, *b = NULL;
    fl_areas *areas = NULL;
    fl_diff *d = NULL;
    fl_front *f = NULL;
    int rc = fl_snapshot_open(ctx, files[i], p, &a);
    if (!rc)
        rc = fl_areas_new(ctx, a, r, &areas);
    if (!rc)
        rc = fl_areas_json(ctx, areas, &j->docs[3 * i]);
    if (!rc && i + 1 < nfiles && !(rc = fl_snapshot_open(ctx, files[i + 1], p, &b)) &&
        !(rc = fl_diff_new(ctx, a, b, r, NULL, &d)))
        rc = fl_diff_json(ctx, d, &j->docs[3 * i + 1]);
    if (!rc && !(rc = fl_front_new(ctx, a, r, 2.0, &f)))
        rc = fl_front_json(ctx, f, &j->docs[3 * i + 2]);
    if (rc)
        fail(j, ctx, files[i]);
    fl_front_free(f);
    fl_diff_free(d);
    fl_areas_free(areas);
    fl_snapshot_close(b);
    fl_snapshot_close(a);
    return rc;
}

static void *worker(void *arg)
{
    job *j = arg;
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p = NULL;
    fl_regions *r = NULL;
    if (!ctx)
        fail(j, NULL, "fl_ctx_new");
    else if (fl_profile_open(ctx, profile_path, &p) ||
             fl_regions_open(ctx, regions_path, NULL, NULL, &r))
        fail(j, ctx, "profile or regions");
    for (int i = j->first; !j->rc && i < nfiles; i += j->step)
        one_file(j, ctx, p, r, i);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return NULL;
}

/* The shared raw archive in time order (the names are Unix times of equal length), or the
 * embedded samples. */
static void find_files(int max)
{
    files = calloc(64, sizeof *files);
    nfiles = list_geojson(shared_file("deepstate/raw"), files, 64);
    if (!nfiles) {
        files[nfiles++] = strdup(data_file("sample/20220930.geojson"));
        files[nfiles++] = strdup(data_file("sample/20221004.geojson"));
    }
    if (max > 0 && nfiles > max) { /* the newest: the September-October 2022 versions */
        for (int i = 0; i < nfiles - max; i++)
            free(files[i]);
        memmove(files, files + nfiles - max, sizeof *files * (size_t)max);
        nfiles = max;
    }
}

static char **run(int nthreads)
{
    char **docs = calloc((size_t)(3 * nfiles), sizeof *docs);
    job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (job){.first = t, .step = nthreads, .docs = docs};
        if (nthreads == 1)
            worker(&jobs[t]);
        else
            CHECK(pthread_create(&tid[t], NULL, worker, &jobs[t]) == 0, "pthread_create");
    }
    for (int t = 0; t < nthreads; t++) {
        if (nthreads > 1)
            pthread_join(tid[t], NULL);
        CHECK(jobs[t].rc == 0, "thread %d: %s", t, jobs[t].msg);
    }
    return docs;
}

/* The change log of a timeline of every file on jobs threads. */
static char *timeline_log(int jobs)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    fl_places *pl;
    fl_timeline *tl;
    char *log = NULL, **rows = calloc((size_t)nfiles, sizeof *rows);
    CHECK_OK(ctx, fl_profile_open(ctx, profile_path, &p));
    CHECK_OK(ctx, fl_regions_open(ctx, regions_path, NULL, NULL, &r));
    CHECK_OK(ctx, fl_places_open(ctx, data_file("places/ua_places.csv"), &pl));
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, pl, 2.0, &tl));
    fl_timeline_set_thread_cost(tl, 0); /* the few samples are split all the same */
    CHECK_OK(ctx, fl_timeline_add_all(ctx, tl, files, (size_t)nfiles, jobs, rows));
    CHECK_OK(ctx, fl_timeline_changes_json(ctx, tl, &log));
    for (int i = 0; i < nfiles; i++) {
        CHECK(rows[i] && strstr(rows[i], "\"front_km\":"), "timeline row %d on %d threads", i, jobs);
        free(rows[i]);
    }
    free(rows);
    fl_timeline_free(tl);
    fl_places_close(pl);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return log;
}

int main(int argc, char **argv)
{
    int nthreads = argc > 1 ? atoi(argv[1]) : 3, max = argc > 2 ? atoi(argv[2]) : 8;
    if (nthreads < 2 || nthreads > MAX_THREADS)
        nthreads = 3;
    profile_path = strdup(data_file("profiles/deepstate.profile"));
    regions_path = strdup(data_file("regions/ua_oblasts.shp"));
    find_files(max);
    printf("%d files (%s ... %s), %d threads\n", nfiles, files[0], files[nfiles - 1], nthreads);
    char **seq = run(1), **par = run(nthreads);
    int docs = 0;
    for (int i = 0; i < 3 * nfiles; i++) {
        if (i % 3 == 1 && i / 3 + 1 >= nfiles)
            continue; /* no pair after the last file */
        CHECK(seq[i] && par[i], "document %d missing (file %s)", i, files[i / 3]);
        if (seq[i] && par[i]) {
            docs++;
            CHECK(!strcmp(seq[i], par[i]), "document %d (%s of %s) differs between the runs", i,
                  i % 3 == 0 ? "area" : i % 3 == 1 ? "diff" : "front", files[i / 3]);
        }
    }
    printf("%d documents identical in both runs\n", docs);
    char *log1 = timeline_log(1), *logn = timeline_log(nthreads);
    CHECK(log1 && logn && !strcmp(log1, logn), "the timeline's change log differs on %d threads",
          nthreads);
    free(log1);
    free(logn);
    for (int i = 0; i < 3 * nfiles; i++) {
        free(seq[i]);
        free(par[i]);
    }
    free(seq);
    free(par);
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(profile_path);
    free(regions_path);
    return check_done("threads");
}
