/* run_bad_input.c — the bad-input catalogue (issue 7): loads every case of cases.txt with the
 * API it names, through the public header only, and checks the status code and the message.
 *
 * usage: run_bad_input CASES.txt FILES_DIR DATA_DIR [SUBSTRING]
 *
 * Each case runs in a child process, so that a crash, an abort (UBSan halt_on_error), a leak
 * (LeakSanitizer's exit status) or a hang (alarm) fails that case and the others still run.
 * Cases whose file starts with "gen/" are generated into a temporary directory first: huge
 * inputs (100,000-deep nesting, a 100 MB string), files with NUL bytes and shapefiles (written
 * with shapelib, then damaged). The manifest format is described at the top of cases.txt. */
#include "frontline.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <shapefil.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CASE_TIMEOUT_S 120

typedef struct tcase {
    int line;       /* in cases.txt */
    bool xfail;     /* a known bug: failing is expected, passing is reported (XPASS) */
    char file[256]; /* relative to FILES_DIR, or "gen/NAME" */
    char api[128];  /* snapshot|regions|profile|claims|places|wkt [,LIMIT=VALUE...] */
    char code[32];  /* FL_OK, FL_EPARSE, ... */
    char expect[512];
} tcase;

static const char *const code_names[] = {"FL_OK",      "FL_EIO",     "FL_EPARSE", "FL_EFORMAT",
                                         "FL_EGEOM",   "FL_EPROFILE", "FL_ELIMIT", "FL_ENOMEM",
                                         "FL_EARG",    "FL_EGEOS",   "FL_EPROJ"};
#define NCODES ((int)(sizeof code_names / sizeof *code_names))

static const char *files_dir, *data_dir;
static char tmp_dir[2048];

static const char *code_name(int code)
{
    return code >= 0 && code < NCODES ? code_names[code] : "unknown";
}

static int code_of(const char *name)
{
    for (int i = 0; i < NCODES; i++)
        if (!strcmp(name, code_names[i]) || !strcmp(name, code_names[i] + 3))
            return i;
    return -1;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n", s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* ---------------------------------------------------------------------------------------
 * Generated inputs
 * ------------------------------------------------------------------------------------- */

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static bool write_text(const char *path, const char *text)
{
    return write_file(path, text, strlen(text));
}

/* A string literal, NUL bytes included (but not the terminating one). */
#define WRITE_LITERAL(path, lit) write_file(path, lit, sizeof(lit) - 1)

/* '[' x depth, ']' x depth inside a Polygon's coordinates. */
static bool gen_nesting(const char *path, long depth)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fputs("{\"type\":\"Polygon\",\"coordinates\":", f);
    for (long i = 0; i < depth; i++)
        fputc('[', f);
    for (long i = 0; i < depth; i++)
        fputc(']', f);
    fputs("}\n", f);
    return fclose(f) == 0;
}

/* GeometryCollections nested depth deep around one small polygon. */
static bool gen_nested_collections(const char *path, long depth)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    for (long i = 0; i < depth; i++)
        fputs("{\"type\":\"GeometryCollection\",\"geometries\":[", f);
    fputs("{\"type\":\"Polygon\",\"coordinates\":[[[30,48],[31,48],[31,49],[30,48]]]}", f);
    for (long i = 0; i < depth; i++)
        fputs("]}", f);
    fputc('\n', f);
    return fclose(f) == 0;
}

/* A feature whose "name" is one string of megabytes MiB. */
static bool gen_big_string(const char *path, long megabytes)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    static char chunk[1 << 16];
    memset(chunk, 'a', sizeof chunk);
    fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
          "\"properties\":{\"name\":\"", f);
    for (long i = 0; i < megabytes * 16; i++)
        fwrite(chunk, 1, sizeof chunk, f);
    fputs("\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
          "[[[30,48],[31,48],[31,49],[30,48]]]}}]}\n", f);
    return fclose(f) == 0;
}

