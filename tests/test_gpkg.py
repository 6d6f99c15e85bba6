"""test_gpkg.py FRONTLINE — `frontline timeline --gpkg`: a GeoPackage that GIS tools open.

Checks, on the embedded samples: the GeoPackage's registration (application id, contents,
geometry columns, R-tree indexes in step with their tables), the validity intervals, that the
stored geometry's geodesic area (pyproj, independent of frontline) is the km2 stored with it,
that the changed pieces add up to `frontline diff`'s transitions, that a second run adds only
the new version, that a renamed copy of a stored version is recognised by its content, and
that an older version is refused. With GDAL's ogrinfo: the layers and time fields it lists,
and a spatial filter through the index. With ../shared: a run killed mid-archive leaves a
valid GeoPackage of whole versions, and running again completes it.
"""
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

try:
    from pyproj import Geod
    from shapely import wkb
except ImportError:
    print("pyproj and shapely are needed: skipped")
    sys.exit(77)

FL = sys.argv[1]
DATA = os.environ["FRONTLINE_DATA"]
SHARED = os.environ.get("FRONTLINE_SHARED", "")
A = os.path.join(DATA, "sample", "20220930.geojson")
B = os.path.join(DATA, "sample", "20221004.geojson")
GEOD = Geod(ellps="WGS84")
failures = []


def check(what, cond):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(*args):
    return subprocess.run([FL, *args], capture_output=True, text=True)


def geometry(blob):
    """The shapely geometry of a GeoPackage blob (header, envelope, WKB)."""
    assert blob[:2] == b"GP", blob[:4]
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    return wkb.loads(bytes(blob[8 + envelope:]))


