/* cmd_timeline.c — frontline timeline: rows over an archive, the change log of places. */
#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char timeline_help[] =
    "usage: frontline timeline FILE...|DIR [--regions SHP] [--places CSV] [--profile FILE]\n"
    "                          [--tolerance KM] [--csv OUT] [--json] [--place NAME]\n"
    "                          [--jobs N] [--timing]\n"
    "                          [--plot OUT.png|.svg|.pdf [--width PX]]\n"
    "Orders the snapshots by time and gives, for each, the km² per status (as drawn, in the\n"
    "territory, per region), the transitions against the previous snapshot and the\n"
    "frontline length; then the change log of places (which place changed status between\n"
    "which two snapshots). --csv writes one row per snapshot; --place NAME prints one\n"
    "place's history. --plot charts the km² of each status over time and the regions that\n"
    "changed most (snapshots of unknown time are left out). Only two snapshots are in\n"
    "memory at any time (per thread). --jobs N spreads the snapshots over N threads; the\n"
    "results are the same, printed when all are done. --timing prints the CPU seconds spent\n"
    "per stage on stderr.\n";

typedef struct paths {
    char **v;
    size_t n, cap;
} paths;

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

static bool snapshot_name(const char *name)
{
    const char *ext[] = {".geojson", ".json", ".shp", ".wkt"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (n > strlen(ext[i]) && !strcasecmp(name + n - strlen(ext[i]), ext[i]))
            return true;
    return false;
}

static int collect(const options *o, paths *p)
{
    for (int i = 0; i < o->nargs; i++) {
        struct stat st;
        if (stat(o->args[i], &st) != 0)
            return fail_msg("%s: %m", o->args[i]);
        if (!S_ISDIR(st.st_mode)) {
            if (add_path(p, NULL, o->args[i]))
                return 1;
            continue;
        }
        DIR *d = opendir(o->args[i]);
        if (!d)
            return fail_msg("%s: %m", o->args[i]);
        struct dirent *e;
        int rc = 0;
        while (!rc && (e = readdir(d)))
            if (e->d_name[0] != '.' && snapshot_name(e->d_name))
                rc = add_path(p, o->args[i], e->d_name);
        closedir(d);
        if (rc)
            return rc;
    }
    if (p->n == 0)
        return fail_msg("timeline: no snapshot files (.geojson, .json, .shp, .wkt) given");
    fl_timeline_sort_paths(p->v, p->n);
    return 0;
}

static void progress(size_t done, size_t total, const char *path)
{
    if (!isatty(2))
        return;
    int width = 30, filled = (int)(width * done / total);
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-40.40s", filled, "##############################",
            width - filled, "", done, total, path);
    if (done == total)
        fputc('\n', stderr);
}

/* CSV: one row per snapshot; columns from the first row's keys. */
static void csv_row(FILE *f, json_object *row, bool header)
{
    json_object *drawn, *terr, *regions;
    drawn = member(row, "status_km2");
    terr = member(row, "territory_km2");
    regions = member(row, "regions");
    fprintf(f, header ? "file,time" : "\"%s\",%s", str(row, "file"), str(row, "time"));
    json_object_object_foreach(drawn, k1, v1) {
        if (header)
            fprintf(f, ",drawn_%s_km2", k1);
        else
            fprintf(f, ",%.6f", json_object_get_double(v1));
    }
    json_object_object_foreach(terr, k2, v2) {
        if (header)
            fprintf(f, ",%s_km2", k2);
        else
            fprintf(f, ",%.6f", json_object_get_double(v2));
    }
    json_object_object_foreach(regions, code, st) {
        json_object_object_foreach(st, k3, v3) {
            if (header)
                fprintf(f, ",%s_%s_km2", code, k3);
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
        printf("  %-28s %-10s → %-10s between %s and %s\n", str(c, "name"), str(c, "from"),
               str(c, "to"), str(c, "before"), str(c, "after"));
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

/* Runs the timeline: on this thread, writing rows as they come; on several, when all are
 * done. */
static int run(session *s, const options *o, const paths *p, fl_timeline *tl, FILE *csv)
{
    if (o->json)
        printf("{\"snapshots\":[");
    char **rows = o->jobs > 1 ? calloc(p->n + 1, sizeof *rows) : NULL;
    int rc = 0;
    if (o->jobs > 1 && !rows)
        return fail_msg("out of memory");
    if (rows && fl_timeline_add_all(s->ctx, tl, p->v, p->n, o->jobs, rows))
        rc = fail(s->ctx);
    for (size_t i = 0; i < p->n && !rc; i++) {
        char *row = rows ? rows[i] : NULL;
        progress(i, p->n, p->v[i]);
        if (!rows && fl_timeline_add(s->ctx, tl, p->v[i], &row))
            rc = fail(s->ctx);
        else
            print_snapshot(o, csv, i, row);
        if (!rows)
            free(row);
    }
    for (size_t i = 0; rows && i < p->n; i++)
        free(rows[i]);
    free(rows);
    progress(p->n, p->n, "");
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
    FILE *csv = NULL;
    int rc = parse_options(argc, argv, &o, "timeline");
    if (rc)
        return rc;
    if (o.help || o.nargs < 1) {
        fputs(timeline_help, o.help ? stdout : stderr);
        return o.help ? 0 : 2;
    }
    const char *plot[] = {o.plot};
    if ((rc = check_picture_paths(plot, 1)))
        return rc;
    if (!(rc = collect(&o, &p)) && !(rc = session_open(&s, &o, true, true))) {
        int place = o.place ? fl_places_find(s.places, o.place) : -1;
        if (o.place && place < 0)
            rc = fail_msg("timeline: no place called '%s'", o.place);
        else if (o.csv && !(csv = fopen(o.csv, "w")))
            rc = fail_msg("%s: %m", o.csv);
        else if (fl_timeline_new(s.ctx, s.profile, s.regions, s.places, o.tolerance_km, &tl))
            rc = fail(s.ctx);
        if (!rc)
            rc = run(&s, &o, &p, tl, csv);
        char *json = NULL;
        if (!rc && (place >= 0 ? fl_timeline_place_json(s.ctx, tl, place, &json)
                               : fl_timeline_changes_json(s.ctx, tl, &json)))
            rc = fail(s.ctx);
        if (!rc && o.json)
            printf("],\"%s\":%s}\n", place >= 0 ? "place" : "changes", json);
        else if (!rc && place >= 0)
            puts(json);
        else if (!rc) {
            json_object *doc = json_tokener_parse(json);
            print_changes(doc);
            json_object_put(doc);
        }
        free(json);
        if (!rc && o.timing)
            print_timing(tl);
        fl_chart_options co = {.width = o.width};
        if (!rc && o.plot && fl_chart_write(s.ctx, fl_timeline_chart(tl), &co, o.plot))
            rc = fail(s.ctx);
        fl_timeline_free(tl);
    }
    session_close(&s);
    if (csv && fclose(csv) != 0 && !rc)
        rc = fail_msg("%s: write error", o.csv);
    for (size_t i = 0; i < p.n; i++)
        free(p.v[i]);
    free(p.v);
    return rc;
}
