// The resource-flow network of a case study as an SVG diagram: actors on an ellipse, flows as
// curved, labelled arrows coloured by category, flows without a single receiver as short
// stubs. Built with createElementNS and textContent only: no network data is parsed as markup.

const SVG = "http://www.w3.org/2000/svg";

/** The flow categories, in the legend's order (their colours are in style.css). */
export const CATEGORIES = ["MATERIAL", "ENERGY", "WATER", "NUTRIENT", "BY_PRODUCT"];

const FONT = 12; // px, at the size the diagram is drawn (its view box is the element's width)
const CHAR = 6.6; // a generous average glyph width at FONT, for label boxes
const NODE_R = 7;
const PAD = 4;

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

/** Up to two lines of about `max` characters, the rest cut with an ellipsis. */
export function wrapLabel(text, max) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const lines = [""];
  for (const word of words) {
    const line = lines[lines.length - 1];
    if (!line) lines[lines.length - 1] = word;
    else if (line.length + 1 + word.length <= max) lines[lines.length - 1] = `${line} ${word}`;
    else if (lines.length < 2) lines.push(word);
    else {
      lines[1] = `${lines[1]} ${word}`;
    }
  }
  return lines.map((line) => (line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line));
}

/**
 * Orders the nodes around the ellipse so that neighbours sit close: a breadth-first walk
 * from the busiest actor, busiest neighbours first (fewer crossings than alphabetical order).
 */
