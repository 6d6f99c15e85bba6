/* common.c — options, embedded data paths, loading, errors and output for every command. */
#include "cli.h"

#include <assert.h>
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_REGIONS = 256, O_PROFILE, O_PLACES, O_CLAIMS, O_CODE, O_NAME, O_GEOJSON, O_CSV,
       O_PLACE, O_TIME, O_POINT, O_TOL, O_JSON, O_PLOT, O_DIFF, O_REGION, O_BBOX, O_WIDTH,
       O_NO_LABELS, O_PNG, O_SVG, O_PDF, O_JOBS, O_TIMING, O_PROFILE_A, O_PROFILE_B,
       O_SOURCE, O_LEVEL, O_SNAP, O_GPKG, O_DELAY, O_DAILY, O_WATER };

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
    {"timing", no_argument, 0, O_TIMING},         {"level", required_argument, 0, O_LEVEL},
    {"profile-a", required_argument, 0, O_PROFILE_A}, {"profile-b", required_argument, 0, O_PROFILE_B},
    {"source", required_argument, 0, O_SOURCE},   {"snap-km", required_argument, 0, O_SNAP},
    {"gpkg", required_argument, 0, O_GPKG},       {"delay", required_argument, 0, O_DELAY},
    {"daily", no_argument, 0, O_DAILY},           {"water", required_argument, 0, O_WATER},
    {"help", no_argument, 0, 'h'},                {0, 0, 0, 0},
};

/* A decimal number at s ([-+]digits[.digits][(e|E)[-+]digits], no hex, inf or nan, no
 * spaces), finite, ending where stop is; *next is just after it. */
static bool decimal(const char *s, char stop, double *v, const char **next)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t whole = strspn(p, "0123456789"), frac = 0;
    p += whole;
    if (*p == '.')
        p += 1 + (frac = strspn(p + 1, "0123456789"));
    if (whole + frac == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1 + (p[1] == '-' || p[1] == '+');
        size_t n = strspn(e, "0123456789");
        if (!n)
            return false;
        p = e + n;
    }
    if (*p != stop)
        return false;
    char *end;
    *v = strtod(s, &end);
    *next = p + (stop != '\0');
    return end == p && isfinite(*v);
}

/* W,S,E,N in degrees */
/* A whole number in lo .. hi and nothing else, into *v. */
static bool whole_number(const char *s, long lo, long hi, int *v)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*end || end == s || n < lo || n > hi)
        return false;
    *v = (int)n;
    return true;
}

static bool parse_bbox(const char *s, double b[4])
{
    for (int i = 0; i < 4; i++)
        if (!decimal(s, i < 3 ? ',' : '\0', &b[i], &s))
            return false;
    return b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] < b[2] && b[1] < b[3];
}

/* LAT,LON in degrees, within -90..90 and -180..180 */
static bool parse_point(const char *s, double *lat, double *lon)
{
    return decimal(s, ',', lat, &s) && decimal(s, '\0', lon, &s) && fabs(*lat) <= 90 &&
           fabs(*lon) <= 180;
}

/* Is option name (without "--") in the usage lines of help (each line starting "usage:" and
 * the indented lines after it)? The usage a command prints is the list of options it takes. */
static bool in_usage(const char *help, const char *name)
{
    size_t n = strlen(name);
    bool usage = false;
    for (const char *p = help; *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol)
            eol = p + strlen(p);
        usage = !strncmp(p, "usage:", 6) || (usage && *p == ' ');
        for (const char *q = p; usage && (q = strstr(q, "--")) && q < eol; q += 2)
            if (!strncmp(q + 2, name, n) && !isalnum((unsigned char)q[2 + n]) && q[2 + n] != '-')
                return true;
        p = *eol ? eol + 1 : eol;
    }
    return false;
}

/* The options whose value is checked (a number in range, coordinates, a level, a counted
 * repeat): 0 when c is one of them and its value is valid, non-zero (the message printed)
 * when not, -1 when c is another option. */
