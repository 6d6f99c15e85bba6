/* site.js — the page of `frontline site`: a map of any version of an archive, a time slider
 * and a play button, a two-date compare mode, the area chart, a searchable place change log,
 * a region drill-down and an embed snippet. No library, no server, no network: the data
 * comes as scripts written by lib/site.c that call the FL.* loaders below; a version's shapes
 * are loaded when it is shown (the detailed ones only when zoomed in). */
"use strict";
const FL = (() => {
  const data = { meta: null, rows: [], regions: [], places: [], changes: [], unit: 0.001 };
  const shapes = {};          /* "i" + level -> [[status, [polygon = [ring = [[x, y]...]]]]] */
  const waiting = {};         /* script src -> [callbacks] */
  const CLASSES = [           /* as frontline diff's pictures colour them */
    ["left_contested", "#4FC3F7"], ["became_contested", "#FFD000"],
    ["left_occupation", "#1565C0"], ["newly_occupied", "#FF6D00"]];
  const view = { cx: 31, cy: 48.5, scale: 1 };
  let state = { a: 0, b: 0, compare: false, region: "", playing: null, drawn: 0 };
  const $ = (id) => document.getElementById(id);

  function decode(unit, polygons) {
    return polygons.map((poly) => poly.map((ring) => {
      const pts = []; let x = 0, y = 0;
      for (let k = 0; k < ring.length; k += 2) { x += ring[k]; y += ring[k + 1]; pts.push([x * unit, y * unit]); }
      return pts;
    }));
  }
  function load(src, done) {
    if (waiting[src]) { waiting[src].push(done); return; }
    waiting[src] = [done];
    const s = document.createElement("script");
    s.src = src;
    s.onerror = () => console.warn("frontline: cannot load " + src);
    document.head.appendChild(s);
  }
  function version(i, level, unit, layers) {
    shapes[i + level] = layers.map(([status, polys]) => [status, decode(unit, polys)]);
    const src = "v/" + i + level + ".js";
    (waiting[src] || []).forEach((f) => f());
  }
  function level() { return view.scale > 12 ? "f" : "c"; }
  function need(i, then) {
    const lv = level();
    if (shapes[i + lv]) return then();
    if (shapes[i + "c"]) then(); /* draw the coarse shapes while the fine ones come */
    load("v/" + i + lv + ".js", then);
  }

  /* ---- map ----------------------------------------------------------------------------- */
  const canvas = () => $("map");
  function project(lon, lat) {
    const c = canvas(), k = Math.cos(view.cy * Math.PI / 180), s = view.scale * c.height / 12;
    return [c.width / 2 + (lon - view.cx) * k * s, c.height / 2 - (lat - view.cy) * s];
  }
  function unproject(x, y) {
    const c = canvas(), k = Math.cos(view.cy * Math.PI / 180), s = view.scale * c.height / 12;
    return [view.cx + (x - c.width / 2) / (k * s), view.cy - (y - c.height / 2) / s];
  }
  function fit(b) {
    const c = canvas(), k = Math.cos(((b[1] + b[3]) / 2) * Math.PI / 180);
    view.cx = (b[0] + b[2]) / 2; view.cy = (b[1] + b[3]) / 2;
    view.scale = 0.9 * Math.min(12 / (b[3] - b[1]), 12 * c.width / (c.height * k * (b[2] - b[0])));
  }
  function path(g, polys) {
    g.beginPath();
    for (const poly of polys) for (const ring of poly) {
      ring.forEach(([x, y], n) => { const [px, py] = project(x, y); n ? g.lineTo(px, py) : g.moveTo(px, py); });
      g.closePath();
    }
  }
  function fill(g, polys, colour) { path(g, polys); g.fillStyle = colour; g.fill("evenodd"); state.drawn++; }
  function layers(i) { return shapes[i + level()] || shapes[i + "c"] || []; }
  function statusesWhere(test) {
    return new Set(data.meta.statuses.map((s, k) => test(s) ? k : -1).filter((k) => k >= 0));
  }
  /* An offscreen mask of version i's statuses in set. */
  function mask(i, set) {
    const c = canvas(), off = document.createElement("canvas");
    off.width = c.width; off.height = c.height;
    const g = off.getContext("2d");
    for (const [s, polys] of layers(i)) if (set.has(s)) fill(g, polys, "#000");
    return off;
  }
  function minus(x, y, colour) {
    const g = x.getContext("2d");
    g.globalCompositeOperation = "destination-out"; g.drawImage(y, 0, 0);
    g.globalCompositeOperation = "source-in"; g.fillStyle = colour; g.fillRect(0, 0, x.width, x.height);
    return x;
  }
  function drawCompare(g) {
    const m = data.meta, occ = m.statuses[m.front].side;
    const side = statusesWhere((s) => s.side === occ), none = statusesWhere((s) => s.side === "");
    const holds = new Set([...side, ...none]);
    const over = [
      minus(mask(state.a, none), mask(state.b, none), CLASSES[0][1]),
      minus(mask(state.b, none), mask(state.a, none), CLASSES[1][1]),
      minus(mask(state.a, side), mask(state.b, holds), CLASSES[2][1]),
      minus(mask(state.b, side), mask(state.a, side), CLASSES[3][1])];
    g.globalAlpha = 0.85;
    over.forEach((o) => g.drawImage(o, 0, 0));
    g.globalAlpha = 1;
  }
  function draw() {
    const c = canvas(), g = c.getContext("2d"), m = data.meta;
    const shown = state.compare ? state.b : state.a;
    state.drawn = 0;
    g.fillStyle = "#e1e8ee"; g.fillRect(0, 0, c.width, c.height);
    const land = m.statuses[m.statuses.length - 1].colour;
    for (const r of data.regions) fill(g, r.polygons, land);
    for (const [s, polys] of layers(shown)) fill(g, polys, m.statuses[s].colour);
    if (state.compare) drawCompare(g);
    g.strokeStyle = "#777"; g.lineWidth = 0.6;
    for (const r of data.regions) { path(g, r.polygons); g.stroke(); }
    if (state.region) {
      const r = data.regions.find((x) => x.code === state.region);
      g.strokeStyle = "#000"; g.lineWidth = 2; path(g, r.polygons); g.stroke();
    }
    drawPlaces(g);
    document.body.dataset.version = shown;
    document.body.dataset.drawn = state.drawn;
  }
  function drawPlaces(g) {
    const min = view.scale > 4 ? 20000 : view.scale > 2 ? 100000 : 400000;
    g.font = "12px DejaVu Sans, sans-serif"; g.lineWidth = 3; g.strokeStyle = "#fff";
    for (const p of data.places) {
      if (p.population < min) continue;
      const [x, y] = project(p.lon, p.lat);
      g.fillStyle = "#222"; g.beginPath(); g.arc(x, y, 2.5, 0, 7); g.fill();
      g.strokeText(p.name, x + 4, y - 3); g.fillText(p.name, x + 4, y - 3);
    }
  }
  function redraw() { need(state.a, () => (state.compare ? need(state.b, draw) : draw())); }

  /* ---- figures, legend, chart ---------------------------------------------------------- */
  const fmt = (v) => v.toLocaleString("en", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const when = (i) => data.rows[i].time.replace("T", " ").replace("Z", " UTC");
  function km2(i, status) {
    const row = data.rows[i], name = data.meta.statuses[status].name;
    const src = state.region ? row.regions[state.region] : row.territory_km2;
    return (src && src[name]) || 0;
  }
  function figures() {
    const m = data.meta, i = state.compare ? state.b : state.a;
    const total = m.statuses.reduce((t, _, s) => t + km2(i, s), 0) || 1;
    $("figures").innerHTML = m.statuses.map((s, k) =>
      `<tr><td><i style="background:${s.colour}"></i> ${s.name}</td><td class="n">${fmt(km2(i, k))} km²</td>` +
      `<td class="n">${(100 * km2(i, k) / total).toFixed(1)} %</td></tr>`).join("");
    let legend = m.statuses.map((s) => `<span><i style="background:${s.colour}"></i>${s.name}</span>`).join("");
    if (state.compare) {
      const net = km2(state.b, m.front) - km2(state.a, m.front);
      legend += CLASSES.map(([k, c]) => `<span><i style="background:${c}"></i>${k.replace("_", " ")}</span>`).join("") +
        `<span>net change of ${m.statuses[m.front].name}: ${net >= 0 ? "+" : ""}${fmt(net)} km²</span>`;
    }
    $("legend").innerHTML = legend;
  }
  function chart() {
    const svg = $("chart"), w = svg.clientWidth || 800, h = svg.clientHeight || 220, m = data.meta;
    const n = data.rows.length, t0 = Date.parse(data.rows[0].time), t1 = Date.parse(data.rows[n - 1].time);
    let max = 1;
    const series = m.statuses.slice(0, -1).map((s, k) => data.rows.map((_, i) => { const v = km2(i, k); max = Math.max(max, v); return v; }));
    const X = (i) => 40 + (w - 50) * (n > 1 ? (Date.parse(data.rows[i].time) - t0) / ((t1 - t0) || 1) : 0.5);
    const Y = (v) => h - 20 - (h - 30) * v / max;
    let out = `<text x="4" y="12" font-size="11">${fmt(max)} km²</text><line x1="40" x2="${w - 10}" y1="${h - 20}" y2="${h - 20}" stroke="#999"/>`;
    series.forEach((v, k) => {
      out += `<polyline fill="none" stroke="${m.statuses[k].colour}" stroke-width="2" points="${v.map((y, i) => X(i).toFixed(1) + "," + Y(y).toFixed(1)).join(" ")}"/>`;
    });
    const cur = state.compare ? state.b : state.a;
    out += `<line x1="${X(cur)}" x2="${X(cur)}" y1="10" y2="${h - 20}" stroke="#000" stroke-dasharray="3,3"/>`;
    out += `<text x="40" y="${h - 4}" font-size="11">${data.rows[0].time.slice(0, 10)}</text><text x="${w - 10}" y="${h - 4}" font-size="11" text-anchor="end">${data.rows[n - 1].time.slice(0, 10)}</text>`;
    svg.innerHTML = out;
    svg.onclick = (e) => {
      const x = e.offsetX; let best = 0;
      data.rows.forEach((_, i) => { if (Math.abs(X(i) - x) < Math.abs(X(best) - x)) best = i; });
      select(best);
    };
  }
  function log() {
    const q = $("search").value.trim().toLowerCase();
    const rows = data.changes.filter((c) => !q || c.name.toLowerCase().includes(q)).slice(0, 500);
    $("log").tBodies[0].innerHTML = rows.map((c, k) =>
      `<tr data-k="${data.changes.indexOf(c)}"><td>${c.name}</td><td>${c.from} → ${c.to}</td><td>${(c.before || "").slice(0, 10)} – ${(c.after || "").slice(0, 10)}</td></tr>`).join("");
  }
  function embed() {
    $("embed").value = `<iframe src="index.html?embed=1&v=${state.a}" width="800" height="640" style="border:0" title="Territorial control"></iframe>`;
  }
  function update() {
    $("when").textContent = when(state.a);
    $("when_b").textContent = state.compare ? when(state.b) : "";
    $("status").textContent = `Version ${state.a + 1} of ${data.rows.length}: ${when(state.a)}` +
      (state.compare ? ` compared with ${when(state.b)}` : "");
    figures(); chart(); embed(); redraw();
  }
  function select(i) { state.a = i; $("slider").value = i; update(); }

  /* ---- interaction --------------------------------------------------------------------- */
  function play() {
    if (state.playing) { clearInterval(state.playing); state.playing = null; $("play").textContent = "▶"; return; }
    $("play").textContent = "❚❚";
    state.playing = setInterval(() => select((state.a + 1) % data.rows.length), 700);
  }
  function zoom(f, x, y) {
    const c = canvas(), [lon, lat] = unproject(x ?? c.width / 2, y ?? c.height / 2);
    view.scale = Math.min(200, Math.max(0.5, view.scale * f));
    const [px, py] = project(lon, lat), k = Math.cos(view.cy * Math.PI / 180), s = view.scale * c.height / 12;
    view.cx += (px - (x ?? c.width / 2)) / (k * s); view.cy -= (py - (y ?? c.height / 2)) / s;
    redraw();
  }
  function territory() {
    const b = [180, 90, -180, -90];
    data.regions.forEach((r) => { b[0] = Math.min(b[0], r.bbox[0]); b[1] = Math.min(b[1], r.bbox[1]); b[2] = Math.max(b[2], r.bbox[2]); b[3] = Math.max(b[3], r.bbox[3]); });
    return b;
  }
  function bind() {
    const c = canvas();
    $("slider").oninput = (e) => select(+e.target.value);
    $("slider_b").oninput = (e) => { state.b = +e.target.value; update(); };
    $("compare").onchange = (e) => { state.compare = e.target.checked; $("slider_b").disabled = !state.compare; update(); };
    $("play").onclick = play;
    $("zoomin").onclick = () => zoom(1.6);
    $("zoomout").onclick = () => zoom(1 / 1.6);
    $("reset").onclick = () => { fit(territory()); redraw(); };
    $("region").onchange = (e) => {
      state.region = e.target.value;
      const r = data.regions.find((x) => x.code === state.region);
      fit(r ? r.bbox : territory()); update();
    };
    $("search").oninput = log;
    $("log").onclick = (e) => {
      const tr = e.target.closest("tr[data-k]"); if (!tr) return;
      const ch = data.changes[+tr.dataset.k];
      view.cx = ch.lon; view.cy = ch.lat; view.scale = 30;
      const i = data.rows.findIndex((r) => r.time === ch.after);
      select(i >= 0 ? i : state.a);
    };
    c.onwheel = (e) => { e.preventDefault(); zoom(e.deltaY < 0 ? 1.25 : 0.8, e.offsetX * c.width / c.clientWidth, e.offsetY * c.height / c.clientHeight); };
    let drag = null;
    c.onpointerdown = (e) => { drag = [e.clientX, e.clientY]; c.setPointerCapture(e.pointerId); };
    c.onpointerup = () => { drag = null; };
    c.onpointermove = (e) => {
      if (!drag) return;
      const k = Math.cos(view.cy * Math.PI / 180), s = view.scale * c.height / 12 * (c.clientHeight / c.height);
      view.cx -= (e.clientX - drag[0]) / (k * s); view.cy += (e.clientY - drag[1]) / s;
      drag = [e.clientX, e.clientY]; redraw();
    };
    window.onresize = () => { size(); update(); };
  }
  function size() { const c = canvas(); c.width = c.clientWidth; c.height = c.clientHeight; }

  function start() {
    const q = new URLSearchParams(location.search);
    if (q.get("embed")) document.body.classList.add("embed");
    const n = data.rows.length;
    for (const id of ["slider", "slider_b"]) $(id).max = n - 1;
    data.regions.slice().sort((x, y) => x.name.localeCompare(y.name)).forEach((r) =>
      $("region").insertAdjacentHTML("beforeend", `<option value="${r.code}">${r.name}</option>`));
    size(); fit(territory()); bind(); log();
    state.b = n - 1; $("slider_b").value = n - 1;
    const v = Math.min(n - 1, Math.max(0, parseInt(q.get("v") ?? (n - 1), 10) || 0));
    select(v);
  }
  return {
    meta: (m) => { data.meta = m; },
    rows: (r) => { data.rows = r; },
    regions: (unit, r) => { data.regions = r.map((x) => Object.assign(x, { polygons: decode(unit, x.polygons) })); },
    places: (p) => { data.places = p; },
    changes: (c) => { data.changes = c; },
    version, start,
  };
})();
