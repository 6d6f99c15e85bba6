/* output.c — the one way every output of the library and the CLI is written (GeoJSON, WKT,
 * shapefiles and their sidecars, pictures, CSV, JSON to a file), so that no run ever leaves a
 * half-written or lost file:
 *  - a regular file (or a new one) is written under a temporary name in the folder of its
 *    target (NAME.tmpPID.EXT), flushed, fsync'ed and renamed over the target only when every
 *    write succeeded: an error leaves the old file whole, and two concurrent writers each
 *    replace the file whole (the last rename wins);
 *  - a symbolic link is followed to its final target, which is replaced the same way: the
 *    link stays a link;
 *  - a device, FIFO or socket (/dev/stdout, /dev/null, a pipe) is written directly: it cannot
 *    be replaced, and renaming a file over /dev/stdout would destroy it;
 *  - "-" is standard output, written directly and flushed (and checked) on close;
 *  - a directory is refused.
 * Every temporary file is registered on the context until it is renamed or removed, so that a
 * signal handler can remove it (fl_ctx_remove_temporaries, async-signal-safe): the list is only
 * changed with signals blocked, and the handler only reads it and calls unlink(2). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fl_temp {
    struct fl_temp *next;
    char path[];
};

/* Runs with every signal blocked, so that a handler never sees the list half-changed. */
static void block_signals(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, old);
}

static int temp_register(fl_ctx *ctx, const char *path)
{
    size_t n = strlen(path) + 1;
    struct fl_temp *t = fl_malloc(ctx, sizeof *t + n);
    if (!t)
        return FL_ENOMEM;
    memcpy(t->path, path, n);
    sigset_t old;
    block_signals(&old);
    t->next = ctx->temps;
    ctx->temps = t;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return FL_OK;
}

/* Removes the file (when it is still there) and forgets it. */
static void temp_remove(fl_ctx *ctx, const char *path)
{
    sigset_t old;
    block_signals(&old);
    unlink(path);
    for (struct fl_temp **p = &ctx->temps; *p; p = &(*p)->next)
        if (!strcmp((*p)->path, path)) {
            struct fl_temp *t = *p;
            *p = t->next;
            free(t);
            break;
        }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void fl_ctx_remove_temporaries(const fl_ctx *ctx)
{
    for (const struct fl_temp *t = ctx ? ctx->temps : NULL; t; t = t->next)
        unlink(t->path);
}

void fl_output_forget_all(fl_ctx *ctx)
{
    while (ctx->temps)
        temp_remove(ctx, ctx->temps->path);
}

/* path with every symbolic link followed (the links may dangle: the last target is where a
 * new file goes), or a copy of path; NULL with the error set. */
char *fl_output_target(fl_ctx *ctx, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) { /* it exists: the kernel knows where it leads */
        char *real = realpath(path, NULL);
        if (!real)
            fl_error(ctx, FL_EIO, "%s: cannot follow its links: %m", path);
        return real;
    }
    char *cur = fl_strdup(ctx, path);
    for (int hops = 0; cur; hops++) {
        char link[PATH_MAX];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return cur; /* not a link (or not there): the target */
        if (hops == 40) {
            free(cur);
            fl_error(ctx, FL_EIO, "%s: too many levels of symbolic links", path);
            return NULL;
        }
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        int dir = link[0] != '/' && slash ? (int)(slash - cur + 1) : 0;
        size_t len = (size_t)dir + (size_t)n + 1;
        char *next = fl_malloc(ctx, len);
        if (next)
            snprintf(next, len, "%.*s%s", dir, cur, link);
        free(cur);
        cur = next;
    }
    return NULL;
}

char *fl_output_temp_name(fl_ctx *ctx, const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && dot > (slash ? slash + 1 : path) ? (size_t)(dot - path) : strlen(path);
    size_t n = strlen(path) + 32;
    char *tmp = fl_malloc(ctx, n);
    if (tmp)
        snprintf(tmp, n, "%.*s.tmp%ld%s", (int)stem, path, (long)getpid(), path + stem);
    return tmp;
}

int fl_output_temp_create(fl_ctx *ctx, const char *tmp, const char *path)
{
    if (temp_register(ctx, tmp))
        return FL_ENOMEM;
    unlink(tmp); /* a leftover of a process that had this PID */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int rc = fl_error(ctx, FL_EIO, "%s: cannot create: %s", path, strerror(errno));
        temp_remove(ctx, tmp);
        return rc;
    }
    close(fd);
    return FL_OK;
}

/* Flushes a finished temporary file to the disk, and gives it the mode of the file it
 * replaces (the umask's default for a new one). */
