/* test_render.c — maps and charts.
 *
 *   test_render samples   the embedded sample data (always runs)
 *   test_render real      the shared DeepStateMap exports 1664526365 -> 1664748468 (77 when
 *                         absent)
 *
 * A map-diff is rendered to PNG and read back; the pixels at the projected positions of known
 * places must have the colours the map promises: Lyman in the "no longer occupied" highlight,
 * Lviv in the free fill, a point in Crimea in the occupied fill. The legend's figures
 * (fl_render_json) must be those of the diff (fl_diff_json, i.e. `frontline diff --json`) and
 * of the areas. SVG and PDF outputs are written too (their parsing is checked by
 * test_render.sh with xmllint and pdfinfo). */
#include "check.h"

#include <cairo.h>
#include <json-c/json.h>

typedef struct inputs {
    fl_ctx *ctx;
    fl_profile *profile;
    fl_regions *regions;
    fl_places *places;
} inputs;

static void inputs_open(inputs *in)
{
    in->ctx = fl_ctx_new();
    CHECK_OK(in->ctx, fl_profile_open(in->ctx, data_file("profiles/deepstate.profile"), &in->profile));
    CHECK_OK(in->ctx, fl_regions_open(in->ctx, data_file("regions/ua_oblasts.shp"), NULL, NULL,
                                      &in->regions));
    CHECK_OK(in->ctx, fl_places_open(in->ctx, data_file("places/ua_places.csv"), &in->places));
}

static void inputs_close(inputs *in)
{
    fl_places_close(in->places);
    fl_regions_close(in->regions);
    fl_profile_close(in->profile);
    fl_ctx_free(in->ctx);
}

static unsigned hex_rgb(const char *hex)
{
    return (unsigned)strtoul(hex + (*hex == '#'), NULL, 16);
}

/* Whether the pixel holding (x, y) has colour rgb (within 3 per channel: antialiasing). */
static bool pixel_is(cairo_surface_t *png, double x, double y, unsigned rgb, char got[8])
{
    int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);
    int stride = cairo_image_surface_get_stride(png), px = (int)floor(x), py = (int)floor(y);
    const unsigned char *data = cairo_image_surface_get_data(png);
    snprintf(got, 8, "outside");
    if (px < 0 || py < 0 || px >= w || py >= h)
        return false;
    uint32_t v = *(const uint32_t *)(data + (size_t)py * (size_t)stride + (size_t)px * 4);
    int r = (int)((v >> 16) & 255), g = (int)((v >> 8) & 255), b = (int)(v & 255);
    snprintf(got, 8, "#%02X%02X%02X", r & 255, g & 255, b & 255);
    return abs(r - (int)(rgb >> 16)) <= 3 && abs(g - (int)((rgb >> 8) & 255)) <= 3 &&
           abs(b - (int)(rgb & 255)) <= 3;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* The colour the render JSON gives a status or a transition class. */
static const char *colour_of(json_object *doc, const char *list, const char *key,
                             const char *value)
{
    json_object *a = get(doc, list);
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        if (!strcmp(json_object_get_string(get(o, key)), value))
            return json_object_get_string(get(o, "colour"));
    }
    return "#000000";
}

/* Checks that the pixel around a place has the expected colour. */
static void check_pixel(fl_ctx *ctx, const fl_render *r, cairo_surface_t *png, const char *what,
                        double lat, double lon, const char *hex)
{
    double x, y;
    CHECK_OK(ctx, fl_render_project(ctx, r, lat, lon, &x, &y));
    char got[8];
    CHECK(pixel_is(png, x, y, hex_rgb(hex), got), "%s (%.4f N %.4f E) at pixel %.1f, %.1f is %s, "
          "not %s", what, lat, lon, x, y, got, hex);
}

/* The legend of the render against the diff's JSON (transitions between statuses) and the
 * areas (statuses within the territory). */
