/* cmd_timeline.c — frontline timeline: rows over an archive, the change log of places. */
#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char timeline_help[] =
    "usage: frontline timeline FILE...|DIR... [--places CSV] [--profile P]\n"
    "                          [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                          [--tolerance KM] [--csv OUT] [--json] [--place NAME]\n"
    "                          [--jobs N] [--timing]\n"
    "                          [--plot OUT.png|.svg|.pdf [--width PX]] [--gpkg OUT.gpkg]\n"
    "                          [--snap-km KM] [--water FILE|none]\n"
    "Orders the snapshots by time and gives, for each, the km² per status (as drawn, in the\n"
    "territory, per region), the transitions against the previous snapshot and the\n"
    "frontline length; then the change log of places (which place changed status between\n"
    "which two snapshots). --csv writes one row per snapshot; --place NAME prints one\n"
    "place's history (NAME: an id or any of its names; an ambiguous name lists the\n"
    "candidates). --plot charts the km² of each status over time and the regions that\n"
    "changed most. A file with no time in its name is an error (docs/times.md lists the\n"
    "forms read). Only two snapshots are in\n"
    "memory at any time (per thread). --jobs N spreads the snapshots over up to N threads\n"
    "where that pays (a thread first computes every coast tile and water cell of the\n"
    "snapshot before its run, about 0.3 s: a short archive stays on one; the environment\n"
    "variable FRONTLINE_THREAD_BYTES=0 makes it split any), and cuts the water by region on\n"
    "as many; the results are the same,\n"
    "printed when all are done. --timing prints the CPU seconds spent\n"
    "per stage on stderr. Folders are searched recursively; files whose names give the same\n"
    "time are one map version (a day's layer files, e.g. ISW's YEAR/<Layer>/YYYYMMDD_*), and\n"
    "such versions run on one thread.\n"
    "\n"
    "usage: frontline timeline --source PROFILE=PATH --source PROFILE=PATH ... [--csv OUT]\n"
    "                          [--json] [--regions SHP] [--snap-km KM] [--water FILE|none]\n"
    "Several sources' archives side by side (docs/compare.md): each PATH (a file or folder)\n"
    "read with its PROFILE (a shipped profile's name, e.g. deepstate or isw, or a file); one\n"
    "row per day, per source the km² that RU, none and UA hold in the territory in that\n"
    "day's latest version (statuses mapped to sides by the profile's side=), empty where a\n"
    "source has no version that day.\n"
    "--gpkg adds the versions it lacks to a time-enabled GeoPackage (status layers, changed\n"
    "pieces, areas, place periods; see docs/gpkg.md).\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n";

static int add_path(paths *p, const char *dir, const char *name)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **v = realloc(p->v, cap * sizeof *v);
        if (!v)
            return fail_msg("out of memory");
        p->v = v;
        p->cap = cap;
    }
    size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    if (!(p->v[p->n] = malloc(len)))
        return fail_msg("out of memory");
    snprintf(p->v[p->n++], len, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
    return 0;
}

/* Adds the snapshot files in dir and, recursively, in its folders (ISW's layout is
 * YEAR/<Layer>/YYYYMMDD_<Layer>.geojson); depth bounds the recursion. */
static int walk(paths *p, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return fail_msg("%s: %m", dir);
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *sub = malloc(len);
        struct stat st;
        if (!sub)
            rc = fail_msg("out of memory");
        else if (snprintf(sub, len, "%s/%s", dir, e->d_name) && stat(sub, &st) != 0)
            rc = fail_msg("%s: %m", sub);
        else if (S_ISDIR(st.st_mode) && depth < 16)
            rc = walk(p, sub, depth + 1);
        else if (S_ISREG(st.st_mode) && fl_snapshot_file_name(e->d_name))
            rc = add_path(p, dir, e->d_name);
        free(sub);
    }
    closedir(d);
    return rc;
}

/* The list of extensions for messages: ".geojson, .json, ...". */
static void extension_list(char *buf, size_t size)
{
    buf[0] = '\0';
    for (const char *const *e = fl_snapshot_extensions(); *e; e++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", e == fl_snapshot_extensions()
                                                                    ? "" : ", ", *e);
}

