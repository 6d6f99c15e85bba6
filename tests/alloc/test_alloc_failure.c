/* test_alloc_failure.c — allocation-failure injection (issue 7).
 *
 * This executable defines malloc, calloc, realloc, free and strdup itself (forwarding to
 * glibc's __libc_* functions), so every allocation of the process goes through them: ours,
 * json-c's, shapelib's, PROJ's and GEOS' (C++ operator new calls malloc; GEOS' C API catches
 * std::bad_alloc and returns NULL with an error).
 *
 * The work is split in steps: open the profile, the regions, the places, the claims, two
 * snapshots; areas, diff, status, claims and front with their JSON documents. For each step
 * the parent prepares what the step needs (unarmed), computes the reference JSON, and counts
 * the allocations the step makes. Then for each n it forks a child that makes the n-th
 * allocation of the step fail (once; later ones succeed) and checks that:
 *   - the call returns FL_OK or an FL_E* code with a message (a crash, an abort or a hang
 *     of the child is a failure, reported with the step and n);
 *   - when it returns FL_OK, its JSON is byte-for-byte the reference (nothing lost silently);
 *   - once everything is closed, no allocation made since arming is still live (leaks).
 *
 * A step that makes more allocations than fit in its budget (FL_ALLOC_BUDGET seconds,
 * default 6, judged by the time a child that fails nothing takes) gets its first n tried in a row (half the
 * budget), then n spread evenly over the rest from a random offset (FL_ALLOC_SEED, printed,
 * reproduces a run), so the test stays under two minutes on two cores. FL_ALLOC_ALL=1 tries
 * every n (hours); FL_ALLOC_STEP=name runs one step, FL_ALLOC_N=n one n of it; FL_ALLOC_TRACE=1 prints where each
 * failed allocation was made and, for a crash, where it crashed. Children run two at a time.
 * Allocations made inside a few third-party functions that mishandle their failure are not
 * failed (see third_party[] below); the report counts them.
 * Argument "shared" adds a real DeepStateMap export from ../shared/data (skipped when absent).
 */
#include "check.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <proj.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

/* ---- the interposed allocator --------------------------------------------------------- */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long alloc_calls;   /* allocations since arming */
static long fail_at = -1;  /* the allocation that fails (1-based), -1: none */
static int armed, failed;  /* counting / whether the failure happened */
static int tracking;       /* recording live allocations */
static int track_overflow;

/* Open-addressing set of the pointers allocated since tracking began. */
#define TRACK_BITS 20
#define TRACK_SIZE (1u << TRACK_BITS)
#define TOMB ((uintptr_t)1)
static uintptr_t track_set[TRACK_SIZE];
static long track_live;
/* with FL_ALLOC_TRACE: where each tracked allocation was made, to name leaks */
#define SITE_DEPTH 10
static void *(*track_site)[SITE_DEPTH];

static size_t track_slot(uintptr_t p) { return (size_t)((p >> 4) * 0x9E3779B97F4A7C15u >> (64 - TRACK_BITS)); }

static void track_add(void *p)
{
    if (!tracking || !p)
        return;
    for (size_t i = track_slot((uintptr_t)p), k = 0; k < TRACK_SIZE; k++, i = (i + 1) & (TRACK_SIZE - 1))
        if (track_set[i] == 0 || track_set[i] == TOMB) {
            track_set[i] = (uintptr_t)p;
            track_live++;
            if (track_site) {
                int d = backtrace(track_site[i], SITE_DEPTH);
                if (d < SITE_DEPTH)
                    track_site[i][d] = NULL;
            }
            return;
        }
    track_overflow = 1;
}

static void track_del(void *p)
{
    if (!tracking || !p)
        return;
    for (size_t i = track_slot((uintptr_t)p), k = 0; k < TRACK_SIZE; k++, i = (i + 1) & (TRACK_SIZE - 1)) {
        if (track_set[i] == 0)
            return; /* allocated before tracking began */
        if (track_set[i] == (uintptr_t)p) {
            track_set[i] = TOMB;
            track_live--;
            return;
        }
    }
}

