"""frontline: territorial-control analysis of frontline maps, in Python.

Pure-Python bindings (ctypes, standard library only) over libfrontline, with the same
vocabulary as the ``frontline`` command: what ``frontline area|diff|status|claims|front
... --json`` prints, the matching method returns as a dict with the same keys and values.

A short session::

    >>> import frontline
    >>> a = frontline.load(frontline.data_path("sample/20220930.geojson"))
    >>> b = frontline.load(frontline.data_path("sample/20221004.geojson"))
    >>> a.area()["territory"]["status_km2"]["occupied"]        # frontline area --json
    >>> a.status(48.9862, 37.8031)                              # one point: 'occupied'
    >>> a.status_many([48.9862, 50.45], [37.8031, 30.52])       # many points
    >>> d = a.diff(b)                                           # frontline diff --json
    >>> d.km2("occupied", "liberated"), d["places"]             # matrix, flipped places
    >>> a.claims()["claims"]                                    # frontline claims --json
    >>> a.front()["front_km"]                                  # frontline front --json
    >>> for row in frontline.timeline(frontline.data_path("sample")):
    ...     print(row["time"], row["territory_km2"]["occupied"])
    >>> a.layers()["occupied"]                                  # GeoJSON geometry dict

With numpy, pandas and geopandas (none is needed by the bindings themselves)::

    >>> import numpy as np, geopandas as gpd
    >>> a.status(lat=np.array([48.9862, 50.45]), lon=np.array([37.8031, 30.52]))
    >>> gpd.GeoDataFrame.from_features(d, crs=d.crs)   # changed pieces; or d.to_geodataframe()
    >>> tl = frontline.timeline(frontline.data_path("sample"), progress=True)
    >>> tl.to_dataframe()                      # time (UTC), file, region, status, km2
    >>> tl.changes_dataframe()                 # the place change log

Geometry comes as GeoJSON (``__geo_interface__``) in WGS84 longitude/latitude,
``frontline.CRS`` = "EPSG:4326". In a notebook, a snapshot and a diff show their map, a
timeline its chart.

Objects
    Snapshot (``load``), Profile, Regions, Places, Claims, and the results Diff, Front,
    AreaReport, ClaimsReport (dicts with extra methods), Timeline (``timeline``). Objects holding C data
    have ``close()`` and work as context managers; they are also freed when garbage
    collected. Closing in any order is safe: a snapshot keeps its profile's C data alive,
    a diff its snapshots, and so on.

Defaults
    Every ``profile=``, ``regions=``, ``places=``, ``claims=`` argument takes an object, a
    path, or None for the embedded data (the DeepStateMap profile, the Ukrainian oblasts
    (OpenStreetMap, Natural Earth), GeoNames places, claims.csv), found in ``data_dir()``:
    ``FRONTLINE_DATA``, else the source tree's ``data/``, else ``<prefix>/share/frontline``.

Threads
    libfrontline wants one context per thread, and an object used with the context that
    made it. Each thread gets its own ``Context`` (``frontline.context()``) on first use;
    using an object from another thread raises ThreadError. The C calls release the GIL,
    so threads working on their own snapshots run in parallel.

Errors
    ``frontline.Error`` carries the C library's message (``str(e)``, naming the file, the
    feature and the reason) and status code (``e.code``); subclasses: FileError (also an
    OSError), ParseError, FormatError, GeometryError, ProfileError, LimitError,
    NoMemoryError, ArgumentError (misuse: bad argument, wrong type; also a ValueError and
    TypeError), GEOSError, PROJError, ClosedError (a closed object), ThreadError.

The library
    Loaded from ``FRONTLINE_LIBRARY``, else ``FRONTLINE_BUILD_DIR``, else the build tree
    this package sits in, else the installed libfrontline; ``library_path`` says which.
"""

from ._lib import library_path
from ._errors import (
    Error, FileError, ParseError, FormatError, GeometryError, ProfileError, LimitError,
    NoMemoryError, ArgumentError, GEOSError, PROJError, ClosedError, ThreadError,
    strerror, OK, EIO, EPARSE, EFORMAT, EGEOM, EPROFILE, ELIMIT, ENOMEM, EARG, EGEOS, EPROJ,
)
from ._context import Context, context
from ._data import data_dir, data_path, DATA_FILES
from ._geo import CRS
from ._api import (
    Profile, Regions, Places, Claims, Snapshot, AreaReport, ClaimsReport, Diff, Front,
    Region, Place, Status, load, convert, parse_time, format_time, version, TIME_UNKNOWN,
    STATUS_NONE, STATUS_INVALID, STATUS_UNKNOWN, STATUS_WATER, REGION_NONE, REGION_ALL,
)
from ._timeline import Timeline, timeline, sort_paths

__version__ = "0.1.0"

__all__ = [
    # reading and analysing
    "load", "timeline", "convert", "Snapshot", "Profile", "Regions", "Places", "Claims",
    "AreaReport", "ClaimsReport", "Diff", "Front", "Timeline", "Region", "Place", "Status",
    # helpers
    "CRS", "sort_paths", "parse_time", "format_time", "data_dir", "data_path",
    "DATA_FILES", "version", "library_path", "context", "Context", "strerror",
    "TIME_UNKNOWN", "STATUS_NONE", "STATUS_INVALID", "STATUS_UNKNOWN", "STATUS_WATER", "REGION_NONE", "REGION_ALL",
    # errors
    "Error", "FileError", "ParseError", "FormatError", "GeometryError", "ProfileError",
    "LimitError", "NoMemoryError", "ArgumentError", "GEOSError", "PROJError",
    "ClosedError", "ThreadError",
    "OK", "EIO", "EPARSE", "EFORMAT", "EGEOM", "EPROFILE", "ELIMIT", "ENOMEM", "EARG",
    "EGEOS", "EPROJ",
]

# Show the public classes as frontline.X (in help(), reprs and tracebacks).
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and _obj.__module__.startswith("frontline."):
        try:
            _obj.__module__ = "frontline"
        except (AttributeError, TypeError):
            pass
del _name, _obj