int collect_snapshots(const char *const *args, int nargs, paths *p)
{
    for (int i = 0; i < nargs; i++) {
        struct stat st;
        if (stat(args[i], &st) != 0)
            return fail_msg("%s: %m", args[i]);
        int rc = S_ISDIR(st.st_mode) ? walk(p, args[i], 0) : add_path(p, NULL, args[i]);
        if (rc)
            return rc;
    }
    if (p->n == 0) {
        char ext[128];
        extension_list(ext, sizeof ext);
        return fail_msg("timeline: no snapshot files (%s) given", ext);
    }
    fl_timeline_sort_paths(p->v, p->n);
    return 0;
}

size_t version_files(const paths *p, size_t i)
{
    int64_t t = fl_time_parse(p->v[i]);
    size_t n = 1;
    while (t != FL_TIME_UNKNOWN && i + n < p->n && fl_time_parse(p->v[i + n]) == t)
        n++;
    return n;
}

/* The number of versions (snapshots, each of one or more files) in p. */
static size_t versions(const paths *p)
{
    size_t count = 0;
    for (size_t i = 0; i < p->n; i += version_files(p, i))
        count++;
    return count;
}

/* The progress bar: on stderr when it is a terminal, drawn by the timeline's progress
 * function after each version, and cleared before anything else is printed, so that the bar
 * and the rows never share a line (stdout and stderr are often the same terminal). */
typedef struct bar {
    size_t total; /* versions of the run (fl_timeline_add reports 0: unknown to it) */
    bool shown;
} bar;

static void bar_draw(void *arg, size_t done, size_t total, const char *path)
{
    bar *b = arg;
    total = total ? total : b->total;
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    int width = 30, filled = total ? (int)(width * (done < total ? done : total) / total) : 0;
    fprintf(stderr, "\r\033[K[%.*s%*s] %zu/%zu %.40s", filled,
            "##############################", width - filled, "", done, total, name);
    fflush(stderr);
    b->shown = true;
}

static void bar_clear(bar *b)
{
    if (b->shown)
        fputs("\r\033[K", stderr);
    b->shown = false;
}

/* The error of a failed add, on a line of its own. */
static int fail_after_bar(session *s, bar *b)
{
    bar_clear(b);
    return fail(s->ctx);
}

/* One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a quote, a comma, a
 * line end or leading or trailing spaces (a file name may hold any of them). The field is
 * the concatenation of a, b and c. */
static void csv_field(FILE *f, bool comma, const char *a, const char *b, const char *c)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s%s", a, b, c);
    size_t n = strlen(text);
    bool quote = strpbrk(text, "\",\r\n") || (n && (text[0] == ' ' || text[n - 1] == ' '));
    if (comma)
        fputc(',', f);
    if (!quote) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *s = text; *s; s++)
        fputs(*s == '"' ? "\"\"" : (char[]){*s, 0}, f);
    fputc('"', f);
}

/* CSV: one row per snapshot; columns from the first row's keys. */
static void csv_row(FILE *f, json_object *row, bool header)
{
    json_object *drawn, *terr, *regions;
    drawn = member(row, "status_km2");
    terr = member(row, "territory_km2");
    regions = member(row, "regions");
    csv_field(f, false, header ? "file" : str(row, "file"), "", "");
    csv_field(f, true, header ? "time" : str(row, "time"), "", "");
    json_object_object_foreach(drawn, k1, v1) {
        if (header)
            csv_field(f, true, "drawn_", k1, "_km2");
        else
            fprintf(f, ",%.6f", json_object_get_double(v1));
    }
    json_object_object_foreach(terr, k2, v2) {
        if (header)
            csv_field(f, true, k2, "_km2", "");
        else
            fprintf(f, ",%.6f", json_object_get_double(v2));
    }
    for (size_t i = 0; i < json_object_array_length(regions); i++) {
        json_object *r = json_object_array_get_idx(regions, i);
        json_object_object_foreach(member(r, "status_km2"), k3, v3) {
            if (header)
            {
                char col[512];
                snprintf(col, sizeof col, "%s_%s", str(r, "code"), k3);
                csv_field(f, true, col, "_km2", "");
            }
            else
                fprintf(f, ",%.6f", json_object_get_double(v3));
        }
    }
    fprintf(f, header ? ",front_km,place_changes\n" : ",%.3f,%d\n", num(row, "front_km"),
            (int)num(row, "place_changes"));
}

