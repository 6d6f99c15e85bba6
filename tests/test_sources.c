/* test_sources.c — the readers of the other public sources (issue 15) and one map version
 * made of several files.
 *
 *   test_sources hand     the hand-made files of tests/sources/ (argv[2]): KML (Folders,
 *                         StyleMap, MultiGeometry, inner rings, altitudes, ExtendedData), a KMZ
 *                         zipped here with libzip, Esri JSON (holes by orientation), wrapped
 *                         GeoJSON; each against a hand-written GeoJSON twin of the same shapes
 *                         (an independent reader), and ISW's per-layer layout built here.
 *   test_sources shared   every sample of ../shared/data/{isw,amk,nzz} with its shipped profile:
 *                         nothing unclassified, and the areas as drawn of the shared README
 *                         (computed independently there) within 0.1 %. Skips (77) without it.
 */
#include "check.h"

#include <errno.h>
#include <sys/stat.h>
#include <zip.h>

static const char *dir; /* tests/sources */

static const char *in_dir(const char *name)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

static fl_profile *profile_at(fl_ctx *ctx, const char *path)
{
    fl_profile *p = NULL;
    CHECK_OK(ctx, fl_profile_open(ctx, path, &p));
    return p;
}

static fl_snapshot *open_files(fl_ctx *ctx, const fl_profile *p, const char *const *paths,
                               size_t n)
{
    fl_snapshot *s = NULL;
    CHECK_OK(ctx, fl_snapshot_open_files(ctx, paths, n, p, &s));
    return s;
}

/* The same km² per status (as drawn) as a twin read by another reader. */
static void same_areas(const fl_snapshot *a, const fl_snapshot *b, const char *what)
{
    int n = fl_profile_status_count(fl_snapshot_profile(a)) - 1;
    for (int i = 0; i < n; i++) {
        double x = fl_snapshot_status_km2(a, i), y = fl_snapshot_status_km2(b, i);
        CHECK(y > 0 && fabs(x - y) <= 1e-9 * y, "%s: status %d: %.9f km² vs the twin's %.9f",
              what, i, x, y);
    }
}

static void counts_are(const fl_snapshot *s, long total, long classified, long ignored,
                       long unclassified, long no_polygon)
{
    fl_counts c;
    fl_snapshot_counts(s, &c);
    CHECK(c.total == total && c.classified == classified && c.ignored == ignored &&
              c.unclassified == unclassified && c.no_polygon == no_polygon,
          "%s: %ld total, %ld classified, %ld ignored, %ld unclassified, %ld without polygon",
          fl_snapshot_path(s), c.total, c.classified, c.ignored, c.unclassified, c.no_polygon);
}

/* Zips the file at src into a KMZ at dst as entry `name`. */
static void make_kmz(const char *src, const char *dst, const char *name)
{
    int err = 0;
    zip_t *z = zip_open(dst, ZIP_CREATE | ZIP_TRUNCATE, &err);
    zip_source_t *s = z ? zip_source_file(z, src, 0, -1) : NULL;
    if (!z || !s || zip_file_add(z, name, s, 0) < 0 || zip_close(z) != 0) {
        fprintf(stderr, "cannot write %s\n", dst);
        exit(1);
    }
}

static void kml_and_kmz(fl_ctx *ctx, const fl_profile *p, const fl_snapshot *twin)
{
    const char *kml = in_dir("shapes.kml");
    fl_snapshot *s = open_files(ctx, p, &kml, 1);
    /* 9 Placemarks: a polygon with a hole (altitudes), a nested MultiGeometry (StyleMap
     * colour), ExtendedData Data and SchemaData, one in an ignored Folder path, a point, a
     * line, one without geometry and one no rule matches */
    counts_are(s, 9, 4, 1, 1, 3);
    CHECK(!strcmp(fl_snapshot_kind(s), "kml"), "kind %s", fl_snapshot_kind(s));
    same_areas(s, twin, "shapes.kml");
    fl_snapshot_close(s);
    char kmz[4200];
    const char *names[] = {"doc.kml", "files/layer.kml"}; /* doc.kml, or the first .kml */
    for (int i = 0; i < 2; i++) {
        snprintf(kmz, sizeof kmz, "%s/shapes%d.kmz", temp_dir(), i);
        make_kmz(kml, kmz, names[i]);
        const char *path = kmz;
        s = open_files(ctx, p, &path, 1);
        counts_are(s, 9, 4, 1, 1, 3);
        CHECK(!strcmp(fl_snapshot_kind(s), "kmz"), "kind %s", fl_snapshot_kind(s));
        same_areas(s, twin, names[i]);
        fl_snapshot_close(s);
    }
}

static void esri(fl_ctx *ctx, const fl_profile *p)
{
    const char *path = in_dir("esri.json"), *twin_path = in_dir("esri_twin.geojson");
    fl_snapshot *s = open_files(ctx, p, &path, 1), *twin = open_files(ctx, p, &twin_path, 1);
    /* a hole after its exterior, a hole after a second exterior that does not hold it; a
     * null geometry, a polyline and a feature without geometry */
    counts_are(s, 5, 2, 0, 0, 3);
    CHECK(!strcmp(fl_snapshot_kind(s), "esri"), "kind %s", fl_snapshot_kind(s));
    same_areas(s, twin, "esri.json");
    fl_snapshot_close(s);
    fl_snapshot_close(twin);
}

