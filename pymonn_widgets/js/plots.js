// TimePlots front end: the voltage plot (canvas lines, SVG axes) and the spike raster (binned canvas) of one group,
// fed by the same frames, so both always show the same window ending at the current iteration.
// Frames are binary messages with only what is new (or a whole window when ``key``); each painted frame
// is acknowledged, and the kernel sends the next one only then. No dependencies.

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const MARGIN = { left: 58, right: 12, top: 8, bottom: 38 };

/** Growable store of interleaved int32 (t, i) spike pairs, oldest first. */
export class EventStore {
  constructor() { this.data = new Int32Array(1 << 14); this.start = 0; this.end = 0; }

  /** @param {Int32Array} pairs interleaved t, i */
  append(pairs) {
    if (this.end + pairs.length > this.data.length) {
      const live = this.end - this.start;
      if (live + pairs.length <= this.data.length / 2) {
        this.data.copyWithin(0, this.start, this.end);
      } else {
        const fresh = new Int32Array(2 * (live + pairs.length));
        fresh.set(this.data.subarray(this.start, this.end));
        this.data = fresh;
      }
      this.start = 0; this.end = live;
    }
    this.data.set(pairs, this.end);
    this.end += pairs.length;
  }

  /** Forget events at or before iteration ``t``. */
  prune(t) { while (this.start < this.end && this.data[this.start] <= t) this.start += 2; }

  clear() { this.start = 0; this.end = 0; }

  get length() { return (this.end - this.start) / 2; }
}

/** Count events into a gw x gh grid of bins (row 0 at the top = highest neuron index). */
export function binEvents(store, t0, window, neurons, gw, gh, counts) {
  counts.fill(0, 0, gw * gh);
  const d = store.data, sx = gw / window, sy = gh / Math.max(neurons, 1);
  for (let k = store.start; k < store.end; k += 2) {
    const x = Math.floor((d[k] - t0 - 1) * sx), y = gh - 1 - Math.floor(d[k + 1] * sy);
    if (x >= 0 && x < gw && y >= 0 && y < gh) counts[y * gw + x]++;
  }
  return counts;
}

/** Paint counts in colour ``rgb`` (alpha by density: one spike clearly visible) into RGBA ``pixels``. */
export function shade(counts, n, pixels, rgb = [0, 0, 0]) {
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset, n);
  const colour = (rgb[2] << 16) | (rgb[1] << 8) | rgb[0];      // little-endian ABGR
  const level = [0, 158, 206, 254, 255].map((a) => ((a << 24) | colour) >>> 0);
  level[0] = 0;
  for (let k = 0; k < n; k++) { const c = counts[k]; out[k] = level[c >= 4 ? 4 : c]; }
  return pixels;
}

/** About ``count`` round tick values in [lo, hi], and the decimals that print them cleanly. */
export function ticks(lo, hi, count) {
  const span = hi - lo > 0 ? hi - lo : 1, raw = span / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999) ?? raw;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const values = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) values.push(k * step + 0);
  return { values, decimals, label: (v) => (Math.abs(v) < step * 1e-9 ? 0 : v).toFixed(decimals) };
}

/** The frame store of one model: voltage samples and spikes of the window ending at ``now``. */
export class FrameStore {
  constructor() { this.clear(); this.listeners = new Set(); this.unacked = 0; this.receivedAt = 0; }

  /** Tell the kernel the frames received are painted, and how long the page was busy with them (ms). */
  acknowledge(model) {
    model.send({ type: "drawn", count: this.unacked, busy_ms: Math.max(0, performance.now() - this.receivedAt) });
    this.unacked = 0;
  }

  clear() {
    this.t = []; this.rows = []; this.events = new EventStore(); this.now = 0; this.header = null;
  }