def km2(geom):
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def check_registration(db):
    check("application id", db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47)
    check("integrity", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    tables = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
    check("contents", tables == {"status_layers": "features", "changed_pieces": "features",
                                 "place_status": "features", "versions": "attributes",
                                 "areas": "attributes"})
    for t in ("status_layers", "changed_pieces", "place_status"):
        n = db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        indexed = db.execute(f"SELECT count(*) FROM rtree_{t}_geom").fetchone()[0]
        check(f"{t}: every row indexed ({n} rows, {indexed} in the R-tree)", n == indexed > 0)
        ext = db.execute("SELECT min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents "
                         "WHERE table_name = ?", (t,)).fetchone()
        bounds = [geometry(b).bounds for (b,) in db.execute(f"SELECT geom FROM {t}")]
        check(f"{t}: extent covers the rows", ext[4] == 4326 and
              ext[0] <= min(b[0] for b in bounds) and ext[1] <= min(b[1] for b in bounds) and
              ext[2] >= max(b[2] for b in bounds) and ext[3] >= max(b[3] for b in bounds))


def check_intervals(db):
    v = db.execute("SELECT fid, valid_from, valid_to FROM versions ORDER BY valid_from").fetchall()
    for (_, _, to), (_, start, _) in zip(v, v[1:]):
        check("a version is valid until the next one", to == start)
    check("only the newest version is open", v[-1][2] is None)
    for t in ("status_layers", "changed_pieces"):
        rows = db.execute(f"SELECT t.valid_from, t.valid_to, v.valid_from, v.valid_to FROM {t} t"
                          " JOIN versions v ON v.fid = t.version").fetchall()
        check(f"{t}: each row has its version's interval",
              all(r[0] == r[2] and r[1] == r[3] for r in rows))
    open_places = db.execute("SELECT place_id, count(*) FROM place_status WHERE valid_to IS "
                             "NULL GROUP BY place_id HAVING count(*) > 1").fetchall()
    check("each place has one open period", not open_places)


def check_areas(db):
    for t in ("status_layers", "changed_pieces"):
        worst = 0
        for blob, stored in db.execute(f"SELECT geom, km2 FROM {t} WHERE km2 > 0.01"):
            worst = max(worst, abs(km2(geometry(blob)) - stored) / stored)
        check(f"{t}: geodesic area of the stored geometry within 0.01 % of the stored km2 (worst {worst:.2e})",
              worst < 1e-4)


def check_changes(db, tmp):
    diff = json.loads(run("diff", A, B, "--json").stdout)
    want = {(t["from"], t["to"]): t["km2"] for t in diff["transitions"] if t["from"] != t["to"]}
    got = dict(((f, t), s) for f, t, s in db.execute(
        "SELECT status_before, status_after, sum(km2) FROM changed_pieces GROUP BY 1, 2"))
    check(f"changed pieces add up to diff's transitions ({got} vs {want})",
          set(got) == set(want) and all(abs(got[k] - want[k]) < 1e-6 * max(1, want[k])
                                        for k in want))


def check_ogrinfo(path):
    ogrinfo = shutil.which("ogrinfo")
    if not ogrinfo:
        print("ogrinfo absent: its checks skipped")
        return
    out = subprocess.run([ogrinfo, "-so", "-al", path], capture_output=True, text=True).stdout
    for layer in ("status_layers", "changed_pieces", "place_status", "versions", "areas"):
        check(f"ogrinfo lists {layer}", f"Layer name: {layer}" in out)
    check("ogrinfo: time fields", out.count("valid_from: DateTime") == 5 and
          out.count("valid_to: DateTime") == 4)
    out = subprocess.run([ogrinfo, "-q", "-spat", "37.7", "48.9", "37.9", "49.1", path,
                          "place_status"], capture_output=True, text=True).stdout
    check("ogrinfo: a spatial filter finds Lyman", "Lyman" in out)


def samples(tmp):
    g = os.path.join(tmp, "archive.gpkg")
    r = run("timeline", A, "--gpkg", g)
    check(f"first run adds one version: {r.stderr}", r.returncode == 0 and
          "1 versions added, 1 stored" in r.stderr)
    r = run("timeline", A, B, "--gpkg", g)
    check(f"second run adds exactly one: {r.stderr}", r.returncode == 0 and
          "1 versions added, 2 stored" in r.stderr)
    renamed = [os.path.join(tmp, n) for n in ("copy-2022-09-30.geojson", "copy-2022-10-04.geojson")]
    shutil.copy(A, renamed[0])
    shutil.copy(B, renamed[1])
    r = run("timeline", *renamed, "--gpkg", g)
    check(f"renamed copies are recognised: {r.stderr}", r.returncode == 0 and
          "0 versions added, 2 stored" in r.stderr)
    with sqlite3.connect(g) as db:
        check_registration(db)
        check_intervals(db)
        check_areas(db)
        check_changes(db, tmp)
    check_ogrinfo(g)
    older = os.path.join(tmp, "older.gpkg")
    run("timeline", B, "--gpkg", older)
    r = run("timeline", A, "--gpkg", older)
    lines = r.stderr.strip().splitlines()
    check(f"an older version is refused in one line: {r.stderr}", r.returncode != 0 and
          len(lines) == 1 and "older than the newest version" in lines[0])


def killed(tmp):
    raw = os.path.join(SHARED, "deepstate", "raw")
    if not os.path.isdir(raw):
        print("no shared archive: the interrupted run is not tested")
        return
    files = sorted(os.path.join(raw, f) for f in os.listdir(raw) if f.endswith(".geojson"))
    g = os.path.join(tmp, "killed.gpkg")
    p = subprocess.Popen([FL, "timeline", *files, "--gpkg", g], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and p.poll() is None and stored < 3:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{g}?mode=ro", uri=True) as db:
                stored = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        except sqlite3.Error:
            pass
    p.send_signal(signal.SIGKILL)
    p.wait()
    with sqlite3.connect(g) as db:
        check("killed: integrity", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
        n = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        per = db.execute("SELECT count(DISTINCT version) FROM areas").fetchone()[0]
        check(f"killed: {n} whole versions kept", n >= 3 and per == n)
    r = run("timeline", *files, "--gpkg", g)
    distinct = len({hashlib.sha256(open(f, "rb").read()).hexdigest() for f in files})
    with sqlite3.connect(g) as db:
        n = db.execute("SELECT count(*) FROM versions").fetchone()[0]
        check(f"run again: all {distinct} distinct versions stored ({n})",
              r.returncode == 0 and n == distinct)
        check_intervals(db)


with tempfile.TemporaryDirectory() as tmp:
    samples(tmp)
    killed(tmp)
print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failures")
sys.exit(1 if failures else 0)
