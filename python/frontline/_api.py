"""The Python API over libfrontline: profiles, regions, places, claims, snapshots, and what
is computed from them (areas, diffs, place status, claims, the frontline). Timelines are in
_timeline.py; geometry (``__geo_interface__``) in _geo.py; numpy point queries in
_points.py; notebook pictures in _pictures.py."""

from __future__ import annotations

import collections
import ctypes
import datetime as _dt
import json
import math
import os
import array
from typing import Any, Dict, List, Optional, Union

from ._lib import lib, Counts, Piece, RenderOptions
from ._errors import ArgumentError
from ._context import (_Object, _Call, _current_state, context, fspath, text, decode,
                       _as_float)
from ._data import data_dir, data_path
from ._geo import GeoMixin, parse
from ._pictures import png_bytes, NOTEBOOK_WIDTH
from . import _points

__all__ = [
    "Profile", "Regions", "Places", "Claims", "Snapshot", "AreaReport", "ClaimsReport",
    "Diff", "Front", "Region", "Place", "Status", "load", "convert", "parse_time",
    "format_time", "version", "TIME_UNKNOWN", "STATUS_NONE", "STATUS_INVALID",
    "STATUS_UNKNOWN", "REGION_NONE", "REGION_ALL",
]

PathLike = Union[str, bytes, "os.PathLike[str]"]

TIME_UNKNOWN = -(2 ** 63)  #: FL_TIME_UNKNOWN
TIME_MIN = -2208988800     #: FL_TIME_MIN, 1900-01-01T00:00:00Z
TIME_MAX = 7258118399      #: FL_TIME_MAX, 2199-12-31T23:59:59Z
STATUS_NONE = -1           #: FL_STATUS_NONE: outside the territory, covered by nothing
STATUS_INVALID = -2        #: FL_STATUS_INVALID: not a valid WGS84 position
STATUS_UNKNOWN = -3        #: FL_STATUS_UNKNOWN: the profile has no such status
STATUS_WATER = -4          #: FL_STATUS_WATER: inland water no status covers
REGION_NONE = -1           #: FL_REGION_NONE: in no region
REGION_ALL = -2            #: FL_REGION_ALL: the whole territory


Region = collections.namedtuple("Region", "index code name area_km2")
Region.__doc__ = "One region: its index in the Regions, code, name and geodesic area in km²."
Place = collections.namedtuple("Place", "index id name lat lon")
Place.__doc__ = "One place of a Places file: index, id, name, latitude, longitude."
Status = collections.namedtuple("Status", "index name side colour")
Status.__doc__ = ("One status of a Profile: precedence index, name, side ('RU', 'UA', or '' "
                  "for none) and display colour '#RRGGBB'.")


def version() -> str:
    """The version of the loaded libfrontline, e.g. "0.1.0"."""
    return decode(lib.fl_version())


# ---------------------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------------------

