/* check.h — the few assertions the C tests share: each failure prints where and why, and the
 * test exits non-zero at the end. Exit code 77 tells meson a test was skipped. */
#ifndef FL_CHECK_H
#define FL_CHECK_H

#include "frontline.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int check_failures, check_count;

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        check_count++;                                                                        \
        if (!(cond)) {                                                                        \
            check_failures++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
        }                                                                                     \
    } while (0)

/* a within rel (relative) of b */
#define CHECK_REL(a, b, rel)                                                                  \
    CHECK(fabs((double)(a) - (double)(b)) <= (rel) * fabs((double)(b)), "%.6f vs %.6f (rel %g)", (double)(a), (double)(b), \
          (double)(rel))

/* an API call that must succeed */
#define CHECK_OK(ctx, call)                                                                   \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        CHECK(rc_ == FL_OK, "%s -> %d: %s", #call, rc_, fl_ctx_errmsg(ctx));                  \
        if (rc_ != FL_OK)                                                                     \
            exit(1);                                                                          \
    } while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

/* Path of a file under the source tree's data/ (FRONTLINE_DATA, set by meson). */
static inline const char *data_file(const char *rel)
{
    static char buf[8][4096];
    static int next;
    const char *root = getenv("FRONTLINE_DATA");
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root ? root : "data", rel);
    return b;
}

/* Path under the shared data (FRONTLINE_SHARED, by default the folder beside the source
 * tree, $FRONTLINE_DATA/../../shared/data), or NULL when it is absent. */
static inline const char *shared_file(const char *rel)
{
    static char buf[8][4096];
    static int next;
    const char *root = getenv("FRONTLINE_SHARED"), *data = getenv("FRONTLINE_DATA");
    char *b = buf[next++ % 8];
    if (root && *root)
        snprintf(b, sizeof buf[0], "%s/%s", root, rel);
    else
        snprintf(b, sizeof buf[0], "%s/../../shared/data/%s", data ? data : "data", rel);
    return access(b, R_OK) == 0 ? b : NULL;
}

static int check_by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The paths of the *.geojson files in dir (NULL: none), sorted by name, at most max; their
 * count. The caller frees each. */
static inline int list_geojson(const char *dir, char **paths, int max)
{
    DIR *d = dir ? opendir(dir) : NULL;
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < max;)
        if (strstr(e->d_name, ".geojson")) {
            char buf[4400];
            snprintf(buf, sizeof buf, "%s/%s", dir, e->d_name);
            paths[n++] = strdup(buf);
        }
    if (d)
        closedir(d);
    qsort(paths, (size_t)n, sizeof *paths, check_by_name);
    return n;
}

/* A temporary directory for outputs (removed by the caller's shell, kept on failure). */
static inline const char *temp_dir(void)
{
    static char dir[] = "/tmp/frontline-test-XXXXXX";
    static int made;
    if (!made && mkdtemp(dir))
        made = 1;
    return dir;
}

/* The embedded DeepState profile and Ukrainian regions, the inputs most tests start from. */
static inline void open_embedded(fl_ctx *ctx, fl_profile **profile, fl_regions **regions)
{
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), profile));
    CHECK_OK(ctx, fl_regions_open(ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, regions));
}

/* Removes the temporary directory and everything in it. */
static inline void temp_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", temp_dir());
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", temp_dir());
}

#endif
