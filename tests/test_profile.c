/* test_profile.c — the DeepState profile implements the shared data README's table: rules on
 * fill colour and name, first match wins; and broken profiles are rejected with reasons. */
#include "check.h"

/* What classify answers besides a status index. */
enum { IGNORED = -1, UNCLASSIFIED = -2, NO_POLYGON = -3 };

/* Classifies one feature with the given styleUrl and name through a one-feature file. */
static int classify(fl_ctx *ctx, const fl_profile *p, const char *style, const char *name,
                    char *kind_out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/one.geojson", temp_dir());
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
               "\"properties\":{\"styleUrl\":\"%s\",\"name\":\"%s\"},\"geometry\":{\"type\":"
               "\"Polygon\",\"coordinates\":[[[37,48],[38,48],[38,49],[37,48]]]}}]}", style, name);
    fclose(f);
    fl_snapshot *s;
    CHECK_OK(ctx, fl_snapshot_open(ctx, path, p, &s));
    fl_counts c;
    fl_snapshot_counts(s, &c);
    int status = c.ignored ? IGNORED : c.unclassified ? UNCLASSIFIED : NO_POLYGON;
    for (int i = 0; i < fl_profile_status_count(p); i++)
        if (fl_snapshot_status_features(s, i))
            status = i;
    if (kind_out)
        strcpy(kind_out, fl_snapshot_kind(s));
    fl_snapshot_close(s);
    remove(path);
    return status;
}

static void table(fl_ctx *ctx, const fl_profile *p)
{
    int occ = fl_profile_status_index(p, "occupied"), con = fl_profile_status_index(p, "contested");
    int lib = fl_profile_status_index(p, "liberated");
    CHECK(occ == 0 && con == 1 && lib == 2, "precedence order %d %d %d", occ, con, lib);
    CHECK(!strcmp(fl_profile_status_name(p, fl_profile_status_count(p) - 1), "free"), "default");
    /* the answers that are no status are distinct names, each named back */
    CHECK(fl_profile_status_index(p, "none") == FL_STATUS_NONE &&
          fl_profile_status_index(p, "invalid") == FL_STATUS_INVALID &&
          fl_profile_status_index(p, "ocupied") == FL_STATUS_UNKNOWN, "special statuses");
    CHECK(!strcmp(fl_profile_status_name(p, FL_STATUS_NONE), "none") &&
          !strcmp(fl_profile_status_name(p, FL_STATUS_INVALID), "invalid"), "special names");
    const struct {
        const char *style, *name;
        int want;
    } rows[] = {
        {"#poly-A52714-1200-77-nodesc", "Окуповано", 0},
        {"#poly-a52714", "", 0},
        {"#poly-880E4F-2000-77", "Окупований Крим /// Occupied Crimea", 0},
        {"#poly-880E4F-2000-77", "Придністров'я/// Transnistria", IGNORED},
        {"#poly-000000", "ОРДЛО", 0},
        {"#poly-000000", "Crimea", 0},
        {"#poly-000000", "Tuzla", 0},
        {"#poly-000000", "something else", 1},
        {"#poly-BCAAA4-2000", "Статус невідомий", 1},
        {"#poly-BDBDBD", "", 1},
        {"#poly-757575", "", 1},
        {"#poly-0F9D58", "Звільнено", 2},
        {"#poly-0288D1", "", 2},
        {"#poly-01579B", "", 2},
        {"#poly-0097A7", "", 2},
        {"#poly-FF5252", "Occupied Petsamo", IGNORED},
        {"#poly-CE93D8", "", IGNORED},
        {"#poly-FBC02D", "", IGNORED},
        {"#poly-123456", "", UNCLASSIFIED},
        {"#icon-ci-3", "a city drawn as a polygon", UNCLASSIFIED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        int got = classify(ctx, p, rows[i].style, rows[i].name, NULL);
        CHECK(got == rows[i].want, "%s '%s': got %d, want %d", rows[i].style, rows[i].name, got,
              rows[i].want);
    }
    char kind[32];
    classify(ctx, p, "#poly-A52714", "", kind);
    CHECK(!strcmp(kind, "deepstate"), "kind %s", kind);
}

/* Writes text as a profile and expects it to fail with code and a message fragment. */
static void bad_profile(fl_ctx *ctx, const char *text, const char *fragment)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/bad.profile", temp_dir());
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    fl_profile *p = NULL;
    int rc = fl_profile_open(ctx, path, &p);
    CHECK(rc == FL_EPROFILE && p == NULL, "rc %d for %s", rc, text);
    CHECK(strstr(fl_ctx_errmsg(ctx), fragment) && strstr(fl_ctx_errmsg(ctx), path),
          "message '%s' lacks '%s' or the path", fl_ctx_errmsg(ctx), fragment);
    remove(path);
}

int main(void)
{
    fl_ctx *ctx = fl_ctx_new();
    fl_profile *p;
    CHECK_OK(ctx, fl_profile_open(ctx, data_file("profiles/deepstate.profile"), &p));
    table(ctx, p);
    fl_profile_close(p);
    const char *head = "status occupied side=RU colour=#A52714\ndefault free side=UA colour=#FFFFFF\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%srule occupied fill=(A52714\n", head);
    bad_profile(ctx, buf, "invalid regular expression");
    snprintf(buf, sizeof buf, "%srule ocupied fill=A52714\n", head);
    bad_profile(ctx, buf, "unknown status 'ocupied'");
    snprintf(buf, sizeof buf, "%srule occupied fill=A52714\nrule occupied fill=A52714\n", head);
    bad_profile(ctx, buf, "duplicate of the rule on line 3");
    bad_profile(ctx, "status occupied\nrule occupied fill=A\n", "no 'default' status");
    snprintf(buf, sizeof buf, "%srule free fill=A52714\n", head);
    bad_profile(ctx, buf, "cannot map to the default status");
    snprintf(buf, sizeof buf, "%sfrobnicate\n", head);
    bad_profile(ctx, buf, "unknown directive 'frobnicate'");
    bad_profile(ctx, "status occupied colour=red\n", "is not #RRGGBB");
    bad_profile(ctx, "status occupied\nstatus occupied\n", "declared twice");
    /* a NULL path is a misuse named as such (not errno's "Bad address") */
    p = NULL;
    CHECK(fl_profile_open(ctx, NULL, &p) == FL_EARG && !p, "NULL path: %s", fl_ctx_errmsg(ctx));
    CHECK(!strcmp(fl_ctx_errmsg(ctx), "fl_profile_open: path is NULL"), "message '%s'",
          fl_ctx_errmsg(ctx));
    fl_ctx_free(ctx);
    temp_cleanup();
    return check_done("profile");
}
