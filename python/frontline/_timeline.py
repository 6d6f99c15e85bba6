"""Timelines over archives of snapshots: rows as they come, tidy pandas frames, a chart.

A Timeline wraps fl_timeline: snapshots are added in time order (one at a time as the
rows are iterated, or all at once on several threads with ``jobs``), only the previous one
kept in memory. Each row is the dict of one element of ``frontline timeline --json``'s
"snapshots"; the timeline keeps the rows it made (``rows``) so that ``to_dataframe()`` and
``changes_dataframe()`` can turn them into pandas frames (pandas is imported only there).

Progress: the C library calls back after each snapshot (fl_timeline_set_progress); with
``jobs`` > 1 the calls come from its worker threads, one at a time, and ctypes takes the
GIL for them. The Python function gets (done, total, path); an exception it raises is kept
and raised once the C call returns (a C callback cannot unwind).
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import sys
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Union

from ._lib import lib, libc, ChartOptions, PROGRESS_FN
from . import _errors
from ._errors import ArgumentError
from ._context import _Object, _Call, fspath, decode, _as_float, _as_int
from ._api import _profile_arg, _regions_arg, _places_arg
from ._pictures import png_bytes, NOTEBOOK_WIDTH

__all__ = ["Timeline", "timeline", "sort_paths", "SNAPSHOT_EXTENSIONS"]


def _snapshot_extensions():
    """The extensions snapshots are read from, as the C library lists them."""
    ext, out = lib.fl_snapshot_extensions(), []
    while ext[len(out)]:
        out.append(decode(ext[len(out)]))
    return tuple(out)


#: The file names a directory contributes to a timeline (as ``frontline timeline DIR``),
#: from the C library.
SNAPSHOT_EXTENSIONS = _snapshot_extensions()

#: The region column's value for the whole territory in ``Timeline.to_dataframe()``.
TERRITORY = "territory"

Progress = Callable[[int, int, str], Any]


def sort_paths(paths: Sequence[Union[str, bytes, os.PathLike]]) -> List[str]:
    """Sorts snapshot paths by the time in their names (unknown times last, then by
    name), as the C library does; returns a new list of str."""
    bs = [fspath(p) for p in paths]
    arr = (ctypes.c_char_p * max(len(bs), 1))(*bs)
    lib.fl_timeline_sort_paths(arr, len(bs))
    return [os.fsdecode(arr[i]) for i in range(len(bs))]


def _collect(paths) -> List[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    out = []
    for p in paths:
        p = os.fsdecode(fspath(p))
        if os.path.isdir(p):
            for name in os.listdir(p):
                if not name.startswith(".") and name.lower().endswith(SNAPSHOT_EXTENSIONS):
                    out.append(os.path.join(p, name))
        elif os.path.exists(p):
            out.append(p)
        else:
            raise _errors.FileError("%s: No such file or directory" % p)
    if not out:
        raise ArgumentError("timeline: no snapshot files (%s) given"
                            % ", ".join(SNAPSHOT_EXTENSIONS))
    return sort_paths(out)


def _text_bar(done: int, total: int, path: str) -> None:
    """progress=True: a bar on stderr, the file's base name after it; a newline at the
    end so that what follows starts on a line of its own."""
    width = 30
    filled = width * min(done, total) // total if total else 0
    sys.stderr.write("\r[%s%s] %d/%d %-40.40s" % ("#" * filled, " " * (width - filled), done,
                                                  total, os.path.basename(path)))
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


class Timeline(_Object):
    """Areas, transitions, frontline and place changes over an archive of snapshots.

    Made by ``frontline.timeline()``. Iterating adds the snapshots in time order and
    yields one row dict each (as the rows of ``frontline timeline --json``: file, time,
    status_km2, territory_km2, regions, transitions, front_km, place_changes, features);
    only the previous snapshot is kept in memory, the rows in ``rows``.

    * ``run()`` adds every remaining snapshot; ``report()`` returns the whole
      ``frontline timeline --json`` document;
    * ``changes()`` is the change log (places whose status changed, between which two
      times), ``place_history(name)`` one place's history;
    * ``to_dataframe()``: a tidy pandas DataFrame, one row per time, region and status
      (time as datetime64[ns, UTC], file, region — "territory" for the whole — status,
      km2); ``changes_dataframe()``: the change log as a DataFrame;
    * in a notebook a timeline shows its chart (``_repr_png_``)."""

    _closer = staticmethod(lambda ctx, p: lib.fl_timeline_free(p))

    def __init__(self, paths, profile=None, regions=None, places=None,
                 tolerance_km: float = 2.0, jobs: int = 1,
                 progress: Union[None, bool, Progress] = None):
        self.paths = _collect(paths)
        tol = _as_float(tolerance_km, "tolerance_km")
        if not (tol >= 0) or not math.isfinite(tol):
            raise ArgumentError("tolerance_km wants a distance in km >= 0")
        self.jobs = _as_int(jobs, "jobs")
        if self.jobs < 1:
            raise ArgumentError("jobs wants a number of threads >= 1, not %d" % self.jobs)
        if progress is not None and progress is not False and progress is not True and \
                not callable(progress):
            raise ArgumentError("progress must be None, True or a function (done, total, "
                                "path)")
        prof = _profile_arg(profile)
        reg = _regions_arg(regions)
        pl = _places_arg(places)
        st = prof._res.state
        with _Call(st, prof, reg, pl) as c:
            p, r, q = c.ptrs
            out = ctypes.c_void_p()
            c.check(lib.fl_timeline_new(c.ctx, p, r, q, tol, ctypes.byref(out)))
            self._adopt(st, out.value, [prof, reg, pl])
        self.profile, self.regions, self.places = prof, reg, pl
        self.rows: List[Dict[str, Any]] = []
        self._pending: List[Dict[str, Any]] = []  # rows made by add_all, not yet yielded
        self._progress = _text_bar if progress is True else progress or None
        self._progress_error: Optional[BaseException] = None
        self._progress_fn = PROGRESS_FN(self._report) if self._progress else None

    def __repr__(self):
        return "<frontline.Timeline: %d/%d snapshots%s>" % (
            self.done, len(self.paths), " (closed)" if self.closed else "")

    @property
    def done(self) -> int:
        """How many of ``paths`` were added (and their rows yielded or kept)."""
        return len(self.rows)

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return self

    def __next__(self) -> Dict[str, Any]:
        if self.jobs > 1 and not self._pending and self.done < len(self.paths):
            self._add_all()
        if self._pending:
            return self._pending.pop(0)
        if self.done >= len(self.paths):
            raise StopIteration
        row = self._add(self.paths[self.done])
        self.rows.append(row)
        return row

    # -- progress ---------------------------------------------------------------------

    def _report(self, _userdata, done, total, path):
        """The C progress callback: total 0 (one fl_timeline_add) means all of paths."""
        try:
            self._progress(int(done), int(total) or len(self.paths), os.fsdecode(path))
        except BaseException as e:  # raised by _raise_progress_error, after the C call
            if self._progress_error is None:
                self._progress_error = e

    def _raise_progress_error(self):
        e, self._progress_error = self._progress_error, None
        if e is not None:
            raise e

    def _hook(self, c):
        if self._progress_fn is not None:
            lib.fl_timeline_set_progress(c.ptrs[0], self._progress_fn, None)

    # -- adding -----------------------------------------------------------------------

    def _add(self, path) -> Dict[str, Any]:
        b = fspath(path, "snapshot path")
        with self._call() as c:
            self._hook(c)
            row = json.loads(c.json(lib.fl_timeline_add, c.ptrs[0], b))
        self._raise_progress_error()
        return row

    def _add_all(self) -> None:
        """Adds every remaining snapshot on up to jobs threads (fl_timeline_add_all)."""
        rest = [fspath(p) for p in self.paths[self.done:]]
        n = len(rest)
        arr = (ctypes.c_char_p * n)(*rest)
        rows = (ctypes.c_void_p * n)()
        try:
            with self._call() as c:
                self._hook(c)
                c.check(lib.fl_timeline_add_all(c.ctx, c.ptrs[0], arr, n, self.jobs,
                                                ctypes.cast(rows, ctypes.POINTER(
                                                    ctypes.c_void_p))))
                made = [json.loads(ctypes.string_at(r).decode("utf-8")) for r in rows]
        finally:
            for r in rows:
                if r:
                    libc.free(r)
        self.rows.extend(made)
        self._pending.extend(made)
        self._raise_progress_error()

    def add(self, path) -> Dict[str, Any]:
        """Adds one more snapshot (later than the previous one) and returns its row; it
        is not one of ``paths`` and not kept in ``rows``."""
        return self._add(path)

    def run(self) -> List[Dict[str, Any]]:
        """Adds every remaining snapshot; returns their rows as a list."""
        return list(self)

    # -- results ----------------------------------------------------------------------

    def changes(self) -> List[Dict[str, Any]]:
        """The change log so far: [{id, name, lat, lon, from, to, before, after}]."""
        with self._call() as c:
            return json.loads(c.json(lib.fl_timeline_changes_json, c.ptrs[0]))

    def place_history(self, place) -> Dict[str, Any]:
        """One place's history {id, name, lat, lon, history: [{time, status[,
        previous_time]}]}: its status in the first snapshot, then every change. place: a
        name (as Places.find) or an index."""
        if self.places is None:
            raise ArgumentError("this timeline has no places")
        if isinstance(place, str):
            i = self.places.find(place)
            if i < 0:
                raise ArgumentError("timeline: no place called %r" % place)
        else:
            if isinstance(place, bool) or not hasattr(place, "__index__"):
                raise ArgumentError("place must be a name or an index")
            i = place.__index__()
        with self._call() as c:
            return json.loads(c.json(lib.fl_timeline_place_json, c.ptrs[0], i))

    def report(self, place=None) -> Dict[str, Any]:
        """Runs the remaining snapshots and returns the ``frontline timeline --json``
        document: {"snapshots": [rows], "changes": [...]}, or with place, {"snapshots":
        [...], "place": {...}}. Only rows added by this call are in "snapshots"."""
        rows = self.run()
        if place is not None:
            return {"snapshots": rows, "place": self.place_history(place)}
        return {"snapshots": rows, "changes": self.changes()}

    def to_dataframe(self):
        """Runs the remaining snapshots and returns a tidy pandas DataFrame of every row:
        one line per snapshot, region and status, columns time (datetime64[ns, UTC]; NaT
        when unknown), file, region (a region code, or "territory" for the whole
        territory), status, km2 (within the territory or region, as the rows'
        territory_km2 and regions)."""
        import pandas as pd  # lazily: only when a DataFrame is asked for
        self.run()
        recs = []
        for row in self.rows:
            scopes = [(TERRITORY, row["territory_km2"])] + [(r["code"], r["status_km2"])
                                                            for r in row["regions"]]
            for region, by_status in scopes:
                for status, km2 in by_status.items():
                    recs.append((row["time"], row["file"], region, status, km2))
        df = pd.DataFrame.from_records(recs, columns=["time", "file", "region", "status",
                                                      "km2"])
        df["time"] = pd.to_datetime(df["time"], utc=True)
        return df

    def changes_dataframe(self):
        """Runs the remaining snapshots and returns the change log as a pandas DataFrame,
        one line per change, the columns those of ``changes()`` (name, id, lat, lon, the
        statuses from and to, before and after) with the times before and after which the
        place changed as datetime64[ns, UTC]."""
        import pandas as pd  # lazily: only when a DataFrame is asked for
        self.run()
        df = pd.DataFrame.from_records(self.changes())
        for k in ("before", "after"):
            if k in df.columns:
                df[k] = pd.to_datetime(df[k], utc=True)
        return df

    def _repr_png_(self) -> Optional[bytes]:
        """The chart of the km² over time (as ``frontline timeline --plot``), for
        notebooks; None before any snapshot of known time was added."""
        if self.closed:
            return None
        with self._call() as c:
            chart = lib.fl_timeline_chart(c.ptrs[0])
            if lib.fl_chart_count(chart) == 0:
                return None
        opts = ChartOptions(width=NOTEBOOK_WIDTH)

        def draw(path):
            with self._call() as c:
                c.check(lib.fl_chart_write(c.ctx, lib.fl_timeline_chart(c.ptrs[0]),
                                           ctypes.byref(opts), path))
        return png_bytes(draw)


def timeline(paths, profile=None, regions=None, places=None, tolerance_km: float = 2.0,
             jobs: int = 1, progress: Union[None, bool, Progress] = None) -> Timeline:
    """A Timeline over snapshot files: a path or a list of paths, directories meaning
    every snapshot file in them (SNAPSHOT_EXTENSIONS); they are ordered by the time in their
    names. Iterate it for the rows, or ask for ``to_dataframe()`` /
    ``changes_dataframe()``; then ``changes()`` / ``place_history(name)``.

    profile, regions: as for load(); places: None for the embedded places, False for none
    (no change log), a Places or a path; tolerance_km: as for Snapshot.front(); jobs:
    threads (> 1: the snapshots are computed together on the first row asked for, the
    same results as one thread gives); progress: a function (done, total, path) called
    after each snapshot (from the library's worker threads too with jobs > 1, one call at
    a time; it must not use frontline objects), or True for a bar on stderr."""
    return Timeline(paths, profile=profile, regions=regions, places=places,
                    tolerance_km=tolerance_km, jobs=jobs, progress=progress)
