// node --test js/  : the plots' pure parts (event store, binning, shading, ticks, frames) and their cost.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStore, FrameStore, binEvents, shade, ticks } from "../pymonn_widgets/js/plots.js";

test("store appends, grows and prunes by iteration", () => {
  const s = new EventStore();
  s.append(new Int32Array([1, 5, 2, 6, 3, 7]));
  assert.equal(s.length, 3);
  s.prune(1);
  assert.equal(s.length, 2);
  const big = new Int32Array(200000).map((_, k) => (k % 2 === 0 ? 10 + (k >> 1) : k % 97));
  s.append(big);
  assert.equal(s.length, 100002);
  s.prune(100);
  assert.equal(s.data[s.start], 101);
  s.clear();
  assert.equal(s.length, 0);
});

test("events land in the right bins, rows top-down", () => {
  const s = new EventStore();
  s.append(new Int32Array([11, 0, 20, 9, 20, 9]));   // window (10, 20], 10 neurons
  const counts = binEvents(s, 10, 10, 10, 10, 10, new Uint32Array(100));
  assert.equal(counts[9 * 10 + 0], 1);   // t=11 -> x=0, neuron 0 -> bottom row
  assert.equal(counts[0 * 10 + 9], 2);   // t=20 -> x=9, neuron 9 -> top row, twice
  const pixels = shade(counts, 100, new Uint8ClampedArray(400));
  assert.ok(pixels[(9 * 10) * 4 + 3] > 0 && pixels[(0 * 10 + 9) * 4 + 3] > pixels[(9 * 10) * 4 + 3]);
  assert.equal(pixels[3], 0);
});

test("binning 100,000 spikes: every spike lands in a bin (the time is printed, not asserted)", () => {
  const s = new EventStore();
  const pairs = new Int32Array(200000);
  for (let k = 0; k < 100000; k++) { pairs[2 * k] = 1 + (k % 1000); pairs[2 * k + 1] = (k * 7919) % 100000; }
  s.append(pairs);
  const counts = new Uint32Array(800 * 260), pixels = new Uint8ClampedArray(800 * 260 * 4);
  const times = [];
  for (let r = 0; r < 20; r++) {
    const t = performance.now();
    binEvents(s, 0, 1000, 100000, 800, 260, counts);
    shade(counts, 800 * 260, pixels);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`bin + shade 100k spikes into 800x260: median ${times[10].toFixed(2)} ms`);
  assert.equal(counts.reduce((a, b) => a + b, 0), 100000);
});

test("shading uses the theme's colour", () => {
  const pixels = shade(new Uint32Array([0, 1]), 2, new Uint8ClampedArray(8), [230, 231, 232]);
  assert.deepEqual([...pixels.slice(4, 7)], [230, 231, 232]);
  assert.equal(pixels[3], 0);
});

test("ticks are round and print cleanly for any range", () => {
  for (const [lo, hi] of [[0, 1], [0.55, 0.65], [-70.3, -49.9], [0, 100000], [19949, 20449]]) {
    const t = ticks(lo, hi, 5);
    assert.ok(t.values.length >= 2 && t.values.length <= 12, `${lo}..${hi}: ${t.values}`);
    for (const v of t.values) {
      const text = t.label(v);
      assert.ok(!/\d{7,}/.test(text.replace(/^-?\d+\./, "").replace(/^-?\d+$/, "")), `${lo}..${hi}: ${text}`);
      assert.ok(!text.includes("0000000") && !text.includes("9999999"), text);
    }
  }
  assert.deepEqual(ticks(0, 10, 5).values, [0, 2, 4, 6, 8, 10]);
  assert.equal(ticks(0.5, 0.7, 4).label(0.6000000000000001), "0.60");
});

test("frames: a keyframe replaces the window, later frames append and slide it", () => {
  const s = new FrameStore();
  const frame = (key, now, t, rows, spikes) => s.apply(
    { key, now, window: 10, traces: [3], neurons: 5 },
    [new Int32Array(t), new Float32Array(rows.flat()), new Int32Array(spikes)]);
  frame(true, 5, [4, 5], [[1, 2], [10, 20]], [4, 1, 5, 3]);
  assert.deepEqual(s.t, [4, 5]);
  assert.deepEqual(s.rows, [[1, 2], [10, 20]]);
  frame(false, 16, [15, 16], [[3, 4], [30, 40]], [16, 0]);
  assert.deepEqual(s.t, [15, 16]);                 // the window (6, 16]: older samples are gone
  assert.equal(s.events.length, 1);
  frame(true, 2, [2], [[7], [70]], []);
  assert.deepEqual(s.t, [2]);
  assert.equal(s.events.length, 0);
});
