/* timeline_sources.c — frontline timeline --source PROFILE=PATH ...: several sources'
 * archives side by side, one row per day; per source, the km² each side holds in the
 * territory.
 *
 * Each source runs its own timeline (fl_timeline_add_files: a version may be several files)
 * with its own profile; a row's km² per status within the territory are summed by the
 * status' side (fl_profile_side). A source with several versions on one day (DeepStateMap
 * publishes a few) gives that day its latest; days are UTC dates. The sources' days are then
 * merged by date, a source's cells left empty on a day it has no version. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_SECONDS 86400

typedef struct day {
    int64_t date; /* days since 1970-01-01 */
    int64_t time; /* of the version kept: the day's latest */
    double km2[FL_SIDES];
} day;

typedef struct source {
    char profile[1024]; /* a shipped profile's name, or a file */
    const char *path;
    char label[64];     /* column prefix: the profile's name without folder and ".profile" */
    day *days;
    size_t ndays;
} source;

/* PROFILE=PATH into s. */
static int parse_source(const char *arg, source *s)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : 0;
    if (!eq || !len || !eq[1] || len >= sizeof s->profile)
        return fail_msg("timeline: --source wants PROFILE=PATH (e.g. isw=data/isw), not '%s'",
                        arg);
    snprintf(s->profile, sizeof s->profile, "%.*s", (int)len, arg);
    s->path = eq + 1;
    const char *base = strrchr(s->profile, '/');
    base = base ? base + 1 : s->profile;
    len = strlen(base);
    if (len > 8 && !strcmp(base + len - 8, ".profile"))
        len -= 8;
    snprintf(s->label, sizeof s->label, "%.*s", (int)(len < 63 ? len : 63), base);
    return 0;
}

/* Adds a timeline row (its time and km² per status in the territory) as a day of src. */
static int add_row(source *src, const fl_profile *p, const char *text)
{
    json_object *row = json_tokener_parse(text), *terr = member(row, "territory_km2");
    int64_t t = fl_time_parse(str(row, "time"));
    day d = {.time = t, .date = t / DAY_SECONDS - (t % DAY_SECONDS < 0)};
    int rc = t == FL_TIME_UNKNOWN
                 ? fail_msg("timeline: %s: no time in its name: a day cannot be given to it",
                            str(row, "file"))
                 : 0;
    json_object_object_foreach(terr, status, km2) {
        int side = fl_profile_side(p, fl_profile_status_index(p, status));
        if (side >= 0)
            d.km2[side] += json_object_get_double(km2);
        else if (!rc)
            rc = fail_msg("timeline: %s: status '%s' has side '%s': sides are RU, UA or none",
                          str(row, "file"), status,
                          fl_profile_status_side(p, fl_profile_status_index(p, status)));
    }
    json_object_put(row);
    if (rc)
        return rc;
    if (src->ndays && src->days[src->ndays - 1].date == d.date) {
        src->days[src->ndays - 1] = d; /* versions come in time order: the later one */
        return 0;
    }
    day *v = realloc(src->days, (src->ndays + 1) * sizeof *v);
    if (!v)
        return fail_msg("out of memory");
    src->days = v;
    src->days[src->ndays++] = d;
    return 0;
}

/* Runs src's timeline, keeping a day per date. */
static int run_source(session *s, const options *o, source *src)
{
    paths p = {0};
    fl_profile *profile = NULL;
    fl_timeline *tl = NULL;
    const char *args[] = {src->path};
    int rc = collect_snapshots(args, 1, &p);
    if (!rc && !(rc = open_profile(s, src->profile, &profile)) &&
        fl_timeline_new(s->ctx, profile, s->regions, NULL, o->tolerance_km, &tl))
        rc = fail(s->ctx);
    for (size_t i = 0, n; !rc && i < p.n; i += n) {
        char *row = NULL;
        n = version_files(&p, i);
        if (fl_timeline_add_files(s->ctx, tl, (const char *const *)p.v + i, n, &row))
            rc = fail(s->ctx);
        else
            rc = add_row(src, profile, row);
        free(row);
    }
    fl_timeline_free(tl);
    fl_profile_close(profile);
    paths_free(&p);
    return rc;
}

/* A row: a date and each source's day on it (NULL: none). */
typedef struct merged {
    int64_t date;
    const day *cell[MAX_SOURCES];
} merged;

/* The sources' days merged by date (caller frees), their count in *count; NULL when out of
 * memory. */
static merged *merge(const source *src, int n, size_t *count)
{
    size_t at[MAX_SOURCES] = {0}, total = 0;
    for (int k = 0; k < n; k++)
        total += src[k].ndays;
    merged *rows = calloc(total + 1, sizeof *rows);
    *count = 0;
    while (rows) {
        int64_t d = INT64_MAX;
        for (int k = 0; k < n; k++)
            if (at[k] < src[k].ndays && src[k].days[at[k]].date < d)
                d = src[k].days[at[k]].date;
        if (d == INT64_MAX)
            break;
        merged *m = &rows[(*count)++];
        m->date = d;
        for (int k = 0; k < n; k++)
            if (at[k] < src[k].ndays && src[k].days[at[k]].date == d)
                m->cell[k] = &src[k].days[at[k]++];
    }
    return rows;
}

