"""frontline's exceptions: one per C status code, under frontline.Error."""

from ._lib import lib

__all__ = [
    "OK", "EIO", "EPARSE", "EFORMAT", "EGEOM", "EPROFILE", "ELIMIT", "ENOMEM", "EARG",
    "EGEOS", "EPROJ",
    "Error", "FileError", "ParseError", "FormatError", "GeometryError", "ProfileError",
    "LimitError", "NoMemoryError", "ArgumentError", "GEOSError", "PROJError", "ClosedError",
    "ThreadError", "strerror", "error_for",
]

# Status codes of frontline.h.
OK, EIO, EPARSE, EFORMAT, EGEOM, EPROFILE, ELIMIT, ENOMEM, EARG, EGEOS, EPROJ = range(11)


def strerror(code):
    """The C library's fixed English description of a status code, e.g. "I/O error"."""
    return lib.fl_strerror(int(code)).decode("utf-8", "replace")


class Error(Exception):
    """An error reported by libfrontline, or a misuse of the bindings.

    ``str(e)`` and ``e.message`` are the C library's message (it names the file, the
    feature and the reason, e.g. ``"map.geojson: feature 12: ring 0 has 3 points, at least
    4 are needed"``); ``e.code`` is the status code (``frontline.EIO``, ...);
    ``e.strerror`` its fixed description.
    """

    code = EARG

    def __init__(self, message, code=None):
        Exception.__init__(self, message)
        self.message = message
        if code is not None:
            self.code = code

    @property
    def strerror(self):
        """The fixed description of the status code ("I/O error", "parse error", ...)."""
        return strerror(self.code)

    def __str__(self):
        return self.message


class FileError(Error, OSError):
    """FL_EIO: a file cannot be opened, read or written (also an OSError)."""
    code = EIO

    def __new__(cls, message="", code=EIO):
        return OSError.__new__(cls, message)  # one argument: errno stays None

    def __init__(self, message="", code=EIO):
        Error.__init__(self, message, code)

    def __str__(self):
        return self.message


class ParseError(Error, ValueError):
    """FL_EPARSE: malformed text (JSON syntax, CSV, WKT, invalid UTF-8)."""
    code = EPARSE


class FormatError(Error, ValueError):
    """FL_EFORMAT: well-formed, but not the expected content (not GeoJSON, wrong shape type)."""
    code = EFORMAT


class GeometryError(Error, ValueError):
    """FL_EGEOM: an unusable coordinate or ring (NaN, out of range, too few points)."""
    code = EGEOM


class ProfileError(Error, ValueError):
    """FL_EPROFILE: the classification profile is invalid."""
    code = EPROFILE


class LimitError(Error):
    """FL_ELIMIT: a configured input limit was exceeded (see Context.set_limit)."""
    code = ELIMIT


class NoMemoryError(Error, MemoryError):
    """FL_ENOMEM: an allocation failed."""
    code = ENOMEM


class ArgumentError(Error, ValueError, TypeError):
    """FL_EARG, or a misuse of the bindings: a bad argument, a wrong type, an unknown name.

    It is also a ValueError and a TypeError, so code catching either sees it."""
    code = EARG


class GEOSError(Error):
    """FL_EGEOS: GEOS reported an error."""
    code = EGEOS


class PROJError(Error):
    """FL_EPROJ: PROJ reported an error."""
    code = EPROJ


class ClosedError(Error, ValueError):
    """An object was used after close() (like I/O on a closed file)."""
    code = EARG


class ThreadError(Error):
    """An object was used from a thread other than the one that created it.

    libfrontline's rule: one context per thread, and an object must be used with the
    context that created it. The bindings keep one context per thread, so objects stay in
    the thread that made them (closing them, or dropping them, is allowed anywhere)."""
    code = EARG


_BY_CODE = {
    EIO: FileError, EPARSE: ParseError, EFORMAT: FormatError, EGEOM: GeometryError,
    EPROFILE: ProfileError, ELIMIT: LimitError, ENOMEM: NoMemoryError, EARG: ArgumentError,
    EGEOS: GEOSError, EPROJ: PROJError,
}


def error_for(code, message):
    """The exception instance for a C status code and message."""
    cls = _BY_CODE.get(code, Error)
    return cls(message or strerror(code), code)
