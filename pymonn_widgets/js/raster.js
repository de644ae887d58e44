// RasterPlot front end: spikes (t, i) arrive as int32 binary messages holding only the new events;
// they are kept per model for a sliding window and drawn as a binned bitmap on a <canvas>
// (one bin per pixel or coarser, shaded by how many spikes fell into it). No dependencies.

const MARGIN = { left: 55, right: 12, top: 24, bottom: 34 };

/** Growable event store for one model: interleaved int32 pairs (t, i), oldest first. */
export class EventStore {
  constructor() {
    this.data = new Int32Array(1 << 16); this.start = 0; this.end = 0; this.now = 0;
    this.listeners = new Set();   // views to redraw when events arrive
    this.unacked = 0;             // event messages received but not yet drawn (acknowledged to Python)
  }

  changed() { for (const f of this.listeners) f(); }

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
  prune(t) {
    while (this.start < this.end && this.data[this.start] <= t) this.start += 2;
  }

  clear() { this.start = 0; this.end = 0; this.now = 0; }

  get length() { return (this.end - this.start) / 2; }
}

/**
 * Count events into a gw x gh grid of bins (row 0 at the top = highest neuron index).
 * @returns {Uint32Array} counts
 */
export function binEvents(store, t0, window, neurons, gw, gh, counts) {
  counts.fill(0, 0, gw * gh);
  const d = store.data, sx = gw / window, sy = gh / Math.max(neurons, 1);
  for (let k = store.start; k < store.end; k += 2) {
    const x = Math.floor((d[k] - t0 - 1) * sx), y = gh - 1 - Math.floor(d[k + 1] * sy);
    if (x >= 0 && x < gw && y >= 0 && y < gh) counts[y * gw + x]++;
  }
  return counts;
}

/** Paint counts as dark pixels (1 spike: clearly visible, more: darker) into RGBA ``pixels``. */
export function shade(counts, n, pixels) {
  const out = new Uint32Array(pixels.buffer, pixels.byteOffset, n);
  for (let k = 0; k < n; k++) {
    const c = counts[k];
    // little-endian ABGR: opaque black with alpha by density
    out[k] = c === 0 ? 0 : ((c >= 4 ? 255 : 110 + 48 * c) << 24);
  }
  return pixels;
}

// One store per widget model (all views of a model share it), keyed by the model's ``_uid`` trait.
const STORES = new Map();

function storeOf(model) {
  const uid = model.get("_uid");
  if (!STORES.has(uid)) STORES.set(uid, new EventStore());
  return STORES.get(uid);
}

function initialize({ model }) {
  const store = storeOf(model);
  model.on("msg:custom", (msg, buffers) => {
    if (msg.type === "events") {
      if (buffers && buffers.length) {
        const b = buffers[0];
        const view = b instanceof DataView ? b : new DataView(b.buffer ?? b);
        store.append(new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4));
      }
      store.now = msg.now;
      store.unacked++;
      store.prune(store.now - model.get("window"));
      store.changed();
    } else if (msg.type === "clear") {
      store.clear();
      store.now = msg.now ?? 0;
      store.changed();
    }
  });
}

