/* canvas.h — what the map (render.c) and the chart (chart.c) share: a cairo surface written
 * atomically as PNG, SVG or PDF by the output's extension, fonts set up so that text measures
 * the same on every surface, text with a halo, colours, and the number and date formats of
 * the pictures. */
#ifndef FL_CANVAS_H
#define FL_CANVAS_H

#include "internal.h"

#include <cairo.h>

typedef enum { FL_CANVAS_PNG, FL_CANVAS_SVG, FL_CANVAS_PDF } fl_canvas_kind;

typedef struct fl_canvas {
    fl_canvas_kind kind;
    cairo_surface_t *surface;
    cairo_t *cr;
    fl_output out;
    double width, height; /* pixels (PNG) or points (SVG, PDF) */
} fl_canvas;

/* The kind of picture a path names by its extension (.png, .svg, .pdf; case-insensitive);
 * -1 with an FL_EARG message on ctx for anything else. */
int fl_canvas_kind_of(fl_ctx *ctx, const char *path);
/* Opens a canvas of width × height writing to path (atomically, see output.c); title goes
 * into the PDF's metadata. The context has the picture fonts set (fl_canvas_font). */
int fl_canvas_open(fl_ctx *ctx, fl_canvas *c, const char *path, double width, double height,
                   const char *title);
/* Finishes the picture and renames it into place; with failed, removes it. */
int fl_canvas_close(fl_ctx *ctx, fl_canvas *c, bool failed);

/* A context on a tiny image surface for measuring text before a canvas exists; the same font
 * options as every canvas (no hinting), so layouts agree across PNG, SVG and PDF. */
cairo_t *fl_canvas_measurer(void);
/* Selects the picture font (DejaVu Sans) at size, regular or bold, with unhinted metrics. */
void fl_canvas_font(cairo_t *cr, double size, bool bold);
double fl_canvas_text_width(cairo_t *cr, const char *text);
/* Selects the font at size, or smaller (down to 70 %) for text to fit in width. */
void fl_canvas_fit_font(cairo_t *cr, const char *text, double size, bool bold, double width);

typedef struct fl_rgb {
    double r, g, b;
} fl_rgb;
/* "#RRGGBB" (or "RRGGBB"); grey when malformed. */
fl_rgb fl_rgb_parse(const char *hex);
/* c mixed with black: t = 0 gives c, t = 1 black. */
fl_rgb fl_rgb_darken(fl_rgb c, double t);
void fl_canvas_set_rgb(cairo_t *cr, fl_rgb c, double alpha);

typedef enum { FL_ALIGN_LEFT, FL_ALIGN_CENTRE, FL_ALIGN_RIGHT } fl_align;
/* Draws text with its baseline at y, aligned on x; with halo > 0, first a white outline of
 * that width (line joins round) so that it reads on any fill. */
void fl_canvas_text(cairo_t *cr, double x, double y, const char *text, fl_align align,
                    fl_rgb colour, double halo);

/* 1234567.89 -> "1,234,567.9" (decimals digits after the point). */
char *fl_format_number(char *buf, size_t size, double v, int decimals);
/* "30 Sep 2022, 08:26 UTC"; the seconds are left out. "" when unknown. */
char *fl_format_time(char *buf, size_t size, int64_t t);

/* palette.c: the n pixels px (xRGB) as indices into a palette of at most 256 colours (the
 * most used ones, exact; the others drawn as their nearest). */
int fl_palette_reduce(fl_ctx *ctx, const uint32_t *px, size_t n, uint8_t *index,
                      uint32_t palette[256], int *ncolours);
/* render_draw.c: draws the map r on cr (a surface of fl_render_size). */
void fl_render_draw(fl_ctx *ctx, const fl_render *r, cairo_t *cr);

#endif
