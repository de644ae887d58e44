// NetworkGraph front end: an SVG drawing of groups (nodes) and synapse groups (edges). No dependencies.
// Nodes are <g class="node" data-group="tag">, edges <g class="edge" data-synapse="tag">.
// Drawn at 1:1 in CSS pixels (never scaled down), so text keeps its size (>= 11 px) for any number of
// groups; a large graph scrolls inside its box. Edge labels are moved apart until none overlap.

const SVG = "http://www.w3.org/2000/svg";
const NAME_PX = 13, SMALL_PX = 12, CHAR_PX = 0.62;   // text sizes and the mean glyph width (in em)

/**
 * Node positions: one node in the middle, two side by side, more on a circle.
 * @param {number} n number of nodes
 * @param {boolean} details whether behavior lists are drawn below the nodes
 * @returns {{points: {x: number, y: number}[], radius: number, width: number, height: number}}
 */
export function layout(n, details = n <= 6, lines = 3) {
  const radius = n <= 6 ? 26 : n <= 16 ? 22 : 18;
  const below = details ? lines * 14 + 6 : 0;  // room for the behavior list under a node
  const loop = 3.2 * radius;                   // room for a self-loop and its label above a node
  const spacing = 2 * radius + (details ? 150 : 46);
  const ring = n <= 1 ? 0 : n === 2 ? spacing / 2 : Math.max(spacing / (2 * Math.sin(Math.PI / n)), 90);
  const padX = radius + (details ? 80 : 40), top = loop + 14, bottom = radius + below + 12;
  const points = [];
  for (let i = 0; i < n; i++) {
    const angle = n === 2 ? Math.PI * (1 - i) : -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1);
    points.push({ x: ring * Math.cos(angle), y: n === 2 ? 0 : ring * Math.sin(angle) });
  }
  const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
  const minX = Math.min(0, ...xs), minY = Math.min(0, ...ys), maxX = Math.max(0, ...xs), maxY = Math.max(0, ...ys);
  for (const p of points) { p.x += padX - minX; p.y += top - minY; }
  return { points, radius, width: Math.ceil(maxX - minX + 2 * padX), height: Math.ceil(maxY - minY + top + bottom) };
}

/**
 * The path of one edge: a self-loop above its node (bigger with each parallel loop) or a quadratic
 * curve bent sideways by its place among the edges joining the same two nodes.
 * @returns {{d: string, label: {x: number, y: number}, normal: {x: number, y: number}, head: number[][]}}
 */
export function edgePath(edge, a, b, r, centre, up = true) {
  const spread = edge.index - (edge.count - 1) / 2;
  if (edge.source === edge.target) {
    let ox = 0, oy = -1;
    if (!up) {
      ox = a.x - centre.x; oy = a.y - centre.y;
      const len = Math.hypot(ox, oy);
      [ox, oy] = len > 1 ? [ox / len, oy / len] : [0, -1];
    }
    const size = r * (1.3 + 0.7 * edge.index);
    const px = -oy, py = ox;
    const s = { x: a.x + r * (ox * 0.8 + px * 0.6), y: a.y + r * (oy * 0.8 + py * 0.6) };
    const e = { x: a.x + r * (ox * 0.8 - px * 0.6), y: a.y + r * (oy * 0.8 - py * 0.6) };
    const c1 = { x: a.x + size * (ox * 2.2 + px * 1.2), y: a.y + size * (oy * 2.2 + py * 1.2) };
    const c2 = { x: a.x + size * (ox * 2.2 - px * 1.2), y: a.y + size * (oy * 2.2 - py * 1.2) };
    const apex = 0.75 * 2.2 * size + 0.25 * 0.8 * r;
    const label = { x: a.x + ox * (apex + 10), y: a.y + oy * (apex + 10) + (oy < 0 ? 0 : 10) };
    return { d: `M${s.x},${s.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${e.x},${e.y}`, label,
             normal: { x: ox, y: oy }, head: arrow(c2, e) };
  }
  // Bend in the frame of the (low id -> high id) pair so that A->B and B->A separate too.
  const [lo, hi] = edge.source < edge.target ? [a, b] : [b, a];
  const dx = hi.x - lo.x, dy = hi.y - lo.y, len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len, ny = dx / len;
  const bend = edge.count > 1 ? spread * 56 : 0;
  const mid = { x: (a.x + b.x) / 2 + nx * bend * 2, y: (a.y + b.y) / 2 + ny * bend * 2 };
  const back = (p, q) => {  // point on p's circle towards q
    const ux = q.x - p.x, uy = q.y - p.y, l = Math.hypot(ux, uy) || 1;
    return { x: p.x + (ux / l) * (r + 2), y: p.y + (uy / l) * (r + 2) };
  };
  const s = back(a, mid), e = back(b, mid);
  const side = bend === 0 ? 1 : Math.sign(bend);
  const label = { x: 0.25 * s.x + 0.5 * mid.x + 0.25 * e.x, y: 0.25 * s.y + 0.5 * mid.y + 0.25 * e.y };
  return { d: `M${s.x},${s.y} Q${mid.x},${mid.y} ${e.x},${e.y}`, label,
           normal: { x: nx * side, y: ny * side }, head: arrow(mid, e) };
}

