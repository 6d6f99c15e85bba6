/* cmd_site.c — frontline site: a static web page over an archive, made in a new folder and
 * renamed into place when complete. A folder that is already a frontline page (it holds the
 * marker file) is replaced whole; any other existing path is refused. */
#include "cli.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char site_help[] =
    "usage: frontline site FILE...|DIR -o OUTDIR [--regions SHP] [--places CSV]\n"
    "                      [--profile FILE]\n"
    "                      [--snap-km KM] [--water FILE|none] [--level L]\n"
    "A static web page over an archive that works from the file system, with no server and\n"
    "no network: the map of any version in the profile's colours with regions and places, a\n"
    "time slider and a play button, a two-date compare mode, the area chart, a searchable\n"
    "place change log, a region drill-down and an embed snippet. Open OUTDIR/index.html.\n"
    "An OUTDIR that exists must be a page made by frontline: it is replaced whole.\n";

static const char *const assets[] = {"index.html", "site.js", "site.css"};
static const char marker[] = "frontline-site.txt";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : fail_msg("%s: %m", in ? to : from);
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = fail_msg("%s: write error", to);
    if (in)
        fclose(in);
    if (out && fclose(out) != 0 && !rc)
        rc = fail_msg("%s: write error", to);
    return rc;
}

/* dir/name into buf (4096 bytes), or a one-line failure when too long. */
static int join(char *buf, const char *dir, const char *name)
{
    int n = snprintf(buf, 4096, "%s/%s", dir, name);
    return n >= 0 && n < 4096 ? 0 : fail_msg("%s/%s: path too long", dir, name);
}

/* The page's own files and the marker, into dir. */
static int copy_assets(const char *dir)
{
    char from[4096], to[4096], rel[64];
    for (size_t i = 0; i < sizeof assets / sizeof *assets; i++) {
        snprintf(rel, sizeof rel, "site/%s", assets[i]);
        if (join(to, dir, assets[i]) || copy_file(data_path(rel, from, sizeof from), to))
            return 1;
    }
    if (join(to, dir, marker))
        return 1;
    FILE *f = fopen(to, "w");
    if (!f || fprintf(f, "made by frontline %s: 'frontline site' replaces this folder whole\n",
                      fl_version()) < 0 || fclose(f) != 0)
        return fail_msg("%s: cannot write", to);
    return 0;
}

/* Moves the complete page tmp to out, replacing a previous page there. */
static int put_in_place(const char *tmp, const char *out)
{
    char old[4096], mark[4096];
    struct stat st;
    if (lstat(out, &st) != 0)
        return rename(tmp, out) == 0 ? 0 : fail_msg("%s: cannot rename into place: %m", out);
    if (join(mark, out, marker))
        return 1;
    if (!S_ISDIR(st.st_mode) || access(mark, F_OK) != 0)
        return fail_msg("%s: exists and is not a page made by frontline site: not replaced",
                        out);
    if (snprintf(old, sizeof old, "%s.old%ld", out, (long)getpid()) >= (int)sizeof old)
        return fail_msg("%s: path too long", out);
    if (rename(out, old) != 0)
        return fail_msg("%s: cannot move the previous page away: %m", out);
    if (rename(tmp, out) != 0) {
        int e = errno;
        rename(old, out);
        errno = e;
        return fail_msg("%s: cannot rename into place: %m", out);
    }
    remove_tree(old);
    return 0;
}

static int make_site(session *s, const paths *p, const char *dir)
{
    fl_site *site = NULL;
    int rc = fl_site_new(s->ctx, dir, s->profile, s->regions, s->places, &site) ? fail(s->ctx) : 0;
    for (size_t i = 0, n; i < p->n && !rc; i += n)
        if (fl_site_add(s->ctx, site, (const char *const *)p->v + i, n = version_files(p, i)))
            rc = fail(s->ctx);
    if (!rc && fl_site_finish(s->ctx, site))
        rc = fail(s->ctx);
    fl_site_free(site);
    return rc ? rc : copy_assets(dir);
}

int cmd_site(int argc, char **argv)
{
    options o;
    session s = {0};
    paths p = {0};
    int rc = parse_options(argc, argv, &o, "site", site_help);
    if (rc)
        return rc;
    if (o.help || o.nargs < 1 || !o.output) {
        fputs(site_help, o.help ? stdout : stderr);
        return o.help ? 0 : 2;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", o.output, (long)getpid()) >= (int)sizeof tmp)
        return fail_msg("%s: path too long", o.output);
    if (!(rc = collect_snapshots(o.args, o.nargs, &p)) && !(rc = session_open(&s, &o, true, true))) {
        rc = make_site(&s, &p, tmp);
        if (!rc)
            rc = put_in_place(tmp, o.output);
        if (rc)
            remove_tree(tmp);
        else
            fprintf(stderr, "%s: %zu versions; open %s/index.html\n", o.output, p.n, o.output);
    }
    session_close(&s);
    paths_free(&p);
    return rc;
}