static void check_legend(inputs *in, const fl_snapshot *b, json_object *render, const fl_diff *d)
{
    char *dj;
    CHECK_OK(in->ctx, fl_diff_json(in->ctx, d, &dj));
    json_object *diff = json_tokener_parse(dj);
    free(dj);
    json_object *dt = get(diff, "transitions"), *rt = get(render, "transitions");
    int matched = 0, expected = 0;
    double outside = 0;
    for (size_t i = 0; i < json_object_array_length(dt); i++) {
        json_object *t = json_object_array_get_idx(dt, i);
        const char *from = json_object_get_string(get(t, "status_from")), *to = json_object_get_string(get(t, "status_to"));
        double km2 = json_object_get_double(get(t, "km2"));
        if (!strcmp(from, to))
            continue;
        if (!strcmp(from, "none") || !strcmp(to, "none")) {
            outside += km2;
            continue;
        }
        expected++;
        for (size_t k = 0; k < json_object_array_length(rt); k++) {
            json_object *u = json_object_array_get_idx(rt, k);
            if (!strcmp(json_object_get_string(get(u, "status_from")), from) &&
                !strcmp(json_object_get_string(get(u, "status_to")), to)) {
                matched++;
                CHECK(json_object_get_double(get(u, "km2")) == km2, "legend %s -> %s %.6f, diff %.6f",
                      from, to, json_object_get_double(get(u, "km2")), km2);
            }
        }
    }
    CHECK(matched == expected && (int)json_object_array_length(rt) == expected,
          "legend transitions %zu, diff %d, matched %d", json_object_array_length(rt), expected,
          matched);
    CHECK(fabs(json_object_get_double(get(render, "outside_km2")) - outside) < 1e-5,
          "outside %.6f vs %.6f", json_object_get_double(get(render, "outside_km2")), outside);
    /* statuses: the areas of B in the territory, which are also the columns of the diff's
     * per-region matrices */
    fl_areas *areas;
    CHECK_OK(in->ctx, fl_areas_new(in->ctx, b, in->regions, &areas));
    fl_areas *direct_areas; /* without the diff's column sums: from a fresh snapshot */
    fl_snapshot *fresh;
    CHECK_OK(in->ctx, fl_snapshot_open(in->ctx, fl_snapshot_path(b), in->profile, &fresh));
    CHECK_OK(in->ctx, fl_areas_new(in->ctx, fresh, in->regions, &direct_areas));
    json_object *st = get(render, "statuses"), *regions = get(diff, "regions");
    for (size_t i = 0; i < json_object_array_length(st); i++) {
        json_object *s = json_object_array_get_idx(st, i);
        const char *name = json_object_get_string(get(s, "status"));
        double km2 = json_object_get_double(get(s, "km2"));
        double want = fl_areas_km2(areas, FL_REGION_ALL, fl_profile_status_index(in->profile, name));
        CHECK(fabs(km2 - want) < 1e-6, "legend %s %.6f, areas %.6f", name, km2, want);
        double direct = fl_areas_km2(direct_areas, FL_REGION_ALL, fl_profile_status_index(in->profile, name));
        CHECK(fabs(km2 - direct) <= 1e-6 * fmax(1, direct), "legend %s %.6f, areas computed "
              "directly %.6f", name, km2, direct);
        double column = 0;
        for (size_t k = 0; k < json_object_array_length(regions); k++) {
            json_object *tr = get(json_object_array_get_idx(regions, k), "transitions");
            for (size_t j = 0; j < json_object_array_length(tr); j++) {
                json_object *t = json_object_array_get_idx(tr, j);
                if (!strcmp(json_object_get_string(get(t, "status_to")), name))
                    column += json_object_get_double(get(t, "km2"));
            }
        }
        CHECK(fabs(km2 - column) < 0.01, "legend %s %.6f, diff regions' column %.6f", name, km2,
              column);
    }
    fl_areas_free(areas);
    fl_areas_free(direct_areas);
    fl_snapshot_close(fresh);
    json_object_put(diff);
}