static void print_row(json_object *row)
{
    json_object *terr;
    terr = member(row, "territory_km2");
    printf("%-20s", str(row, "time"));
    json_object_object_foreach(terr, k, v)
        printf(" %s %10.1f", k, json_object_get_double(v));
    printf("  front %7.1f km  places changed %d\n", num(row, "front_km"),
           (int)num(row, "place_changes"));
}

static void print_changes(json_object *changes)
{
    printf("\nplace changes: %zu\n", json_object_array_length(changes));
    for (size_t i = 0; i < json_object_array_length(changes); i++) {
        json_object *c = json_object_array_get_idx(changes, i);
        printf("  %-28s %-10s → %-10s between %s and %s\n", str(c, "name"), str(c, "status_from"),
               str(c, "status_to"), str(c, "before"), str(c, "after"));
    }
}

/* Lyman (48.986160 N, 37.803070 E)
 *   2022-09-30T00:00:00Z  occupied
 *   2022-10-04T00:00:00Z  liberated    (changed after 2022-09-30T00:00:00Z) */
static void print_place(json_object *place)
{
    json_object *history;
    history = member(place, "history");
    printf("\n%s (%.6f N, %.6f E)\n", str(place, "name"), num(place, "lat"), num(place, "lon"));
    for (size_t i = 0; i < json_object_array_length(history); i++) {
        json_object *h = json_object_array_get_idx(history, i);
        if (member(h, "previous_time"))
            printf("  %-20s  %-10s  (changed after %s)\n", str(h, "time"), str(h, "status"),
                   str(h, "previous_time"));
        else
            printf("  %-20s  %s\n", str(h, "time"), str(h, "status"));
    }
}

/* Prints one row (JSON array element, CSV, table). */
static void print_snapshot(const options *o, FILE *csv, size_t i, const char *row)
{
    json_object *doc = json_tokener_parse(row);
    if (csv && i == 0)
        csv_row(csv, doc, true);
    if (csv)
        csv_row(csv, doc, false);
    if (o->json)
        printf("%s%s\n", i ? "," : "", row);
    else if (!o->place)
        print_row(doc);
    json_object_put(doc);
}

/* Runs the timeline over versions of several files, one after the other. */
static int run_versions(session *s, const options *o, const paths *p, fl_timeline *tl,
                        FILE *csv, bar *b)
{
    size_t row_index = 0;
    for (size_t i = 0, n; i < p->n; i += n) {
        char *row = NULL;
        n = version_files(p, i);
        if (fl_timeline_add_files(s->ctx, tl, (const char *const *)p->v + i, n, &row))
            return fail_after_bar(s, b);
        bar_clear(b);
        print_snapshot(o, csv, row_index++, row);
        fflush(stdout);
        free(row);
    }
    return 0;
}

/* Runs the timeline: on this thread, writing rows as they come; on several, when all are
 * done; versions of several files one after the other. */
static int run_rows(session *s, const options *o, const paths *p, fl_timeline *tl,
                    FILE *csv, bar *b)
{
    if (o->json)
        printf("{\"snapshots\":[");
    for (size_t i = 0; i < p->n; i++)
        if (version_files(p, i) > 1)
            return run_versions(s, o, p, tl, csv, b);
    char **rows = o->jobs > 1 ? calloc(p->n + 1, sizeof *rows) : NULL;
    int rc = 0;
    if (o->jobs > 1 && !rows)
        return fail_msg("out of memory");
    const char *thread_bytes = getenv("FRONTLINE_THREAD_BYTES"); /* fl_timeline_set_thread_cost */
    if (thread_bytes)
        fl_timeline_set_thread_cost(tl, strtod(thread_bytes, NULL));
    if (rows && fl_timeline_add_all(s->ctx, tl, p->v, p->n, o->jobs, rows))
        rc = fail_after_bar(s, b);
    for (size_t i = 0; i < p->n && !rc; i++) {
        char *row = rows ? rows[i] : NULL;
        if (!rows && fl_timeline_add(s->ctx, tl, p->v[i], &row))
            rc = fail_after_bar(s, b);
        else {
            bar_clear(b);
            print_snapshot(o, csv, i, row);
            fflush(stdout);
        }
        if (!rows)
            free(row);
    }
    for (size_t i = 0; rows && i < p->n; i++)
        free(rows[i]);
    free(rows);
    return rc;
}

