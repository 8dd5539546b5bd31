// The offline map: country outlines from the bundled countries.json (Natural Earth via
// world-atlas) drawn as inline SVG in a sinusoidal projection centred on 15° E and cropped
// to northern Europe, with one link per case study.

const SVG = "http://www.w3.org/2000/svg";
const LON0 = 15; // central meridian
const SCALE = 24; // SVG units per degree of latitude
// The visible window, in projected degrees: x = (lon - LON0) * cos(lat), y = lat.
const VIEW = { xMin: -14, xMax: 14, yMin: 51.6, yMax: 70.6 };

/** Projects WGS 84 longitude/latitude to SVG coordinates. */
export function project(lon, lat) {
  const x = (lon - LON0) * Math.cos((lat * Math.PI) / 180);
  return [(x - VIEW.xMin) * SCALE, (VIEW.yMax - lat) * SCALE];
}

const WIDTH = (VIEW.xMax - VIEW.xMin) * SCALE;
const HEIGHT = (VIEW.yMax - VIEW.yMin) * SCALE;

function ringPath(ring) {
  let d = "";
  let inside = false;
  for (const [i, [lon, lat]] of ring.entries()) {
    const [x, y] = project(lon, lat);
    if (x > -WIDTH && x < 2 * WIDTH && y > -HEIGHT && y < 2 * HEIGHT) inside = true;
    d += `${i === 0 ? "M" : "L"}${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  return inside ? `${d}Z` : "";
}

function geometryPath(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.map((rings) => rings.map(ringPath).join("")).join("");
}

function el(name, attrs = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/**
 * Draws the map.
 * @param {object} geo        GeoJSON FeatureCollection (countries.json)
 * @param {Array}  points     [{ key, lat, lon, title, label, country }]
 * @param {object} options    { title, hrefFor(point), onOpen(point, event), activeKey }
 * @returns {SVGSVGElement}
 */
export function renderMap(geo, points, { title, hrefFor, onOpen, activeKey } = {}) {
  const svg = el("svg", {
    viewBox: `0 0 ${WIDTH.toFixed(0)} ${HEIGHT.toFixed(0)}`,
    class: "map",
    preserveAspectRatio: "xMidYMid slice",
    role: "group",
    "aria-label": title ?? "Map",
  });
  const countriesWithCases = new Set(points.map((p) => p.country));
  // The sea reaches beyond the view box: a wide map element shows more of it.
  svg.append(el("rect", { x: -WIDTH, y: -HEIGHT, width: 3 * WIDTH, height: 3 * HEIGHT, class: "sea" }));
  const land = el("g", { class: "land", "aria-hidden": "true" });
  for (const f of geo?.features ?? []) {
    const d = geometryPath(f.geometry);
    if (!d) continue;
    const path = el("path", { d, class: countriesWithCases.has(f.id) ? "country has-cases" : "country" });
    path.dataset.country = f.id ?? "";
    land.append(path);
  }
  svg.append(land);

  const marks = el("g", { class: "points" });
  // Draw the active point last so that it is on top.
  const ordered = [...points].sort((a, b) => (a.key === activeKey) - (b.key === activeKey));
  for (const p of ordered) {
    if (p.lat == null || p.lon == null) continue;
    const [x, y] = project(p.lon, p.lat);
    const link = el("a", { href: hrefFor(p), class: p.key === activeKey ? "point active" : "point", "aria-label": p.title });
    link.dataset.key = p.key;
    const tip = el("title");
    tip.textContent = p.title;
    link.append(tip);
    link.append(el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 9, class: "halo" }));
    link.append(el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 6, class: "dot" }));
    const text = el("text", { x: (x + 11).toFixed(1), y: (y + 4).toFixed(1), class: "label" });
    text.textContent = p.label;
    link.append(text);
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onOpen?.(p, event);
    });
    marks.append(link);
  }
  svg.append(marks);
  return svg;
}
