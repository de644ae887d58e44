"""RasterPlot: live spikes of the selected group in a sliding window, drawn on a canvas (anywidget).

Why a canvas and not a bqplot Scatter: DESIGN.md §4 measured SVG Scatter at 1.35 s per update for 10k
points and 13.7 s for 100k. Here each frame sends only the new ``(t, i)`` events as one int32 buffer;
the page keeps the window and bins it into a bitmap (one bin per pixel), so drawing costs O(spikes in
window) typed-array work plus one ``drawImage``, whatever the spike count.
"""
from __future__ import annotations

import logging
import numbers
import pathlib
import time
import uuid

import anywidget
import numpy as np
import traitlets

from pymonntorch_core import ArgumentError

__all__ = ["RasterPlot", "encode_events"]

log = logging.getLogger(__name__)

JS = pathlib.Path(__file__).parent / "js"


def encode_events(rows: np.ndarray) -> bytes:
    """``(k, 2)`` rows ``(t, i)`` as interleaved little-endian int32 bytes."""
    return np.ascontiguousarray(rows[:, :2], dtype="<i4").tobytes()


class RasterPlot(anywidget.AnyWidget):
    """Spikes ``(t, i)`` of the selected group over the last ``window`` iterations.

    Clicking a row selects that neuron (``selected_neuron``; the dashboard shows it in the voltage
    plot). Parameter changes are red vertical lines (``marks``). The canvas carries
    ``data-frames``, ``data-spikes`` and ``data-draw-ms`` (the last frame's drawing time).
    """

    _esm = JS / "raster.js"
    _uid = traitlets.Unicode().tag(sync=True)
    window = traitlets.Int(500).tag(sync=True)
    neurons = traitlets.Int(1).tag(sync=True)
    height = traitlets.Int(300).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    marks = traitlets.List(traitlets.Int()).tag(sync=True)
    selected_neuron = traitlets.Int(-1).tag(sync=True)

    max_in_flight = 4   # frames sent but not yet painted before the kernel holds back (pipelining vs lag)

    def __init__(self, controller=None, window=500, **kwargs):
        super().__init__(_uid=uuid.uuid4().hex, window=window, **kwargs)
        self.add_class("pymonn-raster-plot")
        self.controller = controller
        self.sent_events = 0       # events sent since the last start (for tests and measurements)
        self.sent_bytes = 0
        self._in_flight = 0          # event messages the page has not drawn yet
        self._acked = False          # has a page ever acknowledged a frame? (else: no view, no pacing)
        self._last_send = 0.0
        self.on_msg(self._on_msg)
        if controller is not None:
            controller.add_pacer(self.ready)
            self._start()
            controller.on("frame", self.update)
            controller.on("selection", self._on_selection)
            controller.on("reset", self._start)
            controller.on("parameter", lambda change: self._marks())
            self.observe(self._on_click, "selected_neuron")

    # --- data --------------------------------------------------------------------------------
    def _start(self):
        """Begin again for the selected group: clear the page, send the window, then only new events."""
        c = self.controller
        self.group = c.plot_group
        self.cursor = c.event_cursor(self.group)
        self.neurons = int(getattr(self.group, "size", 1))
        sources = c.sources_of(self.group)
        self.title = f"{self.group.tags[0]}: {sources.spike if sources else 'no spikes'}"
        self._now = c.net.iteration
        self.send({"type": "clear", "now": self._now})
        self.sent_events = self.sent_bytes = 0
        if self.cursor is not None:
            rows = self.cursor.read_all()
            self.cursor.skip_to_end()
            self.push(rows[rows[:, 0] > self._now - self.window], self._now)
        self._marks()

    def push(self, rows: np.ndarray, now: int):
        """Send ``rows`` (``(k, 2)`` t, i) as one binary message; the page slides its window to ``now``."""
        data = encode_events(rows)
        self.send({"type": "events", "now": int(now), "count": int(len(rows))}, buffers=[data] if len(rows) else [])
        self.sent_events += len(rows)
        self.sent_bytes += len(data)
        self._in_flight += 1
        self._last_send = time.perf_counter()

    def ready(self) -> bool:
        """False while the page is ``max_in_flight`` frames behind (so the kernel does not flood it); always True
        when no page has acknowledged a frame yet, and again after 0.5 s without an answer."""
        return (not self._acked or self._in_flight < self.max_in_flight or
                time.perf_counter() - self._last_send > 0.5)

    def update(self):
        """Send the events recorded since the last frame (nothing when the iteration did not move)."""
        now = self.controller.net.iteration
        if self.cursor is None or now == self._now:
            return
        self._now = now
        self.push(self.cursor.read(), now)

    def _marks(self):
        marks = sorted({c.iteration for c in self.controller.log})
        if marks != self.marks:
            self.marks = marks

    # --- interaction -------------------------------------------------------------------------
    def _on_selection(self):
        if self.controller.plot_group is not self.group:
            self._start()
            self.selected_neuron = -1

    def _on_click(self, change):
        if change.new == -1 or self.controller is None:
            return
        try:
            self.controller.select_neuron(change.new)
        except ArgumentError as error:  # a forged index: show the kernel's selection again
            log.warning("pymonn_widgets: %s", error)
            self.selected_neuron = -1

    def download_png(self, filename="raster.png"):
        """Let the browser download the canvas as a PNG (the page saves it; the kernel writes no file).
        ``Dashboard.save_figure(path)`` writes a figure from Python."""
        self.send({"type": "png", "filename": str(filename)})

    def _on_msg(self, widget, content, buffers):
        """The page only acknowledges drawn frames: ``{"type": "drawn", "count": k}`` with
        ``1 <= k <=`` the frames the kernel has sent and not yet seen acknowledged; anything else is
        ignored (nothing the page sends is ever written anywhere)."""
        if not isinstance(content, dict) or content.get("type") != "drawn":
            return
        count = content.get("count")
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or not 1 <= count <= self._in_flight:
            log.warning("pymonn_widgets: RasterPlot ignored a 'drawn' message with count %.40r (in flight: %d)",
                        count, self._in_flight)
            return
        self._acked = True
        self._in_flight -= int(count)