/* Renders a -> b, checks the picture and the legend; returns the render JSON (caller puts). */
static json_object *map_diff(inputs *in, const char *pa, const char *pb, const char *stem)
{
    fl_ctx *ctx = in->ctx;
    fl_snapshot *a, *b;
    fl_diff *d;
    CHECK_OK(ctx, fl_snapshot_open(ctx, pa, in->profile, &a));
    CHECK_OK(ctx, fl_snapshot_open(ctx, pb, in->profile, &b));
    CHECK_OK(ctx, fl_diff_new(ctx, a, b, in->regions, in->places, &d));
    char png[4096], svg[4096], pdf[4096], bare[4096];
    snprintf(png, sizeof png, "%s/%s.png", temp_dir(), stem);
    snprintf(svg, sizeof svg, "%s/%s.svg", temp_dir(), stem);
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", temp_dir(), stem);
    snprintf(bare, sizeof bare, "%s/%s-bare.png", temp_dir(), stem);

    /* the full map, with places and labels, reusing the diff */
    fl_render_options o = {.places = in->places, .diff = d};
    fl_render *r;
    CHECK_OK(ctx, fl_render_new(ctx, a, b, in->regions, &o, &r));
    CHECK_OK(ctx, fl_render_write(ctx, r, png));
    CHECK_OK(ctx, fl_render_write(ctx, r, svg));
    CHECK_OK(ctx, fl_render_write(ctx, r, pdf));
    char *rj;
    CHECK_OK(ctx, fl_render_json(ctx, r, &rj));
    json_object *doc = json_tokener_parse(rj);
    free(rj);
    CHECK(doc != NULL, "render JSON parses");
    int w, h;
    fl_render_size(r, &w, &h);
    CHECK(w == 1600 && h > 600 && h < 2400, "size %d x %d", w, h);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS, "%s reads back", png);
    CHECK(cairo_image_surface_get_width(img) == w && cairo_image_surface_get_height(img) == h,
          "PNG %d x %d", cairo_image_surface_get_width(img), cairo_image_surface_get_height(img));
    const char *left = colour_of(doc, "transitions", "class", "left_occupation");
    cairo_surface_destroy(img);
    check_legend(in, b, doc, d);
    /* places: Lyman changed status and sits where fl_render_project says */
    json_object *places = get(doc, "places");
    int lyman = 0;
    for (size_t i = 0; i < json_object_array_length(places); i++) {
        json_object *p = json_object_array_get_idx(places, i);
        if (strcmp(json_object_get_string(get(p, "name")), "Lyman"))
            continue;
        double x, y;
        CHECK_OK(ctx, fl_render_project(ctx, r, 48.98616, 37.80307, &x, &y));
        lyman = !strcmp(json_object_get_string(get(p, "status_from")), "occupied") &&
                !strcmp(json_object_get_string(get(p, "class")), "left_occupation") &&
                json_object_get_boolean(get(p, "labelled")) &&
                fabs(json_object_get_double(get(p, "x")) - x) < 0.01 &&
                fabs(json_object_get_double(get(p, "y")) - y) < 0.01;
    }
    CHECK(lyman, "Lyman is listed, labelled, leaving occupation, at its projected position");
    fl_render_free(r);

    /* the fills themselves: no places, no labels, so nothing is drawn over the test points;
     * twice the default width, as Lyman lies about a kilometre inside the ground it left
     * occupation with, which is one pixel at 1600 */
    fl_render_options bo = {.no_labels = true, .diff = d, .width = 3200};
    CHECK_OK(ctx, fl_render_new(ctx, a, b, in->regions, &bo, &r));
    CHECK_OK(ctx, fl_render_write(ctx, r, bare));
    img = cairo_image_surface_create_from_png(bare);
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS, "%s reads back", bare);
    check_pixel(ctx, r, img, "Lyman, no longer occupied", 48.9862, 37.8031, left);
    check_pixel(ctx, r, img, "Lviv, free", 49.84, 24.03, colour_of(doc, "statuses", "status", "free"));
    check_pixel(ctx, r, img, "Crimea, occupied", 45.3, 34.4,
                colour_of(doc, "statuses", "status", "occupied"));
    cairo_surface_destroy(img);
    fl_render_free(r);
    fl_diff_free(d);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    return doc;
}

