/* micro.c — micro-benchmarks of libfrontline on the shared DeepStateMap exports (issue 6):
 * load + classify one snapshot, areas by region, the diff of two consecutive snapshots,
 * 1,000,000 place-status queries (fl_snapshot_status_at and an fl_locator), one rendered map.
 * It uses the public header only.
 *
 *   build/bench/micro [--json] [--seconds S] [RAW_DIR]   (RAW_DIR: ../shared/data/deepstate/raw)
 *
 * Every call is made on inputs opened for it and freed after it, untimed, so that no cache a
 * snapshot keeps (region areas, filled in by fl_areas_new or by a diff) carries over from one
 * repetition to the next. Each stage runs until it has been called at least 5 times and for
 * at least S seconds (default 0.5; more on a busy machine); it reports the median and minimum wall time per call, the mean CPU time per
 * call (CLOCK_PROCESS_CPUTIME_ID) and, for point queries, points per second. Without the
 * shared data it says so and exits 0. The embedded profile, regions and places are read from
 * $FRONTLINE_DATA, else from the source tree the program was built from. */
#include <frontline.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIN_CALLS 5
#define QUERY_POINTS 1000000

/* Four consecutive raw exports: 30 Sep 08:26 -> 30 Sep 21:04 and 3 Oct 16:07 -> 4 Oct 21:46. */
static const char *const pair_files[2][2] = {{"1664526365.geojson", "1664571886.geojson"},
                                             {"1664813274.geojson", "1664920017.geojson"}};

typedef struct points {
    size_t n;
    double *lat, *lon;
} points;

/* What the stages share: the embedded inputs and the objects of the call in progress. */
typedef struct bench {
    fl_ctx *ctx;
    double min_seconds; /* of timed calls per stage */
    fl_profile *profile;
    fl_regions *regions;
    fl_places *places;
    const char *path_a, *path_b; /* the stage's snapshots (path_b may be NULL) */
    const points *pts;           /* the stage's query points */
    int *status, *region;        /* their answers */
    char png[64];                /* where maps are written */
    fl_snapshot *a, *b;
    fl_areas *areas;
    fl_diff *diff;
    fl_render *render;
    fl_locator *loc;
    fl_front *front;
} bench;

typedef struct stage {
    const char *name;
    int pair;                   /* index into pair_files */
    bool with_b;                /* the stage needs the pair's second snapshot */
    const points *pts;          /* query points, or NULL */
    int (*setup)(bench *b);     /* untimed, before each call */
    int (*call)(bench *b);      /* timed */
} stage;

typedef struct result {
    int calls;
    double median_ms, min_ms, cpu_ms, points_per_s;
} result;

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int die(fl_ctx *ctx, const char *what)
{
    fprintf(stderr, "micro: %s: %s\n", what, ctx ? fl_ctx_errmsg(ctx) : "out of memory");
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        die(NULL, "allocating");
    return p;
}

/* Path of an embedded data file: under $FRONTLINE_DATA, else the source tree's data/ (the
 * benchmark is not installed: it measures the tree it was built from). */
static const char *data_path(const char *rel, char *buf, size_t size)
{
    const char *env = getenv("FRONTLINE_DATA");
    snprintf(buf, size, "%s/%s", env && *env ? env : FRONTLINE_SRCDATA, rel);
    return buf;
}

/* ---- setups (untimed) ------------------------------------------------------------------ */

static int open_a(bench *b)
{
    return fl_snapshot_open(b->ctx, b->path_a, b->profile, &b->a);
}

static int open_both(bench *b)
{
    int rc = open_a(b);
    return rc ? rc : fl_snapshot_open(b->ctx, b->path_b, b->profile, &b->b);
}

/* As a timeline has it: A's region areas already computed (and cached in A). */
static int open_both_warm(bench *b)
{
    int rc = open_both(b);
    return rc ? rc : fl_areas_new(b->ctx, b->a, b->regions, &b->areas);
}

/* ---- timed calls ----------------------------------------------------------------------- */

static int call_areas(bench *b)
{
    return fl_areas_new(b->ctx, b->a, b->regions, &b->areas);
}

static int call_diff(bench *b)
{
    return fl_diff_new(b->ctx, b->a, b->b, b->regions, NULL, &b->diff);
}

static int call_status(bench *b)
{
    return fl_snapshot_status_at(b->ctx, b->a, b->regions, b->pts->n, b->pts->lat, b->pts->lon,
                                 b->status, b->region);
}

/* the frontline of one snapshot: the border band (the territory's boundary buffered) and
 * the front status' boundary outside it */
static int call_front(bench *b)
{
    return fl_front_new(b->ctx, b->a, b->regions, 2.0, &b->front);
}

static int call_locator_new(bench *b)
{
    return fl_locator_new(b->ctx, b->a, b->regions, &b->loc);
}

/* setup of the locator queries */
static int open_a_locator(bench *b)
{
    int rc = open_a(b);
    return rc ? rc : call_locator_new(b);
}

