#!/usr/bin/env python3
# %% [markdown]
# # 30 September → 4 October 2022 in pandas and geopandas
#
# On 2022-09-30 Russia declared the annexation of four Ukrainian oblasts; in the days after,
# Ukraine retook Lyman (1–2 October) and broke through on the Kherson front (2–4 October).
# This notebook tells that story with the frontline Python bindings and the analyst's
# usual tools: the control maps as GeoDataFrames, the changes as a table, a timeline as a
# tidy DataFrame, and one figure.
#
# A plain Python file with `# %%` cells (VS Code, Jupyter's jupytext, Spyder run it cell by
# cell); `python3 examples/python/notebook.py [A.geojson B.geojson]` runs it whole and saves
# the figure as notebook.png (in $FRONTLINE_NOTEBOOK_OUT, else the current directory).
# Without arguments it uses the embedded samples (illustrative extracts of 30 Sep and 4 Oct);
# the shared DeepStateMap exports 1664526365 and 1664920017 are the real maps of those days.
# It checks what it says as it goes (CI runs it as a test), and exits 77 when pandas,
# geopandas or matplotlib is missing.

# %%
import os
import sys

try:
    import geopandas as gpd
    import matplotlib
    import numpy as np
    import pandas as pd
except ImportError as e:
    print("skipped: %s" % e)
    sys.exit(77)
if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # run as a script: no display needed
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

try:
    import frontline
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "python"))
    import frontline

args = [a for a in sys.argv[1:] if not a.startswith("-")] if "ipykernel" not in sys.modules \
    else []
A_PATH, B_PATH = args[:2] if len(args) >= 2 else (frontline.data_path("sample_20220930"),
                                                  frontline.data_path("sample_20221004"))
REGIONS = frontline.Regions()
CODE = {alias: REGIONS[alias].code for alias in ("UA-DT", "UA-LH", "UA-ZP", "UA-KS")}
EQUAL_AREA = "EPSG:6933"  # cylindrical equal-area on WGS84: areas in m²
FROM, TO = "status_from", "status_to"   # the JSON's keys of a transition's two statuses

# %% [markdown]
# ## The two maps
# A snapshot's `__geo_interface__` is its status layers; `to_geodataframe()` sets the CRS
# (EPSG:4326, longitude/latitude). Areas in an equal-area projection agree with the
# library's geodesic km².

# %%
a, b = frontline.load(A_PATH), frontline.load(B_PATH)
layers = pd.concat([a.to_geodataframe().assign(time=a.datetime),
                    b.to_geodataframe().assign(time=b.datetime)], ignore_index=True)
layers["km2"] = layers.to_crs(EQUAL_AREA).area / 1e6
print(layers.drop(columns="geometry"))
for snap, t in ((a, a.datetime), (b, b.datetime)):
    mine = layers[layers.time == t].set_index("status")["km2"]
    for status, km2 in snap.status_km2.items():
        assert abs(mine[status] - km2) <= 0.01 * km2 + 1e-6, (status, mine[status], km2)

# %% [markdown]
# ## What changed
# A diff's `__geo_interface__` is the changed pieces (from, to, km2, region); grouped by
# transition, their equal-area sum is the transition matrix.

# %%
d = a.diff(b)
pieces = d.to_geodataframe()
pieces["km2_equal_area"] = pieces.to_crs(EQUAL_AREA).area / 1e6
by_transition = (pieces.groupby([FROM, TO])[["km2", "km2_equal_area"]].sum()
                 .sort_values("km2", ascending=False))
print(by_transition.round(1))
for (frm, to), row in by_transition.iterrows():
    assert abs(row["km2_equal_area"] - d.km2(frm, to)) <= 0.01 * d.km2(frm, to) + 1e-3
left = by_transition.loc["occupied"]["km2"].sum()
print("left occupation: %.1f km² in %d pieces" % (left, (pieces[FROM] == "occupied").sum()))

# %% [markdown]
# ## Lyman and the places that changed hands
# Place status over numpy arrays: one C call for all of them.

# %%
places = pd.DataFrame([p._asdict() for p in frontline.Places()])
lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
places["before"] = a.status(lat=lat, lon=lon, output="category")
places["after"] = b.status(lat=lat, lon=lon, output="category")
changed = places[places.before != places.after]
print(changed[["name", "lat", "lon", "before", "after"]].to_string(index=False))
lyman = places[places.name == "Lyman"].iloc[0]
print("Lyman: %s -> %s" % (lyman.before, lyman.after))
assert (lyman.before, lyman.after) == ("occupied", "liberated")
assert set(changed.name) == {p["name"] for p in d["places"]}

# %% [markdown]
# ## The Kherson front
# The largest piece that left occupation, and the frontline before and after.