static void wrapped(fl_ctx *ctx, const fl_profile *p, const fl_snapshot *twin)
{
    const char *names[] = {"wrapped_value.json", "wrapped_map.json"}; /* recognised */
    for (int i = 0; i < 2; i++) {
        const char *path = in_dir(names[i]);
        fl_snapshot *s = open_files(ctx, p, &path, 1);
        counts_are(s, 4, 4, 0, 0, 0);
        same_areas(s, twin, names[i]);
        fl_snapshot_close(s);
    }
    const char *two = in_dir("wrapped_two.json");
    fl_snapshot *s = NULL;
    CHECK(fl_snapshot_open_files(ctx, &two, 1, p, &s) == FL_EFORMAT && !s &&
              strstr(fl_ctx_errmsg(ctx), "wrapped_two.json") &&
              strstr(fl_ctx_errmsg(ctx), "'wrapped MEMBER'"),
          "two FeatureCollections: %s", fl_ctx_errmsg(ctx));
    /* the profile names the member and the time property */
    fl_profile *timed = profile_at(ctx, in_dir("wrapped_time.profile"));
    const char *map = in_dir("wrapped_map.json");
    s = open_files(ctx, timed, &map, 1);
    CHECK(fl_snapshot_time(s) == 1722506400, "time %lld, not 2024-08-01T10:00:00Z",
          (long long)fl_snapshot_time(s));
    same_areas(s, twin, "wrapped_map.json (wrapped map)");
    fl_snapshot_close(s);
    const char *value = in_dir("wrapped_value.json");
    CHECK(fl_snapshot_open_files(ctx, &value, 1, timed, &s) == FL_EFORMAT &&
              strstr(fl_ctx_errmsg(ctx), "member 'map'"),
          "no 'map' member: %s", fl_ctx_errmsg(ctx));
    fl_profile_close(timed);
}

