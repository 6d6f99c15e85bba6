/* common.c — options, embedded data paths, loading, errors and output for every command. */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { O_REGIONS = 256, O_PROFILE, O_PLACES, O_CLAIMS, O_CODE, O_NAME, O_GEOJSON, O_CSV,
       O_PLACE, O_TIME, O_POINT, O_TOL, O_JSON, O_PLOT, O_DIFF, O_REGION, O_BBOX, O_WIDTH,
       O_NO_LABELS, O_PNG, O_SVG, O_PDF, O_JOBS, O_TIMING };

static const struct option long_options[] = {
    {"regions", required_argument, 0, O_REGIONS}, {"profile", required_argument, 0, O_PROFILE},
    {"places", required_argument, 0, O_PLACES},   {"claims", required_argument, 0, O_CLAIMS},
    {"code-field", required_argument, 0, O_CODE}, {"name-field", required_argument, 0, O_NAME},
    {"geojson", required_argument, 0, O_GEOJSON}, {"csv", required_argument, 0, O_CSV},
    {"place", required_argument, 0, O_PLACE},     {"time", required_argument, 0, O_TIME},
    {"point", required_argument, 0, O_POINT},     {"tolerance", required_argument, 0, O_TOL},
    {"json", no_argument, 0, O_JSON},             {"plot", required_argument, 0, O_PLOT},
    {"diff", required_argument, 0, O_DIFF},       {"region", required_argument, 0, O_REGION},
    {"bbox", required_argument, 0, O_BBOX},       {"width", required_argument, 0, O_WIDTH},
    {"no-labels", no_argument, 0, O_NO_LABELS},   {"output", required_argument, 0, 'o'},
    {"png", required_argument, 0, O_PNG},         {"svg", required_argument, 0, O_SVG},
    {"pdf", required_argument, 0, O_PDF},         {"jobs", required_argument, 0, O_JOBS},
    {"timing", no_argument, 0, O_TIMING},
    {"help", no_argument, 0, 'h'},                {0, 0, 0, 0},
};

/* W,S,E,N in degrees */
static bool parse_bbox(const char *s, double b[4])
{
    char *end;
    for (int i = 0; i < 4; i++) {
        b[i] = strtod(s, &end);
        if (end == s || !isfinite(b[i]) || *end != (i < 3 ? ',' : '\0'))
            return false;
        s = end + 1;
    }
    return b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] < b[2] && b[1] < b[3];
}

static bool parse_point(const char *s, double *lat, double *lon)
{
    char *end;
    *lat = strtod(s, &end);
    if (*end != ',')
        return false;
    *lon = strtod(end + 1, &end);
    return *end == '\0';
}

int parse_options(int argc, char **argv, options *o, const char *cmd)
{
    memset(o, 0, sizeof *o);
    o->tolerance_km = 2.0;
    o->jobs = 1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", long_options, NULL)) != -1) {
        switch (c) {
        case O_REGIONS: o->regions = optarg; break;
        case O_PROFILE: o->profile = optarg; break;
        case O_PLACES: o->places = optarg; break;
        case O_CLAIMS: o->claims = optarg; break;
        case O_CODE: o->code_field = optarg; break;
        case O_NAME: o->name_field = optarg; break;
        case O_GEOJSON: o->geojson = optarg; break;
        case O_CSV: o->csv = optarg; break;
        case O_PLACE: o->place = optarg; break;
        case O_TIME: o->time = optarg; break;
        case O_PLOT: o->plot = optarg; break;
        case O_JSON: o->json = true; break;
        case O_DIFF: o->diff = optarg; break;
        case O_REGION: o->region = optarg; break;
        case O_NO_LABELS: o->no_labels = true; break;
        case 'o': o->output = optarg; break;
        case O_PNG: o->png = optarg; break;
        case O_SVG: o->svg = optarg; break;
        case O_PDF: o->pdf = optarg; break;
        case O_BBOX:
            if (!parse_bbox(optarg, o->bbox))
                return fail_msg("%s: --bbox wants WEST,SOUTH,EAST,NORTH in degrees (west < east, "
                                "south < north), not '%s'", cmd, optarg) + 1;
            o->has_bbox = true;
            break;
        case O_WIDTH: {
            char *end;
            long w = strtol(optarg, &end, 10);
            if (*end || end == optarg || w < 640 || w > 16000)
                return fail_msg("%s: --width wants a whole number of pixels in 640 .. 16000, "
                                "not '%s'", cmd, optarg) + 1;
            o->width = (int)w;
            break;
        }
        case 'h': o->help = true; break;
        case O_TOL: {
            char *end;
            o->tolerance_km = strtod(optarg, &end);
            if (*end || !(o->tolerance_km >= 0) || !isfinite(o->tolerance_km))
                return fail_msg("%s: --tolerance wants a distance in km >= 0, not '%s'", cmd,
                                optarg) + 1;
            break;
        }
        case O_TIMING: o->timing = true; break;
        case O_JOBS: {
            char *end;
            long jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 256)
                return fail_msg("%s: --jobs wants a number of threads from 1 to 256, not '%s'",
                                cmd, optarg) + 1;
            o->jobs = (int)jobs;
            break;
        }
        case O_POINT:
            if (o->npoints == MAX_POINTS)
                return fail_msg("%s: more than %d --point options", cmd, MAX_POINTS) + 1;
            if (!parse_point(optarg, &o->lat[o->npoints], &o->lon[o->npoints]))
                return fail_msg("%s: --point wants LAT,LON in degrees, not '%s'", cmd, optarg) + 1;
            o->npoints++;
            break;
        default:
            return fail_msg("%s: unknown or incomplete option '%s' (see --help)", cmd,
                            argv[optind - 1]) + 1;
        }
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    return 0;
}

