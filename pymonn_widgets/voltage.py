"""VoltagePlot: a live bqplot of a recorded variable for chosen neurons, the group mean and the threshold."""
from __future__ import annotations

import html
import time

import bqplot as bq
import ipywidgets as w
import numpy as np

__all__ = ["VoltagePlot", "find_threshold"]

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def find_threshold(group):
    """``(key, behavior)`` of the first behavior of ``group`` (key order) with a ``threshold``, or None."""
    for key, behavior in sorted(getattr(group, "behavior", {}).items()):
        if any(p.name == "threshold" for p in behavior.tunable_parameters()):
            return key, behavior
    return None


class VoltagePlot(w.VBox):
    """The selected group's variable (e.g. ``voltage``) over the last ``window`` samples.

    Each frame reads only the samples recorded since the previous frame and sends the visible window
    to the page as float32/int32 binary arrays (bqplot has no append, so the window is resent: at most
    ``window x (neurons + 1)`` floats a frame). Parameter changes show as red vertical lines.
    """

    def __init__(self, controller, window: int = 500, max_rate: float = 5.0, **kwargs):
        self.controller = controller
        self.window = int(window)
        self.max_rate = float(max_rate)     # SVG lines cost the page ~10-80 ms a redraw: fewer of them
        self._last_update = 0.0
        self.x_scale, self.y_scale = bq.LinearScale(), bq.LinearScale()
        mark_scale = bq.LinearScale(min=0.0, max=1.0)
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.traces = bq.Lines(scales=scales, colors=COLOURS, stroke_width=1.2)
        self.mean = bq.Lines(scales=scales, colors=["black"], stroke_width=2.5, labels=["mean"])
        # the threshold spans the plot on its own x scale, so it is resent only when its value changes
        self.threshold = bq.Lines(scales={"x": bq.LinearScale(min=0.0, max=1.0), "y": self.y_scale}, colors=["#555"],
                                  line_style="dashed", labels=["threshold"], x=np.array([0.0, 1.0], np.float32))
        self.marks = bq.Lines(scales={"x": self.x_scale, "y": mark_scale}, colors=["#d00"], opacities=[0.7])
        self.figure = bq.Figure(
            marks=[self.marks, self.traces, self.mean, self.threshold],
            axes=[bq.Axis(scale=self.x_scale, label="iteration"),
                  bq.Axis(scale=self.y_scale, orientation="vertical", label="voltage")],
            fig_margin={"top": 30, "bottom": 40, "left": 55, "right": 15},
            layout=w.Layout(width="100%", height="300px"), animation_duration=0,
        )
        self.figure.add_class("pymonn-voltage-plot")
        self.caption = w.HTML()
        self.neurons = w.Text(description="neurons", continuous_update=False, placeholder="e.g. 0, 5, 17",
                              tooltip="indices of the neurons to plot (1 to 8), separated by commas",
                              style={"description_width": "initial"})
        self.neurons.observe(self._on_neurons, "value")
        self._start()
        controller.on("frame", self.update)
        controller.on("selection", self._start)
        controller.on("reset", self._start)
        controller.on("parameter", lambda change: (self._draw_marks(), self._draw_threshold()))
        super().__init__([self.figure, w.HBox([self.neurons, self.caption])], **kwargs)

    def _start(self):
        """Begin again for the selected group: the last ``window`` samples, then only new ones."""
        c = self.controller
        self.group = c.plot_group
        self.cursor = c.sample_cursor(self.group)
        self.columns = list(c.selected_neurons)
        self._t = np.empty(0, np.int64)
        self._y = np.empty((len(self.columns) + 1, 0), np.float32)
        sources = c.sources_of(self.group)
        variable = sources.variable if sources else None
        self.figure.axes[1].label = variable or "(nothing recorded)"
        self.figure.title = f"{self.group.tags[0]}: {variable or 'no continuous variable'}"
        self.caption.value = ""
        self._typed = ", ".join(str(i) for i in self.columns)
        self.neurons.value = self._typed
        self.traces.labels = [f"neuron {i}" for i in self.columns]
        if self.cursor is not None:
            self.cursor.position = max(0, self.cursor.recorder.count - self.window)
        self._sent = self._marks_sent = None
        self.update()

    def _on_neurons(self, change):
        """Typed indices: parsed as ints (never evaluated), checked by the controller."""
        if change.new == getattr(self, "_typed", None):
            return
        try:
            indices = [int(part) for part in change.new.replace(" ", "").split(",") if part]
            self.controller.select_neurons(indices)
        except ValueError as error:
            message = str(error) if "select_neurons" in str(error) else f"not a list of ints: {change.new!r}"
            self.caption.value = f"<span style='color:#b00'>{html.escape(message)}</span>"

    def read(self):
        """Append the new samples to the window; returns how many were new."""
        if self.cursor is None:
            return 0
        iterations, values = self.cursor.read()
        if values is None or not len(iterations):
            return 0
        columns = [i for i in self.columns if i < values.shape[1]]
        block = np.empty((len(columns) + 1, len(iterations)), np.float32)
        block[:-1] = values[:, columns].T
        block[-1] = values.mean(axis=1)
        self._t = np.concatenate((self._t, iterations))[-self.window:]
        self._y = np.concatenate((self._y[:len(columns) + 1], block), axis=1)[:, -self.window:]
        return len(iterations)

    def update(self):
        """Read what is new and, if anything, send the window (x int32, y float32); during a run at
        most ``max_rate`` times a second."""
        now = time.perf_counter()
        if self.controller.is_running and now - self._last_update < 1.0 / self.max_rate:
            return
        self._last_update = now
        if self.read() == 0 and self._sent is not None:
            return
        if len(self._t) < 2:  # a line needs two points; bqplot would also squeeze (1, 1) arrays to ()
            return
        t = self._t.astype(np.int32)
        with self.traces.hold_sync():
            self.traces.x, self.traces.y = t, self._y[:-1]
        with self.mean.hold_sync():
            self.mean.x, self.mean.y = t, self._y[-1]
        self._draw_threshold()
        self._draw_marks()
        self._sent = len(t)

    def _draw_threshold(self):
        found = find_threshold(self.group)
        if found is None or not len(self._t):
            self.threshold.visible = False
            return
        value = float(found[1].threshold)
        if self.threshold.visible and self.threshold.y is not None and len(self.threshold.y) and \
                float(self.threshold.y[0]) == value:
            return
        with self.threshold.hold_sync():
            self.threshold.visible = True
            self.threshold.y = np.array([value, value], np.float32)

    def _draw_marks(self):
        first = self._t[0] if len(self._t) else 0
        iterations = [c.iteration for c in self.controller.log if c.iteration >= first]
        if iterations == getattr(self, "_marks_sent", None):
            return
        self._marks_sent = iterations
        if not iterations:
            self.marks.visible = False
            return
        x = np.repeat(np.asarray(iterations, np.float32)[:, None], 2, axis=1)
        y = np.tile(np.array([0.0, 1.0], np.float32), (len(iterations), 1))
        with self.marks.hold_sync():
            self.marks.x, self.marks.y, self.marks.visible = x, y, True
