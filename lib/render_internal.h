/* render_internal.h — what the files of a map share: the render, its parts and the steps
 * that make it (render.c: fl_render_new and geometry; render_layout.c: projection, boxes
 * and legend rows; render_labels.c: markers and label placement; render_inset.c: the
 * detail map; render_draw.c: drawing with cairo; render_json.c: fl_render_json). */
#ifndef FL_RENDER_INTERNAL_H
#define FL_RENDER_INTERNAL_H

#include "canvas.h"
#include "diff.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WIDTH 1600
#define DEFAULT_ATTRIBUTION "Data: DeepStateMap; boundaries: © OpenStreetMap contributors (ODbL), " \
                            "Natural Earth; places: GeoNames"
/* Changed pieces from this area on get a halo (smaller ones are overlay slivers). */
#define HALO_MIN_KM2 0.25

/* ---- transitions, by what they mean for control ---------------------------------------- */

enum { C_LEFT_FRONT, C_INTO_NOSIDE, C_OUT_OF_NOSIDE, C_NEW_FRONT, C_CHANGED_SIDE, C_RELABEL,
       NCLASS };

static const struct {
    const char *key, *colour;
} classes[NCLASS] = {
    [C_LEFT_FRONT] = {"left_occupation", "#1565C0"},
    [C_INTO_NOSIDE] = {"became_contested", "#FFD000"},
    [C_OUT_OF_NOSIDE] = {"left_contested", "#4FC3F7"},
    [C_NEW_FRONT] = {"newly_occupied", "#FF6D00"},
    [C_CHANGED_SIDE] = {"changed_side", "#AA00FF"},
    [C_RELABEL] = {"relabelled", "#555555"},
};


/* ---- the render ---------------------------------------------------------------------- */

typedef struct box {
    double x0, y0, x1, y1;
} box;

typedef struct label {
    char *text;
    double x, y; /* baseline start */
    double size;
    bool bold;
    fl_rgb colour;
    bool leader;
    double ax, ay, lx, ly; /* leader line from (ax, ay) to (lx, ly) */
} label;

typedef struct mark {
    int place;
    double x, y;
    int status, from, to; /* from = to when unchanged */
    int cls;              /* transition class, or -1 for an unchanged place */
    bool labelled;        /* on this map, or in the inset for a place in the focus */
    bool in_focus;        /* shown in the inset instead */
    char *name, *id;      /* the place's, copied (the render outlives the places) */
    double lat, lon;
} mark;

typedef enum { ROW_HEADER, ROW_STATUS, ROW_FRONT, ROW_CLASS, ROW_TRANSITION, ROW_NOTE,
               ROW_PLACE } row_kind;

typedef struct legend_row {
    row_kind kind;
    char *left, *right, *extra; /* texts */
    fl_rgb colour;
    int cls;
    double y; /* baseline */
} legend_row;

typedef struct transition_entry {
    int from, to, cls;
    double km2;
} transition_entry;

struct fl_render {
    fl_ctx *ctx; /* made with it; fl_render_free frees with it */
    double width, height, u;
    box map, side;
    double view[4];
    char proj_def[256];
    PJ *pj;
    double ext[4];  /* projected metres shown in the map box: x0, y0, x1, y1 */
    double scale;   /* picture units per metre */
    char *title, *subtitle, *attribution, *footer, *scope;
    const fl_profile *profile;
    int nstatus;
    fl_rgb *status_rgb;
    double *status_km2, scope_km2;
    bool has_diff;
    GEOSGeometry *territory, *borders, *front; /* picture coordinates */
    GEOSGeometry *scope_line;                   /* the outline of the region zoomed on */
    GEOSGeometry **fill;                        /* per drawn status (nstatus - 1) */
    GEOSGeometry *cls_fill[NCLASS]; /* changed ground by class, picture coordinates */
    GEOSGeometry *cls_halo[NCLASS]; /* the part of it in pieces large enough for a halo */
    int ntrans;
    transition_entry *trans;
    double outside_km2, front_km;
    int nmarks;
    mark *marks;
    const fl_places *places_src; /* only for JSON names; copied below */
    size_t capmarks;
    int nlabels;
    label *labels;
    int nrows;
    legend_row *rows;
    double scale_km, scale_px;
    box scale_box;
    /* a detail map of the densest cluster of changed places, drawn over a corner of the map;
     * the focus is the area it shows, outlined on this map */
    bool is_inset;
    fl_render *inset;
    box focus;
    char *caption; /* of an inset: "Around Lyman" */
};

/* What GEOS' transform and qsort_r hand their callbacks: the const objects they read, behind
 * a pointer to this (their user data is not const). */
typedef struct const_data {
    const void *p;
} const_data;

/* ---- steps, by file ----------------------------------------------------------------- */

/* render.c */
/* The class of a transition from -> to (profile statuses), by the statuses' sides: the front
 * status' side is the occupier's (DeepState: occupied -> RU). */
int render_transition_class(const fl_profile *p, int from, int to);
char *render_xasprintf(fl_ctx *ctx, const char *fmt, ...) FL_PRINTF(2, 3);
const char *render_base_name(const char *path);
void render_destroy(fl_ctx *ctx, GEOSGeometry *g);
bool render_boxes_overlap(const box *a, const box *b);
bool render_box_inside(const box *in, const box *out);
int render_make_geometry(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
                         const fl_regions *reg, const fl_diff *d, double tolerance_km, int region);
int render_check_options(fl_ctx *ctx, const fl_render_options *o, const fl_regions *reg,
                         int *region);
int render_layout(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_regions *reg,
                  int region, const fl_snapshot *shown, const box *inset_box);
int render_legend_figures(fl_ctx *ctx, fl_render *r, const fl_snapshot *shown,
                          const fl_regions *reg, int region, const fl_diff *d);
int render_titles(fl_ctx *ctx, fl_render *r, const fl_render_options *o, const fl_snapshot *a,
                  const fl_snapshot *b, const fl_regions *reg, int region);

/* render_layout.c */
bool render_project(const fl_render *r, double lon, double lat, double *x, double *y);
int render_make_projection(fl_ctx *ctx, fl_render *r);
int render_projected_extent(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g, double ext[4]);
GEOSGeometry *render_bbox_polygon(fl_ctx *ctx, const double b[4]);
GEOSGeometry *render_to_view(fl_ctx *ctx, const fl_render *r, const GEOSGeometry *g,
                             const double lonlat_clip[4]);
void render_view_lonlat(fl_ctx *ctx, const fl_render *r, double out[4]);
void render_upper_ascii(char *s);
int render_build_legend(fl_ctx *ctx, fl_render *r, const fl_snapshot *a, const fl_snapshot *b);
double render_layout_legend(fl_render *r);

/* render_labels.c */
/* Whether place i changed status from sa[i] to sb[i], both within the territory, and lies on
 * the map; its picture position in *x, *y. */
bool render_changed_on_map(const fl_render *r, const fl_places *p, const int *sa,
                           const int *sb, int i, double *x, double *y);
double render_population(const fl_places *p, int i);
double render_mark_radius(const fl_render *r, const mark *m);
int render_place_marks(fl_ctx *ctx, fl_render *r, const fl_render_options *o,
                       const fl_regions *reg, const int *sa, const int *sb, cairo_t *m);

/* render_draw.c: fl_render_draw (canvas.h) */

#endif