function ticks(lo, hi, count) {
  const span = Math.max(hi - lo, 1), raw = span / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(v);
  return out;
}

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el }) {
  const store = storeOf(model);
  el.classList.add("pymonn-raster-root");
  const canvas = document.createElement("canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "spike raster");
  canvas.style.cursor = "crosshair";
  canvas.style.display = "block";
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  const bins = document.createElement("canvas");
  const bctx = bins.getContext("2d");
  let counts = new Uint32Array(1), image = null, pending = false, frames = 0;

  function plotArea() {
    const width = Math.max(200, el.clientWidth || 600), height = model.get("height");
    return { width, height, w: width - MARGIN.left - MARGIN.right, h: height - MARGIN.top - MARGIN.bottom };
  }

  function draw() {
    pending = false;
    const begin = performance.now();
    const { width, height, w, h } = plotArea();
    if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
    const window = model.get("window"), neurons = model.get("neurons"), now = store.now;
    const t0 = Math.max(0, now - window);
    const gw = Math.max(1, Math.min(w, window)), gh = Math.max(1, Math.min(h, neurons));
    if (counts.length < gw * gh) counts = new Uint32Array(gw * gh);
    if (!image || image.width !== gw || image.height !== gh) {
      image = bctx.createImageData(gw, gh); bins.width = gw; bins.height = gh;
    }
    binEvents(store, t0, window, neurons, gw, gh, counts);
    shade(counts, gw * gh, image.data);
    bctx.putImageData(image, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = "#fff"; ctx.fillRect(MARGIN.left, MARGIN.top, w, h);
    const selected = model.get("selected_neuron");
    if (selected >= 0 && selected < neurons) {
      const y = MARGIN.top + h - ((selected + 1) / neurons) * h;
      ctx.fillStyle = "rgba(30,120,255,0.25)"; ctx.fillRect(MARGIN.left, y, w, Math.max(2, h / neurons));
    }
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bins, MARGIN.left, MARGIN.top, w, h);
    ctx.strokeStyle = "rgba(220,0,0,0.8)"; ctx.lineWidth = 1;
    for (const m of model.get("marks")) {
      if (m < t0 || m > t0 + window) continue;
      const x = MARGIN.left + ((m - t0) / window) * w;
      ctx.beginPath(); ctx.moveTo(x, MARGIN.top); ctx.lineTo(x, MARGIN.top + h); ctx.stroke();
    }
    ctx.strokeStyle = "#333"; ctx.strokeRect(MARGIN.left, MARGIN.top, w, h);
    ctx.fillStyle = "#222"; ctx.font = "11px sans-serif"; ctx.textAlign = "center";
    for (const v of ticks(t0, t0 + window, 6)) ctx.fillText(String(v), MARGIN.left + ((v - t0) / window) * w, height - 20);
    ctx.fillText("iteration", MARGIN.left + w / 2, height - 5);
    ctx.textAlign = "right";
    for (const v of ticks(0, neurons, 5)) ctx.fillText(String(v), MARGIN.left - 4, MARGIN.top + h - (v / neurons) * h + 4);
    ctx.textAlign = "left"; ctx.font = "bold 12px sans-serif";
    ctx.fillText(`${model.get("title")}  (${store.length} spikes in window)`, MARGIN.left, 15);
    frames++;
    canvas.dataset.frames = String(frames);
    canvas.dataset.spikes = String(store.length);
    canvas.dataset.drawMs = (performance.now() - begin).toFixed(2);
    if (store.unacked > 0) {   // tell the kernel this frame is painted: it paces itself by this
      model.send({ type: "drawn", count: store.unacked });
      store.unacked = 0;
    }
  }

  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  canvas.addEventListener("click", (event) => {
    const rect = canvas.getBoundingClientRect();
    const { h } = plotArea();
    const y = event.clientY - rect.top - MARGIN.top;
    if (y < 0 || y > h) return;
    const neuron = Math.min(model.get("neurons") - 1, Math.floor(((h - y) / h) * model.get("neurons")));
    model.set("selected_neuron", neuron);
    model.save_changes();
  });
  store.listeners.add(schedule);
  const onMessage = (msg) => {
    if (msg.type === "png") {   // the browser downloads the picture; nothing goes back to the kernel
      draw();
      const link = document.createElement("a");
      link.href = canvas.toDataURL("image/png");
      link.download = String(msg.filename || "raster.png");
      link.click();
    }
  };
  model.on("msg:custom", onMessage);
  const names = ["change:window", "change:neurons", "change:marks", "change:selected_neuron",
                 "change:title", "change:height"];
  for (const name of names) model.on(name, schedule);
  const observer = new ResizeObserver(schedule);
  observer.observe(el);
  schedule();
  return () => {
    for (const name of names) model.off(name, schedule);
    store.listeners.delete(schedule);
    model.off("msg:custom", onMessage);
    observer.disconnect();
  };
}

export default { initialize, render };