static void samples(inputs *in)
{
    fl_ctx *ctx = in->ctx;
    const char *pa = data_file("sample/20220930.geojson"), *pb = data_file("sample/20221004.geojson");
    json_object *doc = map_diff(in, pa, pb, "sample");
    CHECK(!strcmp(json_object_get_string(get(doc, "scope")), "territory"), "scope");
    CHECK(strstr(json_object_get_string(get(doc, "title")), "30 Sep 2022") &&
              strstr(json_object_get_string(get(doc, "title")), "4 Oct 2022"),
          "title with both times: %s", json_object_get_string(get(doc, "title")));
    CHECK(strstr(json_object_get_string(get(doc, "projection")), "+proj=laea"), "projection");
    json_object_put(doc);

    /* places carry their other columns */
    int kyiv = fl_places_find(in->places, "Kyiv");
    CHECK(kyiv >= 0 && !strcmp(fl_places_attr(in->places, kyiv, "population"), "2797553"),
          "Kyiv's population '%s'", fl_places_attr(in->places, kyiv, "population"));
    CHECK(!strcmp(fl_places_attr(in->places, kyiv, "no such column"), ""), "absent column");
    CHECK(!strcmp(fl_places_attr(in->places, -1, "population"), ""), "bad index");

    /* a single snapshot, zoomed on a region, in every format */
    fl_snapshot *a;
    CHECK_OK(ctx, fl_snapshot_open(ctx, pa, in->profile, &a));
    fl_render_options o = {.region = "UA-DT", .places = in->places, .width = 900};
    fl_render *r;
    CHECK_OK(ctx, fl_render_new(ctx, a, NULL, in->regions, &o, &r));
    char *rj;
    CHECK_OK(ctx, fl_render_json(ctx, r, &rj));
    json_object *d2 = json_tokener_parse(rj);
    free(rj);
    CHECK(!strcmp(json_object_get_string(get(d2, "scope")), "UA-14"), "region scope (the alias UA-DT finds UA-14)");
    double sum = 0;
    json_object *st = get(d2, "statuses");
    for (size_t i = 0; i < json_object_array_length(st); i++)
        sum += json_object_get_double(get(json_object_array_get_idx(st, i), "km2"));
    int dt = fl_regions_find(in->regions, "UA-DT");
    CHECK_REL(sum, fl_regions_area_km2(in->regions, dt), 1e-6);
    CHECK(json_object_array_length(get(d2, "transitions")) == 0, "no transitions without a diff");
    json_object_put(d2);
    int w, h;
    fl_render_size(r, &w, &h);
    CHECK(w == 900, "width %d", w);
    double x, y;
    CHECK_OK(ctx, fl_render_project(ctx, r, 48.0159, 37.8028, &x, &y)); /* Donetsk */
    CHECK(x > 0 && x < w && y > 0 && y < h, "Donetsk at %.1f, %.1f in %d x %d", x, y, w, h);
    CHECK(fl_render_project(ctx, r, 95, 30, &x, &y) == FL_EARG, "latitude 95");
    const char *exts[] = {"png", "svg", "pdf"};
    for (int i = 0; i < 3; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/region.%s", temp_dir(), exts[i]);
        CHECK_OK(ctx, fl_render_write(ctx, r, path));
        FILE *f = fopen(path, "rb");
        char head[8] = {0};
        CHECK(f && fread(head, 1, 5, f) == 5, "%s written", path);
        if (f)
            fclose(f);
        CHECK(i != 0 || !memcmp(head, "\x89PNG", 4), "PNG signature");
        CHECK(i != 1 || !memcmp(head, "<?xml", 5), "SVG starts as XML");
        CHECK(i != 2 || !memcmp(head, "%PDF-", 5), "PDF signature");
    }
    char bad[4096];
    snprintf(bad, sizeof bad, "%s/map.jpg", temp_dir());
    CHECK(fl_render_write(ctx, r, bad) == FL_EARG && strstr(fl_ctx_errmsg(ctx), ".png"),
          "a .jpg is refused: %s", fl_ctx_errmsg(ctx));
    CHECK(access(bad, F_OK) != 0, "nothing left behind");
    fl_render_free(r);

    /* a bbox view and bad options */
    fl_render_options ob = {.bbox = {32.5, 46.5, 35.0, 48.0}, .width = 640};
    CHECK_OK(ctx, fl_render_new(ctx, a, NULL, in->regions, &ob, &r));
    fl_render_free(r);
    fl_render_options bad1 = {.region = "UA-XX"};
    CHECK(fl_render_new(ctx, a, NULL, in->regions, &bad1, &r) == FL_EARG && !r, "unknown region");
    fl_render_options bad2 = {.bbox = {35, 46, 32, 48}};
    CHECK(fl_render_new(ctx, a, NULL, in->regions, &bad2, &r) == FL_EARG, "west > east");
    fl_render_options bad3 = {.width = 10};
    CHECK(fl_render_new(ctx, a, NULL, in->regions, &bad3, &r) == FL_EARG, "width 10");
    snprintf(bad, sizeof bad, "%s/map.gif", temp_dir());
    CHECK(fl_render_map(ctx, a, NULL, in->regions, NULL, bad) == FL_EARG, "fl_render_map .gif");
    snprintf(bad, sizeof bad, "%s/plain.png", temp_dir());
    CHECK_OK(ctx, fl_render_map(ctx, a, NULL, in->regions, NULL, bad));

    /* charts */
    fl_snapshot *b;
    CHECK_OK(ctx, fl_snapshot_open(ctx, pb, in->profile, &b));
    fl_chart *c;
    CHECK_OK(ctx, fl_chart_new(ctx, in->profile, in->regions, &c));
    char chart[4096];
    snprintf(chart, sizeof chart, "%s/chart.png", temp_dir());
    CHECK(fl_chart_write(ctx, c, NULL, chart) == FL_EARG, "an empty chart is refused");
    fl_areas *aa, *ab;
    CHECK_OK(ctx, fl_areas_new(ctx, a, in->regions, &aa));
    CHECK_OK(ctx, fl_areas_new(ctx, b, in->regions, &ab));
    CHECK(fl_chart_add(ctx, c, FL_TIME_UNKNOWN, aa) == FL_EARG, "unknown time refused");
    CHECK_OK(ctx, fl_chart_add(ctx, c, fl_snapshot_time(b), ab)); /* out of order on purpose */
    CHECK_OK(ctx, fl_chart_add(ctx, c, fl_snapshot_time(a), aa));
    CHECK(fl_chart_count(c) == 2, "count %d", fl_chart_count(c));
    CHECK_OK(ctx, fl_chart_write(ctx, c, NULL, chart));
    cairo_surface_t *img = cairo_image_surface_create_from_png(chart);
    CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS &&
              cairo_image_surface_get_width(img) == 1600, "chart PNG");
    cairo_surface_destroy(img);
    fl_chart_options co = {.width = 1000, .regions = -1, .title = "Two versions"};
    snprintf(chart, sizeof chart, "%s/chart.svg", temp_dir());
    CHECK_OK(ctx, fl_chart_write(ctx, c, &co, chart));
    snprintf(chart, sizeof chart, "%s/chart.pdf", temp_dir());
    CHECK_OK(ctx, fl_chart_write(ctx, c, &co, chart));
    fl_chart_free(c);
    fl_areas_free(aa);
    fl_areas_free(ab);

    /* a timeline fills its chart */
    fl_timeline *tl;
    CHECK_OK(ctx, fl_timeline_new(ctx, in->profile, in->regions, NULL, 2.0, &tl));
    CHECK_OK(ctx, fl_timeline_add(ctx, tl, pa, NULL));
    CHECK_OK(ctx, fl_timeline_add(ctx, tl, pb, NULL));
    CHECK(fl_chart_count(fl_timeline_chart(tl)) == 2, "timeline chart points");
    snprintf(chart, sizeof chart, "%s/timeline.png", temp_dir());
    CHECK_OK(ctx, fl_chart_write(ctx, fl_timeline_chart(tl), NULL, chart));
    fl_timeline_free(tl);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
}