def parse_time(value) -> Optional[int]:
    """A time as Unix seconds (int), or None when value holds none.

    value: a str as found in file names or given by users (Unix seconds, ``YYYYMMDD``,
    ``YYYY-MM-DD[THH:MM[:SS]][Z]``, parsed by the C library), an int (Unix seconds), or a
    ``datetime.datetime`` / ``datetime.date`` (naive means UTC)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ArgumentError("a time cannot be a bool")
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return int(math.floor(value.timestamp()))
    if isinstance(value, _dt.date):
        return int(_dt.datetime(value.year, value.month, value.day,
                                tzinfo=_dt.timezone.utc).timestamp())
    if isinstance(value, (str, bytes, os.PathLike)):
        b = fspath(value, "time") if not isinstance(value, str) else text(value, "time")
        t = lib.fl_time_parse(b)
        return None if t == TIME_UNKNOWN else t
    if hasattr(value, "__index__"):
        return value.__index__()
    if isinstance(value, float) and math.isfinite(value):
        return int(math.floor(value))
    raise ArgumentError("not a time: %r (Unix seconds, YYYYMMDD, YYYY-MM-DD[THH:MM:SS], "
                        "or a datetime)" % (value,))


def format_time(t: Optional[int]) -> Optional[str]:
    """ISO 8601 UTC text of Unix seconds ("2022-09-30T08:26:05Z"); None for None."""
    if t is None or t == TIME_UNKNOWN:
        return None
    buf = ctypes.create_string_buffer(40)
    lib.fl_time_format(int(t), buf, len(buf))
    return decode(buf.value) or None


def _time_arg(value):
    """A user time for a snapshot: Unix seconds within [TIME_MIN, TIME_MAX]; ArgumentError
    if it is not exactly one time (a str must be one whole time, as --time)."""
    if isinstance(value, str):
        out = ctypes.c_int64()
        t = (out.value if lib.fl_time_parse_exact(text(value, "time"), ctypes.byref(out)) == 0
             else None)
    else:
        t = parse_time(value)
    if t is None or not TIME_MIN <= t <= TIME_MAX:
        raise ArgumentError("time: %r is not a time within 1900..2199 (Unix seconds, "
                            "YYYYMMDD, YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], or a datetime)"
                            % (value,))
    return t


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

def _check_type(value, cls, what):
    if not isinstance(value, cls):
        raise ArgumentError("%s must be a frontline.%s, not %s"
                            % (what, cls.__name__, type(value).__name__))
    return value


def _profile_arg(profile):
    if profile is None:
        return context().default("profile", Profile)
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str) and os.sep not in profile and not os.path.exists(profile):
        shipped = data_path("profiles/%s.profile" % profile)  # "isw": a shipped profile
        if os.path.exists(shipped):
            return Profile(shipped)
    return Profile(profile)


def _regions_arg(regions, fallback=None):
    if regions is None:
        if fallback is not None:
            return fallback
        return context().default("regions", Regions)
    if isinstance(regions, Regions):
        return regions
    return Regions(regions)


def _places_arg(places):
    """None: the embedded places; False: none; a Places; or a path."""
    if places is None or places is True:
        return context().default("places", Places)
    if places is False:
        return None
    if isinstance(places, Places):
        return places
    return Places(places)


def _out_path(path):
    return None if path is None else fspath(path, "geojson path")


def _region_row(regions, region):
    """Row of a region argument in the tables by region: 0 everywhere, then k + 1."""
    i = _region_index(regions, region)
    return 0 if i == REGION_ALL else i + 1


def _region_index(regions, region):
    """Region argument (None, an index or a code) as a C index (REGION_ALL: everywhere)."""
    if region is None:
        return REGION_ALL
    if isinstance(region, str):
        i = regions._by_code.get(region)
        if i is None and not regions.closed:
            i = regions.find(region)  # also matches the "iso" attribute
        if i is None or i < 0:
            raise ArgumentError("no region %r" % region)
        return i
    if isinstance(region, bool) or not hasattr(region, "__index__"):
        raise ArgumentError("region must be None, an index or a code, not %r" % (region,))
    i = region.__index__()
    if not 0 <= i < len(regions):
        raise ArgumentError("region index %d out of range (0..%d)" % (i, len(regions) - 1))
    return i


# ---------------------------------------------------------------------------------------
# Profile
# ---------------------------------------------------------------------------------------

class Profile(_Object):
    """A classification profile: the statuses (in precedence order, the last one the
    default status of uncovered territory) and the rules that map features to them.

    ``Profile()`` opens the embedded DeepStateMap profile; ``Profile(path)`` another one.
    ``len(p)``, ``p.statuses`` (names), ``p.status(i)`` / ``p.status("occupied")``
    (a Status tuple with side and colour), ``p.index(name)``, ``p.default_status``,
    ``p.front_status``. Raises ProfileError for an invalid profile, FileError when it
    cannot be read.
    """

    _closer = staticmethod(lambda ctx, p: lib.fl_profile_close(p))

    def __init__(self, path=None):
        if path is None:
            path = data_path("profile")
        b = fspath(path, "profile path")
        st = _current_state()
        with _Call(st) as c:
            out = ctypes.c_void_p()
            c.check(lib.fl_profile_open(c.ctx, b, ctypes.byref(out)))
            self._adopt(st, out.value)
            p = out.value
            n = lib.fl_profile_status_count(p)
            self._statuses = [Status(i, decode(lib.fl_profile_status_name(p, i)),
                                     decode(lib.fl_profile_status_side(p, i)),
                                     decode(lib.fl_profile_status_colour(p, i)))
                              for i in range(n)]
            self._front = lib.fl_profile_front_status(p)
        self.path = os.fsdecode(b)
        self._names = {STATUS_NONE: "none", STATUS_INVALID: "invalid", STATUS_WATER: "water"}
        self._names.update((s.index, s.name) for s in self._statuses)
        self._index = {v: k for k, v in self._names.items()}

    def __repr__(self):
        return "<frontline.Profile %r: %s%s>" % (self.path, ", ".join(self.statuses),
                                                 " (closed)" if self.closed else "")

    def __len__(self):
        return len(self._statuses)

    @property
    def statuses(self):
        """Status names in precedence order; the last is the default status."""
        return [s.name for s in self._statuses]

    @property
    def drawn_statuses(self):
        """The statuses drawn as polygons (all but the default one)."""
        return [s.name for s in self._statuses[:-1]]

    @property
    def names_by_code(self) -> List[str]:
        """Status names indexable by every status code, the negative ones included: the
        statuses, then "invalid" (code -2, index -2) and "none" (code -1, index -1); so
        ``numpy.asarray(p.names_by_code, dtype=object)[codes]`` names an array of codes."""
        return self.statuses + ["invalid", "none"]

    @property
    def default_status(self):
        """Name of the default status: the territory no polygon covers (e.g. "free")."""
        return self._statuses[-1].name

    @property
    def front_status(self):
        """Name of the status whose boundary is the frontline."""
        return self._names[self._front]

    def status(self, key):
        """The Status (index, name, side, colour) of a status index or name."""
        i = self.index(key) if isinstance(key, str) else key
        if isinstance(i, bool) or not hasattr(i, "__index__") or \
                not 0 <= i.__index__() < len(self._statuses):
            raise ArgumentError("no status %r in profile %s" % (key, self.path))
        return self._statuses[i.__index__()]

    def index(self, name):
        """Index of a status name (-1 for "none", -2 for "invalid"); ArgumentError if the
        profile has no such status."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise ArgumentError("no status %r in profile %s (statuses: %s)"
                                % (name, self.path, ", ".join(self.statuses))) from None

    def name(self, index):
        """Name of a status index, including -1 "none", -2 "invalid" and -4 "water"."""
        try:
            return self._names[index]
        except (KeyError, TypeError):
            raise ArgumentError("no status index %r" % (index,)) from None

    def side(self, status):
        """Side holding a status ("RU", "UA") or "" when it belongs to none."""
        return self.status(status).side

    def colour(self, status):
        """Display colour "#RRGGBB" of a status."""
        return self.status(status).colour


# ---------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------

SNAP_KM_DEFAULT = 2.0  # FL_SNAP_KM_DEFAULT: the CLI's --snap-km


