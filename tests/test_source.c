/* test_source.c — a map version loaded after the previous one (its unchanged features taken
 * from it by their text, source.c) equals the same version loaded on its own (issue 6).
 *
 *  - The cut: strings holding brackets, quotes and "features", escapes, nested arrays and
 *    a BOM give the right spans, each a whole JSON object; texts the scan must not cut (an
 *    escaped or repeated "features" key, a non-object element, a lone Feature, text after
 *    the value) give none, and still read as before.
 *  - A hand-made second version (one coordinate changed, features removed, duplicated,
 *    reordered, re-spaced; ignored, unclassified and geometry-less ones) loaded after the
 *    first equals it loaded alone: counts, kind, and every kept feature's status, hashes,
 *    repair flag and bounds.
 *  - A JSON error in a changed feature is reported at the line and column json-c gives for
 *    the whole text; the vertex limit counts the features taken from the previous version.
 *  - Every consecutive pair of the samples and, when ../shared/data is present, of the raw
 *    and occupied archives: the same equality, and the share of features taken by text.
 * Links the library statically with its internal header. */
#include "check.h"
#include "internal.h"

static fl_ctx *ctx;
static fl_profile *profile;
static char dir[] = "/tmp/fl_source_XXXXXX";
static long taken, features;

static const char *write_file(const char *name, const char *text)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "writing %s", p);
    return p;
}

/* Cuts text (as a file's) and checks it gives n spans, each a JSON object. */
static void check_cut(const char *text, size_t n, const char *what)
{
    fl_source src = {.text = strdup(text), .len = strlen(text)};
    size_t from = !strncmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    CHECK_OK(ctx, fl_source_cut(ctx, &src, from));
    CHECK(src.n == n, "%s: %zu spans, want %zu", what, src.n, n);
    for (size_t i = 0; i < src.n; i++) {
        char *one = strndup(src.text + src.span[i].at, src.span[i].len);
        json_object *o = json_tokener_parse(one);
        CHECK(json_object_is_type(o, json_type_object), "%s: span %zu is %s", what, i, one);
        json_object_put(o);
        free(one);
    }
    if (src.n) {
        size_t len;
        char *skeleton = fl_source_skeleton(ctx, &src, from, &len);
        json_object *o = json_tokener_parse(skeleton);
        CHECK(o && len == strlen(skeleton), "%s: skeleton %s", what, skeleton);
        json_object_put(o);
        free(skeleton);
    }
    fl_source_clear(&src);
}

#define SQUARE(x, y) "{\"type\":\"Polygon\",\"coordinates\":[[[" #x "," #y "],[" #x ".5," #y \
                     "],[" #x ".5," #y ".5],[" #x "," #y ".5],[" #x "," #y "]]]}"
#define FEATURE(style, geom) \
    "{\"type\":\"Feature\",\"properties\":{\"styleUrl\":\"#poly-" style "\"},\"geometry\":" geom "}"

static void cuts(void)
{
    const char *f = FEATURE("A52714", SQUARE(36, 47));
    char text[4096];
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}", f, f);
    check_cut(text, 2, "plain");
    check_cut("\xEF\xBB\xBF{\"features\" : [ ] , \"type\":\"FeatureCollection\"}", 0, "empty");
    snprintf(text, sizeof text,
             "\xEF\xBB\xBF{\"note\":\"features\",\"x\":[1,[2,{\"]\":\"}\"}]],\"y\":-1.5e3,"
             "\"features\" :\n [\n{\"type\":\"Feature\",\"properties\":{\"name\":\"a \\\"]}\\\\\","
             "\"n\":\"\\u005d\"},\"geometry\":null} ,\r\n%s ],\"type\":\"FeatureCollection\"}",
             f);
    check_cut(text, 2, "strings and escapes");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"feat\\u0075res\":[%s]}", f);
    check_cut(text, 0, "escaped key");
    snprintf(text, sizeof text, "{\"features\":[%s],\"features\":[%s]}", f, f);
    check_cut(text, 0, "repeated key");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s,1]}", f);
    check_cut(text, 0, "a number among the features");
    check_cut(f, 0, "a lone Feature");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s]} x", f);
    check_cut(text, 0, "text after the value");
    snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[%s", f);
    check_cut(text, 0, "truncated");
}

/* b loaded after a equals b loaded alone. */
static void check_same(fl_snapshot *after, fl_snapshot *alone, const char *what)
{
    fl_counts x, y;
    fl_snapshot_counts(after, &x);
    fl_snapshot_counts(alone, &y);
    CHECK(!memcmp(&x, &y, sizeof x), "%s: counts differ (classified %ld vs %ld)", what,
          x.classified, y.classified);
    CHECK(!strcmp(after->kind, alone->kind), "%s: kind %s vs %s", what, after->kind,
          alone->kind);
    CHECK(after->nfeat == alone->nfeat, "%s: %zu vs %zu features", what, after->nfeat,
          alone->nfeat);
    for (size_t i = 0; i < after->nfeat && i < alone->nfeat; i++) {
        const fl_feat *p = &after->feat[i], *q = &alone->feat[i];
        CHECK(p->hash == q->hash && p->raw == q->raw && p->status == q->status &&
                  p->repaired == q->repaired && !memcmp(p->bbox, q->bbox, sizeof p->bbox) &&
                  GEOSEqualsExact_r(ctx->geos, p->geom, q->geom, 0) == 1,
              "%s: feature %zu differs", what, i);
    }
    for (int st = 0; st < after->nstatus; st++)
        CHECK(fl_snapshot_status_features(after, st) == fl_snapshot_status_features(alone, st),
              "%s: status %d", what, st);
}