static void real(inputs *in, const char *pa, const char *pb)
{
    json_object *doc = map_diff(in, pa, pb, "real");
    /* the figures of the shared data's README */
    double left = 0;
    json_object *tr = get(doc, "transitions");
    for (size_t i = 0; i < json_object_array_length(tr); i++) {
        json_object *t = json_object_array_get_idx(tr, i);
        if (!strcmp(json_object_get_string(get(t, "status_from")), "occupied"))
            left += json_object_get_double(get(t, "km2"));
    }
    /* 626.6 km² left occupation, of which what stays inside the territory is listed */
    CHECK(left > 600 && left < 626.6, "occupied -> other statuses %.1f km²", left);
    json_object_put(doc);
}

int main(int argc, char **argv)
{
    bool want_real = argc > 1 && !strcmp(argv[1], "real");
    const char *pa = NULL, *pb = NULL;
    if (want_real) {
        pa = shared_file("deepstate/raw/1664526365.geojson");
        pb = shared_file("deepstate/raw/1664748468.geojson");
        if (!pa || !pb) {
            printf("shared data absent: skipped\n");
            return 77;
        }
    }
    inputs in;
    inputs_open(&in);
    if (want_real)
        real(&in, pa, pb);
    else
        samples(&in);
    inputs_close(&in);
    int rc = check_done(want_real ? "render (real data)" : "render (samples)");
    if (!rc)
        temp_cleanup();
    return rc;
}
