"""Contexts (one per thread), C handles and their lifetimes.

libfrontline's rules: use one fl_ctx per thread; an object made with a context must be used
with that same context; an object must outlive the objects that refer to it (a snapshot
refers to its profile, a diff to its snapshots, ...).

Here:

* every thread gets its own Context, made on first use (``frontline.context()``);
* every C handle is a _Res holding a reference count: one for its Python owner, one for
  each C object that refers to it. Closing (``close()``, ``with``, or the owner being
  garbage-collected: weakref.finalize) drops the owner's count; the C object is freed when
  nothing refers to it any more, whatever the order in which Python collects things;
* every C call made with a context holds that context's lock. The owner thread takes it
  (it is only ever contended by finalizers); a finalizer running in another thread (the
  garbage collector runs wherever it likes) never waits for it: when the lock is busy it
  queues the release, and whoever holds the lock runs the queue before letting go.
"""

import ctypes
import collections
import os
import threading
import weakref

from ._lib import lib, libc
from . import _errors
from ._errors import ArgumentError, ClosedError, ThreadError, NoMemoryError

_local = threading.local()


class _State:
    """The C context (fl_ctx *) shared by a Context and every object made with it."""

    __slots__ = ("ptr", "lock", "pending", "refs", "thread_name", "__weakref__")

    def __init__(self):
        ptr = lib.fl_ctx_new()
        if not ptr:
            raise NoMemoryError("fl_ctx_new failed: out of memory, or GEOS/PROJ could not "
                                "be initialised")
        self.ptr = ptr
        self.lock = threading.Lock()
        self.pending = collections.deque()
        self.refs = 1  # the Context
        self.thread_name = threading.current_thread().name

    def leave(self):
        """Runs the queued releases and unlocks (loops so none is left behind)."""
        while True:
            while self.pending:
                fn = self.pending.popleft()
                try:
                    fn()
                except Exception:  # a release must never break the caller
                    pass
            self.lock.release()
            if not self.pending or not self.lock.acquire(False):
                return

    def run_or_defer(self, fn):
        """Runs fn under the lock now if it is free, else queues it for the holder."""
        self.pending.append(fn)
        if self.lock.acquire(False):
            self.leave()

    def release(self):
        """Drops one reference (lock held); frees the fl_ctx at the last one."""
        self.refs -= 1
        if self.refs == 0 and self.ptr:
            ptr, self.ptr = self.ptr, None
            lib.fl_ctx_free(ptr)


class _Res:
    """One C handle: pointer, closer, the handles it refers to, a reference count."""

    __slots__ = ("state", "ptr", "closer", "deps", "pins", "refs")

    def __init__(self, state, ptr, closer, deps=()):
        # called with state's lock held
        self.state = state
        self.ptr = ptr
        self.closer = closer
        self.deps = [d for d in deps if d is not None]
        self.pins = {}
        self.refs = 1
        for d in self.deps:
            d.refs += 1
        state.refs += 1

    def pin(self, key, other):
        """Keeps other alive as long as self (lock held); replaces the previous pin of key."""
        old = self.pins.get(key)
        if old is other:
            return
        other.refs += 1
        self.pins[key] = other
        if old is not None:
            old.release()

    def release(self):
        """Drops one reference (lock held); closes the C object at the last one."""
        self.refs -= 1
        if self.refs > 0 or self.ptr is None:
            return
        ptr, self.ptr = self.ptr, None
        self.closer(self.state.ptr, ptr)
        deps, self.deps = self.deps + list(self.pins.values()), []
        self.pins = {}
        for d in deps:
            d.release()
        self.state.release()


def _current_state():
    st = getattr(_local, "state", None)
    if st is None:
        context()
        st = _local.state
    return st


class Context:
    """The calling thread's frontline context: a GEOS handle, a PROJ context, input limits.

    Get it with ``frontline.context()``; there is one per thread, made on first use, and
    every object a thread creates belongs to it. ``ctx.limit(name)`` and
    ``ctx.set_limit(name, value)`` read and change the input limits (names ``"file_bytes"``,
    ``"features"``, ``"vertices"``, ``"nesting"``), which readers enforce with LimitError,
    and ``"threads"``: how many threads a call may use for work it splits (default 1; the
    water's cut when regions get their water).
    """

    LIMITS = {"file_bytes": 0, "features": 1, "vertices": 2, "nesting": 3, "threads": 4}

    def __init__(self, *args, **kwargs):
        raise TypeError("use frontline.context(): there is one context per thread")

    @classmethod
    def _new(cls):
        self = object.__new__(cls)
        self._state = _State()
        self._defaults = {}
        self._finalizer = weakref.finalize(self, self._state.run_or_defer,
                                           self._state.release)
        return self

    def __repr__(self):
        return "<frontline.Context of thread %r>" % self._state.thread_name

    @property
    def thread_name(self):
        """Name of the thread this context belongs to."""
        return self._state.thread_name

    def _limit_index(self, name):
        try:
            return self.LIMITS[name]
        except (KeyError, TypeError):
            raise ArgumentError("unknown limit %r (one of %s)"
                                % (name, ", ".join(self.LIMITS))) from None

    def limit(self, name):
        """The current value of a limit ("file_bytes", "features", "vertices", "nesting",
        "threads")."""
        which = self._limit_index(name)
        with _Call(self._state) as c:
            return lib.fl_ctx_limit(c.ctx, which)

    def set_limit(self, name, value):
        """Changes a limit of this thread's context (value > 0; threads at most 256)."""
        which = self._limit_index(name)
        value = _as_int(value, "limit")
        with _Call(self._state) as c:
            c.check(lib.fl_ctx_set_limit(c.ctx, which, value))

    def default(self, kind, factory):
        """A per-thread cached default object (embedded profile, regions, ...)."""
        obj = self._defaults.get(kind)
        if obj is None or obj.closed:
            obj = factory()
            self._defaults[kind] = obj
        return obj