class Regions(GeoMixin, _Object):
    """Administrative regions; their union is the territory.

    ``Regions()`` opens the embedded Ukrainian oblasts, ``Regions(level="raion")`` (or
    "hromada") another level of the embedded regions (docs/regions.md);
    ``Regions(path, code_field=None, name_field=None)`` a shapefile or GeoJSON file.
    ``r.level`` is the level's name ("" for a file without levels), ``r.parent(i)`` the
    code of the unit one level up.
    ``len(r)``, iteration and ``r[i]`` / ``r["UA-DT"]`` give Region tuples;
    ``r.find(code)`` an index or -1, ``r.locate(lat, lon)`` the code holding a point,
    ``r.attr(i, field)`` any attribute, ``r.territory_km2``, ``r.to_geojson()`` (also
    ``r.__geo_interface__``, ``r.to_geodataframe()``; EPSG:4326), ``r.write(path)``.
    ``snap_km`` applies the coast and border conflation (the CLI's default is
    ``SNAP_KM_DEFAULT``, 2 km; here 0: the drawing as it is) and ``water`` counts undrawn
    inland water as ``water`` (a file, or "embedded"; None: none), as docs/geography.md says.
    """

    _closer = staticmethod(lambda ctx, p: lib.fl_regions_close(p))

    def __init__(self, path=None, code_field=None, name_field=None, level=None,
                 snap_km=0.0, water=None):
        lv = 0
        if level is not None:
            lv = lib.fl_level_parse(text(level, "level"))
            if lv < 0 or path is not None:
                raise ValueError("level wants 'oblast', 'raion' or 'hromada' and no path, "
                                 "not %r" % (level,))
        if path is None:
            path = data_path("regions") if not lv else data_path(
                "regions/ua_%ss.shp" % decode(lib.fl_level_name(lv)))
        b = fspath(path, "regions path")
        cf = text(code_field, "code_field") if code_field is not None else None
        nf = text(name_field, "name_field") if name_field is not None else None
        st = _current_state()
        with _Call(st) as c:
            out = ctypes.c_void_p()
            if lv:
                c.check(lib.fl_regions_open_level(c.ctx, fspath(data_dir()), lv,
                                                  ctypes.byref(out)))
            else:
                c.check(lib.fl_regions_open(c.ctx, b, cf, nf, ctypes.byref(out)))
            self._adopt(st, out.value)
            r = out.value
            c.check(lib.fl_regions_set_snap_km(c.ctx, r, float(snap_km)))
            if water is not None:
                w = data_path("water/ua_water.geojson") if water == "embedded" else water
                c.check(lib.fl_regions_set_water(c.ctx, r, fspath(w, "water path")))
            self._rows = [Region(i, decode(lib.fl_regions_code(r, i)),
                                 decode(lib.fl_regions_name(r, i)),
                                 lib.fl_regions_area_km2(r, i))
                          for i in range(lib.fl_regions_count(r))]
            self._territory_km2 = lib.fl_regions_territory_km2(r)
            self._level = decode(lib.fl_level_name(lib.fl_regions_level(r)))
        self.path = os.fsdecode(b)
        self._by_code = {}
        for row in self._rows:
            self._by_code.setdefault(row.code, row.index)

    def __repr__(self):
        return "<frontline.Regions %r: %d regions%s>" % (self.path, len(self._rows),
                                                         " (closed)" if self.closed else "")

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        return iter(self._rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            i = self.find(key)
            if i < 0:
                raise KeyError(key)
            return self._rows[i]
        return self._rows[key]

    @property
    def codes(self):
        """Region codes in file order."""
        return [r.code for r in self._rows]

    @property
    def territory_km2(self):
        """Geodesic area of the territory (the union of the regions), km²."""
        return self._territory_km2

    @property
    def level(self):
        """"oblast", "raion" or "hromada" for the embedded regions; "" for other files."""
        return self._level

    def parent(self, index):
        """Code of the unit one level up holding region index ("" for oblasts)."""
        i = _region_index(self, index)
        with self._call() as c:
            return decode(lib.fl_regions_parent(c.ptrs[0], i))

    def find(self, code):
        """Index of the region whose code, or "iso", "alias" or "katotth" attribute, is code
        (the oblasts answer to "UA-14" and "UA-DT"), or -1."""
        with self._call() as c:
            return lib.fl_regions_find(c.ptrs[0], text(code, "code"))

    def attr(self, index, field):
        """Attribute field of region index as text ("" when absent), e.g. "name_uk"."""
        i = _region_index(self, index)
        with self._call() as c:
            return decode(lib.fl_regions_attr(c.ptrs[0], i, text(field, "field")))

    def locate(self, lat, lon):
        """Code of the region holding the point (boundary included), or None."""
        lat, lon = _as_float(lat, "lat"), _as_float(lon, "lon")
        i = ctypes.c_int()
        with self._call() as c:
            c.check(lib.fl_regions_locate(c.ctx, c.ptrs[0], lat, lon, ctypes.byref(i)))
        return self._rows[i.value].code if i.value != REGION_NONE else None

    def write(self, path):
        """Writes the regions as GeoJSON (.geojson/.json) or a shapefile (.shp)."""
        b = fspath(path)
        with self._call() as c:
            c.check(lib.fl_regions_write(c.ctx, c.ptrs[0], b))

    def to_geojson(self) -> Dict[str, Any]:
        """The regions as a GeoJSON FeatureCollection dict (attributes as properties)."""
        with self._call() as c:
            return parse(c, lib.fl_regions_geojson, c.ptrs[0])

    _features = to_geojson


# ---------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------

class Places(_Object):
    """Named places (a CSV with at least name, lat, lon; id optional).

    ``Places()`` opens the embedded Ukrainian places (GeoNames cities500 and cities1000, 4564 rows);
    ``Places(path)`` another file. ``len(p)``, iteration and ``p[i]`` / ``p["Lyman"]`` give
    Place tuples; ``p.find(name)`` an index (exact, then case-insensitive) or -1.
    """

    _closer = staticmethod(lambda ctx, p: lib.fl_places_close(p))

    def __init__(self, path=None):
        if path is None:
            path = data_path("places")
        b = fspath(path, "places path")
        st = _current_state()
        with _Call(st) as c:
            out = ctypes.c_void_p()
            c.check(lib.fl_places_open(c.ctx, b, ctypes.byref(out)))
            self._adopt(st, out.value)
            self._n = lib.fl_places_count(out.value)
        self.path = os.fsdecode(b)
        self._rows = None

    def __repr__(self):
        return "<frontline.Places %r: %d places%s>" % (self.path, self._n,
                                                       " (closed)" if self.closed else "")

    def __len__(self):
        return self._n

    def _all(self):
        if self._rows is None:
            with self._call() as c:
                p = c.ptrs[0]
                self._rows = [Place(i, decode(lib.fl_places_id(p, i)),
                                    decode(lib.fl_places_name(p, i)),
                                    lib.fl_places_lat(p, i), lib.fl_places_lon(p, i))
                              for i in range(self._n)]
        return self._rows

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, key):
        if isinstance(key, str):
            i = self.find(key)
            if i < 0:
                raise KeyError(key)
            return self._all()[i]
        return self._all()[key]

    def find(self, name):
        """Index of the first place called name (exact, then case-insensitive), or -1."""
        with self._call() as c:
            return lib.fl_places_find(c.ptrs[0], text(name, "name"))


