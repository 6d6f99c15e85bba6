/* test_alloc_failure.c — allocation-failure injection (issue 7).
 *
 * This executable defines malloc, calloc, realloc, free and strdup itself (forwarding to
 * glibc's __libc_* functions), so every allocation of the process goes through them: ours,
 * json-c's, shapelib's, PROJ's and GEOS' (C++ operator new calls malloc; GEOS' C API catches
 * std::bad_alloc and returns NULL with an error).
 *
 * The work is split in steps: open the profile, the regions, the places, the claims, two
 * snapshots; areas, diff, status, claims and front with their JSON documents; a timeline of
 * the two (the second loaded after the first, taking its unchanged features). For each step
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
 * Allocations made inside a few third-party functions that mishandle their failure, and
 * inside PROJ, are not failed (see third_party[] and geos_loses[] below); the report counts
 * them.
 *
 * GEOS 3.11 itself loses memory when its operator new throws (its noders keep their segment
 * strings in vectors of raw pointers). Those blocks are not ours: a child that leaks is run
 * again with the stack of every allocation recorded, and leaked blocks whose stack matches
 * lsan.supp (LeakSanitizer's format; each pattern names a GEOS frame that never allocates
 * the geometry object GEOS hands to its caller) are counted apart, as leaking only inside
 * GEOS. First of all, a canary leaks the results of overlays, a union, a buffer and a line
 * merge on purpose and checks that they are still reported: the suppressions cannot hide a
 * leak of ours.
 * FL_ALLOC_TRACE=2 prints the suppressed leaks too.
 *
 * Argument "shared" adds a real DeepStateMap export from ../shared/data (skipped when absent).
 */
#include "check.h"
#include "internal.h" /* the context's PROJ handle */

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <geos_c.h>
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
/* when a child leaked, or with FL_ALLOC_TRACE: where each tracked allocation was made, to
 * name and classify leaks */
#define SITE_DEPTH 16
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
static void *fail_stack[128];
static int fail_depth, trace;

/* Allocations made within these functions (a part of the symbol's name), or anywhere inside
 * these libraries (a part of the file's name), are never failed: the libraries mishandle
 * their failure, which is not ours to fix (each found by this test; the sweep reports how
 * many n it left alone). */
static const char *const third_party[] = {
    "GEOS_init_r",    /* GEOS 3.11: std::bad_alloc escapes from context creation (terminate) */
    "GEOSGeoJSONWriter_writeGeometry_r", /* GEOS 3.11: its bundled JSON crashes on bad_alloc */
    "SHPOpenLL",      /* shapelib 1.5: unchecked malloc results (segfault) */
    "DBFOpenLL",      /* shapelib 1.5: the same */
    "SHPReadObject",  /* shapelib 1.5: the same */
    "json_tokener_parse_ex", /* json-c 0.16: uses the failed allocation of a key (segfault) */
    "GEOSClipByRect_r", /* GEOS 3.11: when an allocation throws in the rectangle clip's
                         RectangleIntersectionBuilder::reverseLines or ::reconnect, lines it
                         deleted are still in its list, and its destructor deletes them again
                         (segfault: a timeline sweep lost one child to a signal; failing each
                         allocation of one clip in turn crashed 13 of 399) */
    "lh_table_resize", /* json-c 0.16: json_object_object_add_ex loses the key it copied when
                         the table's growth fails (an object of more than 10 keys; timeline
                         step, n=34247) */
    "regcomp",        /* glibc 2.36: double free when regcomp runs out of memory (abort) */
    "regexec",        /* glibc 2.36: answers REG_NOMATCH, not REG_ESPACE, when an allocation
                         fails, so the caller cannot tell "no match" from "no memory" */
    "SegmentIntersectionDetector20processIntersections", /* GEOS 3.11 (prepared intersects):
                         `delete intSegments; intSegments = new ...`: when new throws, the
                         destructor deletes the dangling pointer again (segfault) */
    /* PROJ 9.1 survives running out of memory nowhere we tried: std::bad_alloc escapes
     * noexcept functions while it builds CRS and datum objects (terminate), it asserts that
     * its database handle opened, its PROJ-string parser uses a failed malloc (segfault), it
     * loses SQLite connections and files */
    "libproj.so",
};
static int suppressed;

/* The function at a return address, demangled, in buf ("" when unknown). The demangler
 * allocates: callers disarm the injection first. */