  /** Apply one frame (header, [t int32, values float32 (k+1) x m, spikes int32 pairs]). */
  apply(header, buffers) {
    const view = (b, Type) => {
      if (!b) return new Type(0);
      const v = b instanceof DataView ? b : ArrayBuffer.isView(b) ? b : new DataView(b);
      return new Type(v.buffer, v.byteOffset, v.byteLength / Type.BYTES_PER_ELEMENT);
    };
    const t = view(buffers[0], Int32Array), values = view(buffers[1], Float32Array), spikes = view(buffers[2], Int32Array);
    const k = header.traces.length + 1, m = t.length;
    const same = this.header && this.header.traces.join() === header.traces.join();
    if (header.key || !same) { this.t = []; this.rows = Array.from({ length: k }, () => []); }
    if (header.key) this.events.clear();
    for (let j = 0; j < m; j++) this.t.push(t[j]);
    for (let r = 0; r < k; r++) {
      const row = this.rows[r];
      for (let j = 0; j < m; j++) row.push(values[r * m + j]);
    }
    this.events.append(spikes);
    this.header = header; this.now = header.now;
    const t0 = header.now - header.window;
    let cut = 0;
    while (cut < this.t.length && this.t[cut] <= t0) cut++;
    if (cut) { this.t.splice(0, cut); for (const row of this.rows) row.splice(0, cut); }
    this.events.prune(t0);
  }

  changed() { for (const f of this.listeners) f(); }
}

const STORES = new Map();   // one store per model (all views of a model share it), by the model's _uid

function storeOf(model) {
  const uid = model.get("_uid");
  if (!STORES.has(uid)) STORES.set(uid, new FrameStore());
  return STORES.get(uid);
}

function fromStill(model, store) {
  const still = model.get("_still");
  if (!still || !still.header) return false;
  store.apply({ ...still.header, key: true }, [still.t, still.values, still.spikes]);
  return true;
}

/** Save bytes the kernel drew (a figure) as a browser download: the page writes it, never the kernel. */
function download(msg, buffers) {
  if (!buffers.length) return;
  const url = URL.createObjectURL(new Blob([buffers[0]], { type: String(msg.mime || "application/octet-stream") }));
  const link = document.createElement("a");
  link.href = url;
  link.download = String(msg.filename || "figure.png");
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function initialize({ model }) {
  const store = storeOf(model);
  model.on("msg:custom", (msg, buffers) => {
    if (msg.type === "download") { download(msg, buffers || []); return; }
    if (msg.type !== "frame") return;
    store.apply(msg, buffers || []);
    if (!store.unacked) store.receivedAt = performance.now();
    store.unacked++;
    if (store.listeners.size) store.changed();
    else store.acknowledge(model);
  });
  model.on("change:_still", () => { if (!store.header && fromStill(model, store)) store.changed(); });
  fromStill(model, store);
  try { model.send({ type: "hello" }); } catch (e) { /* a saved page without a kernel: the still picture stays */ }
}

function node(name, attrs = {}, parent = null) {
  const n = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (parent) parent.appendChild(n);
  return n;
}

function label(parent, x, y, text, attrs = {}) {
  const t = node("text", { x, y, ...attrs }, parent);
  t.textContent = text;
  return t;
}

function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function theme(el) {
  const css = getComputedStyle(el);
  const get = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: get("--jp-layout-color0", "#ffffff"), text: get("--jp-ui-font-color1", "#1f1f1f"),
    strong: get("--jp-ui-font-color0", "#000000"), muted: get("--jp-ui-font-color2", "#616161"),
    grid: get("--jp-border-color2", "#e0e0e0"), border: get("--jp-border-color1", "#bdbdbd"),
    threshold: get("--jp-warn-color0", "#e65100"), change: get("--jp-error-color1", "#d32f2f"),
    select: get("--jp-brand-color1", "#1976d2"),
  };
}

const rgbCache = new Map();
function rgbOf(colour) {
  if (!rgbCache.has(colour)) rgbCache.set(colour, rgbFromCanvas(colour));
  return rgbCache.get(colour);
}

function rgbFromCanvas(colour) {
  const c = document.createElement("canvas").getContext("2d");
  c.fillStyle = colour; c.fillRect(0, 0, 1, 1);
  const d = c.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}

