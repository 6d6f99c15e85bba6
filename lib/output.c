/* output.c — output files are written under a temporary name and renamed into place, so an
 * interrupted run never leaves a half-written file. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fl_output_open(fl_ctx *ctx, fl_output *o, const char *path)
{
    *o = (fl_output){0};
    size_t n = strlen(path) + 32;
    o->path = fl_strdup(ctx, path);
    o->tmp = fl_malloc(ctx, n);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        return FL_ENOMEM;
    }
    snprintf(o->tmp, n, "%s.tmp%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        int rc = fl_error(ctx, FL_EIO, "%s: cannot create: %m", o->tmp);
        free(o->path);
        free(o->tmp);
        return rc;
    }
    return FL_OK;
}

int fl_output_close(fl_ctx *ctx, fl_output *o, bool failed)
{
    int rc = FL_OK;
    if (ferror(o->f))
        failed = true, rc = fl_error(ctx, FL_EIO, "%s: write error", o->path);
    if (fclose(o->f) != 0 && !failed)
        failed = true, rc = fl_error(ctx, FL_EIO, "%s: write error on close: %m", o->path);
    if (!failed && rename(o->tmp, o->path) != 0)
        failed = true, rc = fl_error(ctx, FL_EIO, "%s: cannot rename into place: %m", o->path);
    if (failed) {
        remove(o->tmp);
        if (!rc)
            rc = ctx->err ? ctx->err : FL_EIO;
    }
    free(o->path);
    free(o->tmp);
    return rc;
}
