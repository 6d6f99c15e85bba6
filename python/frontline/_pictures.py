"""Pictures for notebooks: maps and charts drawn by the C renderer (cairo) as PNG bytes.

The renderer writes files (atomically, by extension); the PNG goes to a private temporary
directory (``tempfile.TemporaryDirectory``, mode 0700) that is removed before returning, so
nothing is left behind and no other user can read or replace it meanwhile.
"""

from __future__ import annotations

import os
import tempfile
from typing import Callable, Optional

__all__ = ["png_bytes", "NOTEBOOK_WIDTH"]

#: Width in pixels of the pictures notebooks show (the CLI's default is 1600).
NOTEBOOK_WIDTH = 900


def png_bytes(draw: Callable[[bytes], None]) -> Optional[bytes]:
    """Calls draw(path) to write a PNG into a private temporary directory; returns its
    bytes."""
    with tempfile.TemporaryDirectory(prefix="frontline-") as d:
        path = os.path.join(d, "picture.png")
        draw(os.fsencode(path))
        with open(path, "rb") as f:
            return f.read()
