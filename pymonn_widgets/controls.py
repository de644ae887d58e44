"""RunControls: Play, Pause, Step, Reset, run N, pace, time window, iteration counter, it/s, notices, errors."""
from __future__ import annotations

import html

import ipywidgets as w

from pymonntorch_core import ArgumentError

from .controller import MAX_RUN, MAX_SPEED, MAX_STEPS

__all__ = ["RunControls", "WINDOWS"]

WINDOWS = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000)   # iterations the plots can show


def _window_label(iterations, dt):
    return f"{iterations * dt:g} ms" if dt else f"{iterations:,} it"


class RunControls(w.VBox):
    """Buttons and readouts driving a ``Controller``.

    Page contract: buttons show the text ``Play``, ``Pause``, ``Step``, ``Reset``; the counter has the
    CSS class ``pymonn-iteration``, the rate ``pymonn-rate``, the traceback area ``pymonn-error``, the
    recorder notice ``pymonn-notice``. The readouts follow the controller's frames (its one throttle).
    """

    def __init__(self, controller, **kwargs):
        self.controller = c = controller
        button = {"layout": w.Layout(width="auto")}
        small = {"style": {"description_width": "initial"}}
        # No icons: an icon glyph would become part of the buttons' accessible names ("Play" exactly).
        self.play_button = w.Button(description="Play", tooltip="Play", button_style="success", **button)
        self.pause_button = w.Button(description="Pause", tooltip="Pause", **button)
        self.step_button = w.Button(description="Step", tooltip="Step", **button)
        self.reset_button = w.Button(description="Reset", tooltip="Reset", **button)
        self.steps = w.BoundedIntText(value=c.steps_per_step, min=1, max=MAX_STEPS, description="steps/step",
                                      layout=w.Layout(width="8.5em"), **small)
        self.speed = w.BoundedFloatText(value=c.speed_limit or 0, min=0, max=MAX_SPEED, description="max it/s",
                                        tooltip="iterations a second; 0: as fast as possible",
                                        layout=w.Layout(width="10em"), **small)
        windows = sorted(set(WINDOWS) | {c.window})
        self.window = w.Dropdown(options=[(_window_label(n, c.dt), n) for n in windows], value=c.window,
                                 description="window", tooltip="time shown by both plots",
                                 layout=w.Layout(width="10em"), **small)
        self.run_count = w.BoundedIntText(value=1000, min=1, max=MAX_RUN, description="N",
                                          layout=w.Layout(width="7.5em"), **small)
        self.run_button = w.Button(description="Run N", tooltip="Run N iterations", **button)
        self.iteration = w.HTML(layout=w.Layout(width="18em", overflow="hidden"))   # "iteration 99,999 · 9,999.9 ms"
        self.iteration.add_class("pymonn-iteration")
        self.rate = w.HTML(layout=w.Layout(width="6.5em"))
        self.rate.add_class("pymonn-rate")
        self.progress = w.FloatProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="6em"))
        self.progress.add_class("pymonn-progress")
        self.notice = w.HTML("")
        self.notice.add_class("pymonn-notice")
        self.keep_button = w.Button(description="Keep recording", tooltip="let the stopped recorders grow again",
                                    layout=w.Layout(width="auto", display="none"))
        self.error = w.HTML("")
        self.error.add_class("pymonn-error")

        self.play_button.on_click(lambda _: c.play())
        self.pause_button.on_click(lambda _: c.pause())
        self.step_button.on_click(lambda _: c.step())
        self.reset_button.on_click(lambda _: c.reset())
        self.run_button.on_click(lambda _: c.play(self.run_count.value))
        self.keep_button.on_click(lambda _: c.keep_recording())
        self.steps.observe(self._on_steps, "value")
        self.speed.observe(self._on_speed, "value")
        self.run_count.observe(self._on_run_count, "value")
        for box, low, high in ((self.steps, 1, MAX_STEPS), (self.speed, 0, MAX_SPEED), (self.run_count, 1, MAX_RUN)):
            box.observe(lambda change, low=low, high=high: self._keep_bounds(change.owner, low, high), ["min", "max"])
        self.window.observe(self._on_window, "value")
        c.on("state", self.update)
        c.on("frame", self.update)
        c.on("selection", self._on_selection)
        super().__init__([
            w.HBox([self.play_button, self.pause_button, self.step_button, self.reset_button, self.iteration,
                    self.rate, self.speed, self.window, self.steps, self.run_count, self.run_button, self.progress],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            w.HBox([self.notice, self.keep_button], layout=w.Layout(align_items="center")),
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

    def _on_window(self, change):
        try:
            self.controller.set_window(change.new)
        except ArgumentError:
            self._on_selection()

    def _on_run_count(self, change):
        if isinstance(change.new, bool) or not isinstance(change.new, int) or not 1 <= change.new <= MAX_RUN:
            change.owner.value = 1000

    @staticmethod
    def _keep_bounds(box, low, high):
        """Bounds sent by the page are not the kernel's: put the kernel's back."""
        if (box.min, box.max) != (low, high):
            box.min, box.max = low, high

    def _on_selection(self):
        if self.window.value != self.controller.window:
            self.window.value = self.controller.window

    def update(self):
        """Show the controller's iteration, rate, progress, running state, notice and error."""
        c = self.controller
        time = f" &middot; {c.net.iteration * c.dt:,.1f} ms" if c.dt else ""
        text = f"<span style='white-space:nowrap'>iteration <b>{c.net.iteration:,}</b>{time}</span>"
        if self.iteration.value != text:
            self.iteration.value = text
        rate = f"{c.rate:,.0f} it/s" if c.is_running or c.rate else "&nbsp;"
        if self.rate.value != rate:
            self.rate.value = rate
        done, total = c.progress or (0, 1)
        self.progress.value = done / total if total else 0.0
        self.play_button.button_style = "" if c.is_running else "success"
        self.pause_button.button_style = "warning" if c.is_running else ""
        notice = f"<span style='color:var(--jp-warn-color0,#e65100)'>{html.escape(c.notice)}</span>" if c.notice else ""
        if self.notice.value != notice:
            self.notice.value = notice
            self.keep_button.layout.display = None if c.stopped_recorders else "none"
        error = "" if not c.error else (
            "<div style='color:var(--jp-error-color1,#b00)'><b>The run paused: a behavior raised an error.</b> Records "
            "are kept; fix it and press Play to finish the same iteration.</div><pre style='max-height:20em;"
            f"overflow:auto'>{html.escape(c.error)}</pre>")
        if self.error.value != error:
            self.error.value = error