/* run_rows with the progress bar on a terminal. */
static int run(session *s, const options *o, const paths *p, fl_timeline *tl, FILE *csv)
{
    bar b = {.total = versions(p)};
    if (isatty(2))
        fl_timeline_set_progress(tl, bar_draw, &b);
    int rc = run_rows(s, o, p, tl, csv, &b);
    bar_clear(&b);
    fl_timeline_set_progress(tl, NULL, NULL);
    return rc;
}

/* timeline stages (CPU s): load+classify 1.23, diff 2.34, ... */
static void print_timing(const fl_timeline *tl)
{
    double cpu;
    const char *name;
    fprintf(stderr, "timeline stages (CPU s):");
    for (int i = 0; (name = fl_timeline_stage(tl, i, &cpu)); i++)
        fprintf(stderr, "%s %s %.2f", i ? "," : "", name, cpu);
    fputc('\n', stderr);
}

int cmd_timeline(int argc, char **argv)
{
    options o;
    session s = {0};
    paths p = {0};
    fl_timeline *tl = NULL;
    fl_writer *csvw = NULL;
    FILE *csv = NULL;
    int rc = parse_options(argc, argv, &o, "timeline", timeline_help);
    if (rc)
        return rc;
    if (o.nsources && !o.help)
        return o.nargs ? fail_msg("timeline: give FILE/DIR or --source, not both") + 1
                       : timeline_sources(&o);
    if (o.help || o.nargs < 1) {
        fputs(timeline_help, o.help ? stdout : stderr);
        return o.help ? 0 : 2;
    }
    const char *plot[] = {o.plot};
    if ((rc = check_picture_paths(plot, 1)))
        return rc;
    if (!(rc = collect_snapshots(o.args, o.nargs, &p)) && !(rc = check_outputs(&o, p.v, p.n)) &&
        !(rc = session_open(&s, &o, true, true))) {
        int place = -1;
        if (o.place && find_place(&s, "timeline", o.place, &place))
            rc = 1;
        else if (o.csv && fl_writer_open(s.ctx, o.csv, &csvw))
            rc = fail(s.ctx);
        else if (fl_timeline_new(s.ctx, s.profile, s.regions, s.places, o.tolerance_km, &tl))
            rc = fail(s.ctx);
        csv = fl_writer_file(csvw);
        if (!rc)
            rc = run(&s, &o, &p, tl, csv);
        char *json = NULL;
        if (!rc && (place >= 0 ? fl_timeline_place_json(s.ctx, tl, place, &json)
                               : fl_timeline_changes_json(s.ctx, tl, &json)))
            rc = fail(s.ctx);
        if (!rc && o.json)
            printf("],\"%s\":%s}\n", place >= 0 ? "place" : "changes", json);
        else if (!rc) {
            json_object *doc = json_tokener_parse(json);
            (place >= 0 ? print_place : print_changes)(doc);
            json_object_put(doc);
        }
        free(json);
        if (!rc && o.timing)
            print_timing(tl);
        if (!rc && o.gpkg)
            rc = write_gpkg(&s, &o, &p);
        fl_chart_options co = {.width = o.width};
        if (!rc && o.plot && fl_chart_write(s.ctx, fl_timeline_chart(tl), &co, o.plot))
            rc = fail(s.ctx);
        fl_timeline_free(tl);
        /* in place only now, when everything succeeded */
        if (fl_writer_close(s.ctx, csvw, rc != 0) && !rc)
            rc = fail(s.ctx);
    }
    session_close(&s);
    paths_free(&p);
    return rc;
}

void paths_free(paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
}