/* Where the failed allocation was made (raw return addresses: backtrace() does not allocate
 * once primed), printed with the crash site when a child dies. */
static void *fail_stack[64];
static int fail_depth, trace;

/* Allocations made within these functions (a part of the symbol's name) are never failed: the libraries mishandle their
 * failure, which is not ours to fix (each found by this test; the sweep reports how many n it
 * left alone). */
static const char *const third_party[] = {
    "GEOS_init_r",    /* GEOS 3.11: std::bad_alloc escapes from context creation (terminate) */
    "SHPOpenLL",      /* shapelib 1.5: unchecked malloc results (segfault) */
    "DBFOpenLL",      /* shapelib 1.5: unchecked malloc results (segfault) */
    "json_tokener_parse_ex", /* json-c 0.16: uses the failed allocation of a key (segfault) */
    "regcomp",        /* glibc 2.36: double free when regcomp runs out of memory (abort) */
    "sqlite3_open_v2", /* PROJ 9.1: asserts that its database handle opened (abort) */
    "sqlite3_prepare_v2", /* PROJ 9.1: asserts l_handle when a query of its database failed */
    "sqlite3_step",       /* (abort), the same */
    "PROJStringParser",   /* PROJ 9.1: its PROJ-string parser uses a failed malloc (segfault) */
    "GEOSGeoJSONWriter_writeGeometry_r", /* GEOS 3.11: its bundled JSON crashes on bad_alloc */
};
static int suppressed;

static int in_third_party(void)
{
    for (int i = 0; i < fail_depth; i++) {
        Dl_info info;
        if (!dladdr(fail_stack[i], &info) || !info.dli_sname)
            continue;
        for (size_t k = 0; k < sizeof third_party / sizeof *third_party; k++)
            if (strstr(info.dli_sname, third_party[k]))
                return 1;
    }
    return 0;
}

static int should_fail(void)
{
    if (!armed)
        return 0;
    if (++alloc_calls == fail_at) {
        fail_depth = backtrace(fail_stack, 64);
        if (in_third_party()) {
            suppressed = 1;
            return 0;
        }
        failed = 1;
        if (trace) {
            fprintf(stderr, "--- n=%ld fails here:\n", fail_at);
            backtrace_symbols_fd(fail_stack, fail_depth, 2);
        }
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static void on_crash(int sig)
{
    void *st[64];
    int n = backtrace(st, 64);
    fprintf(stderr, "--- n=%ld: signal %d; the failed allocation:\n", fail_at, sig);
    backtrace_symbols_fd(fail_stack, fail_depth, 2);
    fprintf(stderr, "--- the crash:\n");
    backtrace_symbols_fd(st, n, 2);
    signal(sig, SIG_DFL);
    raise(sig);
}

void *malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __libc_malloc(n);
    track_add(p);
    return p;
}

void *calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = __libc_calloc(n, size);
    track_add(p);
    return p;
}

void *realloc(void *p, size_t n)
{
    if (n && should_fail())
        return NULL;
    void *q = __libc_realloc(p, n);
    if (q || !n) {
        track_del(p);
        track_add(q);
    }
    return q;
}