static int checked_option(int c, const char *cmd, options *o)
{
    switch (c) {
    case O_SOURCE:
        if (o->nsources == MAX_SOURCES)
            return fail_msg("%s: more than %d --source options", cmd, MAX_SOURCES) + 1;
        o->source[o->nsources++] = optarg;
        break;
    case O_DELAY:
        if (!whole_number(optarg, 20, 60000, &o->delay_ms))
            return fail_msg("%s: --delay wants a whole number of milliseconds in 20 .. "
                            "60000, not '%s'", cmd, optarg) + 1;
        break;
    case O_BBOX:
        if (!parse_bbox(optarg, o->bbox))
            return fail_msg("%s: --bbox wants WEST,SOUTH,EAST,NORTH in degrees (west < east, "
                            "south < north), not '%s'", cmd, optarg) + 1;
        o->has_bbox = true;
        break;
    case O_WIDTH:
        if (!whole_number(optarg, 640, 16000, &o->width))
            return fail_msg("%s: --width wants a whole number of pixels in 640 .. 16000, "
                            "not '%s'", cmd, optarg) + 1;
        break;
    case O_TOL: {
        const char *end;
        if (!decimal(optarg, '\0', &o->tolerance_km, &end) || o->tolerance_km < 0 ||
            o->tolerance_km > FL_FRONT_MAX_TOLERANCE_KM)
            return fail_msg("%s: --tolerance wants a distance in km from 0 to 1000, not '%s'", cmd,
                            optarg) + 1;
        break;
    }
    case O_SNAP: {
        const char *end;
        if (!decimal(optarg, '\0', &o->snap_km, &end) ||
            !(o->snap_km >= 0 && o->snap_km <= FL_SNAP_KM_MAX))
            return fail_msg("%s: --snap-km wants a distance in km from 0 to %d, not '%s'",
                            cmd, FL_SNAP_KM_MAX, optarg) + 1;
        break;
    }
    case O_LEVEL:
        if ((o->level = fl_level_parse(optarg)) < 0)
            return fail_msg("%s: --level wants oblast, raion or hromada, not '%s'", cmd,
                            optarg) + 1;
        break;
    case O_JOBS:
        if (!whole_number(optarg, 1, 256, &o->jobs))
            return fail_msg("%s: --jobs wants a number of threads from 1 to 256, not '%s'",
                            cmd, optarg) + 1;
        break;
    case O_POINT:
        if (o->npoints == MAX_POINTS)
            return fail_msg("%s: more than %d --point options", cmd, MAX_POINTS) + 1;
        if (!parse_point(optarg, &o->lat[o->npoints], &o->lon[o->npoints]))
            return fail_msg("%s: --point wants LAT,LON in decimal degrees (latitude -90..90, "
                            "longitude -180..180), not '%s'", cmd, optarg) + 1;
        o->npoints++;
        break;
    default:
        return -1;
    }
    return 0;
}

