/* cmd_compare.c — frontline compare: two maps of the same day side by side. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char compare_help[] =
    "usage: frontline compare A B [--profile-a P] [--profile-b Q] [--profile P]\n"
    "                         [--regions SHP | --level L] [--places CSV] [--region CODE]\n"
    "                         [--geojson OUT] [--json]\n"
    "       frontline compare A1,A2,... B1,B2,...  or  A1 A2 ... vs B1 B2 ...\n"
    "                         [--snap-km KM] [--water FILE|none]\n"
    "Two maps of the same day side by side, each read with its own profile (--profile-a,\n"
    "--profile-b; --profile for both; default deepstate): every status mapped to its side\n"
    "(the profile's side=: RU, UA, or none), then the km² that is each side in A and each\n"
    "side in B within the territory (rows: A, columns: B; everywhere and per region;\n"
    "--region CODE prints that region's), the largest pieces where they disagree, and the\n"
    "places they put on different sides. --geojson writes every piece where they disagree\n"
    "(a, b, km2, region). A map version may be several files (a day's ISW layers), given\n"
    "as a comma list or, with 'vs' between the two maps, as separate arguments.\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast). See\n"
    "docs/compare.md.\n";

#define SIDES 3
static const char *const side_names[SIDES] = {"RU", "none", "UA"};

static double cell(json_object *sides, const char *a, const char *b)
{
    for (size_t i = 0; i < json_object_array_length(sides); i++) {
        json_object *c = json_object_array_get_idx(sides, i);
        if (!strcmp(str(c, "a"), a) && !strcmp(str(c, "b"), b))
            return num(c, "km2");
    }
    return 0;
}

static void print_matrix(json_object *sides, double area)
{
    double agree = 0, col[SIDES] = {0};
    printf("%-8s", "A \\ B");
    for (int y = 0; y < SIDES; y++)
        printf(" %12s", side_names[y]);
    printf(" %12s\n", "A total");
    for (int x = 0; x < SIDES; x++) {
        double row = 0;
        printf("%-8s", side_names[x]);
        for (int y = 0; y < SIDES; y++) {
            double km2 = cell(sides, side_names[x], side_names[y]);
            printf(" %12.1f", km2);
            row += km2;
            col[y] += km2;
            agree += x == y ? km2 : 0;
        }
        printf(" %12.1f\n", row);
    }
    printf("%-8s", "B total");
    for (int y = 0; y < SIDES; y++)
        printf(" %12.1f", col[y]);
    printf("\nthey agree on %.1f km² of %.1f km² (%.2f %%)\n", agree, area,
           area > 0 ? 100 * agree / area : 0);
}

/* The region --region names in the report (NULL: the territory). */
static json_object *region_of(json_object *doc, const char *code)
{
    json_object *regions = member(doc, "regions");
    for (size_t i = 0; code && i < json_object_array_length(regions); i++)
        if (!strcmp(str(json_object_array_get_idx(regions, i), "code"), code))
            return json_object_array_get_idx(regions, i);
    return NULL;
}

static const char *region_code; /* --region's code in the report, for print_compare */

static void print_compare(json_object *doc)
{
    json_object *a = member(doc, "a"), *b = member(doc, "b"), *r = region_of(doc, region_code);
    json_object *pieces = member(doc, "pieces"), *places = member(doc, "places");
    printf("A %s (%s)\nB %s (%s)\n\n", str(a, "file"), str(a, "time"), str(b, "file"),
           str(b, "time"));
    printf("km² within %s %s\n", r ? "region" : "the territory", r ? str(r, "code") : "");
    print_matrix(member(r ? r : doc, "sides"), num(r ? r : doc, r ? "area_km2" : "territory_km2"));
    size_t n = json_object_array_length(pieces);
    printf("\nwhere they disagree: %zu pieces of 0.01 km² or more%s\n", n, n > 10 ? ", largest:" : "");
    for (size_t i = 0; i < n && i < 10; i++) {
        json_object *p = json_object_array_get_idx(pieces, i);
        printf("  A %-4s B %-4s %10.1f km² near %.2f N %.2f E%s%s\n", str(p, "a"), str(p, "b"),
               num(p, "km2"), num(p, "lat"), num(p, "lon"), *str(p, "region") ? " in " : "",
               str(p, "region"));
    }
    printf("\nplaces on different sides: %zu\n", json_object_array_length(places));
    for (size_t i = 0; i < json_object_array_length(places); i++) {
        json_object *p = json_object_array_get_idx(places, i);
        printf("  %-28s %8.4f N %8.4f E  %-6s A %s (%s), B %s (%s)\n", str(p, "name"),
               num(p, "lat"), num(p, "lon"), str(p, "region"), str(p, "a"), str(p, "a_status"),
               str(p, "b"), str(p, "b_status"));
    }
}

/* Opens one map version, with profile p: one file, or several read as one. */
static int open_version(session *s, const options *o, fl_profile *p, const char *const *paths, int n,
                        fl_snapshot **out)
{
    session one = *s;
    one.profile = p;
    return open_snapshot(&one, o, paths, n, out);
}

/* Splits the arguments into A's files, args[0 .. na), and B's, args[b0 ..): "A B", or
 * "A... vs B...". */
static int split(const options *o, int *na, int *b0)
{
    int vs = -1, count = 0;
    for (int i = 0; i < o->nargs; i++)
        if (!strcmp(o->args[i], "vs")) {
            vs = i;
            count++;
        }
    if (count == 0 && o->nargs == 2)
        vs = 1;
    *na = vs;
    *b0 = count ? vs + 1 : vs;
    if (count > 1 || vs < 1 || *b0 >= o->nargs)
        return fail_msg("compare: give two maps, A B, or several files each, A1 A2 ... vs B1 "
                        "B2 ... (see --help)") + 1;
    return 0;
}

static int run(session *s, const options *o, fl_profile *pb, int na, int b0)
{
    fl_snapshot *a = NULL, *b = NULL;
    fl_compare *c = NULL;
    char *json = NULL;
    int rc = open_version(s, o, s->profile, o->args, na, &a);
    if (!rc)
        rc = open_version(s, o, pb, o->args + b0, o->nargs - b0, &b);
    if (!rc) {
        int err = fl_compare_new(s->ctx, a, b, s->regions, s->places, &c);
        if (!err && o->geojson)
            err = fl_compare_write(s->ctx, c, o->geojson);
        if (!err)
            err = fl_compare_json(s->ctx, c, &json);
        rc = emit(s, o, err, json, print_compare);
    }
    fl_compare_free(c);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    options o;
    session s;
    fl_profile *pb = NULL;
    int na, b0, rc = parse_options(argc, argv, &o, "compare", compare_help);
    if (rc)
        return rc;
    if (o.help || o.nargs < 2) {
        fputs(compare_help, o.help ? stdout : stderr);
        return o.help ? 0 : 2;
    }
    if ((rc = split(&o, &na, &b0)))
        return rc;
    options oa = o;
    oa.profile = o.profile_a ? o.profile_a : o.profile;
    const char *qb = o.profile_b ? o.profile_b : o.profile;
    if (!(rc = session_open(&s, &oa, true, true))) {
        int k = o.region ? fl_regions_find(s.regions, o.region) : -1;
        region_code = k >= 0 ? fl_regions_code(s.regions, k) : NULL; /* the report's code */
        if (o.region && k < 0)
            rc = fail_msg("compare: --region %s: no such region", o.region);
        else if (!(rc = open_profile(&s, qb, &pb)))
            rc = run(&s, &o, pb, na, b0);
    }
    fl_profile_close(pb);
    session_close(&s);
    return rc;
}
