/* main.c — the frontline command: dispatch to subcommands; signals and standard output.
 *
 * A signal that ends the process (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, and the
 * limits' SIGXCPU and SIGXFSZ) first removes
 * the temporary files of the outputs being written (the library registers them on the
 * context: see fl_ctx_remove_temporaries), then ends the process by the same signal, so that
 * an interrupted run leaves every output as it was. Standard output is flushed and checked
 * before the exit: a full disk or /dev/full is an error (one line, exit status 1), never a
 * silent loss.
 *
 * Out of memory: with the system allocator, GEOS' operator new throws std::bad_alloc, which
 * its C API turns into an error the library reports. Under mimalloc (the shipped CLI), a
 * failed operator new calls abort() (mimalloc is C: it cannot throw) with no message; its
 * error hook is called first, and ends the process with one line and exit status 1 (the
 * temporary files removed), whoever ran out of memory. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The context whose outputs are being written: read by the signal handler only. */
static fl_ctx *volatile watched;

void cli_watch(fl_ctx *ctx) { watched = ctx; }

static void on_signal(int sig)
{
    fl_ctx_remove_temporaries(watched);
    signal(sig, SIG_DFL);
    raise(sig);
}

#if FL_MIMALLOC
#include <mimalloc.h>

static void on_allocator_error(int err, void *arg)
{
    (void)arg;
    if (err != ENOMEM)
        return; /* mimalloc's own checks (a double free...): it goes on */
    fl_ctx_remove_temporaries(watched);
    static const char msg[] = "frontline: out of memory\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}
#endif

static void catch_signals(void)
{
#if FL_MIMALLOC
    mi_register_error(on_allocator_error, NULL);
#endif
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGXCPU,
                               SIGXFSZ};
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Flushes and closes standard output; 1 (after one line on stderr) if anything was lost. */
static int close_stdout(int rc)
{
    errno = 0;
    bool lost = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !lost) {
        lost = true;
        e = errno;
    }
    if (lost && !rc)
        fprintf(stderr, "frontline: standard output: write error%s%s\n", e ? ": " : "",
                e ? strerror(e) : "");
    return lost || rc ? (rc ? rc : 1) : 0;
}

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"info", cmd_info, "what a file holds: kind, feature counts by class, time, bounds"},
    {"area", cmd_area, "area by status, in the territory and per region"},
    {"diff", cmd_diff, "what changed between two snapshots: transition matrix, pieces, places"},
    {"compare", cmd_compare, "two maps of the same day side by side: sides, disagreements"},
    {"status", cmd_status, "control status of places or points"},
    {"claims", cmd_claims, "annexation claims against control"},
    {"front", cmd_front, "the frontline and its length"},
    {"timeline", cmd_timeline, "areas, transitions, front and place changes over an archive"},
    {"render", cmd_render, "a map of a snapshot or of what changed (PNG, SVG, PDF)"},
    {"animate", cmd_animate, "an animated GIF of the maps of an archive, one frame a version"},
    {"site", cmd_site, "a static web page over an archive: map, slider, compare, chart, places"},
    {"convert", cmd_convert, "convert GeoJSON / shapefile / WKT by extension"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: frontline COMMAND [OPTIONS] ...\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'frontline COMMAND --help' describes a command. frontline %s\n", fl_version());
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return close_stdout(0);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("frontline %s\n", fl_version());
        return close_stdout(0);
    }
    catch_signals();
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            int rc = commands[i].run(argc - 1, argv + 1);
            fl_shutdown();
            return close_stdout(rc);
        }
    fprintf(stderr, "frontline: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