function axes(svg, box, xt, yt, xmap, ymap, xlabel, ylabel, colours) {
  const g = node("g", { class: "axis", fill: colours.text, "font-size": 11 }, svg);
  node("rect", { x: box.x, y: box.y, width: box.w, height: box.h, fill: "none", stroke: colours.border }, g);
  for (const v of xt.values) {
    const x = xmap(v);
    if (x < box.x - 0.5 || x > box.x + box.w + 0.5) continue;
    node("line", { x1: x, x2: x, y1: box.y + box.h, y2: box.y + box.h + 4, stroke: colours.border }, g);
    label(g, x, box.y + box.h + 16, xt.label(v), { "text-anchor": "middle", class: "tick" });
  }
  for (const v of yt.values) {
    const y = ymap(v);
    if (y < box.y - 0.5 || y > box.y + box.h + 0.5) continue;
    node("line", { x1: box.x - 4, x2: box.x, y1: y, y2: y, stroke: colours.border }, g);
    label(g, box.x - 6, y + 4, yt.label(v), { "text-anchor": "end", class: "tick" });
  }
  label(g, box.x + box.w / 2, box.y + box.h + 32, xlabel, { "text-anchor": "middle", class: "axis-label", "font-size": 12 });
  const yl = label(g, 0, 0, ylabel, { "text-anchor": "middle", class: "axis-label", "font-size": 12 });
  yl.setAttribute("transform", `translate(14,${box.y + box.h / 2}) rotate(-90)`);
}

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el }) {
  const store = storeOf(model);
  el.classList.add("pymonn-plots-root");
  const voltage = document.createElement("div"), raster = document.createElement("div");
  voltage.className = "pymonn-voltage-plot pymonn-panel"; raster.className = "pymonn-raster-plot pymonn-panel";
  voltage.setAttribute("role", "img"); raster.setAttribute("role", "img");
  const vhead = document.createElement("div"), rhead = document.createElement("div");
  vhead.className = "pymonn-plot-head"; rhead.className = "pymonn-plot-head";
  const vtitle = document.createElement("span"), legend = document.createElement("span");
  vtitle.className = "pymonn-plot-title"; legend.className = "legend";
  vhead.append(vtitle, legend);
  const rtitle = document.createElement("span");
  rtitle.className = "pymonn-plot-title";
  rhead.append(rtitle);
  const vsvg = node("svg", { class: "pymonn-plot-svg pymonn-voltage-axes" });
  const vbody = document.createElement("div"), vcanvas = document.createElement("canvas");
  vbody.className = "pymonn-voltage-body"; vcanvas.className = "pymonn-voltage-canvas";
  vbody.append(vcanvas, vsvg);
  const vctx = vcanvas.getContext("2d");
  const rbody = document.createElement("div");
  rbody.className = "pymonn-raster-body";
  const canvas = document.createElement("canvas");
  canvas.className = "pymonn-raster-canvas";
  canvas.setAttribute("aria-label", "spike raster: click a row (or press Up / Down) to show that neuron");
  const rsvg = node("svg", { class: "pymonn-plot-svg pymonn-raster-axes" });
  rbody.append(canvas, rsvg);
  voltage.append(vhead, vbody); raster.append(rhead, rbody);
  el.append(voltage, raster);
  const ctx = canvas.getContext("2d");
  const bins = document.createElement("canvas"), bctx = bins.getContext("2d");
  let counts = new Uint32Array(1), image = null, pending = false, frames = 0, retry = 0;

  function size() {   // each panel takes half of the widget (measured on the root: stable while it lays out)
    const outer = el.getBoundingClientRect().width;
    if (!outer) return null;   // not laid out (detached, hidden, or JupyterLab swapping its theme)
    const width = Math.max(240, Math.floor((outer - 8) / 2));
    const height = Math.max(140, model.get("height") - 24);
    return { width, height, box: { x: MARGIN.left, y: MARGIN.top, w: width - MARGIN.left - MARGIN.right,
                                   h: height - MARGIN.top - MARGIN.bottom } };
  }

  function timeAxis(box) {
    const dt = model.get("dt"), window = (store.header && store.header.window) || model.get("window");
    const now = store.now, t0 = Math.max(0, now - window), scale = dt > 0 ? dt : 1;   // [0, window] at first
    const xt = ticks(t0 * scale, (t0 + window) * scale, 5);
    const xmap = (v) => box.x + ((v / scale - t0) / window) * box.w;
    return { dt, window, now, t0, scale, xt, xmap, xlabel: model.get("x_label") };
  }

  function drawVoltage(colours, { width, height, box }) {
    vsvg.setAttribute("width", width); vsvg.setAttribute("height", height);
    vsvg.replaceChildren();
    const ratio = window.devicePixelRatio || 1, cw = Math.round(width * ratio), ch = Math.round(height * ratio);
    if (vcanvas.width !== cw || vcanvas.height !== ch) {
      vcanvas.width = cw; vcanvas.height = ch; vcanvas.style.width = `${width}px`; vcanvas.style.height = `${height}px`;
    }
    const c = vctx;
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.clearRect(0, 0, width, height);
    const time = timeAxis(box), h = store.header;
    const traces = h ? h.traces : [], rows = store.rows, t = store.t;
    const threshold = h ? h.threshold : null;
    let lo = Infinity, hi = -Infinity;
    for (const row of rows) for (const v of row) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (threshold !== null && Number.isFinite(threshold)) { lo = Math.min(lo, threshold); hi = Math.max(hi, threshold); }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-4 * Math.max(Math.abs(lo), Math.abs(hi), 1)) { const m = (lo + hi) / 2, s = 0.05 * (Math.abs(m) || 1); lo = m - s; hi = m + s; }
    const pad = 0.06 * (hi - lo); lo -= pad; hi += pad;
    const ymap = (v) => box.y + box.h - ((v - lo) / (hi - lo)) * box.h;
    const yt = ticks(lo, hi, 5);
    // the data on a canvas (no DOM per frame), the axes and their text in SVG above it
    c.lineWidth = 1; c.strokeStyle = colours.grid;
    c.beginPath();
    for (const v of yt.values) { const y = Math.round(ymap(v)) + 0.5; c.moveTo(box.x, y); c.lineTo(box.x + box.w, y); }
    c.stroke();
    c.save();
    c.beginPath(); c.rect(box.x, box.y, box.w, box.h); c.clip();
    c.strokeStyle = colours.change; c.lineWidth = 1.5; c.globalAlpha = 0.8;
    c.beginPath();
    for (const m of (h && h.marks) || []) {
      const x = box.x + ((m - time.t0) / time.window) * box.w;
      c.moveTo(x, box.y); c.lineTo(x, box.y + box.h);
    }
    c.stroke();
    c.globalAlpha = 1; c.lineJoin = "round";
    const line = (row, colour, lineWidth) => {
      c.beginPath();
      let pen = false;
      for (let j = 0; j < t.length; j++) {
        const v = row[j];
        if (!Number.isFinite(v)) { pen = false; continue; }
        const x = box.x + ((t[j] - time.t0) / time.window) * box.w;
        if (pen) c.lineTo(x, ymap(v)); else c.moveTo(x, ymap(v));
        pen = true;
      }
      c.strokeStyle = colour; c.lineWidth = lineWidth; c.stroke();
    };
    traces.forEach((neuron, r) => line(rows[r] || [], COLOURS[r % COLOURS.length], 1.3));
    line(rows[traces.length] || [], colours.strong, 2.4);
    if (threshold !== null && Number.isFinite(threshold)) {
      c.setLineDash([6, 4]); c.strokeStyle = colours.threshold; c.lineWidth = 1.5;
      c.beginPath(); c.moveTo(box.x, ymap(threshold)); c.lineTo(box.x + box.w, ymap(threshold)); c.stroke();
      c.setLineDash([]);
    }
    c.restore();
    axes(vsvg, box, time.xt, yt, (v) => time.xmap(v), ymap, time.xlabel, model.get("y_label"), colours);
    setText(vtitle, model.get("title"));
    const described = `${model.get("title")}: ${model.get("y_label")} against ${time.xlabel}`;
    if (voltage.getAttribute("aria-label") !== described) voltage.setAttribute("aria-label", described);
    const items = traces.map((n, r) => [`neuron ${n}`, COLOURS[r % COLOURS.length], ""]);
    items.push(["mean", colours.strong, ""]);
    if (threshold !== null) items.push(["threshold", colours.threshold, "dashed"]);
    const key = JSON.stringify(items);   // rebuilt only when it changes: no layout work per frame
    if (legend.dataset.key === key) return;
    legend.dataset.key = key;
    legend.replaceChildren(...items.map(([name, colour, style]) => {
      const item = document.createElement("span");
      item.className = "legend-item";
      const swatch = document.createElement("span");
      swatch.className = `swatch ${style}`;
      swatch.style.borderTopColor = colour;
      item.append(swatch, document.createTextNode(name));
      return item;
    }));
  }

  function drawRaster(colours, { width, height, box }) {
    rsvg.setAttribute("width", width); rsvg.setAttribute("height", height);
    rsvg.replaceChildren();
    const w = Math.max(1, Math.round(box.w)), h = Math.max(1, Math.round(box.h));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    canvas.style.left = `${box.x}px`; canvas.style.top = `${box.y}px`;
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
    const time = timeAxis(box), neurons = (store.header && store.header.neurons) || model.get("neurons");
    const gw = Math.max(1, Math.min(w, time.window)), gh = Math.max(1, Math.min(h, neurons));
    if (counts.length < gw * gh) counts = new Uint32Array(gw * gh);
    if (!image || image.width !== gw || image.height !== gh) {
      image = bctx.createImageData(gw, gh); bins.width = gw; bins.height = gh;
    }
    binEvents(store.events, time.t0, time.window, neurons, gw, gh, counts);
    shade(counts, gw * gh, image.data, rgbOf(colours.strong));
    bctx.putImageData(image, 0, 0);
    ctx.fillStyle = colours.background; ctx.fillRect(0, 0, w, h);
    const selected = model.get("selected_neuron");
    if (selected >= 0 && selected < neurons) {
      const y = h - ((selected + 1) / neurons) * h;
      ctx.fillStyle = colours.select; ctx.globalAlpha = 0.3;
      ctx.fillRect(0, y, w, Math.max(2, h / neurons)); ctx.globalAlpha = 1;
    }
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bins, 0, 0, w, h);
    ctx.strokeStyle = colours.change; ctx.lineWidth = 1.5;
    for (const m of (store.header && store.header.marks) || []) {
      const x = ((m - time.t0) / time.window) * w;
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke();
    }
    const yt = ticks(0, Math.max(neurons - 1, 1), Math.min(5, neurons));
    const ymap = (v) => box.y + box.h - ((v + 0.5) / neurons) * box.h;
    axes(rsvg, box, time.xt, { ...yt, values: yt.values.filter((v) => v < neurons && Number.isInteger(v)) },
         time.xmap, ymap, time.xlabel, "neuron", colours);
    setText(rtitle, `${model.get("title")}: spikes (${store.events.length} in window)`);
    canvas.dataset.frames = String(frames); canvas.dataset.spikes = String(store.events.length);
  }

  function draw() {
    pending = false;
    const begin = performance.now(), layout = size();   // read the page before writing it
    if (layout) {
      const colours = theme(el);
      if (el.style.getPropertyValue("--pymonn-plot-bg") !== colours.background) {
        el.style.setProperty("--pymonn-plot-bg", colours.background);
      }
      drawVoltage(colours, layout);
      drawRaster(colours, layout);
      frames++;
      el.dataset.frames = String(frames); el.dataset.now = String(store.now);
      el.dataset.drawMs = (performance.now() - begin).toFixed(2);
    } else if (!retry) {   // nothing to paint now; look again soon (no resize is reported after a theme swap)
      retry = setTimeout(() => { retry = 0; schedule(); }, 250);
    }
    if (store.unacked > 0) store.acknowledge(model);   // hidden or drawn, the frame was taken
  }

  function schedule() { if (!pending) { pending = true; requestAnimationFrame(draw); } }

  canvas.addEventListener("click", (event) => {
    const rect = canvas.getBoundingClientRect();
    const neurons = (store.header && store.header.neurons) || model.get("neurons");
    const y = event.clientY - rect.top;
    if (y < 0 || y > rect.height) return;
    const neuron = Math.max(0, Math.min(neurons - 1, Math.floor(((rect.height - y) / rect.height) * neurons)));
    model.set("selected_neuron", neuron);
    model.save_changes();
  });
  canvas.tabIndex = 0;        // keyboard: Up/Down move the selected row, like a click on it
  canvas.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const neurons = (store.header && store.header.neurons) || model.get("neurons");
    const current = Math.max(0, model.get("selected_neuron"));
    model.set("selected_neuron", Math.max(0, Math.min(neurons - 1, current + (event.key === "ArrowUp" ? 1 : -1))));
    model.save_changes();
  });
  store.listeners.add(schedule);
  const names = ["change:window", "change:dt", "change:x_label", "change:y_label", "change:title",
                 "change:selected_neuron", "change:height", "change:neurons"];
  for (const name of names) model.on(name, schedule);
  const resize = new ResizeObserver(schedule);
  resize.observe(el);
  if (el.parentElement) resize.observe(el.parentElement);
  requestAnimationFrame(() => requestAnimationFrame(schedule));   // once attached and laid out
  const themed = new MutationObserver(schedule);   // JupyterLab switches themes on <body> attributes
  themed.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });
  schedule();
  return () => {
    for (const name of names) model.off(name, schedule);
    store.listeners.delete(schedule);
    resize.disconnect(); themed.disconnect(); clearTimeout(retry);
  };
}

export default { initialize, render };
