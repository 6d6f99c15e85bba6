/* cmd_render.c — frontline render: a map of a snapshot, or of what changed from it to another
 * (--diff), as PNG, SVG or PDF. The pictures of `frontline diff --png/--svg/--pdf` are made
 * here too (render_pictures). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char render_help[] =
    "usage: frontline render SNAPSHOT [--diff B] [--region CODE | --bbox W,S,E,N]\n"
    "                        [--width PX] [--no-labels] [--places CSV] [--time T]\n"
    "                        [--regions SHP [--code-field F] [--name-field F] | --level L]\n"
    "                        [--profile FILE] [--tolerance KM] [--json] -o OUT.png|.svg|.pdf\n"
    "                        [--snap-km KM] [--water FILE|none]\n"
    "A map of SNAPSHOT: status fills in the profile's colours, region outlines and names, the\n"
    "frontline, the largest places, a legend with the km² of each status, a scale bar. With\n"
    "--diff B, the fills are B's and what changed from SNAPSHOT to B is highlighted by\n"
    "transition (no longer occupied, newly occupied, became / no longer contested), the\n"
    "places that changed status are marked, and the legend gives the km² of each transition\n"
    "(those of `frontline diff --json`). The whole territory is shown unless --region (a\n"
    "region code such as UA-14 or UA-DT) or --bbox zooms; --width sets the width in pixels (PNG) or\n"
    "points (SVG, PDF), default 1600. The format follows OUT's extension. --json prints what\n"
    "the map shows: legend figures and the picture position of every place drawn.\n"
    "--level oblast|raion|hromada picks the embedded regions (default oblast; docs/regions.md).\n";

int check_picture_paths(const char *const *paths, int npaths)
{
    for (int i = 0; i < npaths; i++) {
        const char *p = paths[i], *dot = p ? strrchr(p, '.') : NULL;
        if (p && (!dot || (strcasecmp(dot, ".png") && strcasecmp(dot, ".svg") &&
                           strcasecmp(dot, ".pdf"))))
            return fail_msg("%s: a picture must be named .png, .svg or .pdf", p);
    }
    return 0;
}

int render_pictures(session *s, const options *o, const fl_snapshot *a, const fl_snapshot *b,
                    const fl_diff *d, const char *const *paths, int npaths, bool print_json)
{
    fl_render_options ro = {
        .width = o->width,
        .region = o->region,
        .no_labels = o->no_labels,
        .places = s->places,
        .front_tolerance_km = o->tolerance_km,
        .diff = d,
    };
    if (o->has_bbox)
        memcpy(ro.bbox, o->bbox, sizeof ro.bbox);
    fl_render *r = NULL;
    if (fl_render_new(s->ctx, a, b, s->regions, &ro, &r))
        return fail(s->ctx);
    int rc = 0;
    for (int i = 0; i < npaths && !rc; i++)
        if (paths[i] && fl_render_write(s->ctx, r, paths[i]))
            rc = fail(s->ctx);
    char *json = NULL;
    if (!rc && print_json) {
        if (fl_render_json(s->ctx, r, &json))
            rc = fail(s->ctx);
        else
            puts(json);
    }
    free(json);
    fl_render_free(r);
    return rc;
}

int cmd_render(int argc, char **argv)
{
    options o;
    session s = {0};
    fl_snapshot *a = NULL, *b = NULL;
    int rc = parse_options(argc, argv, &o, "render", render_help);
    if (rc)
        return rc;
    if (o.help) {
        fputs(render_help, stdout);
        return 0;
    }
    if (o.nargs != 1 || !o.output) {
        fputs(render_help, stderr);
        if (o.nargs == 1)
            fprintf(stderr, "frontline: render: -o OUT.png|.svg|.pdf is needed\n");
        return 2;
    }
    if (o.region && o.has_bbox)
        return fail_msg("render: give --region or --bbox, not both");
    const char *paths[] = {o.output};
    if ((rc = check_picture_paths(paths, 1)))
        return rc;
    if (!(rc = session_open(&s, &o, true, true)) && !(rc = open_snapshot(&s, &o, o.args, o.nargs, &a)) &&
        !(rc = o.diff ? open_snapshot(&s, &o, &o.diff, 1, &b) : 0))
        rc = render_pictures(&s, &o, a, b, NULL, paths, 1, o.json);
    fl_snapshot_close(a);
    fl_snapshot_close(b);
    session_close(&s);
    return rc;
}
