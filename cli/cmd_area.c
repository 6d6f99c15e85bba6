/* cmd_area.c — frontline info, area and convert. */
#include "cli.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char info_help[] =
    "usage: frontline info FILE... [--profile NAME|FILE] [--time T] [--json]\n"
    "What a snapshot (one file, or a version's files) holds: its kind, time, bounds, and every\n"
    "feature counted as classified (per status), ignored, unclassified or without polygon.\n"
    "Without --profile, it recognises the source: the shipped profile (amk, deepstate, isw,\n"
    "nzz) that classifies every polygon, or says that none fits.\n";

static const char area_help[] =
    "usage: frontline area SNAPSHOT... [--regions SHP|GEOJSON] [--code-field F]\n"
    "                      [--name-field F] [--level L] [--profile NAME|FILE] [--time T]\n"
    "                      [--json] [--snap-km KM] [--water FILE|none]\n"
    "Area by status on the WGS84 ellipsoid: as drawn (unclipped), within the territory (the\n"
    "union of the regions, default the embedded Ukrainian oblasts) and per region.\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n"
    "Several files (or one argument A,B,...) are one map version, e.g. a day's ISW layers\n"
    "(docs/sources.md); --profile amk|deepstate|isw|nzz names a shipped profile.\n";

static const char convert_help[] =
    "usage: frontline convert IN OUT\n"
    "Converts between GeoJSON (.geojson/.json), ESRI shapefile (.shp) and WKT (.wkt), by\n"
    "extension, keeping every feature and attribute; KML, KMZ, Esri JSON and wrapped GeoJSON\n"
    "are read too.\n";

int cmd_info(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *snap = NULL;
    int rc = parse_options(argc, argv, &o, "info", info_help);
    if (rc || (rc = check_args(&o, info_help, ONE_OR_MORE)) >= 0)
        return rc;
    char source[64] = "";
    bool fits = true;
    if ((rc = session_open(&s, &o, true, false)) ||
        (rc = o.profile ? open_snapshot(&s, &o, o.args, o.nargs, &snap)
                        : recognise_source(&s, &o, &snap, source, sizeof source, &fits))) {
        session_close(&s);
        return rc;
    }
    long outside = fl_snapshot_outside(s.ctx, snap, s.regions);
    fl_counts c;
    double b[4];
    char t[32];
    fl_snapshot_counts(snap, &c);
    fl_snapshot_bounds(snap, b);
    fl_time_format(fl_snapshot_time(snap), t, sizeof t);
    int n = fl_profile_status_count(s.profile) - 1;
    if (o.json) {
        char *json = NULL;
        rc = fl_snapshot_info_json(s.ctx, snap, source[0] ? source : NULL, fits, s.regions,
                                   &json)
                 ? fail(s.ctx)
                 : 0;
        if (json)
            puts(json);
        free(json);
    } else {
        printf("file        %s\nkind        %s\ntime        %s\n", fl_snapshot_path(snap),
               fl_snapshot_kind(snap), t[0] ? t : "unknown");
        if (source[0] && fits)
            printf("profile     %s (shipped; it classifies every polygon)\n", source);
        else if (source[0] && strcmp(source, "none"))
            printf("profile     no shipped profile fits: %s leaves the fewest unclassified\n",
                   source);
        else if (source[0])
            printf("profile     no shipped profile fits: none classifies any polygon\n");
        printf("bounds      %.4f %.4f %.4f %.4f (W S E N)\n", b[0], b[1], b[2], b[3]);
        printf("features    %ld: %ld classified, %ld ignored, %ld unclassified, %ld without "
               "polygon (%ld repaired)\n", c.total, c.classified, c.ignored, c.unclassified,
               c.no_polygon, c.repaired);
        printf("outside     %ld classified features do not meet the territory%s\n", outside,
               2 * outside > c.classified ? " (WARNING: mostly outside)" : "");
        for (int i = 0; i < n; i++)
            printf("  %-10s %ld features, %.1f km² as drawn\n",
                   fl_profile_status_name(s.profile, i), fl_snapshot_status_features(snap, i),
                   fl_snapshot_status_km2(snap, i));
    }
    fl_snapshot_close(snap);
    session_close(&s);
    return rc;
}

