// test_site.mjs FRONTLINE — `frontline site` driven in Debian's Chromium (playwright-core):
// the page loads from the file system with no server, draws a non-blank map in the profile's
// colours, the slider (moved with the keyboard, as a person would) and the play button show
// another version and another picture, compare mode adds the transition legend, the place
// search finds Lyman, a region zooms and changes the figures, and the console stays clean.
// Exit 77 (skipped) without playwright-core or Chromium.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [fl] = process.argv.slice(2);
const data = process.env.FRONTLINE_DATA;
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);
let pw;
try {
  pw = await import("playwright-core");
} catch {
  console.log("playwright-core is not installed (npm ci --prefix tests/site): skipped");
  process.exit(77);
}
if (!chromium) {
  console.log("no Chromium: skipped");
  process.exit(77);
}

const failures = [];
const check = (what, ok) => { if (!ok) { failures.push(what); console.error("FAIL:", what); } };
const tmp = mkdtempSync(join(tmpdir(), "site-"));
const out = join(tmp, "page");
execFileSync(fl, ["site", join(data, "sample/20220930.geojson"), join(data, "sample/20221004.geojson"), "-o", out]);
check("the page's files", ["index.html", "site.js", "rows.js", "v"].every((f) => existsSync(join(out, f))));

const browser = await pw.chromium.launch({ executablePath: chromium, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
const errors = [];
// (the test's own reading of the canvas makes Chromium advise willReadFrequently: not the page's)
page.on("console", (m) => {
  if ((m.type() === "error" || m.type() === "warning") && !m.text().startsWith("Canvas2D: Multiple readback")) errors.push(m.text());
});
page.on("pageerror", (e) => errors.push(String(e)));
page.on("request", (r) => { if (!r.url().startsWith("file://")) errors.push("network: " + r.url()); });
await page.goto("file://" + join(out, "index.html"));
const drawn = async (v) => page.waitForFunction((v) => document.body.dataset.version === String(v) && +document.body.dataset.drawn > 0, v, { timeout: 10000 });
// the map's pixels: how many distinct colours, whether a colour is there, a fingerprint
const pixels = () => page.evaluate(() => {
  const c = document.getElementById("map"), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  const seen = new Set(); let hash = 0;
  for (let i = 0; i < d.length; i += 4) { const v = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2]; seen.add(v); hash = (hash * 31 + v) | 0; }
  return { colours: seen.size, occupied: seen.has(0xA52714), hash };
});

await drawn(1);
const last = await pixels();
check(`a non-blank map in the profile's colours (${last.colours} colours)`, last.colours > 10 && last.occupied);
await page.focus("#slider");
await page.keyboard.press("Home");
await drawn(0);
const first = await pixels();
check("the slider shows another version, drawn differently", first.hash !== last.hash);
check("the status line names it", (await page.textContent("#status")).includes("Version 1 of 2"));

await page.click("#play");
await drawn(1);
await page.click("#play");
check("play advances", true);

await page.check("#compare");
await page.waitForFunction(() => document.getElementById("legend").textContent.includes("left occupation"));
const compared = await pixels();
check("compare mode highlights what changed", compared.hash !== last.hash);

await page.fill("#search", "Lyman");
const found = await page.textContent("#log tbody");
check(`the place search finds Lyman (${found.trim().slice(0, 60)})`, found.includes("Lyman"));

const before = await page.textContent("#figures");
const region = await page.$eval("#region option:nth-child(2)", (o) => o.value);
await page.selectOption("#region", region);
check("a region changes the figures", (await page.textContent("#figures")) !== before);
check("the embed snippet", (await page.inputValue("#embed")).startsWith("<iframe src=\"index.html?embed=1"));
await page.screenshot({ path: join(tmp, "page.png") });
if (errors.length) console.error(errors);
check("no console errors, no network", errors.length === 0);
await browser.close();

// a second run replaces the page whole; a folder that is not a page is left alone
execFileSync(fl, ["site", join(data, "sample/20220930.geojson"), "-o", out]);
check("a second run replaces the page", readdirSync(join(out, "v")).length === 2);
let refused = false;
try { execFileSync(fl, ["site", join(data, "sample/20220930.geojson"), "-o", join(out, "v")], { stdio: "pipe" }); } catch (e) { refused = e.status === 1; }
check("a folder that is not a page is refused", refused && statSync(join(out, "v")).isDirectory());
check("nothing left beside the page", readdirSync(tmp).sort().join() === "page,page.png");
rmSync(tmp, { recursive: true });
console.log(`${failures.length ? "FAILED" : "ok"}: ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
