/* output.c — output files are written under a temporary name and renamed into place, so an
 * interrupted run never leaves a half-written file. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *fl_output_temp_name(fl_ctx *ctx, const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && dot > (slash ? slash : path) ? (size_t)(dot - path) : strlen(path);
    size_t n = strlen(path) + 32;
    char *tmp = fl_malloc(ctx, n);
    if (tmp)
        snprintf(tmp, n, "%.*s.tmp%ld%s", (int)stem, path, (long)getpid(), path + stem);
    return tmp;
}

int fl_output_commit(fl_ctx *ctx, char *const *tmp, char *const *path, int n, int rc)
{
    for (int i = 0; i < n && !rc; i++)
        if (rename(tmp[i], path[i]) != 0)
            rc = fl_error(ctx, FL_EIO, "%s: cannot rename into place: %m", path[i]);
    if (rc)
        for (int i = 0; i < n; i++)
            remove(tmp[i]); /* those renamed already are gone: no harm */
    return rc;
}

int fl_output_open(fl_ctx *ctx, fl_output *o, const char *path)
{
    *o = (fl_output){0};
    o->path = fl_strdup(ctx, path);
    o->tmp = o->path ? fl_output_temp_name(ctx, path) : NULL;
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        return FL_ENOMEM;
    }
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
    int rc = failed ? (ctx->err ? ctx->err : FL_EIO) : FL_OK;
    if (!rc && ferror(o->f))
        rc = fl_error(ctx, FL_EIO, "%s: write error", o->path);
    if (fclose(o->f) != 0 && !rc)
        rc = fl_error(ctx, FL_EIO, "%s: write error on close: %m", o->path);
    rc = fl_output_commit(ctx, &o->tmp, &o->path, 1, rc);
    free(o->path);
    free(o->tmp);
    return rc;
}
