/* test_timeline.c — a timeline over every shared raw export: rows in time order, bounded
 * memory (only the previous snapshot is kept), and a change log with the story's places at
 * the dates this data gives (checked independently with shapely: see the README). */
#include "check.h"

#include <dirent.h>

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
        snprintf(f, sizeof f, "\"from\":\"%s\"", from);
        snprintf(t, sizeof t, "\"to\":\"%s\"", to);
        snprintf(b, sizeof b, "\"before\":\"%s\"", before);
        snprintf(a, sizeof a, "\"after\":\"%s\"", after);
        if (strstr(entry, f) && (!*to || strstr(entry, t)) && strstr(entry, b) && strstr(entry, a))
            return 1;
    }
    return 0;
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
    CHECK_OK(ctx, fl_timeline_new(ctx, p, r, pl, 2.0, &tl));
    for (size_t i = 0; i < n; i++) {
        char *row;
        CHECK_OK(ctx, fl_timeline_add(ctx, tl, paths[i], &row));
        CHECK(strstr(row, "\"front_km\":") && strstr(row, "\"UA-DT\":"), "row %s", row);
        CHECK((i == 0) == (strstr(row, "\"transitions\":null") != NULL), "transitions in %s", paths[i]);
        free(row);
        free(paths[i]);
    }
    char *log;
    CHECK_OK(ctx, fl_timeline_changes_json(ctx, tl, &log));
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
    fl_timeline_free(ctx, tl);
    fl_places_close(pl);
    fl_regions_close(ctx, r);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return check_done("timeline");
}