/* Prints a territory or region object as one row of columns: area, each status' km² and
 * share of the land, the undrawn water, the km² the conflation moved to drawn statuses. */
static void print_row(const char *label, json_object *o)
{
    json_object *km2 = member(o, "status_km2"), *share = member(o, "status_share");
    json_object *moved = member(o, "moved_km2");
    double to_drawn = 0;
    printf("%-24.24s %11.1f", label, num(o, "area_km2"));
    json_object_object_foreach(km2, key, val) {
        printf(" %11.1f %5.1f%%", json_object_get_double(val), 100 * num(share, key));
        to_drawn += fmax(0, num(moved, key));
    }
    printf(" %9.1f %9.1f\n", num(o, "water_km2"), to_drawn);
}

static void print_area(json_object *doc)
{
    json_object *terr, *drawn, *regions, *feat, *tkm2;
    terr = member(doc, "territory");
    drawn = member(doc, "status_km2");
    regions = member(doc, "regions");
    feat = member(doc, "features");
    tkm2 = member(terr, "status_km2");
    printf("%s  %s  (%s)\n", str(doc, "file"), str(doc, "time"), str(doc, "kind"));
    printf("features: %.0f total, %.0f classified, %.0f ignored, %.0f unclassified, %.0f "
           "without polygon, %.0f repaired\n\n", num(feat, "total"), num(feat, "classified"),
           num(feat, "ignored"), num(feat, "unclassified"), num(feat, "no_polygon"),
           num(feat, "repaired"));
    printf("%-24s %11s", "km²", "area");
    json_object_object_foreach(tkm2, key, val) {
        (void)val;
        printf(" %11s %6s", key, "share");
    }
    printf(" %9s %9s\n", "water", "snapped");
    printf("%-24s %11s", "as drawn", "");
    json_object_object_foreach(drawn, k2, v2) {
        (void)k2;
        printf(" %11.1f %6s", json_object_get_double(v2), "");
    }
    printf("\n");
    print_row("territory", terr);
    for (size_t i = 0; i < json_object_array_length(regions); i++) {
        json_object *r = json_object_array_get_idx(regions, i);
        print_row(str(r, "name"), r);
    }
    json_object *conf = member(doc, "conflation");
    printf("\nshares are of the land (area less water no status covers); snapped: km² the "
           "coast and border conflation (--snap-km %.3g) gave to drawn statuses\n",
           num(conf, "snap_km"));
}

int cmd_area(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *snap = NULL;
    int rc = parse_options(argc, argv, &o, "area", area_help);
    if (rc || (rc = check_args(&o, area_help, ONE_OR_MORE)) >= 0)
        return rc;
    if (!(rc = session_open(&s, &o, true, false)) && !(rc = open_snapshot(&s, &o, o.args, o.nargs, &snap))) {
        fl_areas *a = NULL;
        char *json = NULL;
        int err = fl_areas_new(s.ctx, snap, s.regions, &a);
        if (!err)
            err = fl_areas_json(s.ctx, a, &json);
        rc = emit(&s, &o, err, json, print_area);
        fl_areas_free(a);
    }
    fl_snapshot_close(snap);
    session_close(&s);
    return rc;
}

int cmd_convert(int argc, char **argv)
{
    options o;
    int rc = parse_options(argc, argv, &o, "convert", convert_help);
    if (rc || (rc = check_args(&o, convert_help, 2)) >= 0)
        return rc;
    const char *in[] = {o.args[0]}, *out[] = {o.args[1]};
    if (check_distinct(in, 1, out, 1))
        return 1;
    fl_ctx *ctx = fl_ctx_new();
    cli_watch(ctx);
    rc = ctx && fl_convert(ctx, o.args[0], o.args[1]) == FL_OK ? 0 : fail(ctx);
    cli_watch(NULL);
    fl_ctx_free(ctx);
    return rc;
}
