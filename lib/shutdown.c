/* shutdown.c — fl_shutdown: hands back what the libraries under frontline keep for the whole
 * process. cairo keeps its toy font faces and fontconfig its configuration and patterns until
 * the process ends, and libxml2 its parser's globals; none of it grows with use, but a memory
 * checker (LeakSanitizer, valgrind) reports the font caches as leaks, some as unreachable ones.
 * cairo_debug_reset_static_data, FcFini and xmlCleanupParser are these libraries' documented
 * ways to release them, each safe only when no other thread uses the library, hence one call
 * at the very end, like sqlite3_shutdown. */
#include "internal.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <libxml/parser.h>

void fl_shutdown(void)
{
    cairo_debug_reset_static_data(); /* first: it hands cairo's fontconfig patterns back */
    FcFini();
    xmlCleanupParser();
}