# ---------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------

class Claims(_Object):
    """Annexation claims (a CSV claimant,declared,region), checked against regions.

    ``Claims()`` opens the embedded claims.csv against the embedded regions;
    ``Claims(path, regions=None)`` another file. A Claims object refers to the regions it
    was checked against (``c.regions``) and must be used with them.
    """

    _closer = staticmethod(lambda ctx, p: lib.fl_claims_close(p))

    def __init__(self, path=None, regions=None):
        if path is None:
            path = data_path("claims")
        b = fspath(path, "claims path")
        reg = _regions_arg(regions)
        with _Call(reg._res.state, reg) as c:
            out = ctypes.c_void_p()
            c.check(lib.fl_claims_open(c.ctx, b, c.ptrs[0], ctypes.byref(out)))
            self._adopt(reg._res.state, out.value, [reg])
            self._n = lib.fl_claims_count(out.value)
        self.path = os.fsdecode(b)
        self.regions = reg

    def __repr__(self):
        return "<frontline.Claims %r: %d claims%s>" % (self.path, self._n,
                                                       " (closed)" if self.closed else "")

    def __len__(self):
        return self._n


# ---------------------------------------------------------------------------------------
# Reports (plain dicts, with the numbers behind them)
# ---------------------------------------------------------------------------------------

class AreaReport(dict):
    """The dict of ``frontline area --json``: file, time, kind, status_km2 (as drawn),
    territory {area_km2, status_km2, status_share}, regions [{code, name, area_km2,
    status_km2, status_share}], features.

    Besides the dict, ``report.km2(status, region=None)`` gives the unrounded km² of a
    status in the territory (region None) or in a region (index or code)."""

    def km2(self, status, region=None):
        """km² of status within the territory (region None) or one region."""
        i = self._profile.index(status) if isinstance(status, str) else status
        if not 0 <= i < len(self._profile):
            raise ArgumentError("no status %r" % (status,))
        return self._km2[_region_row(self._regions, region)][i]


class ClaimsReport(GeoMixin, dict):
    """The dict of ``frontline claims --json`` (file, time, claims, outside_claims), whose
    ``__geo_interface__`` is the claimed ground the claimant does not hold: a
    FeatureCollection of one feature per claim in force (the claimed region minus the
    claimant's layers; properties claimant, declared, region, km2), computed on first use.
    ``GeoDataFrame.from_features(report)`` or ``report.to_geodataframe()`` (EPSG:4326)."""

    def _features(self) -> Dict[str, Any]:
        if self._geojson is None:
            snap, reg, cl = self._inputs
            with snap._call(reg, cl) as c:
                self._geojson = parse(c, lib.fl_claims_geojson, *c.ptrs)
        return self._geojson


class Diff(GeoMixin, _Object, dict):
    """What changed from snapshot A to snapshot B: the dict of ``frontline diff --json``
    (from, to, transitions, changes, regions, pieces, pieces_below_0_01_km2, places),
    with the numbers and geometry behind it:

    * ``d.statuses``: the matrix order (the profile's statuses, then "none");
    * ``d.km2(from_status, to_status, region=None)``: km² that was from_status in A and is
      to_status in B, everywhere or in one region (index or code);
    * ``d.matrix(region=None)``: {from: {to: km²}} over every pair;
    * ``d.pieces()``: the changed pieces, largest first ({from, to, km2, lat, lon,
      region}, unrounded);
    * geometry: ``d.__geo_interface__`` is the changed pieces as a FeatureCollection
      (properties from, to, km2, region; EPSG:4326, ``d.crs``), so
      ``geopandas.GeoDataFrame.from_features(d)`` takes it; ``d.to_geodataframe()`` sets
      the CRS; ``d.pieces_geojson()`` is the same dict; ``d.write(path)`` a GeoJSON file;
    * in a notebook, a diff shows its map (``_repr_png_``).

    The geometry needs the C object: ``close()`` (or ``with``) frees it; the dict, matrix
    and pieces stay usable."""

    _closer = staticmethod(lambda ctx, p: lib.fl_diff_free(p))

    def __init__(self, *args, **kwargs):
        raise TypeError("use Snapshot.diff()")

    def __repr__(self):
        return "<frontline.Diff %s -> %s: %d pieces%s>" % (
            self["from"]["file"], self["to"]["file"], len(self._pieces),
            " (geometry closed)" if self.closed else "")

    def km2(self, from_status: str, to_status: str, region=None) -> float:
        """km² that was from_status in A and is to_status in B ("none": outside the
        territory, covered by nothing), everywhere (region None) or in one region."""
        r = _region_row(self._regions, region)
        try:
            return self._matrix[r][self._pos[from_status]][self._pos[to_status]]
        except (KeyError, TypeError):
            raise ArgumentError("unknown status %r or %r (statuses: %s)" % (
                from_status, to_status, ", ".join(self.statuses))) from None

    def matrix(self, region=None) -> Dict[str, Dict[str, float]]:
        """The transition matrix {from: {to: km²}}, everywhere or in one region."""
        m = self._matrix[_region_row(self._regions, region)]
        return {a: {b: m[i][k] for k, b in enumerate(self.statuses)}
                for i, a in enumerate(self.statuses)}

    def pieces(self) -> List[Dict[str, Any]]:
        """Every changed piece, largest first: [{status_from, status_to, km2, lat, lon,
        region}], d["pieces_total"] of them; d["pieces"] lists only those of 0.01 km² or
        more (d["pieces_below_0_01_km2"] counts the others)."""
        return [dict(p) for p in self._pieces]

    def write(self, path: PathLike) -> None:
        """Writes the changed pieces as GeoJSON (properties status_from, status_to, km2,
        region)."""
        b = fspath(path)
        with self._call() as c:
            c.check(lib.fl_diff_write(c.ctx, c.ptrs[0], b))

    def pieces_geojson(self) -> Dict[str, Any]:
        """The changed pieces as a GeoJSON FeatureCollection dict, largest first (the
        order of pieces()); made by the C library in memory."""
        with self._call() as c:
            return parse(c, lib.fl_diff_geojson, c.ptrs[0])

    _features = pieces_geojson

    def _repr_png_(self) -> Optional[bytes]:
        """The map of the change (as ``frontline map A B``), for notebooks."""
        if self.closed or self.a.closed or self.b.closed:
            return None
        opts = RenderOptions(width=NOTEBOOK_WIDTH)

        def draw(path):
            with self._call(self.a, self.b, self._regions) as c:
                d, a, b, r = c.ptrs
                opts.diff = d
                c.check(lib.fl_render_map(c.ctx, a, b, r, ctypes.byref(opts), path))
        return png_bytes(draw)


