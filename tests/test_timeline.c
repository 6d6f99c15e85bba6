/* test_timeline.c — a timeline over every shared raw export: rows in time order, bounded
 * memory (only the previous snapshot is kept), a change log with the story's places at the
 * dates this data gives (checked independently with shapely: see the README), and every row
 * equal to what its snapshot gives alone (the timeline carries areas, front length and place
 * statuses over from one snapshot to the next, computing only where features changed). */
#include "check.h"

#include <dirent.h>
#include <json.h>

static int statuses_differ(const int *a, const int *b, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += a[i] != b[i];
    return k;
}

static bool close_to(double want, double got, double rel)
{
    return fabs(want - got) <= rel * fmax(fabs(want), 1.0);
}

static double member(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v ? json_object_get_double(v) : NAN;
}

/* Row of path against the snapshot alone: drawn areas, areas per region, front length and
 * the count of places whose status differs from the previous snapshot's (*prev, updated). */
static void check_row(fl_ctx *ctx, const fl_profile *p, const fl_regions *r,
                      const fl_places *pl, const char *path, const char *row, int **prev)
{
    fl_snapshot *s;
    fl_areas *a;
    fl_front *f;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, p, &s));
    CHECK_OK(ctx, fl_areas_new(ctx, s, r, &a));
    CHECK_OK(ctx, fl_front_new(ctx, s, r, 2.0, &f));
    json_object *doc = json_tokener_parse(row), *drawn = NULL, *regions = NULL;
    json_object_object_get_ex(doc, "status_km2", &drawn);
    json_object_object_get_ex(doc, "regions", &regions);
    int ns = fl_profile_status_count(p);
    for (int st = 0; st < ns; st++) {
        const char *name = fl_profile_status_name(p, st);
        if (st < ns - 1)
            CHECK(close_to(fl_snapshot_status_km2(s, st), member(drawn, name), 1e-6),
                  "%s: %s drawn %.6f alone, %.6f in the timeline", path, name,
                  fl_snapshot_status_km2(s, st), member(drawn, name));
        for (int k = 0; k < fl_regions_count(r); k++) {
            /* regions: a list of region objects in the regions' order, as in `area` */
            json_object *reg = json_object_array_get_idx(regions, (size_t)k), *code = NULL, *km2 = NULL;
            json_object_object_get_ex(reg, "code", &code);
            CHECK(code && !strcmp(json_object_get_string(code), fl_regions_code(r, k)),
                  "%s: region %d is not %s", path, k, fl_regions_code(r, k));
            json_object_object_get_ex(reg, "status_km2", &km2);
            reg = km2;
            double want = fl_areas_km2(a, k, st), got = member(reg, name);
            CHECK(close_to(want, got, 1e-6), "%s: %s %s %.6f alone, %.6f in the timeline",
                  path, fl_regions_code(r, k), name, want, got);
        }
    }
    /* the water is carried through each version's change, as the areas are */
    CHECK(close_to(fl_areas_water_km2(a, FL_REGION_ALL), member(doc, "water_km2"), 1e-9),
          "%s: undrawn water %.6f km² alone, %.6f in the timeline", path,
          fl_areas_water_km2(a, FL_REGION_ALL), member(doc, "water_km2"));
    CHECK(close_to(fl_front_km(f), member(doc, "front_km"), 1e-6),
          "%s: front %.3f km alone, %.3f in the timeline", path, fl_front_km(f),
          member(doc, "front_km"));
    int *status, *region, n = fl_places_count(pl);
    status = malloc((size_t)n * sizeof *status);
    region = malloc((size_t)n * sizeof *region);
    double *lat = malloc((size_t)n * sizeof *lat), *lon = malloc((size_t)n * sizeof *lon);
    for (int i = 0; i < n; i++) {
        lat[i] = fl_places_lat(pl, i);
        lon[i] = fl_places_lon(pl, i);
    }
    CHECK_OK(ctx, fl_snapshot_status_at(ctx, s, r, (size_t)n, lat, lon, status, region));
    if (*prev)
        CHECK(statuses_differ(*prev, status, n) == (int)member(doc, "place_changes"),
              "%s: %d places changed alone, %d in the timeline", path,
              statuses_differ(*prev, status, n), (int)member(doc, "place_changes"));
    free(*prev);
    *prev = status;
    free(region);
    free(lat);
    free(lon);
    json_object_put(doc);
    fl_front_free(f);
    fl_areas_free(a);
    fl_snapshot_close(s);
}