int parse_options(int argc, char **argv, options *o, const char *cmd, const char *help)
{
    memset(o, 0, sizeof *o);
    o->tolerance_km = 2.0;
    o->snap_km = FL_SNAP_KM_DEFAULT;
    o->jobs = 1;
    o->delay_ms = 500;
    optind = 1;
    opterr = 0;
    int c, i = 0;
    while ((c = getopt_long(argc, argv, "ho:", long_options, &i)) != -1) {
        if (c == 'o' && !strstr(help, " -o "))
            return fail_msg("%s: -o is not an option of %s (see --help)", cmd, cmd) + 1;
        if (c >= O_REGIONS && c != '?' && !in_usage(help, long_options[i].name))
            return fail_msg("%s: --%s is not an option of %s (see --help)", cmd,
                            long_options[i].name, cmd) + 1;
        int rc = checked_option(c, cmd, o);
        if (rc >= 0) {
            if (rc)
                return rc;
            continue;
        }
        switch (c) {
        case O_REGIONS: o->regions = optarg; break;
        case O_PROFILE: o->profile = optarg; break;
        case O_PROFILE_A: o->profile_a = optarg; break;
        case O_PROFILE_B: o->profile_b = optarg; break;
        case O_PLACES: o->places = optarg; break;
        case O_CLAIMS: o->claims = optarg; break;
        case O_CODE: o->code_field = optarg; break;
        case O_NAME: o->name_field = optarg; break;
        case O_GEOJSON: o->geojson = optarg; break;
        case O_CSV: o->csv = optarg; break;
        case O_GPKG: o->gpkg = optarg; break;
        case O_DAILY: o->daily = true; break;
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
        case 'h': o->help = true; break;
        case O_WATER: o->water = optarg; break;
        case O_TIMING: o->timing = true; break;
        default:
            return fail_msg("%s: unknown or incomplete option '%s' (see --help)", cmd,
                            argv[optind - 1]) + 1;
        }
    }
    o->nargs = argc - optind;
    o->args = (const char *const *)argv + optind;
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

json_object *json_fixed(double v, int decimals)
{
    char text[400]; /* %.9f of DBL_MAX is 319 characters */
    assert(decimals >= 0 && decimals <= 9);
    if (!isfinite(v))
        return NULL;
    snprintf(text, sizeof text, "%.*f", decimals, v);
    return json_object_new_double_s(v, text);
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

/* A .shp stands for its sidecars too. */
static const char *const sidecars[] = {"", ".shx", ".dbf", ".prj", ".cpg"};

static bool stat_part(const char *path, size_t k, struct stat *st)
{
    char buf[4096];
    size_t n = strlen(path);
    bool shp = n > 4 && !strcasecmp(path + n - 4, ".shp");
    if (k > 0 && !shp)
        return false;
    snprintf(buf, sizeof buf, "%.*s%s", k ? (int)(n - 4) : (int)n, path, sidecars[k]);
    return strcmp(path, "-") && stat(buf, st) == 0;
}

int check_distinct(const char *const *in, size_t nin, const char *const *out, size_t nout)
{
    const size_t nk = sizeof sidecars / sizeof *sidecars;
    for (size_t j = 0; j < nout; j++)
        for (size_t k = 0; out[j] && k < nk; k++) {
            struct stat so, si;
            if (!stat_part(out[j], k, &so))
                continue;
            for (size_t i = 0; i < nin; i++)
                for (size_t m = 0; in[i] && m < nk; m++)
                    if (stat_part(in[i], m, &si) && si.st_dev == so.st_dev &&
                        si.st_ino == so.st_ino)
                        return fail_msg("%s: this output is also an input (%s): refused, "
                                        "nothing written", out[j], in[i]);
        }
    return 0;
}

int check_outputs(const options *o, char *const *extra, size_t nextra)
{
    char b[4][4096];
    const char *out[] = {o->geojson, o->csv, o->plot, o->output, o->png, o->svg, o->pdf};
    const char *in[] = {profile_path(o->profile, b[0], sizeof b[0]),
                        o->regions ? o->regions : data_path("regions/ua_oblasts.shp", b[1],
                                                            sizeof b[1]),
                        o->places ? o->places : data_path("places/ua_places.csv", b[2],
                                                          sizeof b[2]),
                        o->claims ? o->claims : data_path("claims.csv", b[3], sizeof b[3])};
    const size_t nout = sizeof out / sizeof *out;
    int rc = check_distinct(in, sizeof in / sizeof *in, out, nout);
    if (!rc)
        rc = check_distinct((const char *const *)o->args, (size_t)o->nargs, out, nout);
    if (!rc && extra)
        rc = check_distinct((const char *const *)extra, nextra, out, nout);
    return rc;
}

/* Whether path names something other than a directory. */
static bool not_a_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

const char *profile_path(const char *profile, char *buf, size_t size)
{
    /* a file, or standard input; a bare name that is a folder here (a folder isw/ of ISW's
     * layers) is the shipped profile's name */
    if (profile && (strchr(profile, '/') || !strcmp(profile, "-") || not_a_directory(profile)))
        return profile;
    char rel[256];
    snprintf(rel, sizeof rel, "profiles/%.200s.profile", profile ? profile : "deepstate");
    return data_path(rel, buf, size);
}

int open_profile(session *s, const char *name, fl_profile **out)
{
    char buf[4096];
    const char *profile = profile_path(name, buf, sizeof buf);
    if (name && profile != name && access(profile, R_OK) != 0)
        return fail_msg("--profile %s: neither a file nor a shipped profile (amk, deepstate, "
                        "isw, nzz)", name);
    return fl_profile_open(s->ctx, profile, out) ? fail(s->ctx) : 0;
}

/* The regions of o (--regions, or the embedded ones at --level) into s->regions, with
 * their --snap-km. */
static int open_regions(session *s, const options *o)
{
    char buf[4096];
    if (o->regions && o->level)
        return fail_msg("--level chooses among the embedded regions; it does not apply to "
                        "--regions %s", o->regions);
    if (o->regions) {
        if (fl_regions_open(s->ctx, o->regions, o->code_field, o->name_field, &s->regions))
            return fail(s->ctx);
    } else {
        /* the data directory: where data_path finds the oblasts, less "/regions/..." */
        static const char rel[] = "regions/ua_oblasts.shp";
        data_path(rel, buf, sizeof buf);
        buf[strlen(buf) - sizeof rel] = '\0';
        if (fl_regions_open_level(s->ctx, buf, o->level ? o->level : FL_LEVEL_OBLAST,
                                  &s->regions))
            return fail(s->ctx);
    }
    return fl_regions_set_snap_km(s->ctx, s->regions, o->snap_km) ? fail(s->ctx) : 0;
}

/* The water file read ahead, on a thread with a context of its own, while the regions open
 * (with --jobs 2 or more): fl_water_open, 0.1 s of the 0.16 s the embedded water takes on
 * two threads, the rest being its cut for the regions. */
typedef struct water_ahead {
    const char *path;
    fl_ctx *ctx;
    fl_water *water;
    int rc;
    pthread_t th;
} water_ahead;

static void *read_ahead(void *arg)
{
    water_ahead *w = arg;
    w->rc = (w->ctx = fl_ctx_new()) ? fl_water_open(w->ctx, w->path, &w->water) : FL_ENOMEM;
    return NULL;
}

/* The regions, then their water (path; NULL: none), read ahead on a second thread when
 * jobs allows. */
static int open_regions_water(session *s, const options *o, const char *path)
{
    water_ahead w = {.path = path};
    bool ahead = path && o->jobs > 1 && !pthread_create(&w.th, NULL, read_ahead, &w);
    int bad = open_regions(s, o);
    if (ahead)
        pthread_join(w.th, NULL);
    if (!bad && ahead)
        bad = w.rc ? fail(w.ctx) : fl_regions_use_water(s->ctx, s->regions, w.water)
                                       ? fail(s->ctx) : 0;
    else if (!bad && path)
        bad = fl_regions_set_water(s->ctx, s->regions, path) ? fail(s->ctx) : 0;
    fl_water_close(w.water);
    fl_ctx_free(w.ctx);
    return bad;
}

int session_open(session *s, const options *o, bool regions, bool places)
{
    char buf[4096];
    memset(s, 0, sizeof *s);
    if (check_outputs(o, NULL, 0))
        return 1;
    if (!(s->ctx = fl_ctx_new()))
        return fail(NULL);
    cli_watch(s->ctx);
    if (fl_ctx_set_limit(s->ctx, FL_LIMIT_THREADS, o->jobs)) /* --jobs: the water's cut too */
        return fail(s->ctx);
    if (open_profile(s, o->profile, &s->profile))
        return 1;
    const char *water = !o->water ? data_path("water/ua_water.geojson", buf, sizeof buf)
                      : strcmp(o->water, "none") ? o->water : NULL;
    if (regions && open_regions_water(s, o, water))
        return 1;
    if (places) {
        const char *p = o->places ? o->places : data_path("places/ua_places.csv", buf, sizeof buf);
        if (fl_places_open(s->ctx, p, &s->places))
            return fail(s->ctx);
    }
    return 0;
}

void session_close(session *s)
{
    cli_watch(NULL);
    fl_places_close(s->places);
    fl_regions_close(s->regions);
    fl_profile_close(s->profile);
    fl_ctx_free(s->ctx);
}

/* The files that args name: each argument is a file, or files joined by commas (an argument
 * that exists as a file is not split). Returns the count, or -1 (out of memory); *files and
 * *text are the caller's to free. */
static int split_files(const char *const *args, int nargs, char ***files, char **text)
{
    size_t len = 0, max = 0;
    for (int i = 0; i < nargs; i++) {
        len += strlen(args[i]) + 1;
        max += strlen(args[i]) / 2 + 1; /* at most this many names in an argument */
    }
    *text = malloc(len);
    *files = malloc(max * sizeof **files);
    if (!*text || !*files)
        return -1;
    int n = 0;
    char *w = *text;
    for (int i = 0; i < nargs; i++) {
        strcpy(w, args[i]);
        bool whole = access(args[i], F_OK) == 0;
        for (char *name = w, *next; name; name = next) {
            next = whole ? NULL : strchr(name, ',');
            if (next)
                *next++ = '\0';
            if (*name)
                (*files)[n++] = name;
        }
        w += strlen(args[i]) + 1;
    }
    return n;
}

int load_snapshot(session *s, const char *const *args, int nargs, fl_snapshot **out)
{
    char **files = NULL, *text = NULL;
    int n = split_files(args, nargs, &files, &text);
    int rc = n < 0 ? -1
             : fl_snapshot_open_files(s->ctx, (const char *const *)files, (size_t)n,
                                      s->profile, out);
    free(files);
    free(text);
    return rc;
}

int apply_time(const options *o, fl_snapshot **snap)
{
    if (!o->time)
        return 0;
    int64_t t;
    if (fl_time_parse_exact(o->time, &t)) {
        fl_snapshot_close(*snap);
        *snap = NULL;
        return fail_msg("--time: '%s' is not a valid time (Unix seconds, YYYYMMDD or "
                        "YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], years 1900-2199)", o->time);
    }
    fl_snapshot_set_time(*snap, t);
    return 0;
}

/* A warning when most of a snapshot's classified features lie outside the territory. */
static int warn_outside(session *s, const char *what, fl_snapshot **snap)
{
    fl_counts c;
    fl_snapshot_counts(*snap, &c);
    long outside = s->regions ? fl_snapshot_outside(s->ctx, *snap, s->regions) : 0;
    if (outside < 0) {
        fl_snapshot_close(*snap);
        *snap = NULL;
        return fail(s->ctx);
    }
    if (2 * outside > c.classified)
        fprintf(stderr, "frontline: warning: %s: %ld of %ld classified features lie outside "
                "the territory (latitude and longitude swapped?)\n", what, outside,
                c.classified);
    return 0;
}

int open_snapshot(session *s, const options *o, const char *const *args, int nargs,
                  fl_snapshot **out)
{
    int rc = load_snapshot(s, args, nargs, out);
    if (rc)
        return rc < 0 ? fail_msg("out of memory") : fail(s->ctx);
    return warn_outside(s, args[0], out) || apply_time(o, out);
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
    if (want == ONE_OR_MORE ? o->nargs < 1 : o->nargs != want) {
        fputs(help, stderr);
        return 2;
    }
    return -1;
}

int find_place(session *s, const char *cmd, const char *name, int *place)
{
    int v[16], n = fl_places_match(s->places, name, v, 16);
    *place = n == 1 ? v[0] : -1;
    if (n == 1)
        return 0;
    if (n == 0)
        return fail_msg("%s: no place called '%s'", cmd, name);
    fprintf(stderr, "frontline: %s: '%s' is ambiguous: %d places answer to it; give one's id "
            "to --place:\n", cmd, name, n);
    for (int i = 0; i < n && i < 16; i++) {
        double lat = fl_places_lat(s->places, v[i]), lon = fl_places_lon(s->places, v[i]);
        int r = FL_REGION_NONE;
        if (s->regions && fl_regions_locate(s->ctx, s->regions, lat, lon, &r))
            r = FL_REGION_NONE;
        fprintf(stderr, "  %-12s %-28s %9.4f %9.4f  %s\n", fl_places_id(s->places, v[i]),
                fl_places_name(s->places, v[i]), lat, lon,
                r >= 0 ? fl_regions_code(s->regions, r) : "-");
    }
    if (n > 16)
        fprintf(stderr, "  ... and %d more\n", n - 16);
    return 1;
}