static char *(*demangle)(const char *, char *, size_t *, int *);
static const char *frame_name(void *addr, char *buf, size_t size)
{
    Dl_info info;
    if (!dladdr(addr, &info) || !info.dli_sname)
        return "";
    int status = -1;
    char *d = demangle ? demangle(info.dli_sname, NULL, NULL, &status) : NULL;
    snprintf(buf, size, "%s", d && status == 0 ? d : info.dli_sname);
    free(d);
    return buf;
}

/* Allocations that GEOS 3.11 cannot see fail without losing memory that its caller cannot
 * free either (ownership is ambiguous, or GEOS holds a new object only by a raw pointer
 * while the allocation is made): never failed either. Matched against the function that
 * makes the allocation, directly or (growing) through a std:: container it fills. Each was
 * found by this test, the lost blocks named by FL_ALLOC_TRACE=1, the cause read in GEOS
 * 3.11's source. */
static const struct {
    const char *function;
    bool growing;
} geos_loses[] = {
    /* `return new LinearRing(newCoords, *this)`: when that new throws, the caller's
     * coordinate sequence is not adopted yet and is lost (GEOSGeom_createLinearRing_r,
     * GEOSGeom_createEmptyPolygon_r); once adopted, the caller must not free it */
    {"geos::geom::GeometryFactory::createLinearRing(geos::geom::CoordinateSequence*)", false},
    /* `new LineString(newCoords, *this)`: the same for a line (GEOSGeom_createLineString_r) */
    {"geos::geom::GeometryFactory::createLineString(geos::geom::CoordinateSequence*)", false},
    /* `new Polygon(shell, holes, *this)`: the same for the rings */
    {"geos::geom::GeometryFactory::createPolygon(geos::geom::LinearRing*,", false},
    /* `std::vector<std::unique_ptr<Geometry>> vgeoms(ngeoms)` comes before the caller's
     * geometries are adopted: the same */
    {"GEOSGeom_createCollection_r", false},
    /* `x = new X(...)`, then `v.push_back(x)` or `emplace_back(x)`: when the vector cannot
     * grow, x is lost (a segment string with its coordinates, a maximal or minimal edge
     * ring with its ring) */
    {"geos::operation::overlayng::EdgeNodingBuilder::addEdge", true},
    {"geos::operation::overlayng::PolygonBuilder::buildMaximalRings", true},
    {"geos::operation::overlayng::MaximalEdgeRing::buildMinimalRings", true},
    {"geos::operation::polygonize::PolygonizeGraph::findEdgeRing", true},
    {"geos::operation::polygonize::PolygonizeGraph::getNode", true},
    /* PolygonizeGraph::addEdge: the same for an edge, and `newCoords.push_back(
     * linePts.release())` for its coordinates */
    {"geos::operation::polygonize::PolygonizeGraph::addEdge", true},
    /* moveGeometry(): `geom.release()`, then `outGeoms.emplace_back(outGeom)`: a polygon of
     * the result is lost */
    {"geos::operation::overlayng::OverlayUtil::createResultGeometry", true},
};

static bool is_std_frame(const char *mangled)
{
    return !strncmp(mangled, "_ZNSt", 5) || !strncmp(mangled, "_ZNKSt", 6) ||
           !strncmp(mangled, "_ZSt", 4) || !strncmp(mangled, "_ZN9__gnu_cxx", 13);
}

/* Whether the failing allocation (fail_stack) is one of geos_loses[]. Called disarmed. */
static bool geos_would_lose(void)
{
    int i = 0;
    Dl_info info;
    while (i < fail_depth && !(dladdr(fail_stack[i], &info) && info.dli_sname &&
                               (!strcmp(info.dli_sname, "_Znwm") || !strcmp(info.dli_sname, "_Znam"))))
        i++;
    bool growing = false;
    for (i++; i < fail_depth && dladdr(fail_stack[i], &info) && info.dli_sname &&
              is_std_frame(info.dli_sname);)
        i++, growing = true;
    if (i >= fail_depth)
        return false;
    char buf[1024];
    const char *name = frame_name(fail_stack[i], buf, sizeof buf);
    for (size_t k = 0; k < sizeof geos_loses / sizeof *geos_loses; k++)
        if (geos_loses[k].growing == growing && strstr(name, geos_loses[k].function))
            return true;
    return false;
}

/* lsan.supp: LeakSanitizer's format, "leak:PATTERN" lines (a substring of a frame's
 * function name or module; '*' matches anything), '#' comments. */