/* The change of a place in the change log JSON: from, to, before and after. */
static int find_change(const char *log, const char *name, const char *from, const char *to,
                       const char *before, const char *after)
{
    char want[512];
    snprintf(want, sizeof want, "\"name\":\"%s\"", name);
    for (const char *p = strstr(log, want); p; p = strstr(p + 1, want)) {
        const char *end = strchr(p, '}');
        char entry[1024];
        snprintf(entry, sizeof entry, "%.*s", (int)(end - p), p);
        char f[64], t[64], b[64], a[64];
        snprintf(f, sizeof f, "\"status_from\":\"%s\"", from);
        snprintf(t, sizeof t, "\"status_to\":\"%s\"", to);
        snprintf(b, sizeof b, "\"before\":\"%s\"", before);
        snprintf(a, sizeof a, "\"after\":\"%s\"", after);
        if (strstr(entry, f) && (!*to || strstr(entry, t)) && strstr(entry, b) && strstr(entry, a))
            return 1;
    }
    return 0;
}

/* Whether two JSON documents are the same but for numbers within rel (relative, or absolute
 * below 1), e.g. areas carried over by diffs in a different order. */
static bool same_json(json_object *a, json_object *b, double rel)
{
    json_type t = json_object_get_type(a);
    if (t == json_type_double || t == json_type_int)
        return (json_object_is_type(b, json_type_double) || json_object_is_type(b, json_type_int)) &&
               close_to(json_object_get_double(a), json_object_get_double(b), rel);
    if (t != json_object_get_type(b))
        return false;
    if (t == json_type_object) {
        if (json_object_object_length(a) != json_object_object_length(b))
            return false;
        json_object_object_foreach(a, key, va) {
            json_object *vb = NULL;
            if (!json_object_object_get_ex(b, key, &vb) || !same_json(va, vb, rel))
                return false;
        }
        return true;
    }
    if (t == json_type_array) {
        size_t n = json_object_array_length(a);
        bool same = n == json_object_array_length(b);
        for (size_t i = 0; same && i < n; i++)
            same = same_json(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i), rel);
        return same;
    }
    return t == json_type_null || !strcmp(json_object_get_string(a), json_object_get_string(b));
}

/* The same timeline on 3 threads gives the same rows and change log as on one. */
static void check_threads(fl_ctx *ctx, const fl_profile *p, const fl_regions *r,
                          const fl_places *pl, char **paths, size_t n, char **rows,
                          const char *log)
{
    fl_timeline *tl;
    char **threaded = calloc(n, sizeof *threaded), *log3 = NULL;
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, pl, 2.0, &tl));
    CHECK_OK(ctx, fl_timeline_add_all(ctx, tl, paths, n, 3, threaded));
    CHECK_OK(ctx, fl_timeline_changes_json(ctx, tl, &log3));
    CHECK(log3 && !strcmp(log, log3), "the change log differs on 3 threads");
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_tokener_parse(rows[i]), *b = json_tokener_parse(threaded[i]);
        /* transitions below 0.5 km² may be listed or not: compare all but them */
        CHECK(b && same_json(a, b, 1e-6), "%s: the row differs on 3 threads", paths[i]);
        json_object_put(a);
        json_object_put(b);
        free(threaded[i]);
    }
    free(threaded);
    free(log3);
    fl_timeline_free(tl);
}

/* A thread's run may start at any snapshot: the first `first` added one by one, the rest
 * with fl_timeline_add_all on two threads whose start costs nothing (so the rest is always
 * cut in two, where the costs even out); every row is the same to the byte as on one thread
 * (rows). */