/* Writes text to dir/name, making dir. */
static const char *write_at(const char *sub, const char *name, const char *text)
{
    static char path[8][4400];
    static int next;
    char d[4200], *b = path[next++ % 8];
    snprintf(d, sizeof d, "%s/%s", temp_dir(), sub);
    if (mkdir(d, 0755) != 0 && errno != EEXIST)
        exit(1);
    snprintf(b, sizeof path[0], "%s/%s", d, name);
    FILE *f = fopen(b, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        exit(1);
    return b;
}

/* ISW's 2022 layout: features {"FID": n}, the status in the folder and file names. */
static void layers_as_one_version(fl_ctx *ctx)
{
    static const char square[] =
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
        "{\"FID\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[36,50],[37,50],"
        "[37,51],[36,51],[36,50]]]}}]}";
    const char *files[] = {
        write_at("RussianAssessedCoTinUkraine", "20220930_RussianAssessedCoTinUkraine.geojson",
                 square),
        write_at("UkrainianReportedPartisanWarfare",
                 "20220930_UkrainianReportedPartisanWarfare.geojson", square),
        write_at("elsewhere", "20220930_RussianClaimedCoTinUkraine.geojson", square),
    };
    fl_profile *isw = profile_at(ctx, data_file("profiles/isw.profile"));
    fl_snapshot *s = open_files(ctx, isw, files, 3);
    counts_are(s, 3, 2, 1, 0, 0); /* by folder, ignored by folder, by file name */
    int occupied = fl_profile_status_index(isw, "occupied");
    int claimed = fl_profile_status_index(isw, "claimed_ru");
    CHECK(fl_snapshot_status_features(s, occupied) == 1 &&
              fl_snapshot_status_features(s, claimed) == 1,
          "occupied %ld, claimed_ru %ld", fl_snapshot_status_features(s, occupied),
          fl_snapshot_status_features(s, claimed));
    CHECK(fl_snapshot_time(s) == 1664496000, "time %lld", (long long)fl_snapshot_time(s));
    CHECK(strstr(fl_snapshot_path(s), "RussianAssessedCoTinUkraine.geojson,"),
          "path %s", fl_snapshot_path(s));
    fl_snapshot_close(s);
    fl_profile_close(isw);
}

static int hand(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p = profile_at(ctx, in_dir("sources.profile"));
    const char *twin_path = in_dir("shapes.geojson");
    fl_snapshot *twin = open_files(ctx, p, &twin_path, 1);
    kml_and_kmz(ctx, p, twin);
    esri(ctx, p);
    wrapped(ctx, p, twin);
    layers_as_one_version(ctx);
    fl_snapshot_close(twin);
    fl_profile_close(p);
    fl_ctx_free(ctx);
    return check_done("sources (hand-made)");
}

/* A snapshot with the profile it was read with. */
typedef struct loaded {
    fl_profile *p;
    fl_snapshot *s;
} loaded;

/* Loads the files (one version) with a shipped profile: nothing unclassified. */
static loaded shipped(fl_ctx *ctx, const char *profile, const char *const *paths, size_t n)
{
    loaded l = {.p = profile_at(ctx, data_file(profile))};
    l.s = open_files(ctx, l.p, paths, n);
    fl_counts c;
    fl_snapshot_counts(l.s, &c);
    CHECK(c.unclassified == 0 && c.classified > 0, "%s with %s: %ld unclassified of %ld",
          paths[0], profile, c.unclassified, c.total);
    return l;
}

static void unload(loaded l)
{
    fl_snapshot_close(l.s);
    fl_profile_close(l.p);
}

/* status km² as drawn within 0.1 % of the shared README's figure */
static void figure(const fl_snapshot *s, const char *status, double km2)
{
    int i = fl_profile_status_index(fl_snapshot_profile(s), status);
    double got = fl_snapshot_status_km2(s, i);
    CHECK(fabs(got - km2) <= 1e-3 * km2, "%s: %s %.1f km², README %.1f", fl_snapshot_path(s),
          status, got, km2);
}

static void isw_2022(fl_ctx *ctx, const char *date, double occupied, double *others)
{
    static const char *const layers[] = {
        "RussianAssessedCoTinUkraine", "RussianAssessedAdvanceinUkraine",
        "RussianClaimedCoTinUkraine", "UkrainianClaimedCounterOffensives",
        "UkrainianReportedPartisanWarfare"};
    char rel[5][256];
    const char *paths[5];
    for (int i = 0; i < 5; i++) {
        snprintf(rel[i], sizeof rel[i], "isw/2022/%s/%s_%s.geojson", layers[i], date, layers[i]);
        paths[i] = shared_file(rel[i]);
        if (!paths[i]) {
            CHECK(0, "missing %s", rel[i]);
            return;
        }
    }
    loaded l = shipped(ctx, "profiles/isw.profile", paths, 5);
    figure(l.s, "occupied", occupied);
    if (others) {
        figure(l.s, "advance", others[0]);
        figure(l.s, "claimed_ru", others[1]);
        figure(l.s, "claimed_ua", others[2]);
    }
    unload(l);
}

/* Every file of a shared folder loads with the profile. */
static void every_file(fl_ctx *ctx, const char *sub, const char *profile)
{
    const char *d = shared_file(sub);
    DIR *dd = d ? opendir(d) : NULL;
    int n = 0;
    for (struct dirent *e; dd && (e = readdir(dd));) {
        if (e->d_name[0] == '.' || !fl_snapshot_file_name(e->d_name))
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", d, e->d_name);
        const char *one = path;
        unload(shipped(ctx, profile, &one, 1));
        n++;
    }
    if (dd)
        closedir(dd);
    CHECK(n > 0, "no files in %s", sub);
}

static int shared(void)
{
    if (!shared_file("isw") || !shared_file("amk") || !shared_file("nzz")) {
        puts("sources: no ../shared/data/{isw,amk,nzz}: skipped");
        return 77;
    }
    fl_ctx *ctx = fl_ctx_new();
    every_file(ctx, "isw/2023", "profiles/isw.profile");
    every_file(ctx, "amk", "profiles/amk.profile");
    every_file(ctx, "nzz", "profiles/nzz.profile");
    /* 20230501 has 108 features, five with "geometry": null (counted with Python's json
     * module): without polygon, not unclassified */
    const char *may = shared_file("isw/2023/20230501.geojson");
    loaded l = shipped(ctx, "profiles/isw.profile", &may, 1);
    fl_counts c;
    fl_snapshot_counts(l.s, &c);
    CHECK(c.no_polygon == 5 && c.total == 108, "20230501: %ld without polygon of %ld",
          c.no_polygon, c.total);
    unload(l);
    double others[] = {3685.9, 580.7, 14491.2};
    isw_2022(ctx, "20220930", 111657.7, others);
    isw_2022(ctx, "20221004", 109539.0, NULL);
    const char *nzz = shared_file("nzz/2022-10-03.json");
    l = shipped(ctx, "profiles/nzz.profile", &nzz, 1);
    figure(l.s, "occupied", 88739.4);
    figure(l.s, "lost", 2375.0);
    CHECK(fl_snapshot_time(l.s) == 1664755200, "the map's date is _dateto, 2022-10-03: %lld",
          (long long)fl_snapshot_time(l.s));
    unload(l);
    const char *amk = shared_file("amk/2026-08-22.kml");
    l = shipped(ctx, "profiles/amk.profile", &amk, 1);
    figure(l.s, "occupied", 209836.4);
    figure(l.s, "contested", 4872.9);
    unload(l);
    fl_ctx_free(ctx);
    return check_done("sources (shared samples)");
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "shared") && argc < 3)) {
        fprintf(stderr, "usage: test_sources hand DIR | shared\n");
        return 2;
    }
    dir = argc > 2 ? argv[2] : ".";
    return strcmp(argv[1], "hand") ? shared() : hand();
}