/* Loads b after a and alone, compares them, and counts the features taken by text. Returns
 * b loaded after a. */
static fl_snapshot *pair(fl_snapshot *a, const char *b, const char *what)
{
    fl_snapshot *after, *alone;
    CHECK_OK(ctx, fl_snapshot_load(ctx, b, profile, a, &after));
    CHECK_OK(ctx, fl_snapshot_load(ctx, b, profile, NULL, &alone));
    check_same(after, alone, what);
    fl_features fs;
    CHECK_OK(ctx, fl_features_read(ctx, b, &fs, a->src.n ? &a->src : NULL, NULL));
    for (size_t i = 0; i < fs.n; i++)
        taken += fs.v[i].same >= 0;
    features += (long)fs.n;
    fl_features_clear(ctx, &fs);
    fl_snapshot_close(alone);
    return after;
}

static void versions(void)
{
    const char *occ = FEATURE("A52714", SQUARE(36, 47)), *lib = FEATURE("0F9D58", SQUARE(37, 47));
    const char *ign = FEATURE("FF5252", SQUARE(38, 47)), *odd = FEATURE("123456", SQUARE(36, 48));
    const char *bowtie = FEATURE("A52714", "{\"type\":\"Polygon\",\"coordinates\":[[[30,46],"
                                           "[31,47],[31,46],[30,47],[30,46]]]}");
    const char *none = "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}";
    const char *moved = FEATURE("0F9D58", SQUARE(37, 46));
    char a[8192], b[8192];
    snprintf(a, sizeof a, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s,%s,%s,%s,%s]}",
             occ, lib, ign, odd, bowtie, none);
    snprintf(b, sizeof b, "{\"features\":[\n%s,\n%s ,%s,%s,%s,%s],\"type\":\"FeatureCollection\"}",
             none, bowtie, moved, occ, occ, odd);
    fl_snapshot *first;
    CHECK_OK(ctx, fl_snapshot_load(ctx, write_file("a.geojson", a), profile, NULL, &first));
    CHECK(first->src.n == 6 && first->outcome, "the first version keeps its %zu spans",
          first->src.n);
    long before = taken;
    fl_snapshot_close(pair(first, write_file("b.geojson", b), "hand-made"));
    CHECK(taken - before == 5, "%ld of 6 features taken by text, want 5", taken - before);

    /* a JSON error in a changed feature: where json-c puts it in the whole text */
    snprintf(b, sizeof b, "{\"type\":\"FeatureCollection\",\"features\":[%s,\n%s,\n{\"type\":"
             "\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,02]}}]}", occ, lib);
    const char *bad = write_file("bad.geojson", b);
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object_put(json_tokener_parse_ex(tok, b, (int)strlen(b)));
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int line = 1, col = 1;
    for (size_t i = 0; i < end; i++, col++)
        if (b[i] == '\n')
            line++, col = 0;
    char want[1024];
    snprintf(want, sizeof want, "%s:%d:%d: invalid JSON", bad, line, col);
    fl_snapshot *s = NULL;
    CHECK(fl_snapshot_load(ctx, bad, profile, first, &s) == FL_EPARSE &&
              !strncmp(fl_ctx_errmsg(ctx), want, strlen(want)),
          "error '%s', want '%s'", fl_ctx_errmsg(ctx), want);

    /* the vertex limit counts the features taken: 6 versions of 5 positions */
    snprintf(b, sizeof b, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s,%s,%s,%s,%s]}",
             occ, occ, occ, occ, occ, lib);
    int64_t limit = fl_ctx_limit(ctx, FL_LIMIT_VERTICES);
    fl_ctx_set_limit(ctx, FL_LIMIT_VERTICES, 29);
    CHECK(fl_snapshot_load(ctx, write_file("many.geojson", b), profile, first, &s) == FL_ELIMIT,
          "vertex limit: %s", fl_ctx_errmsg(ctx));
    fl_ctx_set_limit(ctx, FL_LIMIT_VERTICES, 30);
    CHECK_OK(ctx, fl_snapshot_load(ctx, write_file("many.geojson", b), profile, first, &s));
    fl_ctx_set_limit(ctx, FL_LIMIT_VERTICES, limit);
    fl_snapshot_close(s);
    fl_snapshot_close(first);
}

static void series(const char *path)
{
    char *paths[256];
    int n = list_geojson(path, paths, 256);
    fl_snapshot *prev = NULL; /* as a timeline loads them: each after the one before */
    if (n > 0)
        CHECK_OK(ctx, fl_snapshot_load(ctx, paths[0], profile, NULL, &prev));
    for (int k = 1; k < n; k++) {
        fl_snapshot *s = pair(prev, paths[k], paths[k]);
        fl_snapshot_close(prev);
        prev = s;
    }
    for (int k = 0; k < n; k++)
        free(paths[k]);
    fl_snapshot_close(prev);
}

int main(void)
{
    ctx = fl_ctx_new();
    CHECK(mkdtemp(dir) != NULL, "temporary folder");
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &profile));
    cuts();
    versions();
    series(data_file("sample"));
    const char *raw = shared_file("deepstate/raw");
    long before = taken, of = features;
    series(raw);
    series(shared_file("deepstate/occupied"));
    if (raw) {
        printf("raw archive: %ld of %ld features taken by text\n", taken - before,
               features - of);
        CHECK(taken - before > (features - of) / 2, "most raw features are taken by text");
    }
    const char *names[] = {"a", "b", "bad", "many"};
    char path[600];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s.geojson", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
    fl_profile_close(profile);
    fl_ctx_free(ctx);
    return check_done("source");
}
