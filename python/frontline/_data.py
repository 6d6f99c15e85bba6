"""Where the embedded data (profiles, regions, places, claims, samples) lives."""

import os
import sys

from ._errors import FileError

try:
    from . import _config
except ImportError:
    _config = None

__all__ = ["data_dir", "data_path", "DATA_FILES"]

_HERE = os.path.dirname(os.path.abspath(__file__))

#: The embedded files, by the name the bindings use for them.
DATA_FILES = {
    "profile": "profiles/deepstate.profile",
    "regions": "regions/ua_oblasts.shp",
    "places": "places/ua_places.csv",
    "claims": "claims.csv",
    "sample_20220930": "sample/20220930.geojson",
    "sample_20221004": "sample/20221004.geojson",
}


def _roots():
    """Candidate data directories, in order, with how each was found."""
    out = []
    env = os.environ.get("FRONTLINE_DATA")
    if env:
        out.append(("FRONTLINE_DATA", env))
    # the source tree: <repo>/python/frontline -> <repo>/data
    out.append(("source tree", os.path.normpath(os.path.join(_HERE, "..", "..", "data"))))
    if _config is not None and getattr(_config, "DATADIR", None):
        out.append(("installed", _config.DATADIR))
    for prefix in (sys.prefix, "/usr/local", "/usr"):
        out.append(("prefix", os.path.join(prefix, "share", "frontline")))
    return out


def data_dir():
    """The directory of frontline's embedded data: ``FRONTLINE_DATA`` if set, else the
    source tree's ``data/`` (when this package sits in ``<repo>/python/frontline``), else
    ``<prefix>/share/frontline`` (the installed data). FileError when none has the
    embedded profile."""
    tried = []
    for how, d in _roots():
        if os.path.isfile(os.path.join(d, DATA_FILES["profile"])):
            return d
        tried.append("%s (%s)" % (d, how))
    raise FileError("frontline: embedded data not found; tried " + ", ".join(tried) +
                    "; set FRONTLINE_DATA to the data directory")


def data_path(name):
    """Path of an embedded data file: a key of DATA_FILES ("profile", "regions", "places",
    "claims", "sample_20220930", "sample_20221004") or a path relative to data_dir(),
    e.g. ``data_path("sample/20220930.geojson")``."""
    rel = DATA_FILES.get(name, name)
    return os.path.join(data_dir(), rel)
