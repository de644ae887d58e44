// node --test js/  : the graph's layout, edge geometry and label placement.
import { test } from "node:test";
import assert from "node:assert/strict";
import { layout, edgePath, separateLabels, textBox } from "../pymonn_widgets/js/graph.js";

test("nodes inside the drawing, apart, at 1:1 size for up to 50 groups", () => {
  for (const n of [1, 2, 3, 5, 12, 50]) {
    const { points, radius, width, height } = layout(n);
    assert.equal(points.length, n);
    for (const p of points) assert.ok(p.x - radius >= 0 && p.x + radius <= width && p.y - radius >= 0 && p.y + radius <= height);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      assert.ok(Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y) > 2 * radius + 20, `${n}: ${i}-${j}`);
    }
  }
  const two = layout(2);
  assert.equal(two.points[0].y, two.points[1].y);   // side by side
  assert.ok(two.width < 420 && two.height < 260);   // the lessons' networks fit their box
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
  // a self-loop goes above its node, clear of the name and of the behavior list below it
  assert.ok(loops[0].label.y < points[0].y - 2 * radius);
});

test("edge labels are moved until none overlap each other or a node", () => {
  const node = { x: 90, y: 40, w: 60, h: 60 };
  const labels = [
    { x: 100, y: 50, chars: 9, normal: { x: 0, y: -1 } }, { x: 104, y: 52, chars: 4, normal: { x: 0, y: 1 } },
    { x: 98, y: 49, chars: 12, normal: { x: 1, y: 0 } },
  ];
  separateLabels(labels, [node]);
  const boxes = labels.map((l) => textBox(l.x, l.y, l.chars, 12));
  const hit = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  for (let i = 0; i < boxes.length; i++) {
    assert.ok(!hit(boxes[i], node), `label ${i} on the node`);
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!hit(boxes[i], boxes[j]), `labels ${i} and ${j} overlap`);
  }
});