# %%
kherson = pieces[(pieces[FROM] == "occupied") & (pieces.region == CODE["UA-KS"])]
largest = kherson.sort_values("km2", ascending=False).iloc[0]
print("largest piece in Kherson oblast: %.1f km² around %.2f N, %.2f E (%s -> %s)"
      % (largest.km2, largest.lat, largest.lon, largest[FROM], largest[TO]))
assert abs(largest.lat - 47.3) < 0.5 and abs(largest.lon - 33.5) < 0.5
fronts = gpd.GeoDataFrame(pd.concat([a.front().to_geodataframe().assign(time=a.datetime),
                                     b.front().to_geodataframe().assign(time=b.datetime)]),
                          crs=frontline.CRS)
print(fronts.drop(columns="geometry"))

# %% [markdown]
# ## Over time
# A timeline is a tidy DataFrame (time as UTC datetimes, region, status, km²) and a change
# log; here, the occupied km² of the four claimed oblasts.

# %%
tl = frontline.timeline([A_PATH, B_PATH])
df = tl.to_dataframe()
claimed = list(CODE.values())  # the four oblasts claimed on 30 September
occupied = (df[(df.status == "occupied") & df.region.isin(claimed)]
            .pivot(index="time", columns="region", values="km2"))
print(occupied.round(1))
assert str(df["time"].dt.tz) == "UTC"
print(tl.changes_dataframe()[["name", FROM, TO, "before", "after"]].to_string(index=False))

# %% [markdown]
# ## One figure
# The regions, the occupied ground on 4 October, the pieces that changed (by transition),
# the two frontlines and the places that changed hands; next to it, the km² that left
# occupation in each oblast.

# %%
colour = {("occupied", "liberated"): "#1a9850", ("occupied", "contested"): "#fdae61",
          ("contested", "liberated"): "#91cf60", ("free", "liberated"): "#d9ef8b"}
fig, (ax, bar) = plt.subplots(1, 2, figsize=(14, 6.5),
                              gridspec_kw={"width_ratios": [2.2, 1]})
REGIONS.to_geodataframe().boundary.plot(ax=ax, color="#999999", linewidth=0.5)
occ_b = layers[(layers.time == b.datetime) & (layers.status == "occupied")]
occ_b.plot(ax=ax, color="#e7b7b0", edgecolor="none")
handles = [Patch(color="#e7b7b0", label="occupied %s" % b.datetime.date())]
major = set(by_transition.index[by_transition["km2"] >= 0.01 * by_transition["km2"].sum()])
for (frm, to), group in pieces.groupby([FROM, TO]):
    c = colour.get((frm, to), "#7570b3") if (frm, to) in major else "#bbbbbb"
    group.plot(ax=ax, color=c, edgecolor="black", linewidth=0.3)
    if (frm, to) in major:
        handles.append(Patch(color=c, label="%s → %s" % (frm, to)))
if len(major) < len(by_transition):
    handles.append(Patch(color="#bbbbbb", label="other changes (< 1 % each)"))
for t, style, width, c in ((a.datetime, "--", 0.8, "#b2182b"), (b.datetime, "-", 1.0, "#67001f")):
    fronts[fronts.time == t].plot(ax=ax, color=c, linewidth=width, linestyle=style)
    handles.append(Line2D([], [], color=c, linewidth=width, linestyle=style,
                          label="front %s" % t.date()))
ax.scatter(changed.lon, changed.lat, s=12, color="black", zorder=5)
for _, p in changed.iterrows():
    ax.annotate(p["name"], (p.lon, p.lat), xytext=(3, 3), textcoords="offset points",
                fontsize=7)
west, south, east, north = pieces.total_bounds
ax.set_xlim(west - 1.5, east + 1.5)
ax.set_ylim(south - 1.0, north + 1.0)
ax.set_aspect(1 / np.cos(np.radians((south + north) / 2)))
ax.set_title("What changed, %s → %s" % (a.datetime.date(), b.datetime.date()))
ax.legend(handles=handles, loc="lower left", fontsize=7)
lost = (pieces[pieces[FROM] == "occupied"].groupby("region")["km2"].sum()
        .sort_values())
names = {r.code: r.name for r in REGIONS}
bar.barh([names.get(c, c) for c in lost.index], lost.to_numpy(), color="#1a9850")
for i, v in enumerate(lost.to_numpy()):
    bar.annotate("%.0f km²" % v, (v, i), xytext=(3, 0), textcoords="offset points",
                 va="center", fontsize=8)
bar.set_xlabel("km² that left occupation")
bar.set_title("Left occupation, by oblast")
fig.text(0.01, 0.01, "Data: DeepStateMap; boundaries: Natural Earth; places: GeoNames",
         fontsize=7, color="#555555")
fig.tight_layout()
out_dir = os.environ.get("FRONTLINE_NOTEBOOK_OUT", ".")
os.makedirs(out_dir, exist_ok=True)
out = os.path.join(out_dir, "notebook.png")
fig.savefig(out, dpi=110)
print("figure:", out)
assert os.path.getsize(out) > 10000