function circularOrder(nodes, edges) {
  const degree = new Map(nodes.map((n) => [n.slug, 0]));
  const next = new Map(nodes.map((n) => [n.slug, new Set()]));
  for (const e of edges) {
    const a = e.from?.slug;
    const b = e.to?.slug;
    if (!degree.has(a) || !degree.has(b)) continue;
    degree.set(a, degree.get(a) + 1);
    degree.set(b, degree.get(b) + 1);
    next.get(a).add(b);
    next.get(b).add(a);
  }
  const busiest = (a, b) => degree.get(b) - degree.get(a) || a.localeCompare(b);
  const order = [];
  const seen = new Set();
  for (const start of [...degree.keys()].sort(busiest)) {
    if (seen.has(start)) continue;
    const queue = [start];
    seen.add(start);
    while (queue.length) {
      const slug = queue.shift();
      order.push(slug);
      for (const other of [...next.get(slug)].sort(busiest)) {
        if (!seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
  }
  return order;
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const quad = (p0, c, p1, t) => ({
  x: (1 - t) ** 2 * p0.x + 2 * (1 - t) * t * c.x + t ** 2 * p1.x,
  y: (1 - t) ** 2 * p0.y + 2 * (1 - t) * t * c.y + t ** 2 * p1.y,
});

/**
 * Draws the network.
 * @param {object} network   `{ nodes: [{ slug, name, kind }], edges: [flow], openFlows: [flow] }`
 *                           with flows `{ id, from: { slug }, to: { slug }, category, label }`
 * @param {object} options   `{ width, title, description, kindLabel(kind), categoryLabel(cat),
 *                           nodeHref(node), onOpen(node, event), openLabel }`
 * @returns {SVGSVGElement}
 */
export function renderNetwork(network, options) {
  const { title, description, kindLabel, categoryLabel, nodeHref, onOpen } = options;
  const width = Math.max(320, Math.min(760, Math.round(options.width ?? 600)));
  const narrow = width < 520;
  // Room for the actors' names outside the ellipse: wider on the sides.
  const side = Math.max(70, Math.round(width * 0.2));
  const rx = width / 2 - side;
  const ry = narrow ? rx * 1.5 : rx * 0.85;
  const top = 44;
  const height = Math.round(2 * ry + 2 * top + 12);
  const center = { x: width / 2, y: height / 2 };
  const maxChars = Math.max(9, Math.floor((side - 14) / CHAR));

  const svg = el("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "network",
    // A group, not an image: its actors are links a keyboard and a screen reader reach.
    role: "group",
    "aria-labelledby": "network-title",
    "aria-describedby": "network-desc",
    width,
    height,
  });
  svg.append(el("title", { id: "network-title" }, title), el("desc", { id: "network-desc" }, description));
  const defs = el("defs");
  for (const category of CATEGORIES) {
    const marker = el("marker", {
      id: `arrow-${category.toLowerCase()}`, viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse", class: `arrow cat-${category.toLowerCase()}`,
    });
    marker.append(el("path", { d: "M0,0 L10,5 L0,10 z" }));
    defs.append(marker);
  }
  svg.append(defs);

  const order = circularOrder(network.nodes, network.edges);
  const at = new Map();
  order.forEach((slug, i) => {
    // Start at the top and go clockwise.
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, order.length);
    at.set(slug, { x: center.x + rx * Math.cos(angle), y: center.y + ry * Math.sin(angle), angle });
  });

  const taken = []; // label boxes already placed
  const edgeLayer = el("g", { class: "edges" });
  const labelLayer = el("g", { class: "edge-labels" });
  const pairs = new Map();
  for (const flow of network.edges) {
    const key = [flow.from?.slug, flow.to?.slug].sort().join("\u0000");
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const drawn = new Map();
  for (const flow of network.edges) {
    const a = at.get(flow.from?.slug);
    const b = at.get(flow.to?.slug);
    const category = (flow.category ?? "MATERIAL").toLowerCase();
    const g = el("g", { class: `edge cat-${category}`, "data-id": flow.id });
    g.append(el("title", {}, `${flow.from?.name ?? ""} → ${flow.to?.name ?? ""}: ${flow.label}`));
    if (!a || !b) {
      edgeLayer.append(g);
      continue;
    }
    // Parallel flows between the same two actors bend apart; a single one bends a little.
    const key = [flow.from.slug, flow.to.slug].sort().join("\u0000");
    const index = drawn.get(key) ?? 0;
    drawn.set(key, index + 1);
    const count = pairs.get(key);
    const sign = flow.from.slug < flow.to.slug ? 1 : -1;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const length = Math.hypot(dx, dy) || 1;
    const bend = sign * (0.12 + 0.18 * (index - (count - 1) / 2)) * length;
    const control = { x: (a.x + b.x) / 2 - (dy / length) * bend, y: (a.y + b.y) / 2 + (dx / length) * bend };
    // Start and end at the nodes' rims, towards the control point.
    const rim = (p) => {
      const ux = control.x - p.x;
      const uy = control.y - p.y;
      const d = Math.hypot(ux, uy) || 1;
      return { x: p.x + (ux / d) * (NODE_R + 2), y: p.y + (uy / d) * (NODE_R + 2) };
    };
    const start = rim(a);
    const end = rim(b);
    g.append(el("path", {
      d: `M${start.x.toFixed(1)},${start.y.toFixed(1)} Q${control.x.toFixed(1)},${control.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}`,
      class: "edge-line",
      "marker-end": `url(#arrow-${category})`,
    }));
    // The label where it overlaps no other label, trying points along the curve.
    const lines = wrapLabel(flow.label, narrow ? 16 : 22);
    const text = lines.length > 1 ? `${lines[0]}…` : lines[0];
    const w = text.length * CHAR + 2 * PAD;
    const h = FONT + 2 * PAD;
    let box = null;
    for (const t of [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8]) {
      const p = quad(start, control, end, t);
      const candidate = { x: p.x - w / 2, y: p.y - h / 2, w, h };
      if (!taken.some((other) => overlaps(candidate, other))) {
        box = candidate;
        break;
      }
      box ??= candidate;
    }
    taken.push(box);
    const label = el("g", { class: `edge-label cat-${category}`, "data-id": flow.id });
    label.append(
      el("rect", { x: box.x.toFixed(1), y: box.y.toFixed(1), width: box.w.toFixed(1), height: box.h.toFixed(1), rx: 3 }),
      el("text", { x: (box.x + box.w / 2).toFixed(1), y: (box.y + box.h / 2 + FONT * 0.35).toFixed(1), "text-anchor": "middle" }, text),
    );
    labelLayer.append(label);
    edgeLayer.append(g);
  }

  // Flows without a single receiver: a short arrow pointing out of the ellipse.
  const openLayer = el("g", { class: "open-flows" });
  const stubs = new Map();
  for (const flow of network.openFlows ?? []) {
    const a = at.get(flow.from?.slug);
    if (!a) continue;
    const index = stubs.get(flow.from.slug) ?? 0;
    stubs.set(flow.from.slug, index + 1);
    // Away from the actor's name: down when the name is beside the node, sideways when it
    // is above or below.
    const beside = Math.abs(Math.cos(a.angle)) > 0.35;
    const angle = (beside ? Math.PI / 2 : 0) + index * 0.45;
    const category = (flow.category ?? "MATERIAL").toLowerCase();
    const from = { x: a.x + Math.cos(angle) * (NODE_R + 2), y: a.y + Math.sin(angle) * (NODE_R + 2) };
    const to = { x: a.x + Math.cos(angle) * 40, y: a.y + Math.sin(angle) * 40 };
    const g = el("g", { class: `open-flow cat-${category}`, "data-id": flow.id });
    g.append(
      el("title", {}, `${flow.from?.name ?? ""} → ${options.openLabel}: ${flow.label}`),
      el("path", { d: `M${from.x.toFixed(1)},${from.y.toFixed(1)} L${to.x.toFixed(1)},${to.y.toFixed(1)}`, class: "edge-line open", "marker-end": `url(#arrow-${category})` }),
    );
    openLayer.append(g);
  }

  const nodeLayer = el("g", { class: "nodes" });
  for (const node of network.nodes) {
    const p = at.get(node.slug);
    if (!p) continue;
    const link = el("a", { href: nodeHref(node), class: "node", "data-slug": node.slug, "aria-label": `${node.name} (${kindLabel(node.kind)})` });
    link.append(el("title", {}, `${node.name} (${kindLabel(node.kind)})`));
    link.append(el("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: NODE_R, class: `kind-${String(node.kind).toLowerCase()}` }));
    // The name outside the ellipse: left of nodes on the left, right of those on the right,
    // above or below the ones at the top and bottom.
    const cos = Math.cos(p.angle);
    const sin = Math.sin(p.angle);
    const anchor = cos > 0.35 ? "start" : cos < -0.35 ? "end" : "middle";
    const lines = wrapLabel(node.name, anchor === "middle" ? maxChars + 8 : maxChars);
    const gap = NODE_R + 5;
    const x = p.x + (anchor === "start" ? gap : anchor === "end" ? -gap : 0);
    const lineHeight = FONT + 2;
    const y = anchor === "middle"
      ? (sin < 0 ? p.y - gap - (lines.length - 1) * lineHeight : p.y + gap + FONT)
      : p.y + FONT * 0.35 - ((lines.length - 1) * lineHeight) / 2;
    const text = el("text", { x: x.toFixed(1), y: y.toFixed(1), "text-anchor": anchor, class: "node-label" });
    lines.forEach((line, i) => text.append(el("tspan", { x: x.toFixed(1), dy: i === 0 ? 0 : lineHeight }, line)));
    link.append(text);
    link.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onOpen?.(node, event);
    });
    nodeLayer.append(link);
  }
  svg.append(edgeLayer, openLayer, labelLayer, nodeLayer);
  return svg;
}

/** The legend: a swatch and a name for each category the network uses. */
export function renderLegend(network, categoryLabel, heading) {
  const used = new Set([...network.edges, ...(network.openFlows ?? [])].map((f) => f.category));
  const list = document.createElement("ul");
  list.className = "legend";
  list.setAttribute("aria-label", heading);
  for (const category of CATEGORIES.filter((c) => used.has(c))) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch cat-${category.toLowerCase()}`;
    swatch.setAttribute("aria-hidden", "true");
    item.append(swatch, document.createTextNode(categoryLabel(category)));
    list.append(item);
  }
  return list;
}