void free(void *p)
{
    track_del(p);
    __libc_free(p);
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* ---- the world the steps work on ------------------------------------------------------ */
typedef struct world {
    fl_ctx *ctx;
    fl_profile *profile;
    fl_regions *regions;
    fl_places *places;
    fl_claims *claims;
    fl_snapshot *a, *b;
    char *json; /* the step's JSON, when it makes one */
} world;

static const char *path_a, *path_b;
static char claims_out[4300], ref_path[4300];

static void world_close(world *w)
{
    fl_snapshot_close(w->ctx, w->a);
    fl_snapshot_close(w->ctx, w->b);
    fl_claims_close(w->claims);
    fl_places_close(w->places);
    fl_regions_close(w->ctx, w->regions);
    fl_profile_close(w->profile);
    fl_ctx_free(w->ctx);
    free(w->json);
    *w = (world){0};
}

static int step_ctx(world *w) { return (w->ctx = fl_ctx_new()) ? FL_OK : FL_ENOMEM; }
static int step_profile(world *w)
{
    return fl_profile_open(w->ctx, data_file("profiles/deepstate.profile"), &w->profile);
}
static int step_regions(world *w)
{
    return fl_regions_open(w->ctx, data_file("regions/ua_regions.shp"), NULL, NULL, &w->regions);
}
static int step_places(world *w)
{
    return fl_places_open(w->ctx, data_file("places/ua_places.csv"), &w->places);
}
static int step_claims(world *w)
{
    return fl_claims_open(w->ctx, data_file("claims.csv"), w->regions, &w->claims);
}
static int step_snap_a(world *w) { return fl_snapshot_open(w->ctx, path_a, w->profile, &w->a); }
static int step_snap_b(world *w) { return fl_snapshot_open(w->ctx, path_b, w->profile, &w->b); }

static int step_areas(world *w)
{
    fl_areas *areas = NULL;
    int rc = fl_areas_new(w->ctx, w->a, w->regions, &areas);
    if (!rc)
        rc = fl_areas_json(w->ctx, areas, &w->json);
    fl_areas_free(areas);
    return rc;
}

static int step_diff(world *w)
{
    fl_diff *d = NULL;
    int rc = fl_diff_new(w->ctx, w->a, w->b, w->regions, w->places, &d);
    if (!rc)
        rc = fl_diff_json(w->ctx, d, &w->json);
    fl_diff_free(w->ctx, d);
    return rc;
}

static int step_status(world *w)
{
    return fl_status_json(w->ctx, w->a, w->regions, w->places, &w->json);
}

static int step_claims_json(world *w)
{
    return fl_claims_json(w->ctx, w->a, w->regions, w->claims, claims_out, &w->json);
}

static int step_front(world *w)
{
    fl_front *f = NULL;
    int rc = fl_front_new(w->ctx, w->a, w->regions, 2.0, &f);
    if (!rc)
        rc = fl_front_json(w->ctx, f, &w->json);
    fl_front_free(w->ctx, f);
    return rc;
}

typedef struct step {
    const char *name;
    int (*run)(world *w);
} step;

/* In dependency order: a step needs every earlier one. */
static const step steps[] = {
    {"ctx", step_ctx},       {"profile", step_profile}, {"regions", step_regions},
    {"places", step_places}, {"claims", step_claims},   {"snapshot_a", step_snap_a},
    {"snapshot_b", step_snap_b}, {"areas", step_areas}, {"diff", step_diff},
    {"status", step_status}, {"claims_json", step_claims_json}, {"front", step_front},
};
#define NSTEPS ((int)(sizeof steps / sizeof *steps))

/* ---- results shared by the children --------------------------------------------------- */
enum { R_OK_SAME, R_OK_DIFFERENT, R_ERROR, R_BAD_ERROR, R_LEAK, R_NOFAIL, R_SUPPRESSED, R_N };
typedef struct shared {
    long count;         /* allocations of the step (counting run) */
    double seconds;     /* its duration */
    long result[R_N];
    long codes[16];     /* FL_E* codes returned */
    char sample_msg[16][200];
} shared;
static shared *sh;

/* Child: runs step k of w with the n-th allocation failing, checks, exits 0 or 1. */
static void child(world *w, int k, long n, const char *reference)
{
    alarm(60);
    if (trace) {
        track_site = mmap(NULL, sizeof *track_site * TRACK_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (track_site == MAP_FAILED)
            track_site = NULL;
        signal(SIGSEGV, on_crash);
        signal(SIGABRT, on_crash);
        signal(SIGBUS, on_crash);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tracking = 1;
    alloc_calls = 0;
    fail_at = n;
    armed = 1;
    int rc = steps[k].run(w);
    armed = 0;
    int bad = 0;
    if (n < 0) {
        sh->count = alloc_calls;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        sh->seconds = t1.tv_sec - t0.tv_sec + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    } else if (!failed) {
        __atomic_add_fetch(&sh->result[suppressed ? R_SUPPRESSED : R_NOFAIL], 1, __ATOMIC_RELAXED);
    } else if (rc == FL_OK) {
        int same = !reference || (w->json && !strcmp(w->json, reference));
        __atomic_add_fetch(&sh->result[same ? R_OK_SAME : R_OK_DIFFERENT], 1, __ATOMIC_RELAXED);
        if (!same) {
            fprintf(stderr, "%s n=%ld: FL_OK but the JSON differs from the reference\n",
                    steps[k].name, n);
            bad = 1;
        }
    } else {
        const char *msg = w->ctx ? fl_ctx_errmsg(w->ctx) : "out of memory";
        int good = rc > FL_OK && rc <= FL_EPROJ && *msg;
        __atomic_add_fetch(&sh->result[good ? R_ERROR : R_BAD_ERROR], 1, __ATOMIC_RELAXED);
        if (rc > 0 && rc < 16) {
            if (!__atomic_fetch_add(&sh->codes[rc], 1, __ATOMIC_RELAXED))
                snprintf(sh->sample_msg[rc], sizeof sh->sample_msg[rc], "%s", msg);
        }
        if (!good) {
            fprintf(stderr, "%s n=%ld: returned %d with message '%s'\n", steps[k].name, n, rc, msg);
            bad = 1;
        }
    }
    world_close(w); /* everything: GEOS' prepared geometries, STRtrees and regexec fill
                     * caches lazily in objects an earlier step made */
    if (claims_out[0])
        remove(claims_out);
    /* PROJ keeps a process-wide cache of SQLite handles, dropped in a forked child and
     * refilled on first use: not ours, so emptied before counting */
    proj_cleanup();
    if (track_site && track_live)
        for (size_t i = 0; i < TRACK_SIZE; i++)
            if (track_set[i] > TOMB) {
                int d = 0;
                while (d < SITE_DEPTH && track_site[i][d])
                    d++;
                fprintf(stderr, "--- leaked %p, allocated at:\n", (void *)track_set[i]);
                backtrace_symbols_fd(track_site[i], d, 2);
            }
    if (track_live || track_overflow) {
        if (n >= 0)
            __atomic_add_fetch(&sh->result[R_LEAK], 1, __ATOMIC_RELAXED);
        fprintf(stderr, "%s n=%ld: %ld allocations leaked%s\n", steps[k].name, n, track_live,
                track_overflow ? " (tracking overflowed)" : "");
        bad = 1;
    }
    _exit(bad);
}

/* Forks a child for step k and failure n; returns its pid. */
static pid_t spawn(world *w, int k, long n, const char *reference)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        snprintf(claims_out, sizeof claims_out, "%s/claims-%ld.geojson", temp_dir(), (long)getpid());
        child(w, k, n, reference);
    }
    return pid;
}

static long crashes, failed_children;

static void judge(int st, int k, long n)
{
    if (WIFSIGNALED(st)) {
        crashes++;
        fprintf(stderr, "%s n=%ld: child killed by signal %d (%s)\n", steps[k].name, n,
                WTERMSIG(st), strsignal(WTERMSIG(st)));
    } else if (WEXITSTATUS(st)) {
        failed_children++;
    }
}

static void reap(pid_t pid, int k, long n)
{
    int st;
    if (waitpid(pid, &st, 0) == pid)
        judge(st, k, n);
}

static long env_long(const char *name, long def)
{
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : def;
}

/* The n to try for a step of count allocations: the first head, then samples spread evenly
 * over the rest from a random offset. */
static long *plan(long count, long head, long samples, unsigned *seed, long *len)
{
    long *ns = malloc(sizeof *ns * (size_t)(count + 1));
    long m = 0;
    if (head > count)
        head = count;
    double stride = samples > 0 ? (double)(count - head) / (double)samples : 0;
    double off = stride * (rand_r(seed) / ((double)RAND_MAX + 1));
    /* interleaved, so that a run cut short by the deadline still covers both parts */
    for (long i = 0, last = head; i < head || i < samples; i++) {
        if (i < head)
            ns[m++] = i + 1;
        long n = head + 1 + (long)(off + i * stride);
        if (i < samples && n > last && n <= count)
            ns[m++] = last = n;
    }
    *len = m;
    return ns;
}

static int sweep(int k, int all, double budget, unsigned *seed)
{
    /* the prerequisites, unarmed */
    world w = {0};
    for (int j = 0; j < k; j++) {
        if (steps[j].run(&w) != FL_OK) {
            fprintf(stderr, "setup step %s failed: %s\n", steps[j].name,
                    w.ctx ? fl_ctx_errmsg(w.ctx) : "no context");
            return 1;
        }
        free(w.json);
        w.json = NULL;
    }
    /* the reference JSON, and the step's allocations counted in a child (the step's caches
     * in the parent stay cold) */
    long before = crashes, failed_before = failed_children;
    memset(sh, 0, sizeof *sh);
    struct timespec c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &c0);
    pid_t pid = spawn(&w, k, -1, NULL);
    reap(pid, k, -1);
    clock_gettime(CLOCK_MONOTONIC, &c1);
    double turnaround = c1.tv_sec - c0.tv_sec + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
    long count = sh->count;
    char *reference = NULL;
    {
        world copy = w;
        copy.json = NULL;
        pid = fork();
        if (pid == 0) { /* reference made in a child too: the parent's objects stay cold */
            int rc = steps[k].run(&copy);
            FILE *f = fopen(ref_path, "w");
            if (rc || !f)
                _exit(2);
            fputs(copy.json ? copy.json : "", f);
            fclose(f);
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        FILE *f = fopen(ref_path, "r");
        if (!WIFEXITED(st) || WEXITSTATUS(st) || !f) {
            fprintf(stderr, "step %s fails without injection\n", steps[k].name);
            if (f)
                fclose(f);
            world_close(&w);
            return 1;
        }
        size_t cap = 1 << 16, len = 0;
        reference = malloc(cap);
        for (size_t r; (r = fread(reference + len, 1, cap - len - 1, f)) > 0;)
            if ((len += r) + 1 >= cap)
                reference = realloc(reference, cap *= 2);
        reference[len] = 0;
        fclose(f);
        remove(ref_path);
        if (!len) { /* steps without JSON */
            free(reference);
            reference = NULL;
        }
    }
    /* as many n as fit in the budget (seconds, two children at a time, each as long as the
     * counting one): the first half in a row, the rest spread */
    long head = count, samples = 0;
    long fit = (long)(2 * budget / turnaround) + 1;
    if (!all && fit < count) {
        head = fit / 2;
        samples = fit - head;
    }
    long len;
    long *ns = plan(count, head, samples, seed, &len);
    if (env_long("FL_ALLOC_N", 0) > 0) { /* one n, to trace it */
        ns[0] = env_long("FL_ALLOC_N", 0);
        len = 1;
    }
    memset(sh, 0, sizeof *sh);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* two children at a time */
    pid_t run[2] = {0, 0};
    long run_n[2] = {0, 0};
    long tried = 0;
    for (long i = 0; i < len; i++, tried++) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec > 1.5 * budget + 1 && !all)
            break; /* the deadline: the machine is slower than the counting run said */
        int slot = i < 2 ? (int)i : -1;
        if (slot < 0) {
            int st;
            pid_t done = wait(&st);
            slot = done == run[0] ? 0 : 1;
            judge(st, k, run_n[slot]);
        }
        run[slot] = spawn(&w, k, ns[i], reference);
        run_n[slot] = ns[i];
    }
    for (int s = 0; s < 2 && s < tried; s++)
        reap(run[s], k, run_n[s]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%-12s %7ld allocations, %5ld tried (%.1fs): %ld errors, %ld ok+same, %ld ok+different, "
           "%ld bad errors, %ld leaks, %ld crashes, %ld left to third parties\n",
           steps[k].name, count, tried, t1.tv_sec - t0.tv_sec + 1e-9 * (t1.tv_nsec - t0.tv_nsec),
           sh->result[R_ERROR],
           sh->result[R_OK_SAME], sh->result[R_OK_DIFFERENT], sh->result[R_BAD_ERROR],
           sh->result[R_LEAK], crashes - before, sh->result[R_SUPPRESSED]);
    for (int c = 1; c < 16; c++)
        if (sh->codes[c])
            printf("%14s %5ld x %s, e.g. \"%s\"\n", "", sh->codes[c], fl_strerror(c), sh->sample_msg[c]);
    CHECK(sh->result[R_OK_DIFFERENT] + sh->result[R_BAD_ERROR] + sh->result[R_LEAK] == 0 &&
              crashes == before && failed_children == failed_before,
          "step %s", steps[k].name);
    free(ns);
    free(reference);
    world_close(&w);
    return 0;
}