class Front(GeoMixin, _Object, dict):
    """The frontline of a snapshot: the dict of ``frontline front --json`` (file, time,
    status, front_km, pieces_km), plus ``f.km`` (unrounded length), ``f.piece_km`` (list,
    longest first), ``f.geometry()`` (GeoJSON dict), ``f.to_geojson()``
    (FeatureCollection of one feature) and ``f.write(path)``. ``f.__geo_interface__`` is
    the geometry (a MultiLineString or LineString, EPSG:4326), so
    ``shapely.geometry.shape(f)`` takes it; ``f.to_geodataframe()`` gives one row.
    ``close()`` frees the geometry."""

    _closer = staticmethod(lambda ctx, p: lib.fl_front_free(p))

    def __init__(self, *args, **kwargs):
        raise TypeError("use Snapshot.front()")

    def __repr__(self):
        return "<frontline.Front %s: %.1f km in %d pieces>" % (self["file"], self.km,
                                                               len(self.piece_km))

    def write(self, path: PathLike) -> None:
        """Writes the frontline as GeoJSON (one feature; properties front_km, pieces_total)."""
        b = fspath(path)
        with self._call() as c:
            c.check(lib.fl_front_write(c.ctx, c.ptrs[0], b))

    def to_geojson(self) -> Dict[str, Any]:
        """The frontline as a GeoJSON FeatureCollection dict (one feature), made by the C
        library in memory."""
        with self._call() as c:
            return parse(c, lib.fl_front_geojson, c.ptrs[0])

    _features = to_geojson

    def geometry(self) -> Dict[str, Any]:
        """The frontline as a GeoJSON geometry dict (LineString or MultiLineString)."""
        return self.to_geojson()["features"][0]["geometry"]

    @property
    def __geo_interface__(self) -> Dict[str, Any]:
        """The frontline's geometry (a GeoJSON geometry dict, EPSG:4326)."""
        return self.geometry()


# ---------------------------------------------------------------------------------------
# Snapshot
# ---------------------------------------------------------------------------------------

