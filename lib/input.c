/* input.c — every reader opens its file here, so that every input is checked the same way
 * before a byte is read:
 *  - the file is opened with O_NONBLOCK, then fstat'ed: a FIFO, a device, a socket or a
 *    directory is refused with one line (a FIFO without a writer would block open() forever,
 *    /dev/zero would never end); O_NONBLOCK is then cleared for the reads;
 *  - its size is checked against FL_LIMIT_FILE_BYTES, the limit GeoJSON always had;
 *  - "-" is standard input: it is copied, within the same size limit, into an anonymous
 *    temporary file (tmpfile(): unlinked at once, nothing left behind), so that every reader
 *    gets a seekable regular FILE whatever standard input is (pipe, terminal, file).
 * Checking the kind with fstat on the opened descriptor (not stat before open) leaves no window
 * in which the path could be swapped for a FIFO. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

/* Standard input, copied into an anonymous temporary file within the size limit. */
static int open_stdin(fl_ctx *ctx, const char *what, FILE **out)
{
    FILE *t = tmpfile();
    if (!t)
        return fl_error(ctx, FL_EIO, "standard input (%s): cannot make a temporary copy: %m",
                        what);
    char buf[1 << 16];
    size_t n;
    int64_t total = 0, limit = ctx->limits[FL_LIMIT_FILE_BYTES];
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        total += (int64_t)n;
        if (total > limit) {
            fclose(t);
            return fl_error(ctx, FL_ELIMIT, "standard input (%s): more than the file size "
                            "limit of %lld bytes", what, (long long)limit);
        }
        if (fwrite(buf, 1, n, t) != n) {
            fclose(t);
            return fl_error(ctx, FL_EIO, "standard input (%s): cannot copy: %m", what);
        }
    }
    if (ferror(stdin) || fflush(t) != 0 || fseek(t, 0, SEEK_SET) != 0) {
        fclose(t);
        return fl_error(ctx, FL_EIO, "standard input (%s): read error", what);
    }
    *out = t;
    return FL_OK;
}

int fl_input_check_fd(fl_ctx *ctx, int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return fl_error(ctx, FL_EIO, "%s: cannot examine: %m", path);
    if (!S_ISREG(st.st_mode))
        return fl_error(ctx, FL_EIO, "%s: not a regular file (%s)", path, kind_of(st.st_mode));
    if (st.st_size > ctx->limits[FL_LIMIT_FILE_BYTES])
        return fl_error(ctx, FL_ELIMIT, "%s: %lld bytes exceed the file size limit of %lld",
                        path, (long long)st.st_size, (long long)ctx->limits[FL_LIMIT_FILE_BYTES]);
    return FL_OK;
}

/* Opens path read-only without blocking and checks it; the descriptor, or -1 (error set). */
static int open_checked(fl_ctx *ctx, const char *path, const char *what)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        fl_error(ctx, FL_EIO, "%s: cannot open %s: %s", path, what, strerror(errno));
        return -1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (fl_input_check_fd(ctx, fd, path) ||
        (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0)) {
        if (!ctx->err)
            fl_error(ctx, FL_EIO, "%s: cannot read: %m", path);
        close(fd);
        return -1;
    }
    return fd;
}

int fl_input_open(fl_ctx *ctx, const char *path, const char *what, FILE **out)
{
    *out = NULL;
    if (!strcmp(path, "-"))
        return open_stdin(ctx, what, out);
    ctx->err = FL_OK;
    int fd = open_checked(ctx, path, what);
    if (fd < 0)
        return ctx->err;
    if (!(*out = fdopen(fd, "rb"))) {
        close(fd);
        return fl_error(ctx, FL_EIO, "%s: cannot open %s: %m", path, what);
    }
    return FL_OK;
}

int fl_input_check(fl_ctx *ctx, const char *path, const char *what)
{
    ctx->err = FL_OK;
    int fd = open_checked(ctx, path, what);
    if (fd < 0)
        return ctx->err;
    close(fd);
    return FL_OK;
}
