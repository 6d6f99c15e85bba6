/* fuzz_common.h — what the libFuzzer targets of tests/fuzz share: one context for the whole
 * run, the embedded data (FUZZ_DATADIR), and the fuzz input as a file the readers can open.
 *
 * Inputs go to a memfd (/proc/self/fd/N) when the reader does not care about the file name,
 * and to a per-process scratch directory (under /dev/shm when it exists) when it picks the
 * format by extension (.wkt, .shp, .kml). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include "frontline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FUZZ_DATADIR
#error "FUZZ_DATADIR must name the source tree's data directory"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static fl_ctx *fuzz_ctx;

static inline void fuzz_die(const char *what)
{
    fprintf(stderr, "fuzz setup: %s: %s\n", what, fuzz_ctx ? fl_ctx_errmsg(fuzz_ctx) : "");
    abort();
}

/* The context every input is read with (GEOS and PROJ set up once, not per input). */
static inline fl_ctx *fuzz_context(void)
{
    if (!fuzz_ctx && !(fuzz_ctx = fl_ctx_new()))
        fuzz_die("fl_ctx_new");
    return fuzz_ctx;
}

static inline fl_profile *fuzz_profile(void)
{
    static fl_profile *profile;
    if (!profile && fl_profile_open(fuzz_context(), FUZZ_DATADIR "/profiles/deepstate.profile",
                                    &profile))
        fuzz_die("the deepstate profile");
    return profile;
}

static inline fl_regions *fuzz_regions(void)
{
    static fl_regions *regions;
    if (!regions && fl_regions_open(fuzz_context(), FUZZ_DATADIR "/regions/ua_oblasts.shp",
                                    NULL, NULL, &regions))
        fuzz_die("the regions");
    return regions;
}

static int fuzz_memfd = -1;
static char fuzz_memfd_path[64];

/* The input as a file without a meaningful name: a memfd, rewritten for every input. */
static inline const char *fuzz_memfd_input(const uint8_t *data, size_t size)
{
    if (fuzz_memfd < 0) {
        if ((fuzz_memfd = memfd_create("fuzz-input", 0)) < 0)
            fuzz_die("memfd_create");
        snprintf(fuzz_memfd_path, sizeof fuzz_memfd_path, "/proc/self/fd/%d", fuzz_memfd);
    }
    if (ftruncate(fuzz_memfd, 0) != 0 || pwrite(fuzz_memfd, data, size, 0) != (ssize_t)size)
        fuzz_die("writing the memfd");
    return fuzz_memfd_path;
}

static char fuzz_dir_path[256];

/* Removes the scratch directory at exit (run.sh also removes FUZZ_SCRATCH, where the
 * directories of processes that crashed stay). */
static inline void fuzz_dir_remove(void)
{
    static const char *const names[] = {"input.wkt", "input.shp", "input.shx", "input.dbf",
                                        "input.kml"};
    char path[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", fuzz_dir_path, names[i]);
        unlink(path);
    }
    rmdir(fuzz_dir_path);
}

/* A scratch directory of this process, for inputs whose extension matters: in FUZZ_SCRATCH
 * when set, else in /dev/shm (memory), else in TMPDIR or /tmp. */
static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        struct stat st;
        const char *base = getenv("FUZZ_SCRATCH");
        if (!base || !*base)
            base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm"
                   : getenv("TMPDIR")                                ? getenv("TMPDIR")
                                                                     : "/tmp";
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/frontline-fuzz.XXXXXX", base);
        if (!mkdtemp(fuzz_dir_path))
            fuzz_die("mkdtemp");
        atexit(fuzz_dir_remove);
    }
    return fuzz_dir_path;
}

/* Writes data to the scratch directory as NAME; returns the path (static storage). */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        fuzz_die("writing the scratch file");
    return path;
}

#endif