int main(int argc, char **argv)
{
    path_a = strdup(data_file("sample/20220930.geojson")); /* data_file's buffers rotate */
    path_b = strdup(data_file("sample/20221004.geojson"));
    if (argc > 1 && !strcmp(argv[1], "shared")) {
        path_a = shared_file("deepstate/raw/1664526365.geojson");
        path_b = shared_file("deepstate/raw/1664571886.geojson");
        path_a = path_a ? strdup(path_a) : NULL;
        path_b = path_b ? strdup(path_b) : NULL;
        if (!path_a || !path_b) {
            printf("no shared data: skipped\n");
            return 77;
        }
    }
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 1;
    int all = env_long("FL_ALLOC_ALL", 0) > 0;
    double budget = (double)env_long("FL_ALLOC_BUDGET", 6);
    unsigned seed = (unsigned)env_long("FL_ALLOC_SEED", (long)time(NULL));
    const char *only = getenv("FL_ALLOC_STEP");
    trace = env_long("FL_ALLOC_TRACE", 0) > 0;
    void *prime[4];
    backtrace(prime, 4); /* loads libgcc_s now, not in an armed child */
    snprintf(claims_out, sizeof claims_out, "%s/claims-main.geojson", temp_dir());
    snprintf(ref_path, sizeof ref_path, "%s/reference.json", temp_dir());
    printf("%s -> %s; %s (FL_ALLOC_SEED=%u)\n", path_a, path_b,
           all ? "every n" : "n sampled in a budget per step", seed);
    /* every step once, unarmed: the libraries' process-wide caches (PROJ's database handles,
     * the time zone) are filled before any child counts live allocations */
    world warm = {0};
    for (int k = 0; k < NSTEPS; k++) {
        if (steps[k].run(&warm) != FL_OK) {
            fprintf(stderr, "step %s fails without injection: %s\n", steps[k].name,
                    warm.ctx ? fl_ctx_errmsg(warm.ctx) : "no context");
            return 1;
        }
        free(warm.json);
        warm.json = NULL;
    }
    world_close(&warm);
    remove(claims_out);
    for (int k = 0; k < NSTEPS; k++)
        if (!only || !strcmp(only, steps[k].name))
            if (sweep(k, all, budget, &seed))
                check_failures++;
    temp_cleanup();
    return check_done("alloc_failure");
}
