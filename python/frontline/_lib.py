"""Finding and loading libfrontline, and the ctypes prototypes of its C API.

The library is looked for, in order:

1. ``FRONTLINE_LIBRARY``: the path of the shared library itself (nothing else is tried
   when it is set);
2. ``FRONTLINE_BUILD_DIR``: a Meson build directory holding ``lib/libfrontline.so*``;
3. the build tree of the source tree this package sits in (``<repo>/python/frontline``):
   every Meson build directory directly under ``<repo>`` (``build/``, ``build-py/``, ...)
   holding ``lib/libfrontline.so*``, the most recently built first;
4. the library installed next to this package by ``meson install`` (its libdir is recorded
   in the generated ``_config.py``);
5. ``ctypes.util.find_library('frontline')`` and the plain soname ``libfrontline.so.0``
   (the dynamic linker's search path, ``LD_LIBRARY_PATH`` included).

When none loads, ImportError names every path tried and why it failed.
"""

import ctypes
import ctypes.util
import os

__all__ = ["lib", "libc", "library_path", "Counts", "Piece", "RenderOptions", "ChartOptions",
           "PROGRESS_FN"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_NAMES = ("libfrontline.so", "libfrontline.so.0")

try:  # written by python/meson.build at install time
    from . import _config
except ImportError:  # running from the source tree
    _config = None


def _source_root():
    """The frontline source tree this package sits in, or None."""
    d = _HERE
    while True:
        if os.path.isfile(os.path.join(d, "include", "frontline.h")) and \
                os.path.isfile(os.path.join(d, "meson.build")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _in_build_dir(build):
    """Shared libraries of a Meson build directory, best first."""
    return [os.path.join(build, "lib", n) for n in _NAMES
            if os.path.exists(os.path.join(build, "lib", n))]


def _build_tree_candidates():
    root = _source_root()
    if root is None:
        return []
    found = []
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    for e in entries:
        d = os.path.join(root, e)
        if not os.path.isdir(os.path.join(d, "meson-private")):
            continue
        libs = _in_build_dir(d)
        if libs:
            try:
                mtime = os.path.getmtime(libs[0])
            except OSError:
                mtime = 0
            found.append((mtime, libs[0]))
    found.sort(key=lambda t: -t[0])  # the most recently built first
    return [p for _, p in found]


def _candidates():
    """(description, path) pairs to try, in order."""
    env = os.environ.get("FRONTLINE_LIBRARY")
    if env:
        return [("FRONTLINE_LIBRARY", env)]
    out = []
    build = os.environ.get("FRONTLINE_BUILD_DIR")
    if build:
        libs = _in_build_dir(build)
        out += [("FRONTLINE_BUILD_DIR", p) for p in libs] or \
               [("FRONTLINE_BUILD_DIR", os.path.join(build, "lib", _NAMES[0]))]
    out += [("build tree", p) for p in _build_tree_candidates()]
    if _config is not None and getattr(_config, "LIBDIR", None):
        out += [("installed", os.path.join(_config.LIBDIR, n)) for n in _NAMES[::-1]]
    found = ctypes.util.find_library("frontline")
    out.append(("ctypes.util.find_library('frontline')", found))  # None: not found
    out.append(("system", "libfrontline.so.0"))
    return out


def _load():
    tried = []
    for how, path in _candidates():
        if path is None:
            tried.append("  %s: not found" % how)
            continue
        try:
            handle = ctypes.CDLL(path)
            handle.fl_version  # is it libfrontline at all?
            return handle, path
        except (OSError, AttributeError) as e:
            tried.append("  %s: %s (%s)" % (how, path, e))
    raise ImportError(
        "frontline: cannot load libfrontline; tried:\n" + "\n".join(tried) +
        "\nBuild it (meson setup build && ninja -C build), install it, or set "
        "FRONTLINE_LIBRARY to the path of libfrontline.so.")


lib, library_path = _load()


def _load_libc():
    for name in (None, ctypes.util.find_library("c"), "libc.so.6"):
        try:
            c = ctypes.CDLL(name)
            c.free
            return c
        except (OSError, AttributeError, TypeError):
            continue
    raise ImportError("frontline: cannot find the C library's free()")


libc = _load_libc()
libc.free.argtypes = [ctypes.c_void_p]
libc.free.restype = None


class Counts(ctypes.Structure):
    """struct fl_counts."""
    _fields_ = [(n, ctypes.c_long) for n in
                ("total", "classified", "ignored", "unclassified", "no_polygon", "repaired")]


class Piece(ctypes.Structure):
    """struct fl_piece."""
    _fields_ = [("from_", ctypes.c_int), ("to", ctypes.c_int), ("km2", ctypes.c_double),
                ("lat", ctypes.c_double), ("lon", ctypes.c_double), ("region", ctypes.c_int)]


class RenderOptions(ctypes.Structure):
    """struct fl_render_options."""
    _fields_ = [("width", ctypes.c_int), ("region", ctypes.c_char_p),
                ("bbox", ctypes.c_double * 4), ("no_labels", ctypes.c_bool),
                ("places", ctypes.c_void_p), ("max_cities", ctypes.c_int),
                ("title", ctypes.c_char_p), ("attribution", ctypes.c_char_p),
                ("front_tolerance_km", ctypes.c_double), ("diff", ctypes.c_void_p)]


class ChartOptions(ctypes.Structure):
    """struct fl_chart_options."""
    _fields_ = [("width", ctypes.c_int), ("regions", ctypes.c_int),
                ("title", ctypes.c_char_p), ("attribution", ctypes.c_char_p)]


#: fl_progress_fn: void (*)(void *userdata, size_t done, size_t total, const char *path)
PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t,
                               ctypes.c_char_p)

_P = ctypes.c_void_p            # every opaque handle, and fl_ctx *
_PP = ctypes.POINTER(ctypes.c_void_p)  # fl_X **out, and char **json (freed with libc free)
_S = ctypes.c_char_p
_I = ctypes.c_int
_D = ctypes.c_double
_L = ctypes.c_long
_I64 = ctypes.c_int64
_DA = ctypes.POINTER(ctypes.c_double)
_IA = ctypes.POINTER(ctypes.c_int)

_PROTOTYPES = {
    # name: (restype, argtypes)
    "fl_strerror": (_S, [_I]),
    "fl_version": (_S, []),
    "fl_ctx_new": (_P, []),
    "fl_ctx_free": (None, [_P]),
    "fl_ctx_errno": (_I, [_P]),
    "fl_ctx_errmsg": (_S, [_P]),
    "fl_ctx_set_limit": (_I, [_P, _I, _I64]),
    "fl_ctx_limit": (_I64, [_P, _I]),
    "fl_profile_open": (_I, [_P, _S, _PP]),
    "fl_profile_close": (None, [_P]),
    "fl_profile_status_count": (_I, [_P]),
    "fl_profile_status_name": (_S, [_P, _I]),
    "fl_profile_status_side": (_S, [_P, _I]),
    "fl_profile_status_colour": (_S, [_P, _I]),
    "fl_profile_status_index": (_I, [_P, _S]),
    "fl_profile_front_status": (_I, [_P]),
    "fl_regions_open": (_I, [_P, _S, _S, _S, _PP]),
    "fl_regions_close": (None, [_P]),
    "fl_regions_count": (_I, [_P]),
    "fl_regions_code": (_S, [_P, _I]),
    "fl_regions_name": (_S, [_P, _I]),
    "fl_regions_attr": (_S, [_P, _I, _S]),
    "fl_regions_area_km2": (_D, [_P, _I]),
    "fl_regions_territory_km2": (_D, [_P]),
    "fl_regions_find": (_I, [_P, _S]),
    "fl_regions_open_level": (_I, [_P, _S, _I, _PP]),
    "fl_regions_set_snap_km": (_I, [_P, _P, _D]),
    "fl_regions_set_water": (_I, [_P, _P, _S]),
    "fl_regions_level": (_I, [_P]),
    "fl_regions_parent": (_S, [_P, _I]),
    "fl_level_name": (_S, [_I]),
    "fl_level_parse": (_I, [_S]),
    "fl_regions_locate": (_I, [_P, _P, _D, _D, _P]),
    "fl_regions_write": (_I, [_P, _P, _S]),
    "fl_regions_geojson": (_I, [_P, _P, _PP]),
    "fl_snapshot_open": (_I, [_P, _S, _P, _PP]),
    "fl_snapshot_open_files": (_I, [_P, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, _P,
                                    _PP]),
    "fl_snapshot_extensions": (ctypes.POINTER(ctypes.c_char_p), []),
    "fl_snapshot_close": (None, [_P]),
    "fl_snapshot_path": (_S, [_P]),
    "fl_snapshot_kind": (_S, [_P]),
    "fl_snapshot_time": (_I64, [_P]),
    "fl_snapshot_set_time": (None, [_P, _I64]),
    "fl_snapshot_profile": (_P, [_P]),
    "fl_snapshot_counts": (None, [_P, ctypes.POINTER(Counts)]),
    "fl_snapshot_info_json": (_I, [_P, _P, _S, ctypes.c_bool, _P, _PP]),
    "fl_snapshot_status_features": (_L, [_P, _I]),
    "fl_snapshot_bounds": (None, [_P, _DA]),
    "fl_snapshot_status_km2": (_D, [_P, _I]),
    "fl_snapshot_write": (_I, [_P, _P, _S]),
    "fl_snapshot_geojson": (_I, [_P, _P, _PP]),
    "fl_time_parse": (_I64, [_S]),
    "fl_time_parse_exact": (_I, [_S, ctypes.POINTER(ctypes.c_int64)]),
    "fl_time_format": (ctypes.c_void_p, [_I64, ctypes.c_char_p, ctypes.c_size_t]),
    "fl_areas_new": (_I, [_P, _P, _P, _PP]),
    "fl_areas_free": (None, [_P]),
    "fl_areas_km2": (_D, [_P, _I, _I]),
    "fl_areas_json": (_I, [_P, _P, _PP]),
    "fl_places_open": (_I, [_P, _S, _PP]),
    "fl_places_close": (None, [_P]),
    "fl_places_count": (_I, [_P]),
    "fl_places_id": (_S, [_P, _I]),
    "fl_places_name": (_S, [_P, _I]),
    "fl_places_lat": (_D, [_P, _I]),
    "fl_places_lon": (_D, [_P, _I]),
    "fl_places_find": (_I, [_P, _S]),
    "fl_snapshot_status_at": (_I, [_P, _P, _P, ctypes.c_size_t, _DA, _DA, _IA, _IA]),
    "fl_status_json": (_I, [_P, _P, _P, _P, _PP]),
    "fl_diff_new": (_I, [_P, _P, _P, _P, _P, _PP]),
    "fl_diff_free": (None, [_P]),
    "fl_diff_km2": (_D, [_P, _I, _I, _I]),
    "fl_diff_piece_count": (_I, [_P]),
    "fl_diff_piece": (None, [_P, _I, ctypes.POINTER(Piece)]),
    "fl_diff_json": (_I, [_P, _P, _PP]),
    "fl_diff_write": (_I, [_P, _P, _S]),
    "fl_diff_geojson": (_I, [_P, _P, _PP]),
    "fl_compare_new": (_I, [_P, _P, _P, _P, _P, _PP]),
    "fl_compare_free": (None, [_P]),
    "fl_compare_json": (_I, [_P, _P, _PP]),
    "fl_compare_write": (_I, [_P, _P, _S]),
    "fl_claims_open": (_I, [_P, _S, _P, _PP]),
    "fl_claims_close": (None, [_P]),
    "fl_claims_count": (_I, [_P]),
    "fl_claims_json": (_I, [_P, _P, _P, _P, _S, _PP]),
    "fl_claims_geojson": (_I, [_P, _P, _P, _P, _PP]),
    "fl_front_new": (_I, [_P, _P, _P, _D, _PP]),
    "fl_front_free": (None, [_P]),
    "fl_front_km": (_D, [_P]),
    "fl_front_piece_count": (_I, [_P]),
    "fl_front_piece_km": (_D, [_P, _I]),
    "fl_front_json": (_I, [_P, _P, _PP]),
    "fl_front_write": (_I, [_P, _P, _S]),
    "fl_front_geojson": (_I, [_P, _P, _PP]),
    "fl_timeline_new": (_I, [_P, _P, _P, _P, _D, _PP]),
    "fl_timeline_free": (None, [_P]),
    "fl_timeline_add": (_I, [_P, _P, _S, _PP]),
    "fl_timeline_add_all": (_I, [_P, _P, ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t, _I,
                                 _PP]),
    "fl_timeline_set_progress": (None, [_P, PROGRESS_FN, _P]),
    "fl_timeline_chart": (_P, [_P]),
    "fl_chart_count": (_I, [_P]),
    "fl_chart_write": (_I, [_P, _P, ctypes.POINTER(ChartOptions), _S]),
    "fl_render_map": (_I, [_P, _P, _P, _P, ctypes.POINTER(RenderOptions), _S]),
    "fl_timeline_changes_json": (_I, [_P, _P, _PP]),
    "fl_timeline_place_json": (_I, [_P, _P, _I, _PP]),
    "fl_timeline_sort_paths": (None, [ctypes.POINTER(ctypes.c_char_p), ctypes.c_size_t]),
    "fl_convert": (_I, [_P, _S, _S]),
}


def _declare():
    missing = []
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    if missing:
        raise ImportError("frontline: %s lacks %s (an older libfrontline?)"
                          % (library_path, ", ".join(missing)))


_declare()
