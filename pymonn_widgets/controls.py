"""RunControls: Play, Pause, Step, Reset, run N, speed limit, iteration counter, it/s and errors."""
from __future__ import annotations

import html
import time

import ipywidgets as w

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
        self.steps = w.BoundedIntText(value=controller.steps_per_step, min=1, max=1_000_000, description="steps/step",
                                      style={"description_width": "initial"}, layout=w.Layout(width="9em"))
        self.speed = w.BoundedFloatText(value=0, min=0, max=1e9, description="max it/s", tooltip="0: unlimited",
                                        style={"description_width": "initial"}, layout=w.Layout(width="12em"))
        self.run_count = w.BoundedIntText(value=1000, min=1, max=100_000_000, description="N",
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
        controller.on("state", self.update)
        super().__init__([
            w.HBox([self.play_button, self.pause_button, self.step_button, self.reset_button, self.steps, self.speed]),
            w.HBox([self.iteration, self.rate, self.run_count, self.run_button, self.progress]),
            self.error,
        ], **kwargs)
        self.add_class("pymonn-controls")
        self.update()

    def _on_steps(self, change):
        self.controller.steps_per_step = int(change.new)

    def _on_speed(self, change):
        self.controller.speed_limit = float(change.new) or None

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
