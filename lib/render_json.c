/* render_json.c — fl_render_json: what a map shows, as JSON (legend figures and the
 * picture position of every place drawn). */
#include "render_internal.h"

/* ---- JSON ---------------------------------------------------------------------------- */

static json_object *hex_json(fl_rgb c)
{
    char s[8];
    snprintf(s, sizeof s, "#%02X%02X%02X", (int)lround(c.r * 255), (int)lround(c.g * 255),
             (int)lround(c.b * 255));
    return json_object_new_string(s);
}

static json_object *numbers_json(const double *v, int n, int decimals)
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < n; i++)
        fl_json_array_add(a, fl_json_num(v[i], decimals));
    return a;
}

int fl_render_json(fl_ctx *ctx, const fl_render *r, char **json)
{
    const fl_profile *p = r->profile;
    json_object *doc = json_object_new_object();
    fl_json_object_add(doc, "width", json_object_new_int((int)ceil(r->width)));
    fl_json_object_add(doc, "height", json_object_new_int((int)ceil(r->height)));
    fl_json_object_add(doc, "title", json_object_new_string(r->title));
    fl_json_object_add(doc, "projection", json_object_new_string(r->proj_def));
    fl_json_object_add(doc, "view", numbers_json(r->view, 4, 6));
    double mb[4] = {r->map.x0, r->map.y0, r->map.x1, r->map.y1};
    fl_json_object_add(doc, "map", numbers_json(mb, 4, 2));
    fl_json_object_add(doc, "scope", json_object_new_string(r->scope));
    fl_json_object_add(doc, "scope_km2", fl_json_km2(r->scope_km2));
    json_object *st = json_object_new_array();
    for (int s = 0; s < r->nstatus; s++) {
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(p, s)));
        fl_json_object_add(o, "colour", hex_json(r->status_rgb[s]));
        fl_json_object_add(o, "km2", fl_json_km2(r->status_km2[s]));
        fl_json_object_add(o, "share", fl_json_num(r->scope_km2 > 0 ? r->status_km2[s] /
                                                       r->scope_km2 : 0, 8));
        fl_json_array_add(st, o);
    }
    fl_json_object_add(doc, "statuses", st);
    json_object *tr = json_object_new_array();
    for (int i = 0; i < r->ntrans; i++) {
        const transition_entry *t = &r->trans[i];
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "status_from", json_object_new_string(fl_profile_status_name(p, t->from)));
        fl_json_object_add(o, "status_to", json_object_new_string(fl_profile_status_name(p, t->to)));
        fl_json_object_add(o, "km2", fl_json_km2(t->km2));
        fl_json_object_add(o, "class", json_object_new_string(classes[t->cls].key));
        fl_json_object_add(o, "colour", json_object_new_string(classes[t->cls].colour));
        fl_json_array_add(tr, o);
    }
    fl_json_object_add(doc, "transitions", tr);
    fl_json_object_add(doc, "outside_km2", fl_json_km2(r->outside_km2));
    fl_json_object_add(doc, "front_km", fl_json_num(r->front_km, 3));
    fl_json_object_add(doc, "scale_km", fl_json_num(r->scale_km, 3));
    json_object *pl = json_object_new_array();
    for (int i = 0; i < r->nmarks; i++) {
        const mark *m = &r->marks[i];
        json_object *o = json_object_new_object();
        fl_json_object_add(o, "id", json_object_new_string(r->marks[i].id));
        fl_json_object_add(o, "name", json_object_new_string(r->marks[i].name));
        fl_json_object_add(o, "lat", fl_json_num(r->marks[i].lat, 6));
        fl_json_object_add(o, "lon", fl_json_num(r->marks[i].lon, 6));
        fl_json_object_add(o, "x", fl_json_num(m->x, 2));
        fl_json_object_add(o, "y", fl_json_num(m->y, 2));
        fl_json_object_add(o, "status", json_object_new_string(fl_profile_status_name(p, m->status)));
        if (m->cls >= 0) {
            fl_json_object_add(o, "status_from", json_object_new_string(fl_profile_status_name(p, m->from)));
            fl_json_object_add(o, "status_to", json_object_new_string(fl_profile_status_name(p, m->to)));
            fl_json_object_add(o, "class", json_object_new_string(classes[m->cls].key));
        }
        fl_json_object_add(o, "labelled", json_object_new_boolean(m->labelled));
        fl_json_object_add(o, "inset", json_object_new_boolean(m->in_focus));
        fl_json_array_add(pl, o);
    }
    fl_json_object_add(doc, "places", pl);
    json_object *inset = NULL;
    if (r->inset) {
        inset = json_object_new_object();
        fl_json_object_add(inset, "caption", json_object_new_string(r->inset->caption));
        fl_json_object_add(inset, "view", numbers_json(r->inset->view, 4, 6));
        double ib[4] = {r->inset->map.x0, r->inset->map.y0, r->inset->map.x1, r->inset->map.y1};
        fl_json_object_add(inset, "map", numbers_json(ib, 4, 2));
        double fb[4] = {r->focus.x0, r->focus.y0, r->focus.x1, r->focus.y1};
        fl_json_object_add(inset, "focus", numbers_json(fb, 4, 2));
    }
    fl_json_object_add(doc, "inset", inset);
    return fl_json_out(ctx, doc, json);
}
