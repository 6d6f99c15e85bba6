/* animation.c — maps drawn by the renderer, one frame each, as an animated GIF (giflib).
 *
 * Every frame is a map (fl_render) drawn on an RGB image of the first frame's size (a later
 * frame whose legend makes it taller is cut at that size, a shorter one padded white; the
 * view, hence the map itself, is the same when the frames share their options). Each frame
 * is reduced to 256 colours with a colour table of its own, its most used colours exact
 * (palette.c: the status fills, the background and the text keep their colours), and written
 * as soon as it is added: memory holds one frame, however many
 * there are. The file loops for ever (the NETSCAPE2.0 extension browsers honour), each frame
 * shown for the delay given. It is written under a temporary name and renamed into place
 * by fl_animation_finish (output.c); fl_animation_free without it leaves nothing behind.
 */
#include "canvas.h"

#include <fcntl.h>
#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fl_animation {
    fl_ctx *ctx;         /* that made it (fl_animation_free unregisters its temp file) */
    char *path, *tmp;
    char *target; /* path with its links followed (output.c) */
    bool registered; /* tmp made and registered on the context */
    int delay_cs;        /* centiseconds per frame */
    GifFileType *gif;    /* opened at the first frame, whose size it takes */
    int width, height, frames;
    uint32_t *px;        /* a frame's pixels, xRGB, width × height */
    uint8_t *index;      /* their palette indices */
};

static int gif_error(fl_ctx *ctx, const fl_animation *a, int code)
{
    return fl_error(ctx, code == E_GIF_ERR_NOT_ENOUGH_MEM ? FL_ENOMEM : FL_EIO, "%s: %s",
                    a->path, GifErrorString(code));
}

int fl_animation_new(fl_ctx *ctx, const char *path, int delay_ms, fl_animation **out)
{
    *out = NULL;
    if (!path || !fl_has_ext(path, ".gif"))
        return fl_error(ctx, FL_EARG, "%s: an animation is written as .gif", path ? path : "");
    if (delay_ms < 20 || delay_ms > 60000)
        return fl_error(ctx, FL_EARG, "%s: a frame delay of %d ms is out of range (20 .. "
                        "60000)", path, delay_ms);
    fl_animation *a = fl_calloc(ctx, 1, sizeof *a);
    if (!a)
        return FL_ENOMEM;
    a->ctx = ctx;
    a->delay_cs = (delay_ms + 5) / 10;
    a->path = fl_strdup(ctx, path);
    a->target = a->path ? fl_output_target(ctx, path) : NULL;
    a->tmp = a->target ? fl_output_temp_name(ctx, a->target) : NULL;
    if (!a->tmp) {
        int rc = ctx->err ? ctx->err : FL_ENOMEM;
        fl_animation_free(a);
        return rc;
    }
    *out = a;
    return FL_OK;
}