def context():
    """The calling thread's Context, created on first use."""
    ctx = getattr(_local, "context", None)
    if ctx is None:
        ctx = Context._new()
        _local.context = ctx
        _local.state = ctx._state
    return ctx


class _Call:
    """``with _Call(state, *objects) as c:`` locks the context, checks every object is
    open and belongs to the calling thread's context; c.ctx is the fl_ctx pointer and
    c.ptrs the objects' C pointers; c.check(rc) raises the C error."""

    __slots__ = ("state", "objects", "ctx", "ptrs")

    def __init__(self, state, *objects):
        self.state = state
        self.objects = objects

    def __enter__(self):
        st = self.state
        if getattr(_local, "state", None) is not st:
            raise ThreadError(
                "this frontline object belongs to the context of thread %r; objects must be "
                "used in the thread that created them (one context per thread)"
                % st.thread_name)
        for o in self.objects:
            if o is not None and o._res.state is not st:
                raise ThreadError(
                    "%s belongs to the context of thread %r, not of thread %r; objects of "
                    "different threads cannot be mixed"
                    % (type(o).__name__, o._res.state.thread_name, st.thread_name))
        st.lock.acquire()
        try:
            if not st.ptr:
                raise ClosedError("the frontline context is closed")
            ptrs = []
            for o in self.objects:
                if o is None:
                    ptrs.append(None)
                    continue
                if not o._finalizer.alive or o._res.ptr is None:
                    raise ClosedError("%s is closed" % type(o).__name__)
                ptrs.append(o._res.ptr)
        except BaseException:
            st.leave()
            raise
        self.ctx = st.ptr
        self.ptrs = ptrs
        return self

    def __exit__(self, *exc):
        self.state.leave()
        return False

    def check(self, rc):
        """Raises the frontline.Error of a failed call (rc != 0)."""
        if rc:
            msg = lib.fl_ctx_errmsg(self.ctx)
            raise _errors.error_for(rc, msg.decode("utf-8", "replace") if msg else "")

    def json(self, fn, *args):
        """Calls fn(ctx, *args, char **out) and returns the string, freed with free()."""
        out = ctypes.c_void_p()
        rc = fn(self.ctx, *args, ctypes.byref(out))
        try:
            self.check(rc)
            if not out.value:
                raise _errors.Error("libfrontline returned no text", _errors.EARG)
            return ctypes.string_at(out.value).decode("utf-8", "replace")
        finally:
            if out.value:
                libc.free(out.value)


class _Object:
    """Base of every wrapper of a C handle: close(), ``with``, a finalizer."""

    _closer = None  # staticmethod(ctx_ptr, ptr)
    _res = None
    _finalizer = None

    def _adopt(self, state, ptr, deps=()):
        """Takes ownership of ptr (lock held); deps are the wrappers it refers to."""
        self._res = _Res(state, ptr, type(self)._closer, [d._res for d in deps if d is not None])
        self._finalizer = weakref.finalize(self, state.run_or_defer, self._res.release)

    def close(self):
        """Releases the C object. Idempotent; using the object afterwards raises
        ClosedError. Objects that refer to it (a snapshot to its profile, ...) keep the C
        data alive until they are closed too, so closing in any order is safe."""
        f = self._finalizer
        if f is not None:
            f()

    @property
    def closed(self):
        """True once close() was called (or the object was never opened)."""
        return self._finalizer is None or not self._finalizer.alive

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _own(self):
        """Raises ThreadError unless the calling thread's context made this object (checked
        first by the methods that would otherwise load defaults in the wrong thread)."""
        if self.closed:
            raise ClosedError("%s is closed" % type(self).__name__)
        if getattr(_local, "state", None) is not self._res.state:
            raise ThreadError(
                "this %s belongs to the context of thread %r; objects must be used in the "
                "thread that created them (one context per thread)"
                % (type(self).__name__, self._res.state.thread_name))

    def _call(self, *others):
        """A _Call on self and others (wrappers, or None)."""
        if self._res is None:
            raise ClosedError("%s was never opened" % type(self).__name__)
        return _Call(self._res.state, self, *others)


def _as_int(value, what):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ArgumentError("%s must be an integer, not %s" % (what, type(value).__name__))
    return value.__index__()


def _as_float(value, what):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ArgumentError("%s must be a number, not %r" % (what, value)) from None


def fspath(path, what="path"):
    """A path (str, bytes or os.PathLike) as bytes for C; ArgumentError otherwise."""
    try:
        p = os.fspath(path)
    except TypeError:
        raise ArgumentError("%s must be a str, bytes or os.PathLike, not %s"
                            % (what, type(path).__name__)) from None
    if isinstance(p, str):
        p = os.fsencode(p)
    if not p:
        raise ArgumentError("%s is empty" % what)
    if b"\0" in p:
        raise ArgumentError("%s contains a NUL byte: %r" % (what, path))
    return p


def text(value, what):
    """A str argument as UTF-8 bytes for C."""
    if not isinstance(value, str):
        raise ArgumentError("%s must be a str, not %s" % (what, type(value).__name__))
    if "\0" in value:
        raise ArgumentError("%s contains a NUL character" % what)
    return value.encode("utf-8")


def decode(b):
    """A C string (bytes or None) as str."""
    return b.decode("utf-8", "replace") if b is not None else None
