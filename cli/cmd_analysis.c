/* cmd_analysis.c — frontline diff, status, claims and front. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char diff_help[] =
    "usage: frontline diff A B [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                      [--places CSV] [--profile FILE] [--geojson OUT.geojson]\n"
    "                      [--json] [--png|--svg|--pdf OUT] [--region CODE | --bbox W,S,E,N]\n"
    "                      [--width PX] [--no-labels] [--tolerance KM]\n"
    "                      [--snap-km KM] [--water FILE|none]\n"
    "What changed from snapshot A to snapshot B: the status-transition matrix in km²\n"
    "(everywhere and per region; 'free' is uncovered territory, 'none' uncovered ground\n"
    "outside it), what each status lost and gained with its largest pieces, and the places\n"
    "whose status changed. --geojson writes the changed pieces (from, to, km2, region).\n"
    "--png, --svg, --pdf OUT draw the map of the change (as `frontline render A --diff B`;\n"
    "--region, --bbox, --width and --no-labels apply).\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n"
    "A or B may be several files of one map version joined by commas (A1.geojson,A2.geojson).\n";

static const char status_help[] =
    "usage: frontline status SNAPSHOT... [--point LAT,LON ...] [--places CSV] [--profile FILE]\n"
    "                        [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                        [--time T] [--json]\n"
    "                        [--snap-km KM] [--water FILE|none]\n"
    "Control status and region of points (--point, repeatable) or of the places of a CSV\n"
    "(default: the embedded places). A point on a polygon boundary counts as inside it;\n"
    "uncovered points are 'free' inside the territory and 'none' outside it; coordinates\n"
    "out of range are refused.\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n";

static const char claims_help[] =
    "usage: frontline claims SNAPSHOT... [--claims CSV] [--profile FILE] [--time T]\n"
    "                        [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                        [--geojson OUT.geojson] [--json]\n"
    "                        [--snap-km KM] [--water FILE|none]\n"
    "For each claim in force at the snapshot's time: per claimed region, the km² and share\n"
    "held by the claimant (by the profile's sides), contested, and held by others; then\n"
    "what each claimant holds outside the regions it claims. --geojson writes the claimed\n"
    "ground the claimant does not hold. The claims name regions of the level used (the\n"
    "embedded claims name oblasts).\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n";

static const char front_help[] =
    "usage: frontline front SNAPSHOT... [--tolerance KM] [--profile FILE] [--time T]\n"
    "                       [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                       [--geojson OUT.geojson] [--json]\n"
    "                       [--snap-km KM] [--water FILE|none]\n"
    "The frontline: the boundary of the front status (occupied) inside the territory,\n"
    "without the parts within --tolerance km (default 2) of the territory's own border or\n"
    "coast; its geodesic length and pieces.\n";

static void print_matrix(json_object *transitions)
{
    for (size_t i = 0; i < json_object_array_length(transitions); i++) {
        json_object *t = json_object_array_get_idx(transitions, i);
        if (strcmp(str(t, "status_from"), str(t, "status_to")))
            printf("  %-10s → %-10s %12.1f km²\n", str(t, "status_from"), str(t, "status_to"),
                   num(t, "km2"));
    }
}

static void print_piece(json_object *p)
{
    printf("%.1f km² near %.2f N %.2f E%s%s", num(p, "km2"), num(p, "lat"), num(p, "lon"),
           *str(p, "region") ? " in " : "", str(p, "region"));
}

static void print_diff(json_object *doc)
{
    json_object *from, *to, *tr, *changes, *places;
    from = member(doc, "from");
    to = member(doc, "to");
    tr = member(doc, "transitions");
    changes = member(doc, "changes");
    places = member(doc, "places");
    printf("%s (%s) → %s (%s)\n\n", str(from, "file"), str(from, "time"), str(to, "file"),
           str(to, "time"));
    for (size_t i = 0; i < json_object_array_length(changes); i++) {
        json_object *c = json_object_array_get_idx(changes, i), *lost, *gained;
        lost = member(c, "largest_lost");
        gained = member(c, "largest_gained");
        printf("%s → not %s: %.1f km²", str(c, "status"), str(c, "status"), num(c, "lost_km2"));
        if (json_object_array_length(lost)) {
            printf(", largest piece ");
            print_piece(json_object_array_get_idx(lost, 0));
        }
        printf("\nnot %s → %s: %.1f km²", str(c, "status"), str(c, "status"),
               num(c, "gained_km2"));
        if (json_object_array_length(gained)) {
            printf(", largest piece ");
            print_piece(json_object_array_get_idx(gained, 0));
        }
        printf("\n");
    }
    printf("\ntransitions:\n");
    print_matrix(tr);
    printf("\nplaces that changed status: %zu\n", json_object_array_length(places));
    for (size_t i = 0; i < json_object_array_length(places); i++) {
        json_object *p = json_object_array_get_idx(places, i);
        printf("  %-28s %8.4f N %8.4f E  %-6s %s → %s\n", str(p, "name"), num(p, "lat"),
               num(p, "lon"), str(p, "region"), str(p, "status_from"), str(p, "status_to"));
    }
}

int cmd_diff(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *a = NULL, *b = NULL;
    fl_diff *d = NULL;
    int rc = parse_options(argc, argv, &o, "diff", diff_help);
    if (rc || (rc = check_args(&o, diff_help, 2)) >= 0)
        return rc;
    const char *pictures[] = {o.png, o.svg, o.pdf};
    if ((rc = check_picture_paths(pictures, 3)))
        return rc;
    if (!(rc = session_open(&s, &o, true, true)) && !(rc = open_snapshot(&s, &o, o.args, 1, &a)) &&
        !(rc = open_snapshot(&s, &o, &o.args[1], 1, &b))) {
        char *json = NULL;
        int err = fl_diff_new(s.ctx, a, b, s.regions, s.places, &d);
        if (!err && o.geojson)
            err = fl_diff_write(s.ctx, d, o.geojson);
        if (!err)
            err = fl_diff_json(s.ctx, d, &json);
        if (!err && (o.png || o.svg || o.pdf) &&
            (rc = render_pictures(&s, &o, a, b, d, pictures, 3, false)))
            free(json);
        else
            rc = emit(&s, &o, err, json, print_diff);
    }
    fl_diff_free(d);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    session_close(&s);
    return rc;
}

static void print_status(json_object *doc)
{
    json_object *places;
    places = member(doc, "places");
    printf("%s (%s)\n", str(doc, "file"), str(doc, "time"));
    for (size_t i = 0; i < json_object_array_length(places); i++) {
        json_object *p = json_object_array_get_idx(places, i);
        printf("%-28s %9.4f %9.4f  %-10s %s\n", str(p, "name"), num(p, "lat"), num(p, "lon"),
               str(p, "status"), str(p, "region"));
    }
}

/* --point queries: the same report as for places, with ids point1, point2, ... */
static int status_points(session *s, const options *o, const fl_snapshot *snap)
{
    int st[MAX_POINTS], rg[MAX_POINTS];
    if (fl_snapshot_status_at(s->ctx, snap, s->regions, (size_t)o->npoints, o->lat, o->lon, st, rg))
        return fail(s->ctx);
    const fl_profile *p = fl_snapshot_profile(snap);
    json_object *doc = json_object_new_object(), *arr = json_object_new_array();
    char t[32];
    fl_time_format(fl_snapshot_time(snap), t, sizeof t);
    json_object_object_add(doc, "file", json_object_new_string(fl_snapshot_path(snap)));
    json_object_object_add(doc, "time", t[0] ? json_object_new_string(t) : NULL);
    for (int i = 0; i < o->npoints; i++) {
        char id[16];
        snprintf(id, sizeof id, "point%d", i + 1);
        json_object *q = json_object_new_object();
        json_object_object_add(q, "id", json_object_new_string(id));
        json_object_object_add(q, "name", json_object_new_string(id));
        json_object_object_add(q, "lat", json_fixed(o->lat[i], 6));
        json_object_object_add(q, "lon", json_fixed(o->lon[i], 6));
        json_object_object_add(q, "status", json_object_new_string(fl_profile_status_name(p, st[i])));
        json_object_object_add(q, "region", rg[i] != FL_REGION_NONE ? json_object_new_string(fl_regions_code(s->regions, rg[i])) : NULL);
        json_object_array_add(arr, q);
    }
    json_object_object_add(doc, "places", arr);
    char *json = fl_utf8_repair(json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
    return emit(s, o, json ? 0 : 1, json, print_status);
}

int cmd_status(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *snap = NULL;
    int rc = parse_options(argc, argv, &o, "status", status_help);
    if (rc || (rc = check_args(&o, status_help, ONE_OR_MORE)) >= 0)
        return rc;
    if (!(rc = session_open(&s, &o, true, o.npoints == 0)) &&
        !(rc = open_snapshot(&s, &o, o.args, o.nargs, &snap))) {
        if (o.npoints) {
            rc = status_points(&s, &o, snap);
        } else {
            char *json = NULL;
            int err = fl_status_json(s.ctx, snap, s.regions, s.places, &json);
            rc = emit(&s, &o, err, json, print_status);
        }
    }
    fl_snapshot_close(snap);
    session_close(&s);
    return rc;
}

static void print_claims(json_object *doc)
{
    json_object *claims, *outside;
    claims = member(doc, "claims");
    outside = member(doc, "outside_claims");
    printf("%s (%s)\n", str(doc, "file"), str(doc, "time"));
    for (size_t i = 0; i < json_object_array_length(claims); i++) {
        json_object *c = json_object_array_get_idx(claims, i), *regions, *total;
        regions = member(c, "regions");
        total = member(c, "total");
        printf("\nclaim by %s, declared %s\n", str(c, "claimant"), str(c, "declared"));
        printf("  %-24s %10s %10s %6s %10s %6s %10s %6s\n", "region", "km²", "held", "%",
               "contested", "%", "others", "%");
        for (size_t k = 0; k <= json_object_array_length(regions); k++) {
            json_object *r = k < json_object_array_length(regions)
                                 ? json_object_array_get_idx(regions, k) : total;
            printf("  %-24.24s %10.1f %10.1f %5.1f%% %10.1f %5.1f%% %10.1f %5.1f%%\n",
                   r == total ? "total" : str(r, "name"), num(r, "area_km2"), num(r, "held_km2"),
                   100 * num(r, "held_share"), num(r, "contested_km2"),
                   100 * num(r, "contested_share"), num(r, "others_km2"),
                   100 * num(r, "others_share"));
        }
    }
    for (size_t i = 0; i < json_object_array_length(outside); i++) {
        json_object *c = json_object_array_get_idx(outside, i), *regions;
        regions = member(c, "regions");
        printf("\n%s holds %.1f km² outside the regions it claims\n", str(c, "claimant"),
               num(c, "held_km2"));
        for (size_t k = 0; k < json_object_array_length(regions); k++) {
            json_object *r = json_object_array_get_idx(regions, k);
            printf("  %-24s %10.1f km²\n", str(r, "name"), num(r, "held_km2"));
        }
    }
}

int cmd_claims(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *snap = NULL;
    fl_claims *claims = NULL;
    char buf[4096];
    int rc = parse_options(argc, argv, &o, "claims", claims_help);
    if (rc || (rc = check_args(&o, claims_help, ONE_OR_MORE)) >= 0)
        return rc;
    if (!(rc = session_open(&s, &o, true, false)) && !(rc = open_snapshot(&s, &o, o.args, o.nargs, &snap))) {
        const char *path = o.claims ? o.claims : data_path("claims.csv", buf, sizeof buf);
        char *json = NULL;
        int err = fl_claims_open(s.ctx, path, s.regions, &claims);
        if (!err)
            err = fl_claims_json(s.ctx, snap, s.regions, claims, o.geojson, &json);
        rc = emit(&s, &o, err, json, print_claims);
    }
    fl_claims_close(claims);
    fl_snapshot_close(snap);
    session_close(&s);
    return rc;
}

static void print_front(json_object *doc)
{
    json_object *pieces;
    pieces = member(doc, "pieces_km");
    size_t n = json_object_array_length(pieces);
    printf("%s (%s)\nfrontline: %.1f km in %zu pieces", str(doc, "file"), str(doc, "time"),
           num(doc, "front_km"), n);
    for (size_t i = 0; i < n && i < 5; i++)
        printf("%s%.1f", i ? ", " : " (longest: ", json_object_get_double(json_object_array_get_idx(pieces, i)));
    printf("%s\n", n ? " km)" : "");
}

int cmd_front(int argc, char **argv)
{
    options o;
    session s;
    fl_snapshot *snap = NULL;
    fl_front *f = NULL;
    int rc = parse_options(argc, argv, &o, "front", front_help);
    if (rc || (rc = check_args(&o, front_help, ONE_OR_MORE)) >= 0)
        return rc;
    if (!(rc = session_open(&s, &o, true, false)) && !(rc = open_snapshot(&s, &o, o.args, o.nargs, &snap))) {
        char *json = NULL;
        int err = fl_front_new(s.ctx, snap, s.regions, o.tolerance_km, &f);
        if (!err && o.geojson)
            err = fl_front_write(s.ctx, f, o.geojson);
        if (!err)
            err = fl_front_json(s.ctx, f, &json);
        rc = emit(&s, &o, err, json, print_front);
    }
    fl_front_free(f);
    fl_snapshot_close(snap);
    session_close(&s);
    return rc;
}
