/* source.c — a timeline's first step with each version's text (lib/source.c): the file read,
 * cut into its features and indexed by their text's hash (fl_geojson_source), as the timeline
 * does for every version and its threads' weighing for every pair. It looks inside the
 * library, as pairs.c does.
 *
 *   build/bench/source [--calls N] FILE...   (N: 20)
 *
 * Each file is read, cut and indexed N times; a row gives the file, its bytes and features,
 * the least wall ms of a call and the MB/s that makes. The last line sums up over the files
 * (the least times added). */
#include "internal.h"

#include <getopt.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

/* The least ms of n calls on path; its bytes and features into *len and *features. */
static double least_ms(fl_ctx *ctx, const char *path, int n, size_t *len, size_t *features)
{
    double best = HUGE_VAL;
    for (int k = 0; k < n; k++) {
        fl_source s = {0};
        double t0 = now_ms();
        int rc = fl_geojson_source(ctx, path, &s);
        double t = now_ms() - t0;
        *len = s.len;
        *features = s.n;
        fl_source_clear(&s);
        if (rc) {
            fprintf(stderr, "source: %s\n", fl_ctx_errmsg(ctx));
            exit(1);
        }
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"calls", required_argument, NULL, 'c'}, {0}};
    int calls = 20;
    for (int c; (c = getopt_long(argc, argv, "", longopts, NULL)) != -1;)
        if (c != 'c' || (calls = atoi(optarg)) < 1) {
            fprintf(stderr, "usage: %s [--calls N] FILE...\n", argv[0]);
            return 2;
        }
    if (optind == argc) {
        fprintf(stderr, "usage: %s [--calls N] FILE...\n", argv[0]);
        return 2;
    }
    fl_ctx *ctx = fl_ctx_new();
    if (!ctx)
        return 1;
    double total_ms = 0, total_mb = 0;
    printf("%-40s %10s %9s %9s %8s\n", "file", "bytes", "features", "least ms", "MB/s");
    for (int i = optind; i < argc; i++) {
        size_t len = 0, features = 0;
        double ms = least_ms(ctx, argv[i], calls, &len, &features);
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-40s %10zu %9zu %9.3f %8.0f\n", name, len, features, ms, len / ms / 1e3);
        total_ms += ms;
        total_mb += len / 1e6;
    }
    printf("%d files, %.1f MB: %.1f ms, %.0f MB/s\n", argc - optind, total_mb, total_ms,
           total_mb / total_ms * 1e3);
    fl_ctx_free(ctx);
    return 0;
}