static int sync_temp(fl_ctx *ctx, const char *tmp, const char *target, const char *path)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    struct stat st;
    bool ok = fd >= 0 && (stat(target, &st) != 0 || fchmod(fd, st.st_mode & 07777) == 0) &&
              fsync(fd) == 0;
    int e = errno;
    if (fd >= 0)
        close(fd);
    return ok ? FL_OK : fl_error(ctx, FL_EIO, "%s: cannot write: %s", path, strerror(e));
}

int fl_output_commit(fl_ctx *ctx, char *const *tmp, char *const *target, const char *path,
                     int n, int rc)
{
    for (int i = 0; i < n && !rc; i++)
        rc = sync_temp(ctx, tmp[i], target[i], path);
    for (int i = 0; i < n && !rc; i++)
        if (rename(tmp[i], target[i]) != 0)
            rc = fl_error(ctx, FL_EIO, "%s: cannot replace %s: %s", path, target[i],
                          strerror(errno));
    for (int i = 0; i < n; i++)
        temp_remove(ctx, tmp[i]); /* those renamed already are gone: no harm */
    return rc;
}

/* Devices, FIFOs and sockets are written directly; a directory is refused. */
static int open_direct(fl_ctx *ctx, fl_output *o, mode_t mode)
{
    if (S_ISDIR(mode))
        return fl_error(ctx, FL_EIO, "%s: is a directory", o->path);
    int fd = open(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
        int rc = fl_error(ctx, FL_EIO, "%s: cannot open for writing: %s", o->path,
                          strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    return FL_OK;
}

static int open_output(fl_ctx *ctx, fl_output *o, const char *path)
{
    if (!strcmp(path, "-")) {
        o->f = stdout;
        return (o->path = fl_strdup(ctx, "standard output")) ? FL_OK : FL_ENOMEM;
    }
    struct stat st;
    if (!(o->path = fl_strdup(ctx, path)))
        return FL_ENOMEM;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) /* /dev/stdout leads to "pipe:[N]" */
        return open_direct(ctx, o, st.st_mode);
    if (!(o->target = fl_output_target(ctx, path)))
        return ctx->err;
    int rc;
    if (!(o->tmp = fl_output_temp_name(ctx, o->target)) ||
        (rc = fl_output_temp_create(ctx, o->tmp, path)))
        return ctx->err;
    if (!(o->f = fopen(o->tmp, "wb")))
        return fl_error(ctx, FL_EIO, "%s: cannot create: %m", path);
    return FL_OK;
}

int fl_output_open(fl_ctx *ctx, fl_output *o, const char *path)
{
    *o = (fl_output){0};
    int rc = open_output(ctx, o, path);
    if (rc) {
        if (o->tmp)
            temp_remove(ctx, o->tmp);
        free(o->path);
        free(o->target);
        free(o->tmp);
        *o = (fl_output){0};
    }
    return rc;
}

int fl_output_close(fl_ctx *ctx, fl_output *o, bool failed)
{
    int rc = failed ? (ctx->err ? ctx->err : FL_EIO) : FL_OK;
    if ((fflush(o->f) != 0 || ferror(o->f)) && !rc)
        rc = fl_error(ctx, FL_EIO, "%s: write error: %m", o->path);
    if (o->f != stdout && fclose(o->f) != 0 && !rc)
        rc = fl_error(ctx, FL_EIO, "%s: write error on close: %m", o->path);
    if (o->tmp)
        rc = fl_output_commit(ctx, &o->tmp, &o->target, o->path, 1, rc);
    free(o->path);
    free(o->target);
    free(o->tmp);
    *o = (fl_output){0};
    return rc;
}

/* The public handle: an fl_output on the heap. */
struct fl_writer {
    fl_output o;
};

int fl_writer_open(fl_ctx *ctx, const char *path, fl_writer **out)
{
    *out = NULL;
    if (!path)
        return fl_error(ctx, FL_EARG, "fl_writer_open: no path");
    fl_writer *w = fl_calloc(ctx, 1, sizeof *w);
    if (!w)
        return FL_ENOMEM;
    int rc = fl_output_open(ctx, &w->o, path);
    if (rc)
        free(w);
    else
        *out = w;
    return rc;
}

FILE *fl_writer_file(fl_writer *w) { return w ? w->o.f : NULL; }

int fl_writer_close(fl_ctx *ctx, fl_writer *w, bool failed)
{
    if (!w)
        return FL_OK;
    int rc = fl_output_close(ctx, &w->o, failed);
    free(w);
    return rc;
}