static void check_starts(fl_ctx *ctx, const fl_profile *p, const fl_regions *r,
                         const fl_places *pl, char **paths, size_t n, char **rows, size_t first)
{
    CHECK(first + 2 <= n, "%zu versions, %zu first", n, first);
    fl_timeline *tl;
    char **split = calloc(n, sizeof *split);
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, pl, 2.0, &tl));
    fl_timeline_set_thread_cost(tl, 0);
    for (size_t i = 0; i < first; i++)
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], &split[i]));
    CHECK_OK(ctx, fl_timeline_add_all(ctx, tl, paths + first, n - first, 2, split + first));
    for (size_t i = 0; i < n; i++) {
        CHECK(split[i] && !strcmp(rows[i], split[i]),
              "%s: the row differs on 2 threads after %zu on one", paths[i], first);
        free(split[i]);
    }
    free(split);
    fl_timeline_free(tl);
}

int main(void)
{
    const char *dir = shared_file("deepstate/raw");
    if (!dir) {
        printf("shared data absent: skipped\n");
        return 77;
    }
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    fl_regions *r;
    fl_places *pl;
    open_embedded(ctx, &p, &r);
    CHECK_OK(ctx, fl_regions_set_water(ctx, r, data_file("water/ua_water.geojson")));
    CHECK_OK(ctx, fl_places_open(ctx, data_file("places/ua_places.csv"), &pl));
    char *paths[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (strstr(e->d_name, ".geojson")) {
            paths[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
            sprintf(paths[n++], "%s/%s", dir, e->d_name);
        }
    closedir(d);
    fl_timeline_sort_paths(paths, n);
    for (size_t i = 1; i < n; i++)
        CHECK(fl_time_parse(paths[i - 1]) < fl_time_parse(paths[i]), "order %s", paths[i]);
    fl_timeline *tl;
    int *prev = NULL;
    char *rows[64];
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, pl, 2.0, &tl));
    for (size_t i = 0; i < n; i++) {
        char *row;
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], &row));
        check_row(ctx, p, r, pl, paths[i], row, &prev);
        rows[i] = row;
        CHECK(strstr(row, "\"front_km\":") && strstr(row, "\"code\":\"UA-14\""), "row %s", row);
        CHECK((i == 0) == (strstr(row, "\"transitions\":null") != NULL), "transitions in %s", paths[i]);
    }
    free(prev);
    double cpu, total = 0;
    int stages = 0;
    for (const char *name; (name = fl_timeline_stage(tl, stages, &cpu)); stages++)
        total += cpu;
    CHECK(stages == 6 && total > 0, "%d stages, %.3f CPU s in all", stages, total);
    char *log;
    CHECK_OK(ctx, fl_timeline_changes_json(ctx, tl, &log));
    check_threads(ctx, p, r, pl, paths, n, rows, log);
    for (size_t first = 1; first + 2 <= n; first += 7)
        check_starts(ctx, p, r, pl, paths, n, rows, first);
    for (size_t i = 0; i < n; i++) {
        free(rows[i]);
        free(paths[i]);
    }
    CHECK(find_change(log, "Lyman", "occupied", "contested", "2022-10-01T12:38:55Z",
                      "2022-10-01T16:29:56Z"), "Lyman leaves occupation at 16:29 on 1 Oct");
    CHECK(find_change(log, "Zolota Balka", "occupied", "contested", "2022-10-01T21:38:26Z",
                      "2022-10-02T17:14:09Z"), "Zolota Balka leaves occupation on 2 Oct");
    CHECK(find_change(log, "Myroliubivka", "free", "liberated", "2022-04-03T12:33:28Z",
                      "2022-09-25T21:30:13Z"), "Myroliubivka is in the change log");
    free(log);
    /* an out-of-order snapshot is refused */
    int rc = fl_timeline_add(ctx, tl, shared_file("deepstate/raw/1648989208.geojson"), NULL);
    CHECK(rc == FL_EARG && strstr(fl_ctx_errmsg(ctx), "earlier than"), "%s", fl_ctx_errmsg(ctx));
    fl_timeline_free(tl);
    fl_places_close(pl);
    fl_regions_close(r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return check_done("timeline");
}