const char *data_path(const char *rel, char *buf, size_t size)
{
    const char *env = getenv("FRONTLINE_DATA");
    const char *roots[] = {env, FRONTLINE_DATADIR, FRONTLINE_SRCDATA};
    for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
        if (!roots[i] || !*roots[i])
            continue;
        snprintf(buf, size, "%s/%s", roots[i], rel);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    snprintf(buf, size, "%s/%s", FRONTLINE_DATADIR, rel);
    return buf;
}

int fail(fl_ctx *ctx)
{
    fprintf(stderr, "frontline: %s\n", ctx ? fl_ctx_errmsg(ctx) : "out of memory");
    return 1;
}

int fail_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("frontline: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int session_open(session *s, const options *o, bool regions, bool places)
{
    char buf[4096];
    memset(s, 0, sizeof *s);
    if (!(s->ctx = fl_ctx_new()))
        return fail(NULL);
    const char *profile = o->profile ? o->profile
                                     : data_path("profiles/deepstate.profile", buf, sizeof buf);
    if (fl_profile_open(s->ctx, profile, &s->profile))
        return fail(s->ctx);
    if (regions) {
        const char *r = o->regions ? o->regions : data_path("regions/ua_regions.shp", buf,
                                                            sizeof buf);
        if (fl_regions_open(s->ctx, r, o->code_field, o->name_field, &s->regions))
            return fail(s->ctx);
    }
    if (places) {
        const char *p = o->places ? o->places : data_path("places/ua_places.csv", buf, sizeof buf);
        if (fl_places_open(s->ctx, p, &s->places))
            return fail(s->ctx);
    }
    return 0;
}

void session_close(session *s)
{
    fl_places_close(s->places);
    fl_regions_close(s->regions);
    fl_profile_close(s->profile);
    fl_ctx_free(s->ctx);
}

int open_snapshot(session *s, const options *o, const char *path, fl_snapshot **out)
{
    if (fl_snapshot_open(s->ctx, path, s->profile, out))
        return fail(s->ctx);
    if (o->time) {
        int64_t t = fl_time_parse(o->time);
        if (t == FL_TIME_UNKNOWN) {
            fl_snapshot_close(*out);
            *out = NULL;
            return fail_msg("--time: '%s' is not a time (Unix seconds, YYYYMMDD or "
                            "YYYY-MM-DD[THH:MM:SS])", o->time);
        }
        fl_snapshot_set_time(*out, t);
    }
    return 0;
}

int emit(session *s, const options *o, int rc, char *json, void (*print)(json_object *))
{
    if (rc)
        return fail(s->ctx);
    if (o->json || !print) {
        puts(json);
    } else {
        json_object *doc = json_tokener_parse(json);
        print(doc);
        json_object_put(doc);
    }
    free(json);
    return 0;
}

json_object *member(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

double num(json_object *o, const char *key)
{
    json_object *v = member(o, key);
    return v ? json_object_get_double(v) : 0;
}

const char *str(json_object *o, const char *key)
{
    json_object *v = member(o, key);
    return v ? json_object_get_string(v) : "";
}

int check_args(const options *o, const char *help, int want)
{
    if (o->help) {
        fputs(help, stdout);
        return 0;
    }
    if (o->nargs != want) {
        fputs(help, stderr);
        return 2;
    }
    return -1;
}
