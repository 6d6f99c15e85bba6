/* context.c — the context: GEOS and PROJ handles, the last error, limits. No globals. */
#include "internal.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_names[] = {
    "no error",           "I/O error",          "parse error",    "unexpected content",
    "invalid geometry",   "invalid profile",    "limit exceeded", "out of memory",
    "invalid argument",   "GEOS error",         "PROJ error",
};

const char *fl_strerror(int code)
{
    if (code < 0 || code >= (int)(sizeof error_names / sizeof *error_names))
        return "unknown error";
    return error_names[code];
}

const char *fl_version(void) { return FRONTLINE_VERSION; }

/* GEOS reports through a callback; keep its text so the next fl_geos_error can quote it. */
static void geos_error_handler(const char *message, void *userdata)
{
    fl_ctx *ctx = userdata;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", message);
}

/* PROJ logs through a callback too (to stderr by default): keep its last error. */
static void proj_log_handler(void *userdata, int level, const char *message)
{
    fl_ctx *ctx = userdata;
    if (level == PJ_LOG_ERROR)
        snprintf(ctx->proj_msg, sizeof ctx->proj_msg, "%s", message);
}

static void geos_notice_handler(const char *message, void *userdata)
{
    (void)message;
    (void)userdata; /* notices (e.g. self-intersection at ...) are not errors */
}

fl_ctx *fl_ctx_new(void)
{
    fl_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj) {
        fl_ctx_free(ctx);
        return NULL;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error_handler, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice_handler, ctx);
    proj_log_func(ctx->proj, ctx, proj_log_handler);
    proj_log_level(ctx->proj, PJ_LOG_ERROR);
    geod_init(&ctx->geod, 6378137.0, 1 / 298.257223563);
    ctx->limits[FL_LIMIT_FILE_BYTES] = INT64_C(1) << 30;
    ctx->limits[FL_LIMIT_FEATURES] = 10000000;
    ctx->limits[FL_LIMIT_VERTICES] = 100000000;
    ctx->limits[FL_LIMIT_NESTING] = 64;
    ctx->limits[FL_LIMIT_THREADS] = 1;
    return ctx;
}

fl_ctx *fl_ctx_like(const fl_ctx *ctx)
{
    fl_ctx *c = fl_ctx_new();
    if (c)
        memcpy(c->limits, ctx->limits, sizeof c->limits);
    return c;
}

void fl_ctx_free(fl_ctx *ctx)
{
    if (!ctx)
        return;
    fl_output_forget_all(ctx);
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    free(ctx);
}

int fl_ctx_errno(const fl_ctx *ctx) { return ctx ? ctx->err : FL_EARG; }

const char *fl_ctx_errmsg(const fl_ctx *ctx) { return ctx ? ctx->msg : "no context"; }

int fl_ctx_set_limit(fl_ctx *ctx, fl_limit which, int64_t value)
{
    if ((unsigned)which > FL_LIMIT_THREADS || value <= 0)
        return fl_error(ctx, FL_EARG, "invalid limit %d = %lld", (int)which, (long long)value);
    if (which == FL_LIMIT_THREADS && value > FL_THREADS_MAX)
        return fl_error(ctx, FL_EARG, "a thread limit of %lld is above the maximum, %d",
                        (long long)value, FL_THREADS_MAX);
    /* json-c frees nested values recursively: deeper nesting would overflow the stack */
    if (which == FL_LIMIT_NESTING && value > 10000)
        return fl_error(ctx, FL_EARG, "a nesting limit of %lld is above the maximum, 10000",
                        (long long)value);
    ctx->limits[which] = value;
    return FL_OK;
}

int64_t fl_ctx_limit(const fl_ctx *ctx, fl_limit which)
{
    return (unsigned)which > FL_LIMIT_THREADS ? -1 : ctx->limits[which];
}

int fl_error(fl_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    ctx->err = code;
    return code;
}

int fl_null_arg(fl_ctx *ctx, const char *fn, const char *arg)
{
    return fl_error(ctx, FL_EARG, "%s: %s is NULL", fn, arg);
}

bool fl_geos_out_of_memory(const fl_ctx *ctx)
{
    return strstr(ctx->geos_msg, "bad_alloc") != NULL;
}

int fl_geos_error(fl_ctx *ctx, const char *what)
{
    /* GEOS' C API turns every C++ exception into a message; running out of memory is
     * std::bad_alloc, and is reported as such */
    int code = fl_geos_out_of_memory(ctx) ? FL_ENOMEM : FL_EGEOS;
    return fl_error(ctx, code, "%s: %s", what, ctx->geos_msg[0] ? ctx->geos_msg : "failed");
}

int fl_proj_error(fl_ctx *ctx, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    int e = proj_context_errno(ctx->proj);
    const char *reason = e ? proj_context_errno_string(ctx->proj, e) : NULL;
    /* PROJ catches std::bad_alloc and logs it, with no error number (or a misleading one,
     * such as a syntax error of the parser it tried next): its log says more */
    if (ctx->proj_msg[0])
        reason = ctx->proj_msg;
    int code = reason && strstr(reason, "bad_alloc") ? FL_ENOMEM : FL_EPROJ;
    fl_error(ctx, code, "%s: %s", what, reason ? reason : "failed");
    ctx->proj_msg[0] = '\0';
    return code;
}

void *fl_malloc(fl_ctx *ctx, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        fl_error(ctx, FL_ENOMEM, "out of memory (%zu bytes)", size);
    return p;
}

void *fl_calloc(fl_ctx *ctx, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        fl_error(ctx, FL_ENOMEM, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *fl_realloc(fl_ctx *ctx, void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        fl_error(ctx, FL_ENOMEM, "allocation of %zu x %zu bytes overflows", n, size);
        return NULL;
    }
    void *q = realloc(p, n && size ? n * size : 1);
    if (!q)
        fl_error(ctx, FL_ENOMEM, "out of memory (%zu x %zu bytes)", n, size);
    return q;
}

void *fl_grow(fl_ctx *ctx, void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2) {
            fl_error(ctx, FL_ENOMEM, "an array of %zu x %zu bytes overflows", need, elem);
            return NULL;
        }
        n *= 2;
    }
    void *q = fl_realloc(ctx, p, n, elem);
    if (q)
        *cap = n;
    return q;
}

char *fl_strdup(fl_ctx *ctx, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        fl_error(ctx, FL_ENOMEM, "out of memory");
    return d;
}
