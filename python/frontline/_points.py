"""Status of many points held in numpy arrays, without a Python loop.

The latitude and longitude arrays are handed to ``fl_snapshot_status_at`` as they are when
already float64 and C-contiguous (otherwise one copy makes them so), and the C library
writes the answers into numpy int arrays: one call for any number of points, the locator
(a quadtree) built by the library itself from about 36,000 points on. numpy is imported
only by the caller's arrays: this module never imports it unless numpy is already loaded.

Answers are status codes (the profile's indices, -1 "none", -2 "invalid"); the names are
``profile.names_by_code[code]``, which holds for negative codes too (Python and numpy
indexing from the end), so ``numpy.asarray(names_by_code, dtype=object)[codes]`` maps a
whole array at once.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from ._lib import lib
from ._errors import ArgumentError

__all__ = ["is_array", "status_arrays", "OUTPUTS"]

#: What status arrays can be returned as.
OUTPUTS = ("names", "codes", "category")

_DP = ctypes.POINTER(ctypes.c_double)
_IP = ctypes.POINTER(ctypes.c_int)


def is_array(x: Any) -> bool:
    """True when x is a numpy array (or a pandas Series / Index, which wrap one)."""
    np = sys.modules.get("numpy")
    if np is None:
        return False
    return isinstance(x, np.ndarray) or (
        hasattr(x, "to_numpy") and type(x).__module__.startswith("pandas"))


def _doubles(np, x, what):
    a = x.to_numpy() if hasattr(x, "to_numpy") else x
    try:
        return np.ascontiguousarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError("%s must hold numbers" % what) from None


def _as_output(np, codes, names, output):
    if output == "codes":
        return codes
    if output == "names":
        return np.asarray(names, dtype=object)[codes]
    import pandas  # lazily, only when asked for a Categorical
    # categories in names order; a code c < 0 is category len(names) + c
    return pandas.Categorical.from_codes((codes % len(names)).ravel(), categories=list(names))


def status_arrays(call, regions, lat, lon, names, output: str = "names",
                  with_region: bool = False) -> Any:
    """Status (and region) of the points of lat and lon, arrays of one shape.

    call: an open _Call on the snapshot and the regions (c.ptrs); names: the profile's
    names_by_code; a "category" answer is one-dimensional (pandas' Categorical is). Returns an array of the inputs' shape (names, codes or a
    pandas.Categorical, by output), or with with_region a pair whose second member holds
    the region codes (None outside every region)."""
    import numpy as np  # already loaded: the caller's arrays are numpy's
    if output not in OUTPUTS:
        raise ArgumentError("output must be one of %s, not %r" % (", ".join(OUTPUTS), output))
    la, lo = _doubles(np, lat, "lat"), _doubles(np, lon, "lon")
    if la.shape != lo.shape:
        raise ArgumentError("lat and lon differ in shape (%s, %s)" % (la.shape, lo.shape))
    n = la.size
    st = np.empty(la.shape, dtype=np.intc)
    rg = np.empty(la.shape, dtype=np.intc) if with_region else None
    if n:
        call.check(lib.fl_snapshot_status_at(
            call.ctx, call.ptrs[0], call.ptrs[1], n, la.ctypes.data_as(_DP),
            lo.ctypes.data_as(_DP), st.ctypes.data_as(_IP),
            rg.ctypes.data_as(_IP) if with_region else None))
    out = _as_output(np, st, names, output)
    if not with_region:
        return out
    codes = np.asarray([r.code for r in regions] + [None], dtype=object)
    return out, codes[rg]

