/* pairs.c — the diff of each consecutive pair of an archive as a timeline computes it: the
 * transition matrices, everywhere and per region, without the pieces and the lost/gained
 * report (fl_diff_compute with report off). Issue 6 asks ≤ 5 ms for a consecutive raw pair;
 * the public fl_diff_new also builds the report, which a timeline does not need, so this
 * program looks inside the library (lib/diff.h), as some tests do.
 *
 *   build/bench/pairs [--calls N] [DIR]   (DIR: ../shared/data/deepstate/raw; N: 10)
 *
 * The snapshots are taken in time order. Each pair is set up as in a timeline, untimed: A
 * opened with its region areas known, B loaded after A (features A has are copied from it).
 * The diff then runs N times; a row gives the pair, its windows, and the least and median
 * CPU ms of a call (CLOCK_PROCESS_CPUTIME_ID). The last lines sum up over the pairs. Without
 * the directory it says so and exits 0. The embedded profile and regions are read from
 * $FRONTLINE_DATA, else from the source tree the program was built from. */
#include "diff.h"

#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(fl_ctx *ctx, const char *what)
{
    fprintf(stderr, "pairs: %s: %s\n", what, fl_ctx_errmsg(ctx));
    exit(1);
}

static const char *data_path(const char *name, char *buf, size_t size)
{
    const char *root = getenv("FRONTLINE_DATA");
    snprintf(buf, size, "%s/%s", root ? root : FRONTLINE_SRCDATA, name);
    return buf;
}

/* Times calls diffs of a -> b; the least and median ms into best, mid; the windows' count. */
static int time_pair(fl_ctx *ctx, const fl_profile *p, const fl_regions *r, const char *pa,
                     const char *pb, int calls, double *best, double *mid)
{
    fl_snapshot *a, *b;
    fl_areas *areas;
    if (fl_snapshot_open(ctx, pa, p, &a) || fl_areas_new(ctx, a, r, &areas) ||
        fl_snapshot_load(ctx, pb, p, a, &b))
        die(ctx, pb);
    double *ms = calloc((size_t)calls, sizeof *ms);
    int windows = 0;
    for (int i = 0; ms && i < calls; i++) {
        fl_diff *d;
        double t = cpu_ms();
        if (fl_diff_compute(ctx, a, b, r, NULL, false, &d))
            die(ctx, pb);
        ms[i] = cpu_ms() - t;
        windows = d->nwin;
        fl_diff_free(d);
    }
    if (!ms)
        die(ctx, "out of memory");
    *mid = median(ms, (size_t)calls);
    *best = ms[0];
    free(ms);
    fl_snapshot_close(b);
    fl_areas_free(areas);
    fl_snapshot_close(a);
    return windows;
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int main(int argc, char **argv)
{
    int calls = 10;
    static const struct option longopts[] = {{"calls", required_argument, NULL, 'c'}, {0}};
    for (int c; (c = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
        if (c != 'c' || (calls = atoi(optarg)) < 1) {
            fprintf(stderr, "usage: %s [--calls N] [DIR]\n", argv[0]);
            return 2;
        }
    }
    const char *dir = optind < argc ? argv[optind] : "../shared/data/deepstate/raw";
    if (access(dir, R_OK) != 0) {
        printf("pairs: %s is absent: skipped\n", dir);
        return 0;
    }
    char pattern[4096], buf[4096];
    snprintf(pattern, sizeof pattern, "%s/*.geojson", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc < 2) {
        printf("pairs: fewer than two snapshots in %s\n", dir);
        return 0;
    }
    fl_timeline_sort_paths(g.gl_pathv, g.gl_pathc);
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    if (!ctx || fl_profile_open(ctx, data_path("profiles/deepstate.profile", buf, sizeof buf), &p) ||
        fl_regions_open(ctx, data_path("regions/ua_oblasts.shp", buf, sizeof buf), NULL, NULL, &r))
        die(ctx, "embedded data");
    size_t n = g.gl_pathc - 1, fast = 0;
    double *best = calloc(n, sizeof *best), sum = 0;
    if (!best)
        die(ctx, "out of memory");
    printf("%-18s %-18s %7s %9s %9s\n", "a", "b", "windows", "least ms", "median ms");
    for (size_t i = 0; i < n; i++) {
        double mid;
        int w = time_pair(ctx, p, r, g.gl_pathv[i], g.gl_pathv[i + 1], calls, &best[i], &mid);
        printf("%-18s %-18s %7d %9.2f %9.2f\n", base(g.gl_pathv[i]), base(g.gl_pathv[i + 1]), w,
               best[i], mid);
        sum += best[i];
        fast += best[i] <= 5;
    }
    printf("pairs %zu, least ms per pair: mean %.2f, median %.2f; %zu of %zu at most 5 ms\n", n,
           sum / (double)n, median(best, n), fast, n);
    free(best);
    globfree(&g);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return 0;
}
