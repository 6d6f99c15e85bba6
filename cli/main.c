/* main.c — the frontline command: dispatch to subcommands. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

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
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("frontline %s\n", fl_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "frontline: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
