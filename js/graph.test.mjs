// node --test js/  : the graph's layout and edge geometry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { layout, edgePath } from "../pymonn_widgets/js/graph.js";

test("nodes on a circle, all inside the view, apart", () => {
  for (const n of [1, 2, 5, 50]) {
    const { points, radius, width, height } = layout(n);
    assert.equal(points.length, n);
    for (const p of points) assert.ok(p.x - radius >= 0 && p.x + radius <= width && p.y - radius >= 0 && p.y + radius <= height);
    for (let i = 1; i < n; i++) {
      assert.ok(Math.hypot(points[i].x - points[0].x, points[i].y - points[0].y) > 2 * radius);
    }
  }
});

test("parallel edges, both directions and self-loops are drawn apart", () => {
  const { points, radius, width, height } = layout(2);
  const centre = { x: width / 2, y: height / 2 };
  const edges = [
    { source: 0, target: 1, index: 0, count: 3 }, { source: 0, target: 1, index: 1, count: 3 },
    { source: 1, target: 0, index: 2, count: 3 },
  ].map((e) => edgePath(e, points[e.source], points[e.target], radius, centre));
  const labels = edges.map((e) => `${Math.round(e.label.x)},${Math.round(e.label.y)}`);
  assert.equal(new Set(labels).size, 3);
  const loops = [0, 1].map((index) => edgePath({ source: 0, target: 0, index, count: 2 }, points[0], points[0], radius, centre));
  assert.notEqual(loops[0].d, loops[1].d);
  assert.ok(loops[0].d.startsWith("M") && loops[0].d.includes("C"));
});
