"""ParameterPanel: live sliders, checkboxes and number boxes for every tunable parameter."""
from __future__ import annotations

import html
import math

import ipywidgets as w

from pymonntorch_core import ArgumentError

__all__ = ["ParameterPanel", "slider_range"]


def clean(value):
    """``value`` without float noise from a slider's step arithmetic (12 significant digits)."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def same_value(a, b, step=None) -> bool:
    """True when a control's value ``b`` only differs from ``a`` by rounding (a slider snapping to its
    step, or float noise): showing a value must never change it."""
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return a == b
    tolerance = max(1e-9 * max(abs(a), abs(b)), (step or 0.0) * 1e-6)
    return math.isclose(a, b, rel_tol=0.0, abs_tol=tolerance) or clean(float(a)) == clean(float(b))


def fmt(value) -> str:
    """A value as a person reads it: ``20.01``, not ``20.010000000000005``."""
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def slider_range(parameter) -> tuple[float, float, float]:
    """``(min, max, step)`` for a float slider: the declared range, else one around the value."""
    value = float(parameter.value)
    span = abs(value) or 1.0
    lo = parameter.min if parameter.min is not None else (0.0 if value >= 0 else value - span)
    hi = parameter.max if parameter.max is not None else (value + span if value > 0 else 0.0 if value < 0 else 1.0)
    lo, hi = min(lo, value), max(hi, value)
    if hi <= lo:
        hi = lo + 1.0
    step = parameter.step or (hi - lo) / 100
    return float(lo), float(hi), float(step)


class ParameterPanel(w.VBox):
    """Parameters of the selected group, by behavior in key order, each behavior with an on/off switch.

    Changes go through the controller (validated by the core, applied at the next iteration, logged).
    The change log is shown below, with its replay code on demand.
    """

    def __init__(self, controller, **kwargs):
        self.controller = controller
        self._controls: dict[tuple[int, int, str], w.Widget] = {}   # (object id, key, name) -> widget
        self._syncing = False
        self.group = w.Dropdown(description="group", options=self._options(), value=controller.selected_group,
                                layout=w.Layout(width="auto"))
        self.body = w.VBox(layout=w.Layout(overflow="auto", flex="1 1 auto", min_height="0"))
        self.status = w.HTML("", layout=w.Layout(min_height="1.4em"))
        self.status.add_class("pymonn-parameter-status")
        # the log and the replay code live below the plots (``changes``): nothing above them moves
        self.log_view = w.HTML("", layout=w.Layout(height="7.5em", overflow="auto"))
        self.log_view.add_class("pymonn-change-log")
        self.code_button = w.Button(description="Replay code", tooltip="Python code that replays the changes")
        self.code = w.Textarea(layout=w.Layout(width="100%", height="8em", display="none"))
        self.code.add_class("pymonn-replay-code")
        self.code_button.on_click(self._show_code)
        self.group.observe(self._on_group, "value")
        controller.on("selection", self._on_selection)
        controller.on("parameter", self._on_parameter)
        controller.on("reset", lambda: (self.sync(), self._render_log()))
        controller.on("frame", self.sync)
        self.changes = w.VBox([w.HBox([w.HTML("<b>Changes</b>"), self.code_button]), self.log_view, self.code],
                              layout=w.Layout(width="100%"))
        self.changes.add_class("pymonn-changes")
        super().__init__([self.group, self.body, self.status], **kwargs)
        self.add_class("pymonn-parameters")
        self._build()
        self._render_log()

    def _options(self):
        groups = self.controller.net.NeuronGroups
        return [(obj.tags[0], obj) for obj in self.controller.objects()
                if any(obj is g for g in groups) or self.controller.tunable_behaviors(obj)]

    # --- building ----------------------------------------------------------------------------
    def _build(self):
        obj = self.controller.selected_group
        self._controls = {k: v for k, v in self._controls.items() if k[0] == id(obj)}
        rows = []
        for key, behavior in self.controller.tunable_behaviors(obj):
            switch = w.Checkbox(value=bool(behavior.behavior_enabled), description=f"{key}: {type(behavior).__name__}",
                                indent=False)
            switch.layout.flex = "0 0 auto"
            switch.add_class("pymonn-behavior-switch")
            switch.observe(self._handler(obj, key, "behavior_enabled"), "value")
            self._controls[(id(obj), key, "behavior_enabled")] = switch
            rows.append(switch)
            for parameter in behavior.tunable_parameters():
                control = self._control(parameter)
                control.observe(self._handler(obj, key, parameter.name), "value")
                self._controls[(id(obj), key, parameter.name)] = control
                rows.append(w.HBox([control], layout=w.Layout(margin="0 0 0 1.5em", flex="0 0 auto")))
        if not rows:
            rows.append(w.HTML("<i>no tunable parameters</i>"))
        self.body.children = rows

    @staticmethod
    def _control(parameter):
        tip = " ".join(str(x) for x in (parameter.description, parameter.unit and f"[{parameter.unit}]") if x)
        name = f"{parameter.name} ({parameter.unit})" if parameter.unit else parameter.name
        common = {"description": name, "tooltip": tip or parameter.name,
                  "style": {"description_width": "initial"}}
        if parameter.kind == "bool":
            return w.Checkbox(value=bool(parameter.value), indent=False, **common)
        if parameter.kind == "int":
            if parameter.min is not None and parameter.max is not None:
                return w.IntSlider(value=parameter.value, min=int(parameter.min), max=int(parameter.max),
                                   step=int(parameter.step or 1), **common)
            return w.IntText(value=parameter.value, step=int(parameter.step or 1), **common)
        lo, hi, step = slider_range(parameter)
        control = w.FloatSlider(value=parameter.value, min=lo, max=hi, step=step, readout_format=".4g",
                                continuous_update=True, layout=w.Layout(width="95%"), **common)
        control.parameter_name = parameter.name
        return control

    # --- intents -----------------------------------------------------------------------------
    def _handler(self, obj, key, name):
        def on_change(change):
            if self._syncing:
                return
            current = getattr(obj.behavior.get(key), name, None)
            current = current.item() if hasattr(current, "item") else current
            if same_value(current, change.new, getattr(change.owner, "step", None)):
                return         # the page snapped a shown value to the slider's step: not a change
            try:
                if name == "behavior_enabled":
                    self.controller.set_enabled(obj, key, change.new)
                else:
                    self.controller.set_parameter(obj, key, name, clean(change.new))
                self.status.value = ""
            except ArgumentError as error:  # show the kernel's value again
                self.status.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
                value = getattr(obj.behavior[key], name, change.old)
                self._set(change.owner, value.item() if hasattr(value, "item") else value)
        return on_change

    def _on_group(self, change):
        if self._syncing:
            return
        try:
            self.controller.select_group(change.new)
        except ArgumentError as error:  # e.g. a forged index=None: show the kernel's selection again
            self.status.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            self._on_selection()

    def _show_code(self, _=None):
        self.code.value = self.controller.replay_code()
        self.code.layout.display = None

    # --- display -----------------------------------------------------------------------------
    def _set(self, control, value):
        self._syncing = True
        try:
            if isinstance(control, w.FloatSlider):
                control.min, control.max = min(control.min, value), max(control.max, value)
            control.value = value
        finally:
            self._syncing = False

    def sync(self):
        """Show the current values of the selected group's parameters (also those set in code)."""
        obj = self.controller.selected_group
        for (oid, key, name), control in self._controls.items():
            behavior = obj.behavior.get(key) if oid == id(obj) else None
            if behavior is None:
                continue
            value = getattr(behavior, name, None)
            value = value.item() if hasattr(value, "item") else value
            if value is not None and not same_value(value, control.value, getattr(control, "step", None)):
                self._set(control, value)

    def _on_selection(self):
        if self.group.value is not self.controller.selected_group:
            self._syncing = True
            try:
                self.group.value = self.controller.selected_group
            except Exception:  # noqa: BLE001 - a group without tunable behaviors: keep the old choice
                pass
            finally:
                self._syncing = False
        self._build()

    def _on_parameter(self, change):
        self.sync()
        self._render_log()

    def _render_log(self, rows=8):
        changes = list(self.controller.log)[-rows:]
        if not changes:
            self.log_view.value = "<i>no changes yet</i>"
            return
        cells = "".join(
            f"<tr><td>{c.iteration}</td><td>{html.escape(c.group)}</td><td>{html.escape(c.behavior)}</td>"
            f"<td>{html.escape(c.parameter)}</td><td>{html.escape(fmt(c.old))}</td><td>{html.escape(fmt(c.new))}</td></tr>"
            for c in reversed(changes))
        self.log_view.value = ("<table class='pymonn-log-table'><tr><th>iteration</th><th>group</th><th>behavior</th>"
                               f"<th>parameter</th><th>old</th><th>new</th></tr>{cells}</table>")
        if self.code.layout.display is None:
            self.code.value = self.controller.replay_code()