static void date_text(int64_t date, char *buf, size_t size)
{
    char t[32];
    fl_time_format(date * DAY_SECONDS, t, sizeof t);
    snprintf(buf, size, "%.10s", t);
}

static void write_csv_rows(FILE *f, const source *src, int n, const merged *rows, size_t count)
{
    fprintf(f, "date");
    for (int k = 0; k < n; k++)
        fprintf(f, ",%s_time,%s_RU_km2,%s_none_km2,%s_UA_km2", src[k].label, src[k].label,
                src[k].label, src[k].label);
    for (size_t i = 0; i < count; i++) {
        char date[16], t[32];
        date_text(rows[i].date, date, sizeof date);
        fprintf(f, "\n%s", date);
        for (int k = 0; k < n; k++) {
            const day *x = rows[i].cell[k];
            if (x)
                fprintf(f, ",%s,%.6f,%.6f,%.6f", fl_time_format(x->time, t, sizeof t),
                        x->km2[FL_SIDE_RU], x->km2[FL_SIDE_NONE], x->km2[FL_SIDE_UA]);
            else
                fprintf(f, ",,,,");
        }
    }
    fprintf(f, "\n");
}

static void print_table(const source *src, int n, const merged *rows, size_t count)
{
    printf("%-10s", "date");
    for (int k = 0; k < n; k++)
        printf(" %12s RU %12s none", src[k].label, src[k].label);
    for (size_t i = 0; i < count; i++) {
        char date[16];
        date_text(rows[i].date, date, sizeof date);
        printf("\n%-10s", date);
        for (int k = 0; k < n; k++)
            if (rows[i].cell[k])
                printf(" %15.1f %17.1f", rows[i].cell[k]->km2[FL_SIDE_RU],
                       rows[i].cell[k]->km2[FL_SIDE_NONE]);
            else
                printf(" %15s %17s", "", "");
    }
    printf("\n");
}

/* {"time", "side_km2": {"RU", "none", "UA"}} of one source's day. */
static json_object *day_json(const day *x)
{
    char t[32];
    json_object *o = json_object_new_object(), *km2 = json_object_new_object();
    json_object_object_add(o, "time", json_object_new_string(fl_time_format(x->time, t, sizeof t)));
    for (int side = 0; side < FL_SIDES; side++)
        json_object_object_add(km2, fl_side_name(side), json_fixed(x->km2[side], 6));
    json_object_object_add(o, "side_km2", km2);
    return o;
}

/* {"sources": [{"name", "path"}], "days": [{"date", NAME: day or null, ...}]}. */
static void print_json(const source *src, int n, const merged *rows, size_t count)
{
    json_object *doc = json_object_new_object(), *sources = json_object_new_array();
    json_object *days = json_object_new_array();
    for (int k = 0; k < n; k++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(src[k].label));
        json_object_object_add(o, "path", json_object_new_string(src[k].path));
        json_object_array_add(sources, o);
    }
    for (size_t i = 0; i < count; i++) {
        char date[16];
        json_object *o = json_object_new_object();
        date_text(rows[i].date, date, sizeof date);
        json_object_object_add(o, "date", json_object_new_string(date));
        for (int k = 0; k < n; k++)
            json_object_object_add(o, src[k].label, rows[i].cell[k] ? day_json(rows[i].cell[k])
                                                                    : NULL);
        json_object_array_add(days, o);
    }
    json_object_object_add(doc, "sources", sources);
    json_object_object_add(doc, "days", days);
    puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
}

/* Writes the CSV to path through a temporary file, so that it is never half-written. */
static int write_csv(const char *path, const source *src, int n, const merged *rows,
                     size_t count)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail_msg("%s: %m", tmp);
    write_csv_rows(f, src, n, rows, count);
    if (ferror(f) | (fclose(f) != 0) || rename(tmp, path) != 0) {
        remove(tmp);
        return fail_msg("%s: write error", path);
    }
    return 0;
}

int timeline_sources(const options *o)
{
    source src[MAX_SOURCES] = {0};
    session s;
    int rc = o->nsources < 2 ? fail_msg("timeline: --source wants two sources or more") + 1 : 0;
    for (int k = 0; k < o->nsources && !rc; k++) {
        if (!(rc = parse_source(o->source[k], &src[k])))
            for (int j = 0; j < k && !rc; j++)
                if (!strcmp(src[j].label, src[k].label))
                    rc = fail_msg("timeline: two sources named %s", src[k].label);
    }
    if (rc || (rc = session_open(&s, o, true, false)))
        return rc;
    for (int k = 0; k < o->nsources && !rc; k++)
        rc = run_source(&s, o, &src[k]);
    size_t count = 0;
    merged *rows = rc ? NULL : merge(src, o->nsources, &count);
    if (!rc && !rows)
        rc = fail_msg("out of memory");
    if (!rc && o->csv)
        rc = write_csv(o->csv, src, o->nsources, rows, count);
    if (!rc && o->json)
        print_json(src, o->nsources, rows, count);
    else if (!rc)
        print_table(src, o->nsources, rows, count);
    free(rows);
    for (int k = 0; k < o->nsources; k++)
        free(src[k].days);
    session_close(&s);
    return rc;
}
