/* sides.c — statuses mapped to sides, and a map's sides as a map of its own.
 *
 * A profile says who holds the ground of each status (`side=`): Russia (RU), Ukraine (UA) or
 * neither (no side: contested, an unconfirmed advance, a claim). Two sources name their
 * statuses differently (DeepStateMap's occupied, contested, liberated; ISW's occupied,
 * advance, claimed_ru, claimed_ua), but both say whose each status is, so they can be put
 * side by side once each is mapped to sides.
 *
 * The sides of a map are a map too, with three statuses: RU, none (the two drawn, in that
 * order) and UA (the default: the shipped profiles' default status, e.g. free, is
 * Ukraine's). Each drawn side is the union of the map's exclusive layers (after precedence)
 * whose status has that side; a map whose default status is not UA's draws its uncovered
 * territory too. The layers are exclusive, so the sides are, whatever order they come in.
 * Ground of a UA status (drawn or uncovered) is what the sides' map leaves uncovered in the
 * territory: its default. The sides are not clipped to the territory: the diff cuts by the
 * territory's border itself (windows.c), and a clipped side's border would run within
 * slivers of it, which noding and labelling faces cannot tell apart. */
#include "internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const side_names[FL_SIDES] = {
    [FL_SIDE_RU] = "RU", [FL_SIDE_NONE] = "none", [FL_SIDE_UA] = "UA"};

/* The sides' map's statuses, by side (index = side; "none" is a reserved status name). */
static const char *const side_statuses[FL_SIDES] = {
    [FL_SIDE_RU] = "status RU side=RU colour=#A52714",
    [FL_SIDE_NONE] = "status no_side side= colour=#9E9E9E",
    [FL_SIDE_UA] = "default UA side=UA colour=#F3F0E6"};

const char *fl_side_name(int side)
{
    return side >= 0 && side < FL_SIDES ? side_names[side] : "invalid";
}

int fl_profile_side(const fl_profile *p, int status)
{
    if (status < 0 || status >= fl_profile_status_count(p))
        return -1;
    const char *side = fl_profile_status_side(p, status);
    if (!*side)
        return FL_SIDE_NONE;
    for (int s = 0; s < FL_SIDES; s++)
        if (s != FL_SIDE_NONE && !strcmp(side, side_names[s]))
            return s;
    return -1;
}

int fl_sides_check(fl_ctx *ctx, const fl_snapshot *s)
{
    for (int st = 0; st < s->nstatus; st++)
        if (fl_profile_side(s->profile, st) < 0)
            return fl_error(ctx, FL_EPROFILE, "%s: status '%s' has side '%s': sides are RU, UA "
                            "or none (side= left empty)", s->path,
                            fl_profile_status_name(s->profile, st), fl_profile_status_side(s->profile, st));
    return FL_OK;
}

int fl_sides_profile(fl_ctx *ctx, fl_profile **out)
{
    int rc = fl_profile_of_statuses(ctx, "sides", side_statuses, FL_SIDES, out);
    for (int s = 0; !rc && s < FL_SIDES; s++)
        assert(fl_profile_side(*out, s) == s); /* status index = side */
    return rc;
}

/* The union of the layers of s whose status has side `side`, as drawn; a default status of
 * that side adds the territory no layer covers. */
static GEOSGeometry *side_union(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r, int side)
{
    GEOSGeometry **g = fl_calloc(ctx, (size_t)s->nstatus, sizeof *g);
    size_t n = 0;
    int rc = g ? FL_OK : FL_ENOMEM, last = s->nstatus - 1;
    for (int st = 0; !rc && st < s->nstatus; st++) {
        if (fl_profile_side(s->profile, st) != side)
            continue;
        g[n] = st < last ? GEOSGeom_clone_r(ctx->geos, s->layer[st])
                         : fl_difference(ctx, r->territory, s->cache->cover);
        if (!g[n++])
            rc = st < last ? fl_geos_error(ctx, "copying a layer") : ctx->err;
    }
    GEOSGeometry *u = rc ? NULL : fl_union_all(ctx, g, n);
    for (size_t i = 0; rc && i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(ctx->geos, g[i]);
    free(g);
    return u;
}

int fl_sides_snapshot(fl_ctx *ctx, const fl_snapshot *s, const fl_regions *r,
                      const fl_profile *sides, fl_snapshot **out)
{
    *out = NULL;
    int rc = fl_sides_check(ctx, s);
    if (!rc)
        rc = fl_snapshot_normalise(ctx, s);
    GEOSGeometry *drawn[2] = {NULL, NULL};
    const int status[2] = {FL_SIDE_RU, FL_SIDE_NONE};
    for (int i = 0; i < 2 && !rc; i++)
        if (!(drawn[i] = side_union(ctx, s, r, status[i])))
            rc = ctx->err;
    if (rc) {
        if (drawn[0])
            GEOSGeom_destroy_r(ctx->geos, drawn[0]);
        return rc;
    }
    rc = fl_snapshot_of_polygons(ctx, s->path, sides, drawn, status, 2, out);
    if (!rc)
        (*out)->time = s->time;
    return rc;
}
