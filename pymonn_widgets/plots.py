"""TimePlots: the voltage plot and the spike raster of the plotted group, one window, the same frames.

Each frame sends only what is new since the last (iterations int32, values float32, spikes int32), or a
whole window (a keyframe) after a selection, a reset, a window change or when a page (re)opens. A frame
is sent only when the page has painted the previous one (``ready``); frames the page cannot take are
not queued: the next one carries everything since. When a run stops, the window is also kept in the
synced ``_still`` trait, so a notebook saved with its widget state can draw it without a kernel (a
live page uses it only until its first frame).

Clicking a raster row selects that neuron (``selected_neuron``; the voltage plot shows it first).
"""
from __future__ import annotations

import pathlib
import time
import uuid

import anywidget
import traitlets

__all__ = ["TimePlots"]

JS = pathlib.Path(__file__).parent / "js"
# seconds without an acknowledgement before a frame counts as lost: short while no page has answered
# (a script, nbval, a page still loading), long once one has (a busy page is slow, not gone; a page
# that reopens says hello)
UNANSWERED_TIMEOUT = 2.0
ACK_TIMEOUT = 30.0
MAX_REST = 2.0   # most seconds a slow page is left alone after painting (see ``ready``)


class TimePlots(anywidget.AnyWidget):
    """The plotted group's variable (chosen neurons, mean, threshold) and spikes over ``window`` iterations."""

    _esm = JS / "plots.js"
    _css = JS / "plots.css"
    _uid = traitlets.Unicode().tag(sync=True)
    _still = traitlets.Dict().tag(sync=True)
    window = traitlets.Int(500, min=2, max=100_000).tag(sync=True)      # iterations
    dt = traitlets.Float(0.0).tag(sync=True)          # ms per iteration; 0: the axis counts iterations
    neurons = traitlets.Int(1).tag(sync=True)
    height = traitlets.Int(280, min=150, max=2000).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    x_label = traitlets.Unicode("iteration").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)
    selected_neuron = traitlets.Int(-1).tag(sync=True)

    def __init__(self, controller, window=500, **kwargs):
        super().__init__(_uid=uuid.uuid4().hex, window=int(window), **kwargs)
        self.add_class("pymonn-plots")
        self.controller = controller
        self.frames_sent = 0
        self.bytes_sent = 0
        self._in_flight = False
        self._sent_at = 0.0
        self._acked_at = 0.0
        self._busy = 0.0           # seconds the page took for the last frame (from receiving it to painting it)
        self._pending = False      # a forced frame waits for the acknowledgement of the one in flight
        self._key = True
        self.acknowledged = False   # has a page painted a frame? (then a live page shows the plots)
        self.on_msg(self._on_msg)
        self._start()
        controller.on("frame", self.update)
        controller.add_frame_gate(self.ready, self.unanswered)
        controller.on("selection", self._on_selection)
        controller.on("reset", self._on_reset)
        controller.on("stopped", self.keep_still)
        self.observe(self._on_click, "selected_neuron")
        self.observe(self._on_window, "window")

    # --- the window (the controller's PlotWindow) ---------------------------------------------
    @property
    def view(self):
        return self.controller.view

    def _start(self):
        c, v = self.controller, self.controller.view
        self._shown = (v, list(c.selected_neurons))
        self.dt = v.dt or 0.0
        self.x_label = "time (ms)" if v.dt else "iteration"
        self.y_label = f"{v.variable} ({v.unit})" if v.variable and v.unit else (v.variable or "(no variable)")
        self.title = c.plot_group.tags[0]
        self.neurons = int(c.plot_group.size)
        if self.window != c.window:
            self.window = c.window
        self._key = True
        self.update()
        self.keep_still()

    def _on_selection(self):
        c = self.controller
        if self._shown[0] is not c.view:
            self.selected_neuron = -1
            self._start()
        elif self._shown[1] != c.selected_neurons or self.window != c.window:
            self._shown = (c.view, list(c.selected_neurons))
            self.window = c.window
            self._key = True
            self.update()

    def _on_reset(self):
        self._key = True
        self.update()

    def _on_window(self, change):
        if change.new != self.controller.window:
            self.controller.set_window(change.new)

    # --- frames -----------------------------------------------------------------------------
    def ready(self) -> bool:
        """True when the page painted the last frame and has had as long again to itself (a page that
        needs a second per frame gets one every two: its clicks never wait behind frames), or the
        frame counts as lost (``ACK_TIMEOUT``)."""
        rested = time.perf_counter() - self._acked_at >= min(self._busy, MAX_REST)
        return self._may_send() and (self._in_flight or rested)

    def unanswered(self) -> float:
        """Seconds since a page that had answered before last answered, while a frame waits (0: none)."""
        return time.perf_counter() - self._acked_at if self._in_flight and self.acknowledged else 0.0

    def _may_send(self):
        """No frame in flight, or it counts as lost."""
        timeout = ACK_TIMEOUT if self.acknowledged else UNANSWERED_TIMEOUT
        return not self._in_flight or time.perf_counter() - self._sent_at > timeout

    def update(self):
        """Send a frame unless one is in flight; else send one (with everything new by then) as soon as
        it is acknowledged. At most one frame is ever in flight or waiting. (Throttled frames also
        wait for ``ready``: the controller's frame gate.)"""
        if not self._may_send():
            self._pending = True
            return False
        header, buffers = self.view.frame(key=self._key)
        now = header["now"]
        header["marks"] = [c.iteration for c in self.controller.log if c.iteration > now - self.window]
        self._key = self._pending = False
        self._in_flight, self._sent_at = True, time.perf_counter()
        self.send(header, buffers=buffers)
        self.frames_sent += 1
        self.bytes_sent += sum(len(b) for b in buffers)
        return True

    def keep_still(self):
        """Keep the whole window in ``_still`` (saved with the widget state; drawn by pages without a kernel)."""
        header, buffers = self.view.frame(key=True, advance=False)
        header["marks"] = [c.iteration for c in self.controller.log if c.iteration > header["now"] - self.window]
        self._still = {"header": header, "t": buffers[0], "values": buffers[1], "spikes": buffers[2]}

    def data(self):
        """The window as numpy arrays (``iterations``, ``traces``, ``mean``, ``neurons``, ``spikes``)."""
        return self.view.data()

    # --- page messages ----------------------------------------------------------------------
    def _on_msg(self, widget, content, buffers):
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "drawn":
            if self._in_flight:
                self._acked_at = time.perf_counter()
                self._busy = _page_busy(content.get("busy_ms"), self._acked_at - self._sent_at)
            self._in_flight, self.acknowledged = False, True
            if self._pending:
                self.update()
        elif kind == "hello":           # a page (re)opened: it needs the whole window, and every view
            self._in_flight, self._key = False, True   # its readouts (the network may have run from code)
            self.controller.frame()

    def _on_click(self, change):
        if 0 <= change.new < self.neurons:
            self.controller.select_neuron(change.new)


def _page_busy(busy_ms, round_trip):
    """Seconds the page says it took for a frame (untrusted: a number in [0, 60 s]), else the round trip."""
    if isinstance(busy_ms, (int, float)) and not isinstance(busy_ms, bool) and 0 <= busy_ms <= 60_000:
        return busy_ms / 1000.0
    return round_trip