class Snapshot(GeoMixin, _Object):
    """One map version, classified by a profile. Made by ``frontline.load()``.

    Accessors: ``path``, ``kind`` ("deepstate", "single-layer", "geojson", "shapefile",
    "wkt"), ``time`` (Unix seconds or None; settable), ``time_iso``, ``datetime``,
    ``counts`` (feature accounting), ``by_status`` (features per status), ``status_km2``
    (km² as drawn), ``bounds``, ``info`` (the dict of ``frontline info --json``),
    ``profile`` and ``regions`` (the defaults for analyses).

    Analyses, named as the CLI commands and returning the same dicts as their ``--json``:
    ``area()``, ``diff(other)``, ``status(...)``, ``claims()``, ``front()``; point queries
    ``status(lat, lon)`` (numpy arrays in, numpy arrays out) and ``status_many(lats,
    lons)``.

    Geometry: ``s.__geo_interface__`` is the status layers as a FeatureCollection (one
    feature per drawn status, property "status"; EPSG:4326, ``s.crs``), so
    ``geopandas.GeoDataFrame.from_features(s)`` takes it; ``s.to_geodataframe()`` sets the
    CRS; ``layers()`` {status: geometry dict}, ``to_geojson()``, ``write(path)``. In a
    notebook a snapshot shows its map (``_repr_png_``).
    """

    _closer = staticmethod(lambda ctx, p: lib.fl_snapshot_close(p))

    def __init__(self, path, profile=None, regions=None, time=None):
        many = isinstance(path, (list, tuple))  # one version published as several files
        bs = [fspath(p, "snapshot path") for p in path] if many else [fspath(path, "snapshot path")]
        files = (ctypes.c_char_p * max(len(bs), 1))(*bs)
        t = _time_arg(time) if time is not None else None
        prof = _profile_arg(profile)
        reg = None if regions is None else _regions_arg(regions)
        st = prof._res.state
        with _Call(st, prof, reg) as c:
            out = ctypes.c_void_p()
            c.check(lib.fl_snapshot_open_files(c.ctx, files, len(bs), c.ptrs[0],
                                               ctypes.byref(out)))
            self._adopt(st, out.value, [prof])
            if t is not None:
                lib.fl_snapshot_set_time(out.value, t)
        self.profile = prof
        self._regions = reg

    def __repr__(self):
        if self.closed:
            return "<frontline.Snapshot (closed)>"
        return "<frontline.Snapshot %r (%s, %s)>" % (self.path, self.kind,
                                                     self.time_iso or "time unknown")

    # -- accessors --------------------------------------------------------------------

    @property
    def regions(self):
        """The regions analyses use unless told otherwise (default: the embedded ones)."""
        if self._regions is None:
            self._own()
            self._regions = _regions_arg(None)
        return self._regions

    @property
    def path(self):
        """The path the snapshot was read from, as given."""
        with self._call() as c:
            return os.fsdecode(lib.fl_snapshot_path(c.ptrs[0]))

    @property
    def kind(self):
        """What the file was recognised as: "deepstate", "single-layer", "geojson",
        "shapefile" or "wkt"."""
        with self._call() as c:
            return decode(lib.fl_snapshot_kind(c.ptrs[0]))

    @property
    def time(self):
        """Time of the snapshot as Unix seconds (from the file name, or set), or None.
        Settable with anything parse_time() accepts."""
        with self._call() as c:
            t = lib.fl_snapshot_time(c.ptrs[0])
        return None if t == TIME_UNKNOWN else t

    @time.setter
    def time(self, value):
        t = TIME_UNKNOWN if value is None else _time_arg(value)
        with self._call() as c:
            lib.fl_snapshot_set_time(c.ptrs[0], t)

    @property
    def time_iso(self):
        """Time as ISO 8601 UTC text ("2022-09-30T08:26:05Z"), or None."""
        return format_time(self.time)

    @property
    def datetime(self):
        """Time as an aware datetime (UTC), or None."""
        t = self.time
        return None if t is None else _dt.datetime.fromtimestamp(t, _dt.timezone.utc)

    @property
    def counts(self):
        """Feature accounting {total, classified, ignored, unclassified, no_polygon,
        repaired}: every feature lands in one of the four classes."""
        out = Counts()
        with self._call() as c:
            lib.fl_snapshot_counts(c.ptrs[0], ctypes.byref(out))
        return {n: getattr(out, n) for n, _ in Counts._fields_}

    @property
    def by_status(self):
        """Number of features classified as each drawn status."""
        with self._call() as c:
            return {name: lib.fl_snapshot_status_features(c.ptrs[0], i)
                    for i, name in enumerate(self.profile.drawn_statuses)}

    @property
    def status_km2(self):
        """km² of each drawn status as drawn (after precedence, not clipped), unrounded."""
        with self._call() as c:
            return {name: lib.fl_snapshot_status_km2(c.ptrs[0], i)
                    for i, name in enumerate(self.profile.drawn_statuses)}

    @property
    def bounds(self):
        """(west, south, east, north) of every polygon drawn; zeros when none is."""
        b = (ctypes.c_double * 4)()
        with self._call() as c:
            lib.fl_snapshot_bounds(c.ptrs[0], b)
        return tuple(b)

    @property
    def info(self):
        """The dict of ``frontline info --json``: file, kind, time, bounds, features,
        by_status, outside_territory (the classified features that do not meet the territory
        of the snapshot's regions); made by the C library, as the CLI's."""
        with self._call(self.regions) as c:
            return json.loads(c.json(lib.fl_snapshot_info_json, c.ptrs[0], None, True,
                                     c.ptrs[1]))

    # -- geometry ---------------------------------------------------------------------

    def write(self, path):
        """Writes the status layers (one feature per drawn status, property "status") as
        GeoJSON or a shapefile, by extension."""
        b = fspath(path)
        with self._call() as c:
            c.check(lib.fl_snapshot_write(c.ctx, c.ptrs[0], b))

    def to_geojson(self) -> Dict[str, Any]:
        """The status layers as a GeoJSON FeatureCollection dict (as ``write`` writes a
        .geojson file), made by the C library in memory."""
        with self._call() as c:
            return parse(c, lib.fl_snapshot_geojson, c.ptrs[0])

    _features = to_geojson

    def layers(self) -> Dict[str, Dict[str, Any]]:
        """{status: GeoJSON geometry dict} of each drawn status, as drawn (exclusive after
        precedence; an empty layer is an empty geometry)."""
        return {f["properties"]["status"]: f["geometry"]
                for f in self.to_geojson()["features"]}

    def _repr_png_(self) -> Optional[bytes]:
        """The map of the snapshot (as ``frontline map FILE``), for notebooks."""
        if self.closed:
            return None
        reg = self.regions
        opts = RenderOptions(width=NOTEBOOK_WIDTH)

        def draw(path):
            with self._call(reg) as c:
                s, r = c.ptrs
                c.check(lib.fl_render_map(c.ctx, s, None, r, ctypes.byref(opts), path))
        return png_bytes(draw)

    # -- analyses ---------------------------------------------------------------------

    def area(self, regions=None) -> AreaReport:
        """Area by status: the dict of ``frontline area --json`` (an AreaReport).

        regions: a Regions, a path, or None for the snapshot's regions."""
        self._own()
        reg = _regions_arg(regions, self.regions)
        prof = self.profile
        with self._call(reg) as c:
            s, r = c.ptrs
            out = ctypes.c_void_p()
            c.check(lib.fl_areas_new(c.ctx, s, r, ctypes.byref(out)))
            try:
                self._res.pin("regions", reg._res)  # see _Res.pin: the C per-region cache
                text_ = c.json(lib.fl_areas_json, out)
                n = len(prof)
                km2 = [[lib.fl_areas_km2(out, k, i) for i in range(n)]
                       for k in [REGION_ALL] + list(range(len(reg)))]
            finally:
                lib.fl_areas_free(out)
        rep = AreaReport(json.loads(text_))
        rep._km2, rep._profile, rep._regions = km2, prof, reg
        return rep

    def diff(self, other: "Snapshot", places=None, geojson=None, regions=None) -> Diff:
        """What changed from this snapshot to other: the dict of ``frontline diff --json``
        (a Diff, with km2(), matrix(), pieces() and the pieces' geometry).

        places: None for the embedded places, False for none, a Places or a path;
        geojson: also write the changed pieces there; regions: a Regions, a path, or None
        for this snapshot's regions."""
        self._own()
        _check_type(other, Snapshot, "other")
        reg = _regions_arg(regions, self.regions)
        pl = _places_arg(places)
        gj = _out_path(geojson)
        d = Diff.__new__(Diff)
        st = self._res.state
        with _Call(st, self, other, reg, pl) as c:
            a, b, r, p = c.ptrs
            out = ctypes.c_void_p()
            c.check(lib.fl_diff_new(c.ctx, a, b, r, p, ctypes.byref(out)))
            d._adopt(st, out.value, [self, other, reg, pl])
            self._res.pin("regions", reg._res)
            if gj is not None:
                c.check(lib.fl_diff_write(c.ctx, out.value, gj))
            text_ = c.json(lib.fl_diff_json, out.value)
            names = self.profile.statuses + ["none"]
            idx = list(range(len(self.profile))) + [STATUS_NONE]
            d._matrix = [[[lib.fl_diff_km2(out.value, k, f, t) for t in idx] for f in idx]
                         for k in [REGION_ALL] + list(range(len(reg)))]
            pieces = []
            pc = Piece()
            for i in range(lib.fl_diff_piece_count(out.value)):
                lib.fl_diff_piece(out.value, i, ctypes.byref(pc))
                pieces.append({"status_from": self.profile.name(pc.from_),
                               "status_to": self.profile.name(pc.to), "km2": pc.km2,
                               "lat": pc.lat, "lon": pc.lon,
                               "region": reg[pc.region].code if pc.region >= 0 else None})
        dict.update(d, json.loads(text_))
        d.statuses = names
        d._pos = {n: i for i, n in enumerate(names)}
        d._pieces = pieces
        d._regions = reg
        d.a, d.b = self, other
        return d

    def compare(self, other, places=None, geojson=None, regions=None):
        """This map and other, another map of the same day (another source, read with its
        own profile), side by side: the dict of ``frontline compare --json``
        (docs/compare.md): a, b (file, time, kind, side_km2), territory_km2, agree_km2,
        sides [{a, b, km2}] (sides RU, none, UA), regions [{code, name, area_km2,
        agree_km2, sides}], pieces [{a, b, km2, lat, lon, region}],
        pieces_below_0_01_km2, places [{id, name, lat, lon, a, b, a_status, b_status,
        region}].

        places: None for the embedded places, False for none, a Places or a path;
        geojson: also write the pieces where they disagree there; regions: a Regions, a
        path, or None for this snapshot's regions."""
        self._own()
        _check_type(other, Snapshot, "other")
        reg = _regions_arg(regions, self.regions)
        pl = _places_arg(places)
        gj = _out_path(geojson)
        with _Call(self._res.state, self, other, reg, pl) as c:
            a, b, r, p = c.ptrs
            out = ctypes.c_void_p()
            c.check(lib.fl_compare_new(c.ctx, a, b, r, p, ctypes.byref(out)))
            try:
                if gj is not None:
                    c.check(lib.fl_compare_write(c.ctx, out.value, gj))
                text_ = c.json(lib.fl_compare_json, out.value)
            finally:
                lib.fl_compare_free(out.value)
        return json.loads(text_)

    def _status_at(self, lats, lons, regions, want_region):
        self._own()
        reg = _regions_arg(regions, self.regions)
        la = _doubles(lats, "lats")
        lo = _doubles(lons, "lons")
        n = len(la)
        if len(lo) != n:
            raise ArgumentError("lats and lons differ in length (%d, %d)" % (n, len(lo)))
        st = (ctypes.c_int * max(n, 1))()
        rg = (ctypes.c_int * max(n, 1))() if want_region else None
        dp = ctypes.POINTER(ctypes.c_double)
        with self._call(reg) as c:
            s, r = c.ptrs
            c.check(lib.fl_snapshot_status_at(
                c.ctx, s, r, n, ctypes.cast(la.buffer_info()[0], dp) if n else None,
                ctypes.cast(lo.buffer_info()[0], dp) if n else None, st, rg))
        return reg, st[:n], (rg[:n] if want_region else None)

    def status(self, lat=None, lon=None, places=None, points=None, regions=None,
               output: str = "names", with_region: bool = False):
        """Control status.

        * ``status(lat, lon)``: the status name of one point ("occupied", "free", "none"
          outside the territory, "invalid" for bad coordinates);
        * ``status(lat=array, lon=array)`` with numpy arrays (or pandas Series) of one
          shape: the answers as an array of that shape, computed in one C call (no
          Python loop); output="names" (default) gives an object array of status names,
          "codes" an int array of status codes (``profile.names_by_code[code]`` is the
          name; -1 none, -2 invalid), "category" a pandas.Categorical;
          with_region=True gives (statuses, region codes) with None outside every region;
        * ``status(points=[(lat, lon), ...])``: the dict of ``frontline status --point ...
          --json`` (places point1, point2, ... with status and region);
        * ``status()`` or ``status(places=...)``: the dict of ``frontline status --json``
          for the places (None: the embedded places; a Places or a path).

        A point on a polygon boundary counts as inside it. regions: a Regions, a path, or
        None for the snapshot's regions (they decide "free" against "none")."""
        if _points.is_array(lat) or _points.is_array(lon):
            if places is not None or points is not None:
                raise ArgumentError("status(lat=array, lon=array) takes no places or points")
            self._own()
            reg = _regions_arg(regions, self.regions)
            with self._call(reg) as c:
                return _points.status_arrays(c, reg, lat, lon, self.profile.names_by_code,
                                             output, with_region)
        if lat is not None or lon is not None:
            if lat is None or lon is None or places is not None or points is not None:
                raise ArgumentError("status(lat, lon) takes both coordinates and nothing "
                                    "else; use status_many() for sequences")
            _, st, _ = self._status_at([lat], [lon], regions, False)
            return self.profile.name(st[0])
        if points is not None:
            if places is not None:
                raise ArgumentError("give points or places, not both")
            try:
                pts = [(_as_float(p[0], "lat"), _as_float(p[1], "lon")) for p in points]
            except (TypeError, IndexError):
                raise ArgumentError("points must be a sequence of (lat, lon) pairs") from None
            reg, st, rg = self._status_at([p[0] for p in pts], [p[1] for p in pts],
                                          regions, True)
            out = []
            for i, (la, lo) in enumerate(pts):
                out.append({"id": "point%d" % (i + 1), "name": "point%d" % (i + 1),
                            "lat": float("%.6f" % la), "lon": float("%.6f" % lo),
                            "status": self.profile.name(st[i]),
                            "region": reg[rg[i]].code if rg[i] >= 0 else None})
            return {"file": self.path, "time": self.time_iso, "places": out}
        self._own()
        reg = _regions_arg(regions, self.regions)
        pl = _places_arg(places)
        if pl is None:
            raise ArgumentError("status: places=False gives nothing to report; give "
                                "lat and lon, points, or places")
        with self._call(reg, pl) as c:
            s, r, p = c.ptrs
            return json.loads(c.json(lib.fl_status_json, s, r, p))

    def status_many(self, lats, lons, regions=None, with_region: bool = False) -> List[Any]:
        """Status names of many points at once (sequences of latitudes and longitudes of
        equal length; anything array.array('d', ...) takes, numpy arrays included).

        with_region=True gives (status, region_code or None) pairs instead."""
        reg, st, rg = self._status_at(lats, lons, regions, with_region)
        name = self.profile.name
        if not with_region:
            return [name(s) for s in st]
        return [(name(s), reg[r].code if r >= 0 else None) for s, r in zip(st, rg)]

    def claims(self, claims=None, geojson=None, regions=None) -> "ClaimsReport":
        """Claims against control: the dict of ``frontline claims --json`` for the claims
        in force at the snapshot's time (all of them when its time is unknown), a
        ClaimsReport whose ``__geo_interface__`` is the claimed ground not held.

        claims: a Claims, a path, or None for the embedded claims.csv; geojson: also write
        the claimed ground the claimant does not hold there; regions: as for area() (a
        Claims object brings its own)."""
        self._own()
        if isinstance(claims, Claims):
            if regions is not None and _regions_arg(regions) is not claims.regions:
                raise ArgumentError("a Claims object must be used with the regions it was "
                                    "opened with (claims.regions)")
            reg, cl = claims.regions, claims
        else:
            reg = _regions_arg(regions, self.regions)
            if claims is None:
                cached = context()._defaults.get("claims")
                if cached is None or cached.closed or cached.regions is not reg:
                    cached = Claims(None, reg)
                    if reg is context()._defaults.get("regions"):
                        context()._defaults["claims"] = cached
                cl = cached
            else:
                cl = Claims(claims, reg)
        gj = _out_path(geojson)
        with self._call(reg, cl) as c:
            s, r, p = c.ptrs
            self._res.pin("regions", reg._res)
            report = ClaimsReport(json.loads(c.json(lib.fl_claims_json, s, r, p, gj)))
        report._inputs, report._geojson = (self, reg, cl), None
        return report

    def front(self, tolerance_km: float = 2.0, geojson=None, regions=None) -> Front:
        """The frontline: the dict of ``frontline front --json`` (a Front, with its
        geometry). tolerance_km: drop the parts within that distance of the territory's
        own border or coast; geojson: also write it there."""
        self._own()
        tol = _as_float(tolerance_km, "tolerance_km")
        if not (tol >= 0) or not math.isfinite(tol):
            raise ArgumentError("tolerance_km wants a distance in km >= 0, not %r"
                                % (tolerance_km,))
        reg = _regions_arg(regions, self.regions)
        gj = _out_path(geojson)
        f = Front.__new__(Front)
        st = self._res.state
        with _Call(st, self, reg) as c:
            s, r = c.ptrs
            out = ctypes.c_void_p()
            c.check(lib.fl_front_new(c.ctx, s, r, tol, ctypes.byref(out)))
            f._adopt(st, out.value, [self, reg])
            if gj is not None:
                c.check(lib.fl_front_write(c.ctx, out.value, gj))
            text_ = c.json(lib.fl_front_json, out.value)
            f.km = lib.fl_front_km(out.value)
            f.piece_km = [lib.fl_front_piece_km(out.value, i)
                          for i in range(lib.fl_front_piece_count(out.value))]
        dict.update(f, json.loads(text_))
        return f


