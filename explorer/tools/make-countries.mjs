// One-off: builds ../countries.json (European country outlines for the explorer map) from
// Natural Earth admin-0 countries (public domain) as packaged by `world-atlas` (ISC).
//
//   npm ci --prefix explorer && node explorer/tools/make-countries.mjs
//
// Keeps the countries that reach into the box below (lon -25..60, lat 34..72), clips their rings to it, rounds
// coordinates to 2 decimals and drops rings that collapse. Output: a GeoJSON
// FeatureCollection whose features have `id` (ISO 3166-1 alpha-2 when known) and `name`.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const BOX = { west: -25, east: 60, south: 34, north: 72 };
const DECIMALS = 2;

// ISO 3166-1 numeric -> alpha-2, for the countries in the box.
const ALPHA2 = {
  "008": "AL", "020": "AD", "040": "AT", "056": "BE", "070": "BA", "100": "BG", "112": "BY",
  "191": "HR", "196": "CY", "203": "CZ", "208": "DK", "233": "EE", "234": "FO", "246": "FI",
  "250": "FR", "268": "GE", "276": "DE", "292": "GI", "300": "GR", "304": "GL", "348": "HU",
  "352": "IS", "372": "IE", "376": "IL", "380": "IT", "400": "JO", "422": "LB", "428": "LV",
  "438": "LI", "440": "LT", "442": "LU", "470": "MT", "492": "MC", "498": "MD", "499": "ME",
  "504": "MA", "528": "NL", "578": "NO", "616": "PL", "620": "PT", "642": "RO", "643": "RU",
  "674": "SM", "688": "RS", "703": "SK", "705": "SI", "724": "ES", "752": "SE", "756": "CH",
  "760": "SY", "788": "TN", "792": "TR", "804": "UA", "807": "MK", "826": "GB", "012": "DZ",
  "434": "LY", "818": "EG", "368": "IQ", "364": "IR", "051": "AM", "031": "AZ", "248": "AX",
  "831": "GG", "832": "JE", "833": "IM", "744": "SJ", "-99": "XK", "336": "VA",
};

const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"));
const world = feature(topo, topo.objects.countries);

// Rings that cross the antimeridian (Russia's Chukotka) jump from 180 to -180; move their
// western half east so that they do not sweep across the whole map.
function unwrap(ring) {
  const jumps = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  return jumps ? ring.map(([x, y]) => [x < 0 ? x + 360 : x, y]) : ring;
}

// Sutherland–Hodgman clipping of one ring against the box.
function clipRing(ring) {
  ring = unwrap(ring);
  const edges = [
    [(p) => p[0] >= BOX.west, (a, b) => cut(a, b, 0, BOX.west)],
    [(p) => p[0] <= BOX.east, (a, b) => cut(a, b, 0, BOX.east)],
    [(p) => p[1] >= BOX.south, (a, b) => cut(a, b, 1, BOX.south)],
    [(p) => p[1] <= BOX.north, (a, b) => cut(a, b, 1, BOX.north)],
  ];
  let out = ring.slice(0, -1); // open ring
  for (const [inside, intersect] of edges) {
    const input = out;
    out = [];
    if (input.length === 0) break;
    let prev = input[input.length - 1];
    for (const cur of input) {
      if (inside(cur)) {
        if (!inside(prev)) out.push(intersect(prev, cur));
        out.push(cur);
      } else if (inside(prev)) {
        out.push(intersect(prev, cur));
      }
      prev = cur;
    }
  }
  return out;
}

function cut(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  const p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  p[axis] = value;
  return p;
}

const factor = 10 ** DECIMALS;
const round = (x) => Math.round(x * factor) / factor;

function simplifyRing(ring) {
  const out = [];
  for (const [x, y] of ring) {
    const p = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push(out[0]); // close again
  return out;
}

const features = [];
for (const f of world.features) {
  if (!f.geometry) continue;
  const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const kept = [];
  for (const poly of polys) {
    const rings = [];
    for (const [i, ring] of poly.entries()) {
      const clipped = clipRing(ring);
      const simple = clipped.length ? simplifyRing(clipped) : null;
      if (simple) rings.push(simple);
      else if (i === 0) break; // outer ring gone: drop the polygon
    }
    if (rings.length) kept.push(rings);
  }
  if (!kept.length) continue;
  const id = ALPHA2[f.id] ?? f.id ?? null;
  features.push({
    type: "Feature",
    id,
    properties: { name: f.properties.name },
    geometry: kept.length === 1
      ? { type: "Polygon", coordinates: kept[0] }
      : { type: "MultiPolygon", coordinates: kept },
  });
}
features.sort((a, b) => a.properties.name.localeCompare(b.properties.name));

const out = {
  type: "FeatureCollection",
  bbox: [BOX.west, BOX.south, BOX.east, BOX.north],
  source: "Natural Earth 1:50m admin-0 countries (public domain) via world-atlas 2.0.2 (ISC)",
  features,
};
const target = join(here, "..", "countries.json");
writeFileSync(target, JSON.stringify(out) + "\n");
console.log(`wrote ${target}: ${features.length} countries, ${JSON.stringify(out).length} bytes`);
