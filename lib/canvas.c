/* canvas.c — cairo surfaces for pictures (PNG, SVG, PDF by extension), written atomically;
 * fonts, text with halos, colours and the number and date formats the pictures share. */
#include "canvas.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int fl_canvas_kind_of(fl_ctx *ctx, const char *path)
{
    if (path && fl_has_ext(path, ".png"))
        return FL_CANVAS_PNG;
    if (path && fl_has_ext(path, ".svg"))
        return FL_CANVAS_SVG;
    if (path && fl_has_ext(path, ".pdf"))
        return FL_CANVAS_PDF;
    fl_error(ctx, FL_EARG, "%s: a picture must be named .png, .svg or .pdf", path ? path : "(null)");
    return -1;
}

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int n)
{
    return fwrite(data, 1, n, closure) == n ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

int fl_canvas_open(fl_ctx *ctx, fl_canvas *c, const char *path, double width, double height,
                   const char *title)
{
    *c = (fl_canvas){.width = width, .height = height};
    int kind = fl_canvas_kind_of(ctx, path);
    if (kind < 0)
        return ctx->err;
    if (!(width >= 1 && height >= 1 && width <= 32767 && height <= 32767))
        return fl_error(ctx, FL_EARG, "%s: a picture of %.0f x %.0f is out of range "
                        "(1 .. 32767)", path, width, height);
    c->kind = (fl_canvas_kind)kind;
    int rc = fl_output_open(ctx, &c->out, path);
    if (rc)
        return rc;
    switch (c->kind) {
    case FL_CANVAS_PNG:
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width),
                                                (int)ceil(height));
        break;
    case FL_CANVAS_SVG:
        c->surface = cairo_svg_surface_create_for_stream(write_stream, c->out.f, width, height);
        break;
    case FL_CANVAS_PDF:
        c->surface = cairo_pdf_surface_create_for_stream(write_stream, c->out.f, width, height);
        if (cairo_surface_status(c->surface) == CAIRO_STATUS_SUCCESS) {
            cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
            cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR,
                                           "frontline " FRONTLINE_VERSION);
        }
        break;
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        rc = fl_error(ctx, FL_ENOMEM, "%s: cannot create a %.0f x %.0f picture: %s", path, width,
                      height, cairo_status_to_string(cairo_status(c->cr)));
        cairo_destroy(c->cr);
        cairo_surface_destroy(c->surface);
        c->cr = NULL;
        c->surface = NULL;
        fl_output_close(ctx, &c->out, true);
        return rc;
    }
    font_options(c->cr);
    fl_canvas_font(c->cr, 12, false);
    return FL_OK;
}

int fl_canvas_close(fl_ctx *ctx, fl_canvas *c, bool failed)
{
    if (!c->cr)
        return FL_OK;
    cairo_status_t st = cairo_status(c->cr);
    cairo_destroy(c->cr);
    c->cr = NULL;
    if (!failed && st == CAIRO_STATUS_SUCCESS && c->kind == FL_CANVAS_PNG)
        st = cairo_surface_write_to_png_stream(c->surface, write_stream, c->out.f);
    cairo_surface_finish(c->surface); /* SVG and PDF are written out here */
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(c->surface);
    cairo_surface_destroy(c->surface);
    c->surface = NULL;
    int rc = FL_OK;
    if (!failed && st != CAIRO_STATUS_SUCCESS) {
        rc = fl_error(ctx, st == CAIRO_STATUS_NO_MEMORY ? FL_ENOMEM : FL_EIO, "%s: %s",
                      c->out.path, cairo_status_to_string(st));
        failed = true;
    }
    int rc2 = fl_output_close(ctx, &c->out, failed);
    return rc ? rc : rc2;
}

cairo_t *fl_canvas_measurer(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_surface_destroy(s); /* the context keeps a reference */
    font_options(cr);
    fl_canvas_font(cr, 12, false);
    return cr;
}

void fl_canvas_font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void fl_canvas_fit_font(cairo_t *cr, const char *text, double size, bool bold, double width)
{
    fl_canvas_font(cr, size, bold);
    double w = fl_canvas_text_width(cr, text);
    if (w > width && width > 0)
        fl_canvas_font(cr, size * fmax(0.7, width / w), bold);
}

double fl_canvas_text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, text, &e);
    return e.x_advance;
}

static int hexdigit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

fl_rgb fl_rgb_parse(const char *hex)
{
    fl_rgb grey = {0.5, 0.5, 0.5};
    if (!hex)
        return grey;
    if (*hex == '#')
        hex++;
    int v[6];
    for (int i = 0; i < 6; i++)
        if ((v[i] = hexdigit(hex[i])) < 0)
            return grey;
    if (hex[6])
        return grey;
    return (fl_rgb){(v[0] * 16 + v[1]) / 255.0, (v[2] * 16 + v[3]) / 255.0,
                    (v[4] * 16 + v[5]) / 255.0};
}

fl_rgb fl_rgb_darken(fl_rgb c, double t)
{
    return (fl_rgb){c.r * (1 - t), c.g * (1 - t), c.b * (1 - t)};
}

void fl_canvas_set_rgb(cairo_t *cr, fl_rgb c, double alpha)
{
    if (alpha >= 1)
        cairo_set_source_rgb(cr, c.r, c.g, c.b);
    else
        cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void fl_canvas_text(cairo_t *cr, double x, double y, const char *text, fl_align align,
                    fl_rgb colour, double halo)
{
    if (align != FL_ALIGN_LEFT) {
        double w = fl_canvas_text_width(cr, text);
        x -= align == FL_ALIGN_CENTRE ? w / 2 : w;
    }
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_move_to(cr, x, y);
    if (halo > 0) {
        cairo_text_path(cr, text);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_width(cr, halo);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
        cairo_stroke_preserve(cr);
        fl_canvas_set_rgb(cr, colour, 1);
        cairo_fill(cr);
    } else {
        fl_canvas_set_rgb(cr, colour, 1);
        cairo_show_text(cr, text);
    }
    cairo_restore(cr);
}

char *fl_format_number(char *buf, size_t size, double v, int decimals)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
    if (!strcmp(digits, "inf") || !strcmp(digits, "nan")) {
        snprintf(buf, size, "%s", digits);
        return buf;
    }
    const char *dot = strchr(digits, '.');
    size_t whole = dot ? (size_t)(dot - digits) : strlen(digits);
    char out[96];
    size_t k = 0;
    bool zero = strspn(digits, "0.") == strlen(digits);
    if (v < 0 && !zero)
        out[k++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i && (whole - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    snprintf(out + k, sizeof out - k, "%s", dot ? dot : "");
    snprintf(buf, size, "%s", out);
    return buf;
}

char *fl_format_time(char *buf, size_t size, int64_t t)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    time_t tt = (time_t)t;
    if (t == FL_TIME_UNKNOWN || !gmtime_r(&tt, &tm)) {
        if (size)
            *buf = '\0';
        return buf;
    }
    snprintf(buf, size, "%d %s %d, %02d:%02d UTC", tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    return buf;
}
