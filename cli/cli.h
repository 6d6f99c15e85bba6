/* cli.h — what the frontline commands share. */
#ifndef FL_CLI_H
#define FL_CLI_H

#include "frontline.h"

#include <json-c/json.h>
#include <stdbool.h>

#define MAX_POINTS 1024
#define MAX_SOURCES 16

typedef struct options {
    const char *profile_a, *profile_b; /* compare: each map's profile */
    const char *source[MAX_SOURCES];   /* timeline --source PROFILE=PATH */
    int nsources;
    const char *regions, *profile, *places, *claims, *code_field, *name_field;
    const char *geojson, *csv, *place, *time, *plot, *gpkg;
    const char *diff, *region, *output, *png, *svg, *pdf; /* pictures */
    int level; /* --level: fl_level of the embedded regions (default oblast) */
    double bbox[4];
    bool has_bbox, no_labels;
    int width;
    int jobs; /* timeline threads */
    int delay_ms; /* animate: per frame */
    bool daily;   /* animate: the last version of each day only */
    bool timing; /* timeline: CPU per stage on stderr */
    bool json, help;
    double tolerance_km;
    double snap_km; /* the coast and border conflation's tolerance (--snap-km) */
    const char *water; /* --water FILE, or "none" (NULL: the embedded water) */
    int npoints;
    double lat[MAX_POINTS], lon[MAX_POINTS];
    int nargs;
    const char *const *args;
} options;

/* One loaded environment: context and the inputs every command needs. */
typedef struct session {
    fl_ctx *ctx;
    fl_profile *profile;
    fl_regions *regions;
    fl_places *places;
} session;

/* Parses argv after the command name; returns 0, or 2 after printing a usage error. */
/* Only the options named in the usage lines of help (each line starting "usage:" and the
 * indented ones after it) are taken: another command's option is refused with one line. */
int parse_options(int argc, char **argv, options *o, const char *cmd, const char *help);
/* --help prints help and gives 0; a wrong argument count (want, or ONE_OR_MORE) prints it to
 * stderr and gives 2; otherwise -1 (go on). */
#define ONE_OR_MORE (-1)
int check_args(const options *o, const char *help, int want);
/* Path of an embedded data file (FRONTLINE_DATA, the installed data, the source tree). */
const char *data_path(const char *rel, char *buf, size_t size);
/* The profile file --profile names: a path, or the name of a shipped profile ("isw": the
 * embedded data's profiles/isw.profile); NULL: DeepStateMap's. */
const char *profile_path(const char *profile, char *buf, size_t size);
/* Opens the profile --profile (or --profile-a, -b) names into *out; returns 0 or 1. */
int open_profile(session *s, const char *name, fl_profile **out);
/* Opens the context, profile and (when wanted) regions and places; returns 0 or 1. */
int session_open(session *s, const options *o, bool regions, bool places);
void session_close(session *s);
/* The context whose temporary output files a signal removes (main.c). */
void cli_watch(fl_ctx *ctx);
/* Fails (one line, exit status 1) when an output is one of the inputs: same device and inode
 * once links are followed; a .shp counts with its .shx, .dbf, .prj and .cpg. Checked before
 * anything is written. "-" and paths that do not exist yet are never the same. */
int check_distinct(const char *const *in, size_t nin, const char *const *out, size_t nout);
/* check_distinct for the inputs of the options (snapshots args, profile, regions, places,
 * claims, the default data files included) and extra, against every output option. */
int check_outputs(const options *o, char *const *extra, size_t nextra);
/* Prints "frontline: MESSAGE" and returns exit status 1. */
int fail(fl_ctx *ctx);
int fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The place --place names: by id or any of its names (fl_places_match). Returns 0, or 1 after
 * saying that none answers, or that several do (listing them with id and region). */
int find_place(session *s, const char *cmd, const char *name, int *place);
/* Loads one map version from the files args name (as open_snapshot) with s->profile;
 * returns FL_OK or the library's code (-1: out of memory), printing nothing. */
int load_snapshot(session *s, const char *const *args, int nargs, fl_snapshot **out);
/* Applies --time to a loaded snapshot (closed on error); returns 0 or exit status 1. */
int apply_time(const options *o, fl_snapshot **snap);
/* Loads one map version from the files args name (each a file, or files joined by commas:
 * "A.geojson,B.geojson"), applying --time. */
int open_snapshot(session *s, const options *o, const char *const *args, int nargs,
                  fl_snapshot **out);
/* Prints a library JSON string (--json) or hands the parsed document to a printer. */
int emit(session *s, const options *o, int rc, char *json, void (*print)(json_object *));
/* A JSON number with a fixed number of decimals (0..9), as the library's reports give them
 * (km²: 6; degrees: 6, i.e. 10 cm); null when v is not finite. */
json_object *json_fixed(double v, int decimals);
/* Members of a report: the value (NULL when absent), as a number (0), as text (""). */
json_object *member(json_object *o, const char *key);
double num(json_object *o, const char *key);
const char *str(json_object *o, const char *key);

/* Renders the map of a (with diff d of a -> b when b is given; d may be NULL) to each non-NULL
 * path; with print_json, prints what it shows. Returns an exit status. */
/* Fails (exit status 1, one line) unless every non-NULL path ends in .png, .svg or .pdf. */
int check_picture_paths(const char *const *paths, int npaths);
int render_pictures(session *s, const options *o, const fl_snapshot *a, const fl_snapshot *b,
                    const fl_diff *d, const char *const *paths, int npaths, bool print_json);

/* recognise.c: without --profile, the shipped profile that fits the files (o->args) best
 * becomes s->profile and *snap the files read with it; name gets its name ("none" when no
 * profile classifies anything) and *fits whether it leaves nothing unclassified. Returns 0 or
 * an exit status. */
int recognise_source(session *s, const options *o, fl_snapshot **snap, char *name,
                     size_t size, bool *fits);

/* Snapshot file paths, as timeline collects them. */
typedef struct paths {
    char **v;
    size_t n, cap;
} paths;
/* The snapshot files args name (files, and folders searched recursively), sorted by the time
 * in their names; returns 0, or 1 after printing why. */
int collect_snapshots(const char *const *args, int nargs, paths *p);
/* The number of files from p->v[i] on that are one map version: those whose names give the
 * same time (a day's layer files); a file of unknown time is a version alone. */
size_t version_files(const paths *p, size_t i);
void paths_free(paths *p);
/* timeline --source: several sources' archives side by side (timeline_sources.c). */
int timeline_sources(const options *o);

int cmd_info(int argc, char **argv);
int cmd_area(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_claims(int argc, char **argv);
int cmd_front(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_animate(int argc, char **argv);
int cmd_site(int argc, char **argv);

/* timeline --gpkg: adds the versions of p (in time order) that o->gpkg lacks. */
int write_gpkg(session *s, const options *o, const paths *p);
int cmd_render(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