#define MAX_SUPP 64
static char *supp[MAX_SUPP];
static int nsupp;

static void read_suppressions(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot read the suppressions: %s\n", path, strerror(errno));
        exit(1);
    }
    char line[1024];
    while (fgets(line, sizeof line, f) && nsupp < MAX_SUPP) {
        line[strcspn(line, "\r\n")] = 0;
        if (!strncmp(line, "leak:", 5) && line[5])
            supp[nsupp++] = strdup(line + 5);
    }
    fclose(f);
}

/* Whether pattern (with '*') occurs in s. */
static bool glob_in(const char *pattern, const char *s)
{
    for (; *s; s++) {
        const char *p = pattern, *t = s;
        while (*p && *p != '*' && *t == *p)
            p++, t++;
        if (!*p)
            return true;
        if (*p == '*')
            return glob_in(p + 1, t);
    }
    return false;
}

/* The suppression that covers a leaked block allocated at site, or NULL. */
static const char *suppression_of(void *const *site)
{
    for (int d = 0; d < SITE_DEPTH && site[d]; d++) {
        char buf[1024];
        const char *name = frame_name(site[d], buf, sizeof buf);
        Dl_info info;
        const char *module = dladdr(site[d], &info) && info.dli_fname ? info.dli_fname : "";
        for (int k = 0; k < nsupp; k++)
            if (glob_in(supp[k], name) || glob_in(supp[k], module))
                return supp[k];
    }
    return NULL;
}

static int in_third_party(void)
{
    for (int i = 0; i < fail_depth; i++) {
        Dl_info info;
        if (!dladdr(fail_stack[i], &info))
            continue;
        for (size_t k = 0; k < sizeof third_party / sizeof *third_party; k++)
            if ((info.dli_sname && strstr(info.dli_sname, third_party[k])) ||
                (info.dli_fname && strstr(info.dli_fname, third_party[k])))
                return 1;
    }
    return 0;
}

