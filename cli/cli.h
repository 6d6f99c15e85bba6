/* cli.h — what the frontline commands share. */
#ifndef FL_CLI_H
#define FL_CLI_H

#include "frontline.h"

#include <json-c/json.h>
#include <stdbool.h>

#define MAX_POINTS 1024

typedef struct options {
    const char *regions, *profile, *places, *claims, *code_field, *name_field;
    const char *geojson, *csv, *place, *time, *plot;
    const char *diff, *region, *output, *png, *svg, *pdf; /* pictures */
    double bbox[4];
    bool has_bbox, no_labels;
    int width;
    int jobs; /* timeline threads */
    bool timing; /* timeline: CPU per stage on stderr */
    bool json, help;
    double tolerance_km;
    int npoints;
    double lat[MAX_POINTS], lon[MAX_POINTS];
    int nargs;
    char **args;
} options;

/* One loaded environment: context and the inputs every command needs. */
typedef struct session {
    fl_ctx *ctx;
    fl_profile *profile;
    fl_regions *regions;
    fl_places *places;
} session;

/* Parses argv after the command name; returns 0, or 2 after printing a usage error. */
int parse_options(int argc, char **argv, options *o, const char *cmd);
/* --help prints help and gives 0; a wrong argument count prints it to stderr and gives 2;
 * otherwise -1 (go on). */
int check_args(const options *o, const char *help, int want);
/* Path of an embedded data file (FRONTLINE_DATA, the installed data, the source tree). */
const char *data_path(const char *rel, char *buf, size_t size);
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
/* Loads a snapshot, applying --time. */
int open_snapshot(session *s, const options *o, const char *path, fl_snapshot **out);
/* Prints a library JSON string (--json) or hands the parsed document to a printer. */
int emit(session *s, const options *o, int rc, char *json, void (*print)(json_object *));
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

int cmd_info(int argc, char **argv);
int cmd_area(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_claims(int argc, char **argv);
int cmd_front(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_render(int argc, char **argv);

#endif
