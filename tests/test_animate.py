"""test_animate.py FRONTLINE — `frontline animate`: an animated GIF, read back with Pillow.

On the embedded samples: one frame per version, all of the first frame's size, looping, each
shown for the delay asked; the occupied fill keeps its profile colour (#A52714) through the
256-colour reduction and covers a share of the frame; the two frames differ (the samples'
story). With ../shared: --daily gives one frame per UTC day of the archive. Bad usage
(another extension, no frame delay in range) exits non-zero with one line and leaves no file.
"""
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

try:
    from PIL import Image, ImageChops
except ImportError:
    print("Pillow is needed: skipped")
    sys.exit(77)

FL = sys.argv[1]
DATA = os.environ["FRONTLINE_DATA"]
SHARED = os.environ.get("FRONTLINE_SHARED", "")
A = os.path.join(DATA, "sample", "20220930.geojson")
B = os.path.join(DATA, "sample", "20221004.geojson")
failures = []


def check(what, cond):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def frames(path):
    with Image.open(path) as im:
        out = []
        for i in range(im.n_frames):
            im.seek(i)
            out.append((im.convert("RGB"), im.info.get("duration"), im.info.get("loop")))
        return out


def occupied_share(im):
    near = sum(n for n, (r, g, b) in im.getcolors(1 << 20)
               if (r, g, b) == (0xA5, 0x27, 0x14))
    return near / (im.width * im.height)


with tempfile.TemporaryDirectory() as tmp:
    gif = os.path.join(tmp, "story.gif")
    r = subprocess.run([FL, "animate", A, B, "-o", gif, "--delay", "700"], capture_output=True,
                       text=True)
    check(f"animate runs: {r.stderr}", r.returncode == 0 and "2 frames" in r.stderr)
    f = frames(gif)
    check("two frames", len(f) == 2)
    check("the frames share the first one's size", len({im.size for im, _, _ in f}) == 1 and
          f[0][0].width == 800)
    check("each shown 700 ms, looping", all(d == 700 for _, d, _ in f) and f[0][2] == 0)
    shares = [occupied_share(im) for im, _, _ in f]
    check(f"the occupied fill keeps its exact colour ({shares})", all(0.005 < s < 0.5 for s in shares))
    diff = ImageChops.difference(f[0][0], f[1][0]).getbbox()
    check("the two versions' frames differ", diff is not None)
    check("nothing left beside the output", sorted(os.listdir(tmp)) == ["story.gif"])
    for args, what in (((A, "-o", os.path.join(tmp, "x.png")), "not a .gif"),
                       ((A, "-o", os.path.join(tmp, "y.gif"), "--delay", "5"), "delay")):
        r = subprocess.run([FL, "animate", *args], capture_output=True, text=True)
        check(f"refused ({what}) in one line: {r.stderr}", r.returncode != 0 and
              len(r.stderr.strip().splitlines()) == 1)
    check("refusals leave no file", sorted(os.listdir(tmp)) == ["story.gif"])
    raw = os.path.join(SHARED, "deepstate", "raw")
    if os.path.isdir(raw):
        files = sorted(os.path.join(raw, n) for n in os.listdir(raw) if n.endswith(".geojson"))
        days = {datetime.fromtimestamp(int(os.path.basename(p).split(".")[0]),
                                       timezone.utc).date() for p in files}
        daily = os.path.join(tmp, "daily.gif")
        r = subprocess.run([FL, "animate", *files, "-o", daily, "--daily", "--width", "640"],
                           capture_output=True, text=True)
        check(f"--daily: one frame per day ({len(days)}): {r.stderr}",
              r.returncode == 0 and len(frames(daily)) == len(days))
print(f"{'FAILED' if failures else 'ok'}: {len(failures)} failures")
sys.exit(1 if failures else 0)