/* Overwrites len bytes of a file at offset off. */
static bool patch(const char *path, long off, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return false;
    bool ok = fseek(f, off, SEEK_SET) == 0 && fwrite(bytes, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static bool sibling(const char *shp, const char *ext, char *out, size_t size)
{
    size_t n = strlen(shp);
    return n > 4 && (size_t)snprintf(out, size, "%.*s%s", (int)(n - 4), shp, ext) < size;
}

/* One shape of a generated shapefile. */
typedef struct gshape {
    int type;   /* SHPT_* */
    int nparts; /* 0 for points */
    int start[4];
    int nv;
    double x[16], y[16];
} gshape;

/* Writes base.shp/.shx/.dbf: the shapes, and nrec .dbf records (code, name, status). */
static bool gen_shapefile(const char *shp_path, int type, const gshape *shapes, int nshapes,
                          int nrec, const char *name0)
{
    char base[4096];
    snprintf(base, sizeof base, "%.*s", (int)strlen(shp_path) - 4, shp_path);
    SHPHandle shp = SHPCreate(base, type);
    DBFHandle dbf = DBFCreate(base);
    if (!shp || !dbf) {
        if (shp)
            SHPClose(shp);
        if (dbf)
            DBFClose(dbf);
        return false;
    }
    bool ok = DBFAddField(dbf, "code", FTString, 10, 0) == 0 &&
              DBFAddField(dbf, "name", FTString, 40, 0) == 1 &&
              DBFAddField(dbf, "status", FTString, 16, 0) == 2;
    for (int i = 0; ok && i < nshapes; i++) {
        const gshape *g = &shapes[i];
        SHPObject *o = SHPCreateObject(g->type, -1, g->nparts, g->nparts ? g->start : NULL,
                                       NULL, g->nv, g->x, g->y, NULL, NULL);
        ok = o && SHPWriteObject(shp, -1, o) >= 0;
        if (o)
            SHPDestroyObject(o);
    }
    for (int i = 0; ok && i < nrec; i++) {
        char code[16], name[64];
        snprintf(code, sizeof code, "UA-T%d", i);
        snprintf(name, sizeof name, "%s", i == 0 && name0 ? name0 : "Test region");
        ok = DBFWriteStringAttribute(dbf, i, 0, code) && DBFWriteStringAttribute(dbf, i, 1, name) &&
             DBFWriteStringAttribute(dbf, i, 2, "occupied");
    }
    SHPClose(shp);
    DBFClose(dbf);
    return ok;
}

static const gshape square = {SHPT_POLYGON, 1, {0}, 5,
                              {30, 30, 31, 31, 30}, {48, 49, 49, 48, 48}};
static const gshape square2 = {SHPT_POLYGON, 1, {0}, 5,
                               {32, 32, 33, 33, 32}, {48, 49, 49, 48, 48}};

static bool gen_shp(const char *path, const char *name)
{
    char side[4096];
    gshape two[2] = {square, square2};
    if (!strcmp(name, "shp_ok.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL);
    if (!strcmp(name, "shp_no_shx.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               sibling(path, ".shx", side, sizeof side) && unlink(side) == 0;
    if (!strcmp(name, "shp_no_dbf.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               sibling(path, ".dbf", side, sizeof side) && unlink(side) == 0;
    if (!strcmp(name, "shp_dbf_count.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 3, NULL);
    if (!strcmp(name, "shp_points.shp")) {
        gshape pts[2] = {{SHPT_POINT, 0, {0}, 1, {30.5}, {48.5}},
                         {SHPT_POINT, 0, {0}, 1, {32.5}, {48.5}}};
        return gen_shapefile(path, SHPT_POINT, pts, 2, 2, NULL);
    }
    /* The first 36 bytes of the header: file code 9994, file length, version 1000, shape
     * type. */
    static const char junk[36] = "this is not a shapefile header....";
    if (!strcmp(name, "shp_bad_shp_header.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               patch(path, 0, junk, sizeof junk);
    if (!strcmp(name, "shp_bad_shx_header.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               sibling(path, ".shx", side, sizeof side) && patch(side, 0, junk, sizeof junk);
    if (!strcmp(name, "shp_short_header.shp")) { /* .shp cut to 50 bytes */
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) && truncate(path, 50) == 0;
    }
    if (!strcmp(name, "shp_truncated.shp")) {
        /* header 100 bytes, each record 8 + 128 (type, bbox, counts, 1 part, 5 points): the
         * second record cut in the middle of its points */
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               truncate(path, 100 + 136 + 8 + 64) == 0;
    }
    if (!strcmp(name, "shp_ring3.shp")) {
        gshape g = {SHPT_POLYGON, 1, {0}, 3, {30, 31, 30}, {48, 49, 48}};
        return gen_shapefile(path, SHPT_POLYGON, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_unclosed.shp")) {
        gshape g = {SHPT_POLYGON, 1, {0}, 4, {30, 30, 31, 31}, {48, 49, 49, 48}};
        return gen_shapefile(path, SHPT_POLYGON, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_line_1pt.shp")) {
        gshape g = {SHPT_ARC, 2, {0, 2}, 3, {30, 31, 32}, {48, 49, 48}};
        return gen_shapefile(path, SHPT_ARC, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_bowtie.shp")) {
        gshape g = {SHPT_POLYGON, 1, {0}, 5, {30, 31, 30, 31, 30}, {48, 49, 49, 48, 48}};
        return gen_shapefile(path, SHPT_POLYGON, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_lat91.shp")) {
        gshape g = {SHPT_POLYGON, 1, {0}, 5, {30, 30, 31, 31, 30}, {48, 91, 91, 48, 48}};
        return gen_shapefile(path, SHPT_POLYGON, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_nan.shp")) {
        gshape g = square;
        g.x[1] = g.x[2] = (double)NAN;
        return gen_shapefile(path, SHPT_POLYGON, &g, 1, 1, NULL);
    }
    if (!strcmp(name, "shp_bad_utf8.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, "Kyi\xff\xfe");
    if (!strcmp(name, "shp_bad_prj.shp"))
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               sibling(path, ".prj", side, sizeof side) &&
               write_text(side, "GEOGCS[\"garbage\", this is not WKT");
    if (!strcmp(name, "shp_multipatch.shp")) {
        gshape g = square;
        g.type = SHPT_MULTIPATCH;
        return gen_shapefile(path, SHPT_MULTIPATCH, &g, 1, 1, NULL);
    }
    return false;
}

/* A DeepState layer converted to a shapefile: "styleUrl" is a .dbf field, NULL (absent in the
 * GeoJSON) for the second feature. */
static bool gen_style_null(const char *shp_path)
{
    char base[4096];
    snprintf(base, sizeof base, "%.*s", (int)strlen(shp_path) - 4, shp_path);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    DBFHandle dbf = DBFCreate(base);
    bool ok = shp && dbf && DBFAddField(dbf, "name", FTString, 10, 0) == 0 &&
              DBFAddField(dbf, "styleUrl", FTString, 40, 0) == 1;
    const gshape *g[2] = {&square, &square2};
    for (int i = 0; ok && i < 2; i++) {
        SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, g[i]->nv, g[i]->x, g[i]->y, NULL);
        ok = o && SHPWriteObject(shp, -1, o) >= 0 && DBFWriteStringAttribute(dbf, i, 0, "x") &&
             (i == 0 ? DBFWriteStringAttribute(dbf, i, 1, "#poly-A52714-1-1")
                     : DBFWriteNULLAttribute(dbf, i, 1));
        if (o)
            SHPDestroyObject(o);
    }
    if (shp)
        SHPClose(shp);
    if (dbf)
        DBFClose(dbf);
    return ok;
}

/* ---- the hostile sweep of issue 22 ---------------------------------------------------- */

/* depth GEOMETRYCOLLECTIONs around a point, on one WKT line. */
static bool gen_wkt_nested(const char *path, long depth)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    for (long i = 0; i < depth; i++)
        fputs("GEOMETRYCOLLECTION(", f);
    fputs("POINT(30 48)", f);
    for (long i = 0; i < depth; i++)
        fputc(')', f);
    fputc('\n', f);
    return fclose(f) == 0;
}

/* One polygon record of nrings disjoint squares (a 5,000-ring record took 72 s). */
static bool gen_shp_rings(const char *shp_path, int nrings)
{
    char base[4096];
    snprintf(base, sizeof base, "%.*s", (int)strlen(shp_path) - 4, shp_path);
    int nv = 5 * nrings, *start = malloc((size_t)nrings * sizeof *start);
    double *x = malloc((size_t)nv * sizeof *x), *y = malloc((size_t)nv * sizeof *y);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    DBFHandle dbf = DBFCreate(base);
    bool ok = start && x && y && shp && dbf && DBFAddField(dbf, "status", FTString, 16, 0) == 0;
    for (int r = 0; ok && r < nrings; r++) { /* clockwise squares of 0.005°, 0.01° apart */
        double x0 = 30 + 0.01 * (r % 100), y0 = 48 + 0.01 * (r / 100);
        const double dx[5] = {0, 0, 0.005, 0.005, 0}, dy[5] = {0, 0.005, 0.005, 0, 0};
        start[r] = 5 * r;
        for (int k = 0; k < 5; k++) {
            x[5 * r + k] = x0 + dx[k];
            y[5 * r + k] = y0 + dy[k];
        }
    }
    SHPObject *o = ok ? SHPCreateObject(SHPT_POLYGON, -1, nrings, start, NULL, nv, x, y, NULL,
                                        NULL) : NULL;
    ok = o && SHPWriteObject(shp, -1, o) >= 0 && DBFWriteStringAttribute(dbf, 0, 0, "occupied");
    if (o)
        SHPDestroyObject(o);
    if (shp)
        SHPClose(shp);
    if (dbf)
        DBFClose(dbf);
    free(start);
    free(x);
    free(y);
    return ok;
}

/* A one-record shapefile whose numeric field (width, decimals) holds text. */
static bool gen_shp_number(const char *shp_path, int width, int decimals, const char *text)
{
    char base[4096];
    snprintf(base, sizeof base, "%.*s", (int)strlen(shp_path) - 4, shp_path);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    DBFHandle dbf = DBFCreate(base);
    bool ok = shp && dbf && DBFAddField(dbf, "n", FTDouble, width, decimals) == 0;
    SHPObject *o = ok ? SHPCreateSimpleObject(SHPT_POLYGON, square.nv, square.x, square.y, NULL)
                      : NULL;
    ok = o && SHPWriteObject(shp, -1, o) >= 0 && DBFWriteDoubleAttribute(dbf, 0, 0, 1.0);
    if (o)
        SHPDestroyObject(o);
    if (shp)
        SHPClose(shp);
    if (dbf)
        DBFClose(dbf);
    /* the value after the record's deletion flag: the header is 32 + 32 per field + 1 */
    char dbf_path[4200], field[32];
    snprintf(dbf_path, sizeof dbf_path, "%s.dbf", base);
    snprintf(field, sizeof field, "%*s", width, text);
    return ok && patch(dbf_path, 32 + 32 + 1 + 1, field, (size_t)width);
}

/* A self-crossing star of n vertices ({n/k}: every edge crosses almost every other). */
static bool gen_star(const char *path, int n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fputs("{\"type\":\"Feature\",\"properties\":{\"status\":\"occupied\"},\"geometry\":"
          "{\"type\":\"Polygon\",\"coordinates\":[[", f);
    for (int i = 0; i <= n; i++) {
        double a = 2 * M_PI * (double)((long)i * (n / 2) % n) / n;
        fprintf(f, "%s[%.6f,%.6f]", i ? "," : "", 35 + 1.5 * cos(a), 48 + sin(a));
    }
    fputs("]]}}\n", f);
    return fclose(f) == 0;
}

/* A places CSV whose header has ncols columns. */
static bool gen_wide_header(const char *path, long ncols)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fputs("name,lat,lon", f);
    for (long i = 0; i < ncols; i++)
        fputs(",c", f);
    fputs("\nKyiv,50.45,30.52\n", f);
    return fclose(f) == 0;
}

/* nrules distinct rules (a duplicate check comparing every pair took 60 s for 60,000). */
static bool gen_many_rules(const char *path, int nrules)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fputs("status occupied side=RU colour=#A52714\ndefault free side=UA colour=#F4F1E8\n", f);
    for (int i = 0; i < nrules; i++)
        fprintf(f, "rule occupied name=^n%d$\n", i);
    return fclose(f) == 0;
}

/* nrows claims: distinct claimants, each claiming every region of data/regions once. */
static bool gen_many_claims(const char *path, int nrows)
{
    static const char *const codes[] = {"UA-DT", "UA-LH", "UA-ZP", "UA-KS", "UA-KR", "UA-SC"};
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    fputs("claimant,declared,region\n", f);
    for (int i = 0; i < nrows; i++)
        fprintf(f, "C%d,2022-09-30,%s\n", i / 6, codes[i % 6]);
    return fclose(f) == 0;
}

/* Creates tmp_dir/NAME for a "gen/NAME" case; false when NAME is unknown or writing fails. */
static bool generate(const char *name, const char *path)
{
    if (access(path, F_OK) == 0)
        return true; /* shared by several cases */
    if (!strcmp(name, "nesting_100k.geojson"))
        return gen_nesting(path, 100000);
    if (!strcmp(name, "collections_100k.geojson"))
        return gen_nested_collections(path, 100000);
    if (!strcmp(name, "string_100mb.geojson"))
        return gen_big_string(path, 100);
    if (!strcmp(name, "nul_after_json.geojson"))
        return WRITE_LITERAL(path, "{\"type\":\"Point\",\"coordinates\":[30,48]}\n\0");
    if (!strcmp(name, "nul_in_string.geojson"))
        return WRITE_LITERAL(path, "{\"type\":\"Feature\",\"properties\":{\"name\":\"a\0b\"},"
                                   "\"geometry\":null}");
    if (!strcmp(name, "nul_byte.profile"))
        return WRITE_LITERAL(path, "default free side=UA\0 colour=#F3F0E6\n");
    if (!strcmp(name, "nul_byte_places.csv"))
        return WRITE_LITERAL(path, "name,lat,lon\nKyi\0v,50.45,30.52\n");
    if (!strcmp(name, "nul_in_quotes_places.csv"))
        return WRITE_LITERAL(path, "name,lat,lon\n\"Kyi\0v\",50.45,30.52\n");
    if (!strcmp(name, "nul_byte.wkt"))
        return WRITE_LITERAL(path, "POLYGON((30 48,31 48,31 49,30 48))\0 garbage\n");
    if (!strcmp(name, "shp_style_null.shp"))
        return gen_style_null(path);
    if (!strcmp(name, "wkt_nested_30k.wkt"))
        return gen_wkt_nested(path, 30000);
    if (!strcmp(name, "shp_5000_rings.shp"))
        return gen_shp_rings(path, 5000);
    if (!strcmp(name, "shp_int_inf.shp"))
        return gen_shp_number(path, 8, 0, "9e999");
    if (!strcmp(name, "shp_int_nan.shp"))
        return gen_shp_number(path, 8, 0, "nan");
    if (!strcmp(name, "shp_int_1e19.shp"))
        return gen_shp_number(path, 8, 0, "1e19");
    if (!strcmp(name, "shp_double_inf.shp"))
        return gen_shp_number(path, 12, 2, "9e999");
    if (!strcmp(name, "star_5001.geojson"))
        return gen_star(path, 5001);
    if (!strcmp(name, "places_1m_columns.csv"))
        return gen_wide_header(path, 1000000);
    if (!strcmp(name, "rules_30k.profile"))
        return gen_many_rules(path, 30000);
    if (!strcmp(name, "claims_50k.csv"))
        return gen_many_claims(path, 50000);
    if (!strcmp(name, "fifo.geojson") || !strcmp(name, "fifo.profile") ||
        !strcmp(name, "fifo.csv") || !strcmp(name, "fifo.wkt"))
        return mkfifo(path, 0600) == 0;
    if (!strcmp(name, "fifo_shx.shp")) { /* a shapefile whose .shx is a FIFO */
        char side[4096];
        gshape two[2] = {square, square2};
        return gen_shapefile(path, SHPT_POLYGON, two, 2, 2, NULL) &&
               sibling(path, ".shx", side, sizeof side) && unlink(side) == 0 &&
               mkfifo(side, 0600) == 0;
    }
    if (!strcmp(name, "dev_zero.profile") || !strcmp(name, "dev_zero.geojson"))
        return symlink("/dev/zero", path) == 0;
    if (!strcmp(name, "directory.geojson"))
        return mkdir(path, 0700) == 0;
    if (!strncmp(name, "shp_", 4))
        return gen_shp(path, name);
    return false;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* ---------------------------------------------------------------------------------------
 * Running one case (in a child process)
 * ------------------------------------------------------------------------------------- */

static int failures;

static void fail(const tcase *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const tcase *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "  cases.txt:%d %s (%s): ", c->line, c->file, c->api);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    failures++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What a successful load gives, for the key=value checks of an FL_OK case. */
typedef struct result {
    fl_counts counts;
    bool has_counts;
    const char *kind;
    const fl_snapshot *snap;
    const fl_profile *profile;
    long count; /* regions, places, claims, profile statuses */
    const char *code0, *name0;
} result;

static bool check_value(const tcase *c, const char *key, long got, const char *want)
{
    char *end;
    long w = strtol(want, &end, 10);
    if (*end) {
        fail(c, "bad expectation %s=%s", key, want);
        return false;
    }
    if (got != w) {
        fail(c, "%s is %ld, expected %ld", key, got, w);
        return false;
    }
    return true;
}

static void check_result(const tcase *c, const result *r, double seconds)
{
    char buf[sizeof c->expect];
    snprintf(buf, sizeof buf, "%s", c->expect);
    for (char *s = buf; *s;) {
        /* KEY=VALUE or KEY="VALUE WITH SPACES", separated by spaces */
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *tok = s, *eq = strchr(s, '='), *space = strchr(s, ' ');
        if (!eq || (space && space < eq)) {
            fail(c, "bad expectation '%s' (want KEY=VALUE)", tok);
            return;
        }
        *eq = '\0';
        char *want = eq + 1, *end;
        if (*want == '"' && (end = strchr(want + 1, '"'))) {
            want++;
            *end = '\0';
            s = end + 1;
        } else {
            end = want + strcspn(want, " ");
            s = *end ? end + 1 : end;
            *end = '\0';
        }
        const char *key = tok;
        const fl_counts *k = &r->counts;
        static const char *const count_keys[] = {"total", "classified", "ignored",
                                                 "unclassified", "no_polygon", "repaired"};
        const long count_vals[] = {k->total, k->classified, k->ignored, k->unclassified,
                                   k->no_polygon, k->repaired};
        bool done = false;
        for (int i = 0; i < 6 && !done; i++)
            if (!strcmp(key, count_keys[i])) {
                done = true;
                if (!r->has_counts)
                    fail(c, "'%s' needs a snapshot", key);
                else
                    check_value(c, key, count_vals[i], want);
            }
        if (done)
            continue;
        if (!strcmp(key, "maxsec")) {
            if (seconds > atof(want))
                fail(c, "took %.2f s, more than %s s", seconds, want);
        } else if (!strcmp(key, "count")) {
            check_value(c, key, r->count, want);
        } else if (!strcmp(key, "kind") || !strcmp(key, "code0") || !strcmp(key, "name0")) {
            const char *got = key[0] == 'k' ? r->kind : key[0] == 'c' ? r->code0 : r->name0;
            if (!got || strcmp(got, want))
                fail(c, "%s is '%s', expected '%s'", key, got ? got : "(none)", want);
        } else if (!strncmp(key, "status:", 7) && r->snap) {
            int st = fl_profile_status_index(r->profile, key + 7);
            if (st < 0)
                fail(c, "no status '%s' in the profile", key + 7);
            else
                check_value(c, key, fl_snapshot_status_features(r->snap, st), want);
        } else {
            fail(c, "unknown expectation key '%s'", key);
        }
    }
}

/* Sets the limits given after the API name ("snapshot,nesting=200000"): the status of the
 * first refused fl_ctx_set_limit, or FL_OK. */
static int set_limits(const tcase *c, fl_ctx *ctx, char *opts)
{
    static const char *const names[] = {"bytes", "features", "vertices", "nesting"};
    for (char *save = NULL, *tok = strtok_r(opts, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int which = -1;
        for (int i = 0; eq && i < 4; i++)
            if ((size_t)(eq - tok) == strlen(names[i]) && !strncmp(tok, names[i], (size_t)(eq - tok)))
                which = i;
        if (which < 0) {
            fail(c, "bad limit '%s' (bytes, features, vertices or nesting)", tok);
            return FL_EARG;
        }
        int rc = fl_ctx_set_limit(ctx, (fl_limit)which, atoll(eq + 1));
        if (rc)
            return rc;
    }
    return FL_OK;
}

static void run_case(const tcase *c, const char *path)
{
    char api[sizeof c->api];
    snprintf(api, sizeof api, "%s", c->api);
    char *opts = strchr(api, ',');
    if (opts)
        *opts++ = '\0';
    int want = code_of(c->code);
    if (want < 0) {
        fail(c, "unknown status code name '%s'", c->code);
        return;
    }
    fl_ctx *ctx = fl_ctx_new();
    if (!ctx) {
        fail(c, "fl_ctx_new failed");
        return;
    }
    char profile_path[4096], regions_path[4096];
    snprintf(profile_path, sizeof profile_path, "%s/profiles/deepstate.profile", data_dir);
    snprintf(regions_path, sizeof regions_path, "%s/regions/ua_oblasts.shp", data_dir);
    fl_profile *profile = NULL;
    fl_regions *regions = NULL;
    bool is_snapshot = !strcmp(api, "snapshot") || !strcmp(api, "wkt");
    if (!is_snapshot && strcmp(api, "regions") && strcmp(api, "profile") &&
        strcmp(api, "claims") && strcmp(api, "places") && strcmp(api, "water")) {
        fail(c, "unknown API '%s'", api);
        fl_ctx_free(ctx);
        return;
    }
    if (is_snapshot && fl_profile_open(ctx, profile_path, &profile) != FL_OK) {
        fail(c, "cannot load the profile: %s", fl_ctx_errmsg(ctx));
        fl_ctx_free(ctx);
        return;
    }
    if (!strcmp(api, "claims") && fl_regions_open(ctx, regions_path, NULL, NULL, &regions)) {
        fail(c, "cannot load the regions: %s", fl_ctx_errmsg(ctx));
        fl_ctx_free(ctx);
        return;
    }

    result r = {0};
    /* a limit the context refuses is the outcome of the case */
    int rc = opts ? set_limits(c, ctx, opts) : FL_OK, limit_rc = rc;
    void *obj = (void *)&r; /* set to NULL by a failed open: checked below */
    /* The library must say everything through the context, never on stderr: capture it. */
    char errpath[4096];
    snprintf(errpath, sizeof errpath, "%s/stderr.%ld", tmp_dir, (long)getpid());
    fflush(stderr);
    int saved = dup(2), errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved >= 0 && errfd >= 0)
        dup2(errfd, 2);
    double t0 = now();
    if (limit_rc != FL_OK)
        obj = NULL;
    else if (is_snapshot) {
        fl_snapshot *s = NULL;
        rc = fl_snapshot_open(ctx, path, profile, &s);
        obj = s;
        if (s) {
            fl_snapshot_counts(s, &r.counts);
            r.has_counts = true;
            r.kind = fl_snapshot_kind(s);
            r.snap = s;
            r.profile = profile;
        }
    } else if (!strcmp(api, "regions")) {
        fl_regions *g = NULL;
        rc = fl_regions_open(ctx, path, NULL, NULL, &g);
        obj = g;
        if (g) {
            r.count = fl_regions_count(g);
            r.code0 = fl_regions_code(g, 0);
            r.name0 = fl_regions_name(g, 0);
        }
    } else if (!strcmp(api, "profile")) {
        fl_profile *p = NULL;
        rc = fl_profile_open(ctx, path, &p);
        obj = p;
        if (p)
            r.count = fl_profile_status_count(p);
    } else if (!strcmp(api, "claims")) {
        fl_claims *k = NULL;
        rc = fl_claims_open(ctx, path, regions, &k);
        obj = k;
        if (k)
            r.count = fl_claims_count(k);
    } else if (!strcmp(api, "water")) {
        fl_water *w = NULL;
        rc = fl_water_open(ctx, path, &w);
        obj = w;
    } else {
        fl_places *p = NULL;
        rc = fl_places_open(ctx, path, &p);
        obj = p;
        if (p) {
            r.count = fl_places_count(p);
            r.name0 = fl_places_name(p, 0);
        }
    }
    double seconds = now() - t0;
    fflush(stderr);
    if (saved >= 0 && errfd >= 0)
        dup2(saved, 2);
    if (saved >= 0)
        close(saved);
    if (errfd >= 0) {
        close(errfd);
        char said[512];
        FILE *e = fopen(errpath, "r");
        size_t n = e ? fread(said, 1, sizeof said - 1, e) : 0;
        if (e)
            fclose(e);
        said[n] = '\0';
        if (n)
            fail(c, "the library wrote to stderr: %s", trim(said));
        unlink(errpath);
    }

    const char *msg = fl_ctx_errmsg(ctx);
    if (!msg) /* never, but GCC's -Wformat-overflow cannot know it under -fsanitize */
        msg = "(null)";
    if (rc != want) {
        fail(c, "returned %s, expected %s; message: %s", code_name(rc), c->code,
             rc ? msg : "(none)");
    } else if (rc != FL_OK) {
        if (obj)
            fail(c, "failed with %s but the out parameter is not NULL", code_name(rc));
        if (fl_ctx_errno(ctx) != rc)
            fail(c, "fl_ctx_errno is %s, the call returned %s", code_name(fl_ctx_errno(ctx)),
                 code_name(rc));
        char frag[sizeof c->expect];
        snprintf(frag, sizeof frag, "%s", c->expect);
        char *maxsec = strstr(frag, " maxsec=");
        if (maxsec) {
            if (seconds > atof(maxsec + 8))
                fail(c, "took %.2f s, more than %s s", seconds, maxsec + 8);
            *maxsec = '\0';
        }
        if (!strcasestr(msg, frag))
            fail(c, "message \"%s\" lacks \"%s\"", msg, frag);
        if (!strstr(msg, path))
            fail(c, "message \"%s\" does not name the file %s", msg, path);
    } else {
        check_result(c, &r, seconds);
    }

    if (rc == FL_OK) {
        if (is_snapshot)
            fl_snapshot_close(obj);
        else if (!strcmp(api, "regions"))
            fl_regions_close(obj);
        else if (!strcmp(api, "profile"))
            fl_profile_close(obj);
        else if (!strcmp(api, "claims"))
            fl_claims_close(obj);
        else if (!strcmp(api, "places"))
            fl_places_close(obj);
        else if (!strcmp(api, "water"))
            fl_water_close(obj);
    }
    fl_profile_close(profile);
    fl_regions_close(regions);
    fl_ctx_free(ctx);
}

/* ---------------------------------------------------------------------------------------
 * The manifest
 * ------------------------------------------------------------------------------------- */

/* "file | api | CODE | expectation" (the expectation may be empty for FL_OK). */
static bool parse_case(char *text, int line, tcase *c)
{
    *c = (tcase){.line = line};
    char *s = trim(text);
    if (!strncmp(s, "xfail ", 6)) {
        c->xfail = true;
        s = trim(s + 6);
    }
    char *field[4] = {0};
    for (int i = 0; i < 4; i++) {
        field[i] = s;
        char *bar = i < 3 ? strchr(s, '|') : NULL;
        if (i < 3 && !bar)
            return false;
        if (bar) {
            *bar = '\0';
            s = bar + 1;
        }
    }
    snprintf(c->file, sizeof c->file, "%s", trim(field[0]));
    snprintf(c->api, sizeof c->api, "%s", trim(field[1]));
    snprintf(c->code, sizeof c->code, "%s", trim(field[2]));
    snprintf(c->expect, sizeof c->expect, "%s", trim(field[3]));
    return c->file[0] && c->api[0] && c->code[0];
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: %s CASES.txt FILES_DIR DATA_DIR [SUBSTRING]\n", argv[0]);
        return 2;
    }
    files_dir = argv[2];
    data_dir = argv[3];
    const char *only = argc == 5 ? argv[4] : NULL;
    FILE *m = fopen(argv[1], "r");
    if (!m) {
        fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/bad_input.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        fprintf(stderr, "%s: %s\n", tmp_dir, strerror(errno));
        fclose(m);
        return 2;
    }

    char text[2048];
    int line = 0, ran = 0, passed = 0, xfailed = 0, xpassed = 0, broken = 0;
    while (fgets(text, sizeof text, m)) {
        line++;
        char *s = trim(text);
        if (!*s || *s == '#')
            continue;
        tcase c;
        if (!parse_case(s, line, &c)) {
            fprintf(stderr, "cases.txt:%d: not 'file | api | CODE | expectation'\n", line);
            broken++;
            continue;
        }
        if (only && !strstr(c.file, only) && !strstr(c.api, only))
            continue;
        char path[4096];
        if (!strncmp(c.file, "gen/", 4)) {
            snprintf(path, sizeof path, "%s/%s", tmp_dir, c.file + 4);
            if (!generate(c.file + 4, path)) {
                fprintf(stderr, "cases.txt:%d: cannot generate %s\n", line, c.file);
                broken++;
                continue;
            }
        } else {
            snprintf(path, sizeof path, "%s/%s", files_dir, c.file);
        }
        ran++;
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            broken++;
            break;
        }
        if (pid == 0) {
            /* FL_CASE_SECONDS: a stricter cap (CI's hostile step runs every case in 10 s) */
            const char *cap = getenv("FL_CASE_SECONDS");
            alarm(cap && atoi(cap) > 0 ? (unsigned)atoi(cap) : CASE_TIMEOUT_S);
            run_case(&c, path);
            fclose(m);
            exit(failures ? 1 : 0); /* exit, not _exit: LeakSanitizer checks at exit */
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        char errpath[4096];
        snprintf(errpath, sizeof errpath, "%s/stderr.%ld", tmp_dir, (long)pid);
        FILE *e = fopen(errpath, "r"); /* left over when the child died in the library */
        if (e) {
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, e)) > 0)
                fwrite(buf, 1, n, stderr);
            fclose(e);
            unlink(errpath);
        }
        const char *verdict = ok ? (c.xfail ? "XPASS" : "ok") : (c.xfail ? "XFAIL" : "FAIL");
        if (WIFSIGNALED(status))
            fprintf(stderr, "  cases.txt:%d %s (%s): killed by signal %d (%s)%s\n", line, c.file,
                    c.api, WTERMSIG(status), strsignal(WTERMSIG(status)),
                    WTERMSIG(status) == SIGALRM ? " - a hang" : "");
        else if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
            fprintf(stderr, "  cases.txt:%d %s (%s): exit status %d (a sanitizer report: "
                    "leak or error)\n", line, c.file, c.api, WEXITSTATUS(status));
        printf("%-5s %3d %-34s %-20s %s\n", verdict, line, c.file, c.api, c.code);
        passed += ok && !c.xfail;
        xfailed += !ok && c.xfail;
        xpassed += ok && c.xfail;
    }
    fclose(m);
    nftw(tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

    int failed = ran - passed - xfailed - xpassed;
    printf("\n%d cases: %d passed, %d failed, %d expected failures (known bugs), %d unexpected "
           "passes%s\n", ran, passed, failed, xfailed, xpassed,
           broken ? ", and broken manifest lines" : "");
    return failed || xpassed || broken || ran == 0 ? 1 : 0;
}