static int call_locator_status(bench *b)
{
    return fl_locator_status(b->ctx, b->loc, b->pts->n, b->pts->lat, b->pts->lon, b->status,
                             b->region);
}

static int call_render_new(bench *b)
{
    fl_render_options opts = {.places = b->places};
    return fl_render_new(b->ctx, b->a, NULL, b->regions, &opts, &b->render);
}

/* setup of the PNG writes */
static int open_a_render(bench *b)
{
    int rc = open_a(b);
    return rc ? rc : call_render_new(b);
}

static int call_render_write(bench *b)
{
    return fl_render_write(b->ctx, b->render, b->png);
}

/* Frees whatever the setup and the call made. */
static void cleanup(bench *b)
{
    fl_locator_free(b->loc);
    fl_front_free(b->front);
    fl_render_free(b->render);
    fl_diff_free(b->diff);
    fl_areas_free(b->areas);
    fl_snapshot_close(b->b);
    fl_snapshot_close(b->a);
    b->loc = NULL;
    b->front = NULL;
    b->render = NULL;
    b->diff = NULL;
    b->areas = NULL;
    b->a = b->b = NULL;
}

/* ---- running and reporting ------------------------------------------------------------- */

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void file_path(const char *dir, const char *file, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", dir, file);
}

static result run(bench *b, const stage *st, const char *dir)
{
    char pa[4096], pb[4096];
    file_path(dir, pair_files[st->pair][0], pa, sizeof pa);
    file_path(dir, pair_files[st->pair][1], pb, sizeof pb);
    b->path_a = pa;
    b->path_b = st->with_b ? pb : NULL;
    b->pts = st->pts;
    size_t cap = 64;
    double *wall = xcalloc(cap, sizeof *wall), total = 0, cpu = 0;
    result r = {0};
    while (r.calls < MIN_CALLS || total < b->min_seconds) {
        if (st->setup && st->setup(b))
            die(b->ctx, st->name);
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        if (st->call(b))
            die(b->ctx, st->name);
        double w = now(CLOCK_MONOTONIC) - w0;
        cpu += now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        cleanup(b);
        if ((size_t)r.calls == cap && !(wall = realloc(wall, (cap *= 2) * sizeof *wall)))
            die(NULL, "allocating");
        wall[r.calls++] = w;
        total += w;
    }
    qsort(wall, (size_t)r.calls, sizeof *wall, by_value);
    r.min_ms = wall[0] * 1e3;
    r.median_ms = (r.calls % 2 ? wall[r.calls / 2] : (wall[r.calls / 2 - 1] + wall[r.calls / 2]) / 2) * 1e3;
    r.cpu_ms = cpu / r.calls * 1e3;
    r.points_per_s = st->pts ? st->pts->n / (r.median_ms * 1e-3) : 0;
    free(wall);
    return r;
}

static void print_row(const stage *st, const result *r)
{
    const char *const *f = pair_files[st->pair];
    char files[64];
    snprintf(files, sizeof files, "%.10s%s%.10s", f[0], st->with_b ? " -> " : "",
             st->with_b ? f[1] : "");
    printf("%-44s %-24s %6d %11.2f %11.2f %11.2f", st->name, files, r->calls, r->median_ms,
           r->min_ms, r->cpu_ms);
    if (st->pts)
        printf(" %12.0f", r->points_per_s);
    putchar('\n');
    fflush(stdout);
}

static void print_json(const stage *st, const result *r, int n)
{
    printf("{\"version\": \"%s\", \"stages\": [", fl_version());
    for (int i = 0; i < n; i++) {
        const char *const *f = pair_files[st[i].pair];
        printf("%s\n  {\"stage\": \"%s\", \"a\": \"%s\", \"b\": ", i ? "," : "", st[i].name, f[0]);
        printf(st[i].with_b ? "\"%s\"" : "null", f[1]);
        printf(", \"calls\": %d, \"median_ms\": %.3f, \"min_ms\": %.3f, \"cpu_ms\": %.3f",
               r[i].calls, r[i].median_ms, r[i].min_ms, r[i].cpu_ms);
        if (st[i].pts)
            printf(", \"points\": %zu, \"points_per_s\": %.0f", st[i].pts->n, r[i].points_per_s);
        putchar('}');
    }
    printf("\n]}\n");
}

/* ---- inputs ---------------------------------------------------------------------------- */

