/* kmz_read.c — KMZ: a zip archive holding a KML document (doc.kml by convention, else its
 * first .kml entry), read with libzip and handed to the KML reader.
 *
 * A zip says how large an entry unpacks; that size must fit the file size limit, and its
 * ratio to the packed size must stay below MAX_RATIO (deflate reaches about 1030:1 on repeated
 * bytes, a KML document 5 to 30:1): above it the entry is taken for a zip bomb. The entry is
 * then read into a buffer of the stated size and must end there: an entry that unpacks to
 * more than it states, or fails libzip's CRC check, is refused. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define MAX_RATIO 200

/* The index of the KML entry: doc.kml, else the first name ending in .kml; -1 if none. */
static zip_int64_t kml_entry(zip_t *z)
{
    zip_int64_t doc = zip_name_locate(z, "doc.kml", ZIP_FL_NOCASE | ZIP_FL_NODIR);
    if (doc >= 0)
        return doc;
    zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (name && fl_has_ext(name, ".kml"))
            return i;
    }
    return -1;
}

/* Entry i unpacked into *text (NUL-terminated, caller frees), after the checks above. */
static int unpack(fl_ctx *ctx, const char *path, zip_t *z, zip_int64_t i, char **text,
                  size_t *len)
{
    zip_stat_t st;
    if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_COMP_SIZE))
        return fl_error(ctx, FL_EFORMAT, "%s: the size of %s in the archive is unknown", path,
                        st.name ? st.name : "the KML entry");
    int64_t limit = ctx->limits[FL_LIMIT_FILE_BYTES];
    if (st.size > (zip_uint64_t)limit)
        return fl_error(ctx, FL_ELIMIT, "%s: %s unpacks to %llu bytes, over the file size "
                        "limit of %lld", path, st.name, (unsigned long long)st.size,
                        (long long)limit);
    if (st.size > (zip_uint64_t)MAX_RATIO * (st.comp_size + 1))
        return fl_error(ctx, FL_ELIMIT, "%s: %s unpacks %llu bytes to %llu (over %d:1): "
                        "refused as a zip bomb", path, st.name,
                        (unsigned long long)st.comp_size, (unsigned long long)st.size,
                        MAX_RATIO);
    zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
    if (!f)
        return fl_error(ctx, FL_EFORMAT, "%s: cannot open %s: %s", path, st.name,
                        zip_strerror(z));
    *text = fl_malloc(ctx, st.size + 1);
    char extra;
    zip_int64_t got = *text ? zip_fread(f, *text, st.size) : -1;
    int rc = !*text ? FL_ENOMEM
             : got != (zip_int64_t)st.size || zip_fread(f, &extra, 1) != 0
                 ? fl_error(ctx, FL_EFORMAT, "%s: %s does not unpack to the %llu bytes the "
                            "archive states (%s)", path, st.name, (unsigned long long)st.size,
                            zip_file_strerror(f))
                 : FL_OK;
    zip_fclose(f);
    if (rc) {
        free(*text);
        *text = NULL;
        return rc;
    }
    (*text)[st.size] = '\0';
    *len = st.size;
    return FL_OK;
}

int fl_kmz_read(fl_ctx *ctx, const char *path, fl_features *fs)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        int rc = fl_error(ctx, err == ZIP_ER_OPEN || err == ZIP_ER_NOENT ? FL_EIO : FL_EFORMAT,
                          "%s: not a readable KMZ (zip) archive: %s", path,
                          zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return rc;
    }
    zip_int64_t i = kml_entry(z);
    char *text = NULL;
    size_t len = 0;
    int rc = i < 0 ? fl_error(ctx, FL_EFORMAT, "%s: the archive holds no .kml document", path)
                   : unpack(ctx, path, z, i, &text, &len);
    zip_discard(z);
    if (!rc)
        rc = fl_kml_parse(ctx, path, text, len, fs);
    if (!rc)
        fs->kind = "kmz";
    free(text);
    return rc;
}