static int should_fail(void)
{
    if (!armed)
        return 0;
    if (++alloc_calls == fail_at) {
        fail_depth = backtrace(fail_stack, 128);
        armed = 0; /* the demangler allocates */
        bool spared = in_third_party() || geos_would_lose();
        armed = 1;
        if (spared) {
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
    fl_snapshot_close(w->a);
    fl_snapshot_close(w->b);
    fl_claims_close(w->claims);
    fl_places_close(w->places);
    fl_regions_close(w->regions);
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
    return fl_regions_open(w->ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL, &w->regions);
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
    fl_diff_free(d);
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
    fl_front_free(f);
    return rc;
}

/* b after a in a timeline: b's load takes a's unchanged features by their text. */
static int step_timeline(world *w)
{
    fl_timeline *tl = NULL;
    int rc = fl_timeline_new(w->ctx, w->profile, w->regions, w->places, 2.0, &tl);
    if (!rc)
        rc = fl_timeline_add(w->ctx, tl, path_a, NULL);
    if (!rc)
        rc = fl_timeline_add(w->ctx, tl, path_b, &w->json);
    fl_timeline_free(tl);
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
    {"timeline", step_timeline},
};
#define NSTEPS ((int)(sizeof steps / sizeof *steps))

/* ---- results shared by the children --------------------------------------------------- */
enum { R_OK_SAME, R_OK_DIFFERENT, R_ERROR, R_BAD_ERROR, R_LEAK, R_THEIR_LEAK, R_NOFAIL,
       R_SUPPRESSED, R_N };
typedef struct shared {
    long count;         /* allocations of the step (counting run) */
    double seconds;     /* its duration */
    long result[R_N];
    long codes[16];     /* FL_E* codes returned */
    char sample_msg[16][200];
} shared;
static shared *sh;

/* A child's exit status: bit 0 a failed check, bit 1 leaks it could not classify (it
 * recorded no stacks: the parent runs it again with them). */
#define EXIT_BAD 1
#define EXIT_LEAKED 2

static int classifying; /* the child runs again only to classify the leaks of the first run */

static void record_sites(void)
{
    track_site = mmap(NULL, sizeof *track_site * TRACK_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (track_site == MAP_FAILED)
        track_site = NULL;
}

/* The live tracked blocks that lsan.supp does not cover (printed with FL_ALLOC_TRACE, the
 * covered ones too with FL_ALLOC_TRACE=2); *theirs gets the others. */
static long leaks_of_ours(long *theirs)
{
    long ours = 0;
    *theirs = 0;
    tracking = 0; /* the demangler allocates */
    for (size_t i = 0; track_site && i < TRACK_SIZE; i++) {
        if (track_set[i] <= TOMB)
            continue;
        const char *why = suppression_of(track_site[i]);
        if (why)
            (*theirs)++;
        else
            ours++;
        if (trace > (why ? 1 : 0)) {
            int d = 0;
            while (d < SITE_DEPTH && track_site[i][d])
                d++;
            fprintf(stderr, "--- leaked %p%s%s, allocated at:\n", (void *)track_set[i],
                    why ? " inside GEOS: " : "", why ? why : "");
            backtrace_symbols_fd(track_site[i], d, 2);
        }
    }
    return track_site ? ours : track_live;
}

/* Checks what a step returned after the n-th allocation failed (n < 0: the counting run);
 * returns EXIT_BAD when it is wrong. */
static int check_result(world *w, int k, long n, int rc, const char *reference, double seconds)
{
    if (n < 0) {
        sh->count = alloc_calls;
        sh->seconds = seconds;
    } else if (!failed) {
        __atomic_add_fetch(&sh->result[suppressed ? R_SUPPRESSED : R_NOFAIL], 1, __ATOMIC_RELAXED);
    } else if (rc == FL_OK) {
        int same = !reference || (w->json && !strcmp(w->json, reference));
        __atomic_add_fetch(&sh->result[same ? R_OK_SAME : R_OK_DIFFERENT], 1, __ATOMIC_RELAXED);
        if (!same) {
            fprintf(stderr, "%s n=%ld: FL_OK but the JSON differs from the reference\n",
                    steps[k].name, n);
            return EXIT_BAD;
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
            return EXIT_BAD;
        }
    }
    return 0;
}

/* Child: runs step k of w with the n-th allocation failing, checks, exits (EXIT_*). */
static void child(world *w, int k, long n, const char *reference)
{
    alarm(60);
    /* PROJ 9.1 reopens proj.db in a forked child, on every query as long as its process-wide
     * cache holds the parent's handle (half of the front step's allocations): the cache is
     * emptied and the database reopened (by a query) before arming. */
    proj_cleanup();
    if (w->ctx)
        proj_context_get_database_metadata(w->ctx->proj, "DATABASE.LAYOUT.VERSION.MAJOR");
    if (trace || classifying)
        record_sites();
    if (trace) {
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
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int status = classifying ? 0 : check_result(w, k, n, rc, reference,
                                                t1.tv_sec - t0.tv_sec + 1e-9 * (t1.tv_nsec - t0.tv_nsec));
    world_close(w); /* everything: GEOS' prepared geometries, STRtrees and regexec fill
                     * caches lazily in objects an earlier step made */
    if (claims_out[0])
        remove(claims_out);
    /* PROJ keeps a process-wide cache of SQLite handles, dropped in a forked child and
     * refilled on first use: not ours, so emptied before counting */
    proj_cleanup();
    if (track_live && !track_site && !track_overflow)
        _exit(status | EXIT_LEAKED);
    long theirs = 0, ours = track_live ? leaks_of_ours(&theirs) : 0;
    if (ours || track_overflow) {
        __atomic_add_fetch(&sh->result[R_LEAK], 1, __ATOMIC_RELAXED);
        fprintf(stderr, "%s n=%ld: %ld allocations leaked%s\n", steps[k].name, n, ours,
                track_overflow ? " (tracking overflowed)" : "");
        status |= EXIT_BAD;
    } else if (theirs) {
        __atomic_add_fetch(&sh->result[R_THEIR_LEAK], 1, __ATOMIC_RELAXED);
    }
    _exit(status);
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

/* Judges a child's exit status; one that leaked is run again, recording stacks, to tell
 * GEOS' leaks from ours. */
static void judge(world *w, int st, int k, long n)
{
    if (WIFSIGNALED(st)) {
        crashes++;
        fprintf(stderr, "%s n=%ld: child killed by signal %d (%s)\n", steps[k].name, n,
                WTERMSIG(st), strsignal(WTERMSIG(st)));
        return;
    }
    if (WEXITSTATUS(st) & EXIT_BAD)
        failed_children++;
    if (WEXITSTATUS(st) & EXIT_LEAKED) {
        classifying = 1;
        pid_t pid = spawn(w, k, n, NULL);
        classifying = 0;
        if (waitpid(pid, &st, 0) == pid)
            judge(w, st, k, n);
    }
}

static void reap(world *w, pid_t pid, int k, long n)
{
    int st;
    if (waitpid(pid, &st, 0) == pid)
        judge(w, st, k, n);
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
    reap(&w, pid, k, -1);
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
            judge(&w, st, k, run_n[slot]);
        }
        run[slot] = spawn(&w, k, ns[i], reference);
        run_n[slot] = ns[i];
    }
    for (int s = 0; s < 2 && s < tried; s++)
        reap(&w, run[s], k, run_n[s]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%-12s %7ld allocations, %5ld tried (%.1fs): %ld errors, %ld ok+same, %ld ok+different, "
           "%ld bad errors, %ld leaks, %ld leaking only inside GEOS, %ld crashes, "
           "%ld left to third parties\n",
           steps[k].name, count, tried, t1.tv_sec - t0.tv_sec + 1e-9 * (t1.tv_nsec - t0.tv_nsec),
           sh->result[R_ERROR],
           sh->result[R_OK_SAME], sh->result[R_OK_DIFFERENT], sh->result[R_BAD_ERROR],
           sh->result[R_LEAK], sh->result[R_THEIR_LEAK], crashes - before,
           sh->result[R_SUPPRESSED]);
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

/* ---- the canary: the suppressions must not hide a leak of ours ------------------------ */
typedef GEOSGeometry *(*geos_op)(GEOSContextHandle_t h, const GEOSGeometry *a,
                                 const GEOSGeometry *b);
static GEOSGeometry *op_intersection(GEOSContextHandle_t h, const GEOSGeometry *a,
                                     const GEOSGeometry *b) { return GEOSIntersection_r(h, a, b); }
static GEOSGeometry *op_difference(GEOSContextHandle_t h, const GEOSGeometry *a,
                                   const GEOSGeometry *b) { return GEOSDifference_r(h, a, b); }
static GEOSGeometry *op_union(GEOSContextHandle_t h, const GEOSGeometry *a,
                              const GEOSGeometry *b) { return GEOSUnion_r(h, a, b); }
static GEOSGeometry *op_buffer(GEOSContextHandle_t h, const GEOSGeometry *a,
                               const GEOSGeometry *b) { (void)b; return GEOSBuffer_r(h, a, 0.5, 8); }
static GEOSGeometry *op_linemerge(GEOSContextHandle_t h, const GEOSGeometry *a,
                                  const GEOSGeometry *b)
{
    (void)b;
    GEOSGeometry *outline = GEOSBoundary_r(h, a);
    GEOSGeometry *merged = outline ? GEOSLineMerge_r(h, outline) : NULL;
    GEOSGeom_destroy_r(h, outline);
    return merged;
}
static const struct { const char *name; geos_op op; } canaries[] = {
    {"intersection", op_intersection}, {"difference", op_difference},
    {"union", op_union}, {"buffer", op_buffer}, {"line merge", op_linemerge},
};

/* In a child: the result of op on two overlapping squares (one polygon, or for the line
 * merge one line: the case where every block of it is allocated inside the operation) is
 * leaked on purpose, and must be reported. */
static void canary(geos_op op)
{
    GEOSContextHandle_t h = GEOS_init_r();
    record_sites();
    tracking = 1;
    GEOSGeometry *a = GEOSGeom_createRectangle_r(h, 0, 0, 2, 2);
    GEOSGeometry *b = GEOSGeom_createRectangle_r(h, 1, 1, 3, 3);
    GEOSGeometry *lost = op(h, a, b);
    GEOSGeom_destroy_r(h, a);
    GEOSGeom_destroy_r(h, b);
    GEOS_finish_r(h);
    long theirs;
    _exit(lost && leaks_of_ours(&theirs) > 0 ? 0 : 1);
}

static void check_canaries(void)
{
    for (size_t i = 0; i < sizeof canaries / sizeof *canaries; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            canary(canaries[i].op);
        int st;
        CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "a leaked %s result goes unreported: lsan.supp is too broad", canaries[i].name);
    }
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
    trace = (int)env_long("FL_ALLOC_TRACE", 0);
    const char *supp_path = getenv("FL_ALLOC_SUPP");
    read_suppressions(supp_path && *supp_path ? supp_path : FL_ALLOC_SUPP);
    void *prime[4];
    backtrace(prime, 4); /* loads libgcc_s now, not in an armed child */
    *(void **)&demangle = dlsym(RTLD_DEFAULT, "__cxa_demangle"); /* GEOS loaded libstdc++ */
    check_canaries();
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
