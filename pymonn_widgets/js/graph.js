// NetworkGraph front end: an SVG drawing of groups (nodes) and synapse groups (edges). No dependencies.
// Nodes are <g class="node" data-group="tag">, edges <g class="edge" data-synapse="tag">.

const SVG = "http://www.w3.org/2000/svg";

/**
 * Node positions on a circle, sized so that ~50 groups stay readable.
 * @param {number} n number of nodes
 * @returns {{points: {x: number, y: number}[], radius: number, width: number, height: number}}
 */
export function layout(n) {
  const nodeRadius = n <= 6 ? 34 : n <= 16 ? 26 : 18;
  const ring = n <= 1 ? 0 : Math.max(110, (n * nodeRadius * 3.2) / (2 * Math.PI));
  const margin = nodeRadius + 90;
  const width = 2 * (ring + margin), height = 2 * (ring + margin);
  const points = [];
  for (let i = 0; i < n; i++) {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1);
    points.push({ x: width / 2 + ring * Math.cos(angle), y: height / 2 + ring * Math.sin(angle) });
  }
  return { points, radius: nodeRadius, width, height };
}

/**
 * The path of one edge: a self-loop (bigger with each parallel loop) or a quadratic curve bent
 * sideways by its place among the edges joining the same two nodes.
 * @returns {{d: string, label: {x: number, y: number}, head: number[][]}}
 */
export function edgePath(edge, a, b, r, centre) {
  const spread = edge.index - (edge.count - 1) / 2;
  if (edge.source === edge.target) {
    let ox = a.x - centre.x, oy = a.y - centre.y;
    const len = Math.hypot(ox, oy) || 1;
    [ox, oy] = len > 1 ? [ox / len, oy / len] : [0, -1];
    const size = r * (1.6 + 0.9 * edge.index);
    const px = -oy, py = ox;   // perpendicular
    const s = { x: a.x + r * (ox * 0.8 + px * 0.6), y: a.y + r * (oy * 0.8 + py * 0.6) };
    const e = { x: a.x + r * (ox * 0.8 - px * 0.6), y: a.y + r * (oy * 0.8 - py * 0.6) };
    const c1 = { x: a.x + size * (ox * 1.6 + px), y: a.y + size * (oy * 1.6 + py) };
    const c2 = { x: a.x + size * (ox * 1.6 - px), y: a.y + size * (oy * 1.6 - py) };
    const label = { x: a.x + size * ox * 1.25, y: a.y + size * oy * 1.25 };
    return { d: `M${s.x},${s.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${e.x},${e.y}`, label, head: arrow(c2, e) };
  }
  // Bend in the frame of the (low id -> high id) pair so that A->B and B->A separate too.
  const [lo, hi] = edge.source < edge.target ? [a, b] : [b, a];
  const dx = hi.x - lo.x, dy = hi.y - lo.y, len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len, ny = dx / len;
  const bend = edge.count > 1 ? spread * 46 : 0;
  const mid = { x: (a.x + b.x) / 2 + nx * bend * 2, y: (a.y + b.y) / 2 + ny * bend * 2 };
  const back = (p, q) => {  // point on p's circle towards q
    const ux = q.x - p.x, uy = q.y - p.y, l = Math.hypot(ux, uy) || 1;
    return { x: p.x + (ux / l) * (r + 2), y: p.y + (uy / l) * (r + 2) };
  };
  const s = back(a, mid), e = back(b, mid);
  const label = { x: 0.25 * s.x + 0.5 * mid.x + 0.25 * e.x, y: 0.25 * s.y + 0.5 * mid.y + 0.25 * e.y };
  return { d: `M${s.x},${s.y} Q${mid.x},${mid.y} ${e.x},${e.y}`, label, head: arrow(mid, e) };
}

function arrow(from, to) {
  const dx = to.x - from.x, dy = to.y - from.y, l = Math.hypot(dx, dy) || 1;
  const ux = dx / l, uy = dy / l, size = 9;
  return [[to.x, to.y], [to.x - ux * size - uy * size * 0.5, to.y - uy * size + ux * size * 0.5],
          [to.x - ux * size + uy * size * 0.5, to.y - uy * size - ux * size * 0.5]];
}

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

function text(parent, x, y, content, cls) {
  const t = el("text", { x, y, "text-anchor": "middle", class: cls }, parent);
  t.textContent = content;
  return t;
}

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el: root }) {
  root.classList.add("pymonn-graph-root");
  const svg = el("svg", { role: "img", "aria-label": "network graph" });
  const details = document.createElement("div");
  details.className = "details";
  root.append(svg, details);

  function describe() {
    const tag = model.get("selected");
    const node = model.get("nodes").find((n) => n.tag === tag);
    details.textContent = node ? `${node.tag} (${node.size} neurons): ${node.behaviors.join(", ") || "no behaviors"}` : "";
  }

  function draw() {
    const nodes = model.get("nodes"), edges = model.get("edges");
    const { points, radius, width, height } = layout(nodes.length);
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    // many groups: a taller drawing, so that labels keep a readable size (~50 groups at 800 px)
    svg.style.height = `${Math.max(model.get("height"), Math.min(800, nodes.length * 16))}px`;
    const centre = { x: width / 2, y: height / 2 };
    const edgeLayer = el("g", { class: "edges" }, svg), nodeLayer = el("g", { class: "nodes" }, svg);
    for (const edge of edges) {
      const g = el("g", { class: "edge", "data-synapse": edge.tag, tabindex: 0 }, edgeLayer);
      if (edge.tag === model.get("selected_synapse")) g.classList.add("selected");
      const { d, label, head } = edgePath(edge, points[edge.source], points[edge.target], radius, centre);
      el("path", { d, stroke: edge.colour }, g);
      el("polygon", { points: head.map((p) => p.join(",")).join(" "), fill: edge.colour }, g);
      text(g, label.x, label.y, edge.tags.join(", "), "label");
      el("title", {}, g).textContent = `${edge.tags.join(", ")}: ${nodes[edge.source].tag} => ${nodes[edge.target].tag}`;
      g.addEventListener("click", () => { model.set("selected_synapse", edge.tag); model.save_changes(); });
    }
    const showBehaviors = nodes.length <= 12;
    nodes.forEach((node, i) => {
      const p = points[i];
      const g = el("g", { class: "node", "data-group": node.tag, tabindex: 0, role: "button",
                          "aria-label": `group ${node.tag}` }, nodeLayer);
      if (node.tag === model.get("selected")) g.classList.add("selected");
      el("circle", { cx: p.x, cy: p.y, r: radius, fill: node.colour, "fill-opacity": 0.35 }, g);
      text(g, p.x, p.y - 2, node.tag, "name");
      text(g, p.x, p.y + 12, `N=${node.size}`, "info");
      if (showBehaviors) {
        node.behaviors.forEach((b, k) => text(g, p.x, p.y + radius + 12 + 11 * k, b, "behavior"));
      }
      el("title", {}, g).textContent = `${node.tag} (${node.size}): ${node.behaviors.join(", ")}`;
      const select = () => { model.set("selected", node.tag); model.save_changes(); };
      g.addEventListener("click", select);
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") select(); });
    });
    describe();
  }

  draw();
  const events = ["change:nodes", "change:edges", "change:selected", "change:selected_synapse", "change:height"];
  for (const name of events) model.on(name, draw);
  return () => { for (const name of events) model.off(name, draw); };
}

export default { render };
