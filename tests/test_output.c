/* test_output.c — outputs are atomic (issue 7): a shapefile whose writing fails half-way
 * leaves none of its five files behind, and an earlier shapefile of that name stays whole;
 * one that succeeds replaces all five; no temporary file is left either way. */
#include "check.h"

#include <dirent.h>

static const char *const parts[] = {"shp", "shx", "dbf", "cpg", "prj"};
#define NPARTS 5

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
}

/* The whole of a file (NUL-terminated; *len its size), or NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (size_t r = 1; r > 0; *len += r) {
        if (*len + 4096 + 1 > cap && !(buf = realloc(buf, cap = 2 * cap + 4096 + 1)))
            break;
        r = fread(buf + *len, 1, 4096, f);
    }
    fclose(f);
    if (buf)
        buf[*len] = 0;
    return buf;
}

/* dir/NAME.EXT */
static const char *file_in(const char *name, const char *ext)
{
    static char buf[4][4200];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s.%s", temp_dir(), name, ext);
    return b;
}

/* Files of the temporary folder whose names hold ".tmp" (an output's temporaries). */
static int temporaries(void)
{
    DIR *d = opendir(temp_dir());
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp") != NULL;
    if (d)
        closedir(d);
    return n;
}

static const char *const good_features =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"a\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[30,48],[31,48],[31,49],[30,49],[30,48]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"b\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[32,48],[33,48],[33,49],[32,49],[32,48]]]}}]}";
/* the second feature cannot go into a polygon shapefile: the write fails after the first */
static const char *const bad_features =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"c\"},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[34,48],[35,48],[35,49],[34,49],[34,48]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"d\"},\"geometry\":{\"type\":\"LineString\","
    "\"coordinates\":[[34,48],[35,49]]}}]}";

/* A failed write to a name no file has: nothing at all appears. */
static void failed_fresh(fl_ctx *ctx, const char *bad)
{
    int rc = fl_convert(ctx, bad, file_in("fresh", "shp"));
    CHECK(rc == FL_EFORMAT && strstr(fl_ctx_errmsg(ctx), "fresh.shp: feature 1"),
          "rc %d: %s", rc, fl_ctx_errmsg(ctx));
    for (int i = 0; i < NPARTS; i++)
        CHECK(access(file_in("fresh", parts[i]), F_OK) != 0, "fresh.%s was left behind",
              parts[i]);
    CHECK(temporaries() == 0, "%d temporary files left", temporaries());
}

/* A failed write over an earlier shapefile: its five files are unchanged, byte for byte;
 * then a write that succeeds replaces every one of them. */
static void failed_over_earlier(fl_ctx *ctx, const char *good, const char *bad)
{
    CHECK_OK(ctx, fl_convert(ctx, good, file_in("earlier", "shp")));
    char *before[NPARTS];
    size_t len[NPARTS];
    for (int i = 0; i < NPARTS; i++)
        CHECK((before[i] = slurp(file_in("earlier", parts[i]), &len[i])) != NULL,
              "earlier.%s was not written", parts[i]);
    CHECK(fl_convert(ctx, bad, file_in("earlier", "shp")) == FL_EFORMAT, "%s",
          fl_ctx_errmsg(ctx));
    for (int i = 0; i < NPARTS; i++) {
        size_t n;
        char *after = slurp(file_in("earlier", parts[i]), &n);
        CHECK(after && before[i] && n == len[i] && !memcmp(after, before[i], n),
              "earlier.%s changed by a failed write", parts[i]);
        free(after);
    }
    CHECK(temporaries() == 0, "%d temporary files left", temporaries());

    /* a successful write replaces all five: read back, the features are the new ones */
    char one[4200];
    snprintf(one, sizeof one, "%s", file_in("one", "geojson"));
    write_text(one, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                    "\"properties\":{\"name\":\"e\"},\"geometry\":{\"type\":\"Polygon\","
                    "\"coordinates\":[[[36,48],[37,48],[37,49],[36,49],[36,48]]]}}]}");
    CHECK_OK(ctx, fl_convert(ctx, one, file_in("earlier", "shp")));
    CHECK_OK(ctx, fl_convert(ctx, file_in("earlier", "shp"), file_in("back", "geojson")));
    size_t n;
    char *back = slurp(file_in("back", "geojson"), &n);
    CHECK(back && strstr(back, "\"e\"") && !strstr(back, "\"a\""), "read back: %s",
          back ? back : "nothing");
    free(back);
    for (int i = 0; i < NPARTS; i++)
        free(before[i]);
    CHECK(temporaries() == 0, "%d temporary files left", temporaries());
}

/* A folder that cannot be written: an I/O error naming the file, nothing created. */
static void unwritable(fl_ctx *ctx, const char *good)
{
    char out[4300];
    snprintf(out, sizeof out, "%s/missing-folder/out.shp", temp_dir());
    int rc = fl_convert(ctx, good, out);
    CHECK(rc == FL_EIO && strstr(fl_ctx_errmsg(ctx), "out.shp"), "rc %d: %s", rc,
          fl_ctx_errmsg(ctx));
    CHECK(temporaries() == 0, "%d temporary files left", temporaries());
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    char good[4200], bad[4200]; /* file_in's buffers rotate */
    snprintf(good, sizeof good, "%s", file_in("good", "geojson"));
    snprintf(bad, sizeof bad, "%s", file_in("bad", "geojson"));
    write_text(good, good_features);
    write_text(bad, bad_features);
    failed_fresh(ctx, bad);
    failed_over_earlier(ctx, good, bad);
    unwritable(ctx, good);
    fl_ctx_free(ctx);
    if (!check_failures)
        temp_cleanup();
    return check_done("output");
}
