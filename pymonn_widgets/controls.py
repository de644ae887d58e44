"""RunControls: Play, Pause, Step, Reset, run N, speed limit, iteration counter, it/s and errors."""
from __future__ import annotations

import html
import time

import ipywidgets as w

from pymonntorch_core import ArgumentError

from .controller import MAX_RUN, MAX_SPEED, MAX_STEPS

__all__ = ["RunControls"]


class RunControls(w.VBox):
    """Buttons and readouts driving a ``Controller``.

    Page contract: buttons show the text ``Play``, ``Pause``, ``Step``, ``Reset``; the counter has the
    CSS class ``pymonn-iteration``, the rate ``pymonn-rate``, the traceback area ``pymonn-error``.
    """

    def __init__(self, controller, **kwargs):
        self.controller = controller
        button = {"layout": w.Layout(width="auto")}
        # No icons: an icon glyph would become part of the buttons' accessible names ("Play" exactly).
        self.play_button = w.Button(description="Play", tooltip="Play", button_style="success", **button)
        self.pause_button = w.Button(description="Pause", tooltip="Pause", **button)
        self.step_button = w.Button(description="Step", tooltip="Step", **button)
        self.reset_button = w.Button(description="Reset", tooltip="Reset", **button)
        self.steps = w.BoundedIntText(value=controller.steps_per_step, min=1, max=MAX_STEPS, description="steps/step",
                                      style={"description_width": "initial"}, layout=w.Layout(width="9em"))
        self.speed = w.BoundedFloatText(value=0, min=0, max=MAX_SPEED, description="max it/s", tooltip="0: unlimited",
                                        style={"description_width": "initial"}, layout=w.Layout(width="12em"))
        self.run_count = w.BoundedIntText(value=1000, min=1, max=MAX_RUN, description="N",
                                          style={"description_width": "initial"}, layout=w.Layout(width="9em"))
        self.run_button = w.Button(description="Run N", tooltip="Run N iterations", **button)
        self.iteration = w.HTML()
        self.iteration.add_class("pymonn-iteration")
        self.rate = w.HTML()
        self.rate.add_class("pymonn-rate")
        self.progress = w.FloatProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="12em"))
        self.progress.add_class("pymonn-progress")
        self.error = w.HTML("")
        self.error.add_class("pymonn-error")

        self.play_button.on_click(lambda _: controller.play())
        self.pause_button.on_click(lambda _: controller.pause())
        self.step_button.on_click(lambda _: controller.step())
        self.reset_button.on_click(lambda _: controller.reset())
        self.run_button.on_click(lambda _: controller.play(self.run_count.value))
        self.steps.observe(self._on_steps, "value")
        self.speed.observe(self._on_speed, "value")
        self.run_count.observe(self._on_run_count, "value")
        for box, low, high in ((self.steps, 1, MAX_STEPS), (self.speed, 0, MAX_SPEED), (self.run_count, 1, MAX_RUN)):
            box.observe(lambda change, low=low, high=high: self._keep_bounds(change.owner, low, high), ["min", "max"])
        controller.on("state", self.update)
        super().__init__([
            w.HBox([self.play_button, self.pause_button, self.step_button, self.reset_button, self.steps, self.speed]),
            w.HBox([self.iteration, self.rate, self.run_count, self.run_button, self.progress]),
            self.error,
        ], **kwargs)
        self.add_class("pymonn-controls")
        self.update()

    # Page values are checked by the controller against the kernel's own bounds; a refused one is
    # replaced by the kernel's value, so the page shows what the kernel uses.
    def _on_steps(self, change):
        try:
            self.controller.steps_per_step = change.new
        except ArgumentError:
            change.owner.value = self.controller.steps_per_step

    def _on_speed(self, change):
        try:
            self.controller.speed_limit = change.new
        except ArgumentError:
            change.owner.value = self.controller.speed_limit or 0.0

    def _on_run_count(self, change):
        if isinstance(change.new, bool) or not isinstance(change.new, int) or not 1 <= change.new <= MAX_RUN:
            change.owner.value = 1000

    @staticmethod
    def _keep_bounds(box, low, high):
        """Bounds sent by the page are not the kernel's: put the kernel's back."""
        if (box.min, box.max) != (low, high):
            box.min, box.max = low, high

    max_rate = 10.0   # readout updates a second during a run (each one re-lays out the page a little)

    def update(self):
        """Show the controller's iteration, rate, progress, running state and error."""
        c = self.controller
        now = time.perf_counter()
        if c.is_running and not c.error and now - getattr(self, "_last", 0.0) < 1.0 / self.max_rate \
                and self.play_button.button_style == "":
            return
        self._last = now
        text = f"iteration <b>{c.net.iteration}</b>"
        if self.iteration.value != text:
            self.iteration.value = text
        rate = f"{c.rate:,.0f} it/s" if c.is_running or c.rate else "&nbsp;"
        if self.rate.value != rate:
            self.rate.value = rate
        done, total = c.progress or (0, 1)
        self.progress.value = done / total if total else 0.0
        self.play_button.button_style = "" if c.is_running else "success"
        self.pause_button.button_style = "warning" if c.is_running else ""
        error = "" if not c.error else (
            "<div style='color:#b00'><b>The run paused: a behavior raised an error.</b> Records are kept; fix it and "
            f"press Play to finish the same iteration.</div><pre style='max-height:20em;overflow:auto'>"
            f"{html.escape(c.error)}</pre>")
        if self.error.value != error:
            self.error.value = error
