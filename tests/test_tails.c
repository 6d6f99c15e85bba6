/* test_tails.c — in fl_timeline_add_all, a thread that finishes first takes the tail of the
 * run with most left, and the rows stay those of one thread to the byte.
 *
 * The two embedded samples, alternated (every feature changes at every step), as 72 versions:
 * the first 65 as written, the last 7 with blanks after every comma. The cut weighs the bytes
 * each version would parse, so it counts the padded ones ten times over (parsing blanks costs
 * far less) and gives a thread no more than the last 7. The thread then finishes long before
 * the caller and must take the tail of the caller's run, whatever the build's speed. Seen in the
 * progress reports: a thread that took a tail reports a version before one it reported
 * already, or versions that are not one range. */
#include "check.h"

#include <pthread.h>

#define N 72
#define PLAIN 65  /* versions as written; the rest padded */
#define PAD 1024  /* blanks after each comma */

typedef struct reports {
    pthread_t caller;
    char **paths;
    int count[2], lo[2], hi[2]; /* per thread (0 the caller, 1 the other) */
    bool went_back[2];
} reports;

/* The progress calls come one at a time (fl_timeline_set_progress). */
static void on_report(void *arg, size_t done, size_t total, const char *path)
{
    (void)done, (void)total;
    reports *rp = arg;
    int t = !pthread_equal(pthread_self(), rp->caller), i = 0;
    while (i < N && strcmp(rp->paths[i], path))
        i++;
    CHECK(i < N, "a report of %s, not one of the versions", path);
    if (rp->count[t]++ == 0)
        rp->lo[t] = rp->hi[t] = i;
    if (i < rp->hi[t])
        rp->went_back[t] = true;
    rp->lo[t] = i < rp->lo[t] ? i : rp->lo[t];
    rp->hi[t] = i > rp->hi[t] ? i : rp->hi[t];
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    CHECK(f, "cannot open %s", path);
    char *s = malloc(1 << 20);
    *len = fread(s, 1, (1 << 20) - 1, f);
    s[*len] = 0;
    fclose(f);
    return s;
}

/* Version i: sample i % 2, padded from PLAIN on, named by its time (Unix seconds, a minute
 * apart) so that they are in order. */
static char *write_version(int i, char *const text[2])
{
    char *path = malloc(600);
    snprintf(path, 600, "%s/%d.geojson", temp_dir(), 1664582400 + 60 * i);
    FILE *f = fopen(path, "w");
    CHECK(f, "cannot write %s", path);
    for (const char *c = text[i % 2]; *c; c++) {
        fputc(*c, f);
        if (*c == ',' && i >= PLAIN)
            fprintf(f, "%*s", PAD, "");
    }
    fclose(f);
    return path;
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    open_embedded(ctx, &p, &r);
    size_t len;
    char *text[2] = {slurp(data_file("sample/20220930.geojson"), &len),
                     slurp(data_file("sample/20221004.geojson"), &len)};
    char *paths[N], *one[N], *split[N] = {0};
    for (int i = 0; i < N; i++)
        paths[i] = write_version(i, text);

    fl_timeline *tl;
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, NULL, 2.0, &tl));
    for (int i = 0; i < N; i++)
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], &one[i]));
    fl_timeline_free(tl);

    reports rp = {.caller = pthread_self(), .paths = paths};
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, NULL, 2.0, &tl));
    fl_timeline_set_thread_cost(tl, 0);
    fl_timeline_set_progress(tl, on_report, &rp);
    CHECK_OK(ctx, fl_timeline_add_all(ctx, tl, paths, N, 2, split));
    CHECK(rp.count[0] + rp.count[1] == N && rp.count[1] > 0, "%d versions on the caller, %d on "
          "the thread", rp.count[0], rp.count[1]);
    bool taken = false;
    for (int t = 0; t < 2; t++)
        taken |= rp.went_back[t] || rp.hi[t] - rp.lo[t] + 1 != rp.count[t];
    CHECK(taken, "no tail taken: the caller did %d..%d, the thread %d..%d%s", rp.lo[0],
          rp.hi[0], rp.lo[1], rp.hi[1], rp.went_back[1] ? " (back)" : "");
    for (int i = 0; i < N; i++) {
        CHECK(split[i] && !strcmp(one[i], split[i]), "%s: the row differs on two threads",
              paths[i]);
        free(one[i]);
        free(split[i]);
        free(paths[i]);
    }
    fl_timeline_free(tl);
    free(text[0]);
    free(text[1]);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("tails");
}
