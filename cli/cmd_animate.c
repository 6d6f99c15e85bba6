/* cmd_animate.c — frontline animate: the maps of an archive as an animated GIF, one frame per
 * version (or per day), each drawn by the map renderer with its date as the title. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char animate_help[] =
    "usage: frontline animate FILE...|DIR -o OUT.gif [--daily] [--delay MS]\n"
    "                         [--region CODE | --bbox W,S,E,N] [--width PX] [--no-labels]\n"
    "                         [--places CSV] [--regions SHP] [--profile FILE]\n"
    "                         [--snap-km KM] [--water FILE|none] [--level L]\n"
    "An animated GIF of the maps of an archive in time order: one frame per version (with\n"
    "--daily, the last version of each UTC day), drawn as `frontline render` draws them, the\n"
    "date and time as the title. Each frame is shown --delay milliseconds (default 500); the\n"
    "animation loops. --width defaults to 800 pixels.\n";

/* The UTC day of a time, as a number. */
static long day_of(int64_t t) { return (long)((t >= 0 ? t : t - 86399) / 86400); }

static int add_frame(session *s, const options *o, fl_animation *anim, const fl_snapshot *snap)
{
    char when[32], title[96];
    fl_time_format(fl_snapshot_time(snap), when, sizeof when);
    snprintf(title, sizeof title, "%.10s %.5s UTC", when, when[0] ? when + 11 : "");
    fl_render_options ro = {.width = o->width ? o->width : 800, .region = o->region,
                            .no_labels = o->no_labels, .places = s->places, .title = title,
                            .front_tolerance_km = o->tolerance_km};
    if (o->has_bbox)
        memcpy(ro.bbox, o->bbox, sizeof ro.bbox);
    fl_render *r = NULL;
    int rc = fl_render_new(s->ctx, snap, NULL, s->regions, &ro, &r) ||
             fl_animation_add(s->ctx, anim, r);
    fl_render_free(r);
    return rc ? fail(s->ctx) : 0;
}

/* Adds the frames: every snapshot, or with --daily the last of each day. */
static int add_frames(session *s, const options *o, const paths *p, fl_animation *anim)
{
    fl_snapshot *pending = NULL;
    int rc = 0;
    for (size_t i = 0, n; i < p->n && !rc; i += n) {
        fl_snapshot *snap = NULL;
        n = version_files(p, i);
        if ((rc = open_snapshot(s, o, (const char *const *)p->v + i, (int)n, &snap)))
            break;
        if (fl_snapshot_time(snap) == FL_TIME_UNKNOWN)
            rc = fail_msg("%s: no time in the file name (a frame needs its date)", p->v[i]);
        else if (pending && (!o->daily || day_of(fl_snapshot_time(pending)) !=
                                              day_of(fl_snapshot_time(snap))))
            rc = add_frame(s, o, anim, pending);
        fl_snapshot_close(pending);
        pending = snap;
    }
    if (!rc && pending)
        rc = add_frame(s, o, anim, pending);
    fl_snapshot_close(pending);
    return rc;
}

int cmd_animate(int argc, char **argv)
{
    options o;
    session s = {0};
    paths p = {0};
    fl_animation *anim = NULL;
    int rc = parse_options(argc, argv, &o, "animate", animate_help);
    if (rc)
        return rc;
    if (o.help || o.nargs < 1 || !o.output) {
        fputs(animate_help, o.help ? stdout : stderr);
        return o.help ? 0 : 2;
    }
    if (o.region && o.has_bbox)
        return fail_msg("animate: give --region or --bbox, not both");
    if (!(rc = collect_snapshots(o.args, o.nargs, &p)) && !(rc = session_open(&s, &o, true, true))) {
        if (fl_animation_new(s.ctx, o.output, o.delay_ms, &anim))
            rc = fail(s.ctx);
        if (!rc)
            rc = add_frames(&s, &o, &p, anim);
        if (!rc && fl_animation_finish(s.ctx, anim))
            rc = fail(s.ctx);
        if (!rc)
            fprintf(stderr, "%s: %d frames\n", o.output, fl_animation_count(anim));
        fl_animation_free(anim);
    }
    session_close(&s);
    paths_free(&p);
    return rc;
}