function arrow(from, to) {
  const dx = to.x - from.x, dy = to.y - from.y, l = Math.hypot(dx, dy) || 1;
  const ux = dx / l, uy = dy / l, size = 9;
  return [[to.x, to.y], [to.x - ux * size - uy * size * 0.5, to.y - uy * size + ux * size * 0.5],
          [to.x - ux * size + uy * size * 0.5, to.y - uy * size - ux * size * 0.5]];
}

/** The box of a centred text of ``chars`` characters at ``px`` pixels, baseline at ``y``. */
export function textBox(x, y, chars, px) {
  const w = chars * px * CHAR_PX + 4;
  return { x: x - w / 2, y: y - px, w, h: px + 4 };
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Move edge labels along their normals until no two overlap and none covers a node or its name.
 * @param {{x: number, y: number, chars: number, normal: {x: number, y: number}}[]} labels (moved in place)
 * @param {{x: number, y: number, w: number, h: number}[]} blocked boxes of nodes and node text
 */
export function separateLabels(labels, blocked) {
  const placed = [];
  for (const label of labels) {
    let box = textBox(label.x, label.y, label.chars, SMALL_PX);
    for (let k = 1; k <= 40 && [...blocked, ...placed].some((b) => overlaps(box, b)); k++) {
      const step = 7 * Math.ceil(k / 2) * (k % 2 ? 1 : -1);   // +7, -7, +14, -14 ... along the normal
      box = textBox(label.x + label.normal.x * step, label.y + label.normal.y * step, label.chars, SMALL_PX);
      if (![...blocked, ...placed].some((b) => overlaps(box, b))) {
        label.x += label.normal.x * step; label.y += label.normal.y * step;
        break;
      }
    }
    placed.push(textBox(label.x, label.y, label.chars, SMALL_PX));
  }
  return labels;
}

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, cls, px) {
  const t = el("text", { x, y, "text-anchor": "middle", class: cls, "font-size": px }, parent);
  t.textContent = content;
  return t;
}

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el: root }) {
  root.classList.add("pymonn-graph-root");
  const box = document.createElement("div");
  box.className = "graph-box";
  const svg = el("svg", { role: "group", "aria-label": "network graph: groups and synapses" });
  const details = document.createElement("div");
  details.className = "details";
  details.setAttribute("aria-live", "polite");
  box.append(svg);
  root.append(box, details);

  function describe() {
    const tag = model.get("selected");
    const node = model.get("nodes").find((n) => n.tag === tag);
    details.textContent = node ? `${node.tag} (${node.size} neurons): ${node.behaviors.join(", ") || "no behaviors"}` : "";
  }

  function draw() {
    const nodes = model.get("nodes"), edges = model.get("edges");
    const showBehaviors = nodes.length <= 6;
    const lines = Math.max(1, ...nodes.map((n) => n.behaviors.length));
    const { points, radius, width, height } = layout(nodes.length, showBehaviors, lines);
    box.style.height = `${model.get("height")}px`;
    svg.replaceChildren();
    svg.setAttribute("width", width); svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const centre = { x: width / 2, y: height / 2 };
    const edgeLayer = el("g", { class: "edges" }, svg), labelLayer = el("g", { class: "edge-labels" }, svg);
    const nodeLayer = el("g", { class: "nodes" }, svg);
    const blocked = [];
    nodes.forEach((node, i) => {
      const p = points[i];
      blocked.push({ x: p.x - radius, y: p.y - radius, w: 2 * radius, h: 2 * radius });
      blocked.push(textBox(p.x, p.y - 2, node.tag.length, NAME_PX));
      if (showBehaviors) node.behaviors.forEach((b, k) => blocked.push(textBox(p.x, p.y + radius + 15 + 14 * k, b.length, SMALL_PX)));
    });
    const labels = [];
    for (const edge of edges) {
      const g = el("g", { class: "edge", "data-synapse": edge.tag, tabindex: 0, role: "button",
                          "aria-label": `synapses ${edge.tags.join(", ")}: ${nodes[edge.source].tag} to ${nodes[edge.target].tag}` }, edgeLayer);
      if (edge.tag === model.get("selected_synapse")) g.classList.add("selected");
      const path = edgePath(edge, points[edge.source], points[edge.target], radius, centre, showBehaviors);
      el("path", { d: path.d, stroke: edge.colour }, g);
      el("polygon", { points: path.head.map((p) => p.join(",")).join(" "), fill: edge.colour }, g);
      el("title", {}, g).textContent = `${edge.tags.join(", ")}: ${nodes[edge.source].tag} => ${nodes[edge.target].tag}`;
      const select = () => { model.set("selected_synapse", edge.tag); model.save_changes(); };
      g.addEventListener("click", select);
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(); } });
      const content = edge.tags.join(", ");
      labels.push({ x: path.label.x, y: path.label.y + 4, chars: content.length, normal: path.normal, content, edge, g });
    }
    separateLabels(labels, blocked);
    for (const label of labels) {
      const t = text(labelLayer, label.x, label.y, label.content, "label", SMALL_PX);
      t.setAttribute("data-synapse-label", label.edge.tag);
      t.style.fill = label.edge.colour;
      t.addEventListener("click", () => { model.set("selected_synapse", label.edge.tag); model.save_changes(); });
    }
    nodes.forEach((node, i) => {
      const p = points[i];
      const g = el("g", { class: "node", "data-group": node.tag, tabindex: 0, role: "button",
                          "aria-label": `group ${node.tag}, ${node.size} neurons` }, nodeLayer);
      if (node.tag === model.get("selected")) { g.classList.add("selected"); g.setAttribute("aria-pressed", "true"); }
      el("circle", { cx: p.x, cy: p.y, r: radius, fill: node.colour, "fill-opacity": 0.35 }, g);
      text(g, p.x, p.y - 2, node.tag, "name", NAME_PX);
      text(g, p.x, p.y + 13, `N=${node.size}`, "info", SMALL_PX);
      if (showBehaviors) {
        node.behaviors.forEach((b, k) => text(g, p.x, p.y + radius + 15 + 14 * k, b, "behavior", SMALL_PX));
      }
      el("title", {}, g).textContent = `${node.tag} (${node.size}): ${node.behaviors.join(", ")}`;
      const select = () => { model.set("selected", node.tag); model.save_changes(); };
      g.addEventListener("click", select);
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(); } });
    });
    describe();
  }

  draw();
  const events = ["change:nodes", "change:edges", "change:selected", "change:selected_synapse", "change:height"];
  for (const name of events) model.on(name, draw);
  return () => { for (const name of events) model.off(name, draw); };
}

export default { render };