/* splitmix64: the same points on every run and every machine */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return ((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

static points random_points(fl_ctx *ctx, const fl_profile *profile, const char *path)
{
    fl_snapshot *s;
    if (fl_snapshot_open(ctx, path, profile, &s))
        die(ctx, path);
    double bbox[4];
    fl_snapshot_bounds(s, bbox);
    fl_snapshot_close(s);
    points p = {QUERY_POINTS, xcalloc(QUERY_POINTS, sizeof(double)),
                xcalloc(QUERY_POINTS, sizeof(double))};
    uint64_t state = 6;
    for (size_t i = 0; i < p.n; i++) {
        p.lon[i] = bbox[0] + (bbox[2] - bbox[0]) * uniform(&state);
        p.lat[i] = bbox[1] + (bbox[3] - bbox[1]) * uniform(&state);
    }
    return p;
}

/* The embedded places, over and over, to QUERY_POINTS points. */
static points place_points(const fl_places *places)
{
    points p = {QUERY_POINTS, xcalloc(QUERY_POINTS, sizeof(double)),
                xcalloc(QUERY_POINTS, sizeof(double))};
    int n = fl_places_count(places);
    for (size_t i = 0; i < p.n; i++) {
        p.lat[i] = fl_places_lat(places, (int)(i % (size_t)n));
        p.lon[i] = fl_places_lon(places, (int)(i % (size_t)n));
    }
    return p;
}

static void open_embedded(bench *b)
{
    char buf[4096];
    if (fl_profile_open(b->ctx, data_path("profiles/deepstate.profile", buf, sizeof buf),
                        &b->profile) ||
        fl_regions_open(b->ctx, data_path("regions/ua_oblasts.shp", buf, sizeof buf), NULL,
                        NULL, &b->regions) ||
        fl_places_open(b->ctx, data_path("places/ua_places.csv", buf, sizeof buf), &b->places))
        die(b->ctx, "embedded data");
}

static bool shared_data_present(const char *dir)
{
    char path[4096];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            file_path(dir, pair_files[i][j], path, sizeof path);
            if (access(path, R_OK) != 0) {
                printf("micro: %s is absent: skipped (the benchmarks need the shared raw "
                       "DeepStateMap exports)\n", path);
                return false;
            }
        }
    return true;
}

static int usage(const char *prog)
{
    fprintf(stderr, "usage: %s [--json] [--seconds S] [RAW_DIR]\n", prog);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"seconds", required_argument, NULL, 's'}, {0}};
    bool json = false;
    bench b = {.min_seconds = 0.5};
    char *end;
    for (int c; (c = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
        if (c == 'j')
            json = true;
        else if (c != 's' || (b.min_seconds = strtod(optarg, &end)) < 0 || end == optarg || *end)
            return usage(argv[0]);
    }
    if (argc - optind > 1)
        return usage(argv[0]);
    const char *dir = optind < argc ? argv[optind] : "../shared/data/deepstate/raw";
    if (!shared_data_present(dir))
        return 0;
    if (!(b.ctx = fl_ctx_new()))
        die(NULL, "context");
    open_embedded(&b);
    char tmp[] = "/tmp/frontline-micro-XXXXXX";
    if (!mkdtemp(tmp))
        die(NULL, "temporary folder");
    snprintf(b.png, sizeof b.png, "%s/map.png", tmp);
    char first[4096];
    file_path(dir, pair_files[0][0], first, sizeof first);
    points random = random_points(b.ctx, b.profile, first), placed = place_points(b.places);
    b.status = xcalloc(QUERY_POINTS, sizeof *b.status);
    b.region = xcalloc(QUERY_POINTS, sizeof *b.region);

    const stage stages[] = {
        {"load+classify", 0, false, NULL, NULL, open_a},
        {"areas by region (uncached)", 0, false, NULL, open_a, call_areas},
        {"diff, regions (cold: A fresh)", 0, true, NULL, open_both, call_diff},
        {"diff, regions (warm: A has areas)", 0, true, NULL, open_both_warm, call_diff},
        {"diff, regions (cold: A fresh)", 1, true, NULL, open_both, call_diff},
        {"diff, regions (warm: A has areas)", 1, true, NULL, open_both_warm, call_diff},
        {"frontline, 2 km from the border (fl_front_new)", 0, false, NULL, open_a, call_front},
        {"status_at 1M random points in bounds", 0, false, &random, open_a, call_status},
        {"status_at 1M = embedded places repeated", 0, false, &placed, open_a, call_status},
        {"fl_locator_new", 0, false, NULL, open_a, call_locator_new},
        {"locator 1M random points in bounds", 0, false, &random, open_a_locator,
         call_locator_status},
        {"locator 1M = embedded places repeated", 0, false, &placed, open_a_locator,
         call_locator_status},
        {"render map: fl_render_new (fresh snapshot)", 0, false, NULL, open_a, call_render_new},
        {"render map: fl_render_write PNG", 0, false, NULL, open_a_render, call_render_write},
    };
    int n = (int)(sizeof stages / sizeof *stages);
    result res[sizeof stages / sizeof *stages];
    if (!json)
        printf("%-44s %-24s %6s %11s %11s %11s %12s\n", "stage", "snapshots", "calls",
               "median ms", "min ms", "CPU ms", "points/s");
    for (int i = 0; i < n; i++) {
        res[i] = run(&b, &stages[i], dir);
        if (!json)
            print_row(&stages[i], &res[i]);
    }
    if (json)
        print_json(stages, res, n);

    unlink(b.png);
    rmdir(tmp);
    free(random.lat);
    free(random.lon);
    free(placed.lat);
    free(placed.lon);
    free(b.status);
    free(b.region);
    fl_places_close(b.places);
    fl_regions_close(b.regions);
    fl_profile_close(b.profile);
    fl_ctx_free(b.ctx);
    return 0;
}
