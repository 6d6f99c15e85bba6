/* report.c — the pieces every JSON document of the library is made of, and the one document
 * that is no analysis (fl_snapshot_info_json). json-c's adders keep a value they fail to add
 * (a leak) and say nothing when out of memory; fl_json_object_add and fl_json_array_add free
 * it and mark the container, and fl_json_out refuses a marked document, so a report is whole
 * or an error, never silently short. Numbers carry a fixed number of decimals (km²: 6, 1 m²),
 * times are ISO 8601 UTC. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A container that failed to take a value is marked with itself as its user data (lib/ gives
 * containers no other). */
static int json_add_failed(json_object *container, json_object *v)
{
    json_object_put(v);
    if (container)
        json_object_set_userdata(container, container, NULL);
    else /* the container failed to be made: whoever adds it next must see a failure, even
          * when successful adds into other objects cleared errno in between */
        errno = ENOMEM;
    return -1;
}

int fl_json_object_add(json_object *o, const char *key, json_object *v)
{
    if (!o || (!v && errno == ENOMEM) || json_object_object_add(o, key, v))
        return json_add_failed(o, v);
    errno = 0; /* a later NULL value with ENOMEM is then a new failure */
    return 0;
}

int fl_json_array_add(json_object *a, json_object *v)
{
    if (!a || (!v && errno == ENOMEM) || json_object_array_add(a, v))
        return json_add_failed(a, v);
    errno = 0;
    return 0;
}

bool fl_json_failed(json_object *o)
{
    if (o && json_object_get_userdata(o) == o)
        return true;
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, v)
        {
            (void)key;
            if (fl_json_failed(v))
                return true;
        }
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            if (fl_json_failed(json_object_array_get_idx(o, i)))
                return true;
    }
    return false;
}

const char *fl_json_string(json_object *o)
{
    /* json-c's serialiser drops a piece it has no memory to append and goes on: only errno,
     * set by the failed realloc, tells */
    errno = 0;
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    return errno == ENOMEM ? NULL : s;
}

int fl_json_out(fl_ctx *ctx, json_object *doc, char **json)
{
    if (!doc || fl_json_failed(doc)) {
        json_object_put(doc);
        return fl_error(ctx, FL_ENOMEM, "out of memory building JSON");
    }
    const char *s = fl_json_string(doc);
    *json = s ? fl_utf8_repair(s) : NULL; /* never invalid UTF-8 (docs/safety.md) */
    json_object_put(doc);
    if (!*json)
        return fl_error(ctx, FL_ENOMEM, "out of memory serialising JSON");
    return FL_OK;
}

json_object *fl_json_num(double v, int decimals)
{
    /* json-c prints doubles with 17 significant digits ("626.60000000000002"); reports carry
     * a fixed number of decimals instead. NaN and infinities have no JSON form: null. */
    assert(decimals >= 0 && decimals <= 9);
    if (!isfinite(v))
        return NULL;
    char text[400]; /* %.9f of DBL_MAX is 319 characters */
    snprintf(text, sizeof text, "%.*f", decimals, v);
    return json_object_new_double_s(v, text);
}

json_object *fl_json_km2(double km2) { return fl_json_num(km2, 6); }

json_object *fl_json_time(int64_t t)
{
    char buf[32];
    return t == FL_TIME_UNKNOWN ? NULL : json_object_new_string(fl_time_format(t, buf, sizeof buf));
}

json_object *fl_counts_json(const fl_counts *c)
{
    json_object *o = json_object_new_object();
    fl_json_object_add(o, "total", json_object_new_int64(c->total));
    fl_json_object_add(o, "classified", json_object_new_int64(c->classified));
    fl_json_object_add(o, "ignored", json_object_new_int64(c->ignored));
    fl_json_object_add(o, "unclassified", json_object_new_int64(c->unclassified));
    fl_json_object_add(o, "no_polygon", json_object_new_int64(c->no_polygon));
    fl_json_object_add(o, "repaired", json_object_new_int64(c->repaired));
    return o;
}

json_object *fl_head_json(const char *path, int64_t time)
{
    json_object *o = json_object_new_object();
    fl_json_object_add(o, "file", json_object_new_string(path));
    fl_json_object_add(o, "time", fl_json_time(time));
    return o;
}

json_object *fl_snapshot_head_json(const fl_snapshot *s)
{
    return fl_head_json(s->path, s->time);
}

int fl_snapshot_info_json(fl_ctx *ctx, const fl_snapshot *s, const char *source, bool fits,
                          const fl_regions *regions, char **json)
{
    *json = NULL;
    long outside = regions ? fl_snapshot_outside(ctx, s, regions) : 0;
    if (outside < 0)
        return ctx->err;
    json_object *doc = json_object_new_object(), *by = json_object_new_object();
    json_object *bounds = json_object_new_array();
    double b[4];
    fl_snapshot_bounds(s, b);
    fl_json_object_add(doc, "file", json_object_new_string(fl_snapshot_path(s)));
    fl_json_object_add(doc, "kind", json_object_new_string(fl_snapshot_kind(s)));
    if (source) {
        fl_json_object_add(doc, "profile", json_object_new_string(source));
        fl_json_object_add(doc, "profile_fits", json_object_new_boolean(fits));
    }
    fl_json_object_add(doc, "time", fl_json_time(s->time));
    for (int i = 0; i < 4; i++)
        fl_json_array_add(bounds, fl_json_num(b[i], 6));
    fl_json_object_add(doc, "bounds", bounds);
    fl_json_object_add(doc, "features", fl_counts_json(&s->counts));
    for (int i = 0; i < s->nstatus - 1; i++)
        fl_json_object_add(by, fl_profile_status_name(s->profile, i),
                           json_object_new_int64(s->status_features[i]));
    fl_json_object_add(doc, "by_status", by);
    if (regions)
        fl_json_object_add(doc, "outside_territory", json_object_new_int64(outside));
    return fl_json_out(ctx, doc, json);
}
