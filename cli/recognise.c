/* recognise.c — which shipped profile fits a file: `frontline info FILE` without --profile.
 *
 * Every profile in the embedded data's profiles/ folder classifies the files; the one that
 * leaves no polygon unclassified and classifies the most wins (ties: the first by name). A
 * file that every profile leaves something unclassified in fits none, and info says so. A
 * profile under which the file does not even load (e.g. its 'wrapped' member is missing) is
 * passed over. */
#include "cli.h"

#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shipped profile files, sorted by name (caller frees each and the array). */
static int shipped(char ***names, char *dir, size_t size)
{
    char buf[4096], copy[4096];
    snprintf(copy, sizeof copy, "%s", data_path("profiles/deepstate.profile", buf, sizeof buf));
    snprintf(dir, size, "%s", dirname(copy));
    DIR *d = opendir(dir);
    int n = 0;
    *names = NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= 8 || strcmp(e->d_name + len - 8, ".profile"))
            continue;
        char **v = realloc(*names, (size_t)(n + 1) * sizeof *v);
        if (!v || !(v[n] = strdup(e->d_name)))
            break;
        *names = v;
        n++;
    }
    if (d)
        closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: a handful of names */
        for (int k = i; k > 0 && strcmp((*names)[k - 1], (*names)[k]) > 0; k--) {
            char *t = (*names)[k];
            (*names)[k] = (*names)[k - 1];
            (*names)[k - 1] = t;
        }
    return n;
}

/* Whether counts a beat counts b: nothing unclassified first, then the fewest unclassified,
 * then the most classified. */
static bool better(const fl_counts *a, const fl_counts *b)
{
    if (a->unclassified != b->unclassified)
        return a->unclassified < b->unclassified;
    return a->classified > b->classified;
}

int recognise_source(session *s, const options *o, fl_snapshot **snap, char *name,
                     size_t size, bool *fits)
{
    char dir[4096], path[4400], **names;
    int n = shipped(&names, dir, sizeof dir);
    fl_profile *best = NULL;
    fl_counts best_counts = {0};
    for (int i = 0; i < n; i++) {
        fl_profile *p = NULL;
        fl_snapshot *candidate = NULL;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (fl_profile_open(s->ctx, path, &p) == FL_OK) {
            fl_profile *keep = s->profile;
            s->profile = p;
            int rc = load_snapshot(s, o->args, o->nargs, &candidate);
            s->profile = keep;
            fl_counts c;
            if (!rc)
                fl_snapshot_counts(candidate, &c);
            if (!rc && c.classified > 0 && (!best || better(&c, &best_counts))) {
                fl_snapshot_close(*snap);
                fl_profile_close(best);
                *snap = candidate, best = p, best_counts = c;
                snprintf(name, size, "%.*s", (int)strlen(names[i]) - 8, names[i]);
                candidate = NULL, p = NULL;
            }
        }
        fl_snapshot_close(candidate);
        fl_profile_close(p);
        free(names[i]);
    }
    free(names);
    *fits = best && best_counts.unclassified == 0;
    if (!best) { /* nothing classified anything: read it with the default profile */
        snprintf(name, size, "none");
        return open_snapshot(s, o, o->args, o->nargs, snap);
    }
    fl_profile_close(s->profile);
    s->profile = best;
    return apply_time(o, snap);
}