def _doubles(seq, what):
    """A sequence of numbers as array('d')."""
    if isinstance(seq, array.array) and seq.typecode == "d":
        return seq
    try:
        return array.array("d", seq)
    except TypeError:
        try:
            return array.array("d", (float(x) for x in seq))
        except (TypeError, ValueError):
            raise ArgumentError("%s must be a sequence of numbers" % what) from None


def load(path: PathLike, profile=None, regions=None, time=None) -> "Snapshot":
    """Loads and classifies a snapshot: DeepStateMap multi-layer GeoJSON, single-layer
    GeoJSON, GeoJSON wrapped in a JSON document, Esri JSON, KML or KMZ, a shapefile with a
    status attribute, or WKT (.wkt, "STATUS;" optional before each geometry). path is one
    file, or a list of files that are one map version (a day's layer files: status from
    their folder or name). Returns a Snapshot.

    profile: a Profile, a path, the name of a shipped profile ("amk", "deepstate", "isw",
    "nzz"), or None for the embedded DeepStateMap profile;
    regions: the default regions of the snapshot's analyses (a Regions, a path, or None
    for the embedded oblasts); time: overrides the time found in the file name (Unix
    seconds, "YYYY-MM-DD[THH:MM:SS]", "YYYYMMDD", or a datetime).

    Raises FileError (cannot read), ParseError (malformed), FormatError (not a map),
    GeometryError, LimitError; ArgumentError for a bad argument."""
    return Snapshot(path, profile=profile, regions=regions, time=time)


def convert(src: PathLike, dst: PathLike) -> None:
    """Converts between GeoJSON (.geojson/.json), shapefile (.shp) and WKT (.wkt), by the
    extensions, keeping every feature and attribute (as ``frontline convert``)."""
    a, b = fspath(src), fspath(dst)
    st = _current_state()
    with _Call(st) as c:
        c.check(lib.fl_convert(c.ctx, a, b))