/* The GIF's header: screen size, then the loop-for-ever extension. */
static int open_gif(fl_ctx *ctx, fl_animation *a, int width, int height)
{
    int err = 0;
    size_t n = (size_t)width * (size_t)height;
    a->px = fl_malloc(ctx, n * sizeof *a->px);
    a->index = fl_malloc(ctx, n);
    if (!a->px || !a->index)
        return FL_ENOMEM;
    /* giflib's EGifOpenFileName creates files of mode 0600: made here, the umask decides */
    int rc = fl_output_temp_create(ctx, a->tmp, a->path); /* registered for signals */
    if (rc)
        return rc;
    a->registered = true;
    int fd = open(a->tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return fl_error(ctx, FL_EIO, "%s: cannot create: %m", a->path);
    if (!(a->gif = EGifOpenFileHandle(fd, &err))) {
        close(fd);
        return fl_error(ctx, FL_EIO, "%s: cannot create: %s", a->path, GifErrorString(err));
    }
    a->width = width;
    a->height = height;
    static const GifByteType loop[] = {1, 0, 0}; /* sub-block 1: repeat 0 = for ever */
    EGifSetGifVersion(a->gif, true);
    if (EGifPutScreenDesc(a->gif, width, height, 8, 0, NULL) == GIF_ERROR ||
        EGifPutExtensionLeader(a->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(a->gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
        EGifPutExtensionBlock(a->gif, 3, loop) == GIF_ERROR ||
        EGifPutExtensionTrailer(a->gif) == GIF_ERROR)
        return gif_error(ctx, a, a->gif->Error);
    return FL_OK;
}

/* Draws the map on a white image of the animation's size into a->px. */
static int draw_frame(fl_ctx *ctx, fl_animation *a, const fl_render *r)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, a->width, a->height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    fl_render_draw(ctx, r, cr);
    cairo_surface_flush(s);
    int rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS
                 ? FL_OK
                 : fl_error(ctx, FL_ENOMEM, "%s: drawing frame %d: %s", a->path, a->frames + 1,
                            cairo_status_to_string(cairo_status(cr)));
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; !rc && y < a->height; y++)
        memcpy(a->px + (size_t)y * (size_t)a->width, data + (size_t)y * (size_t)stride,
               (size_t)a->width * sizeof *a->px);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/* Reduces the frame to 256 colours and writes it: its delay, its colour table, its pixels. */
static int put_frame(fl_ctx *ctx, fl_animation *a)
{
    uint32_t pal[256];
    int npal = 0;
    int rc = fl_palette_reduce(ctx, a->px, (size_t)a->width * (size_t)a->height, a->index, pal,
                               &npal);
    if (rc)
        return rc;
    GifColorType colours[256] = {{0, 0, 0}};
    for (int i = 0; i < npal; i++)
        colours[i] = (GifColorType){(GifByteType)(pal[i] >> 16), (GifByteType)(pal[i] >> 8),
                                    (GifByteType)pal[i]};
    ColorMapObject *map = GifMakeMapObject(256, colours);
    if (!map)
        return fl_error(ctx, FL_ENOMEM, "%s: out of memory", a->path);
    GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT, .DelayTime = a->delay_cs,
                                .TransparentColor = NO_TRANSPARENT_COLOR};
    GifByteType ext[4];
    size_t len = EGifGCBToExtension(&gcb, ext);
    int ok = EGifPutExtension(a->gif, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) != GIF_ERROR &&
             EGifPutImageDesc(a->gif, 0, 0, a->width, a->height, false, map) != GIF_ERROR;
    for (int y = 0; ok && y < a->height; y++)
        ok = EGifPutLine(a->gif, a->index + (size_t)y * (size_t)a->width, a->width) != GIF_ERROR;
    GifFreeMapObject(map);
    return ok ? FL_OK : gif_error(ctx, a, a->gif->Error);
}

int fl_animation_add(fl_ctx *ctx, fl_animation *a, const fl_render *r)
{
    int w, h;
    fl_render_size(r, &w, &h);
    int rc = a->gif ? FL_OK : open_gif(ctx, a, w, h);
    if (!rc)
        rc = draw_frame(ctx, a, r);
    if (!rc)
        rc = put_frame(ctx, a);
    if (!rc)
        a->frames++;
    return rc;
}

int fl_animation_count(const fl_animation *a) { return a->frames; }

int fl_animation_finish(fl_ctx *ctx, fl_animation *a)
{
    if (!a->gif)
        return fl_error(ctx, FL_EARG, "%s: an animation needs at least one frame", a->path);
    int err = 0;
    int rc = EGifCloseFile(a->gif, &err) == GIF_ERROR ? gif_error(ctx, a, err) : FL_OK;
    a->gif = NULL;
    rc = fl_output_commit(ctx, &a->tmp, &a->target, a->path, 1, rc);
    a->registered = false; /* renamed (or removed): nothing left for fl_animation_free */
    return rc;
}

void fl_animation_free(fl_animation *a)
{
    if (!a)
        return;
    if (a->gif) {
        int err;
        EGifCloseFile(a->gif, &err);
    }
    if (a->registered) /* removes it and forgets it */
        fl_output_commit(a->ctx, &a->tmp, &a->target, a->path, 1, FL_EIO);
    free(a->px);
    free(a->index);
    free(a->tmp);
    free(a->target);
    free(a->path);
    free(a);
}
