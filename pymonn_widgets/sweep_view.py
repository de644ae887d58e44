"""SweepView: a running parameter sweep filling in live; click a point to open that trial in a Dashboard.

Two swept parameters give a heatmap (first parameter across, second up), one gives a line with the mean
and the spread (one standard deviation) over repeats, more give one point per parameter set. Each cell
or point is the mean over the repeats finished so far of the chosen measure. Clicking one rebuilds that
trial (same parameters and seed, see ``Sweep.rebuild``) and shows it in a ``Dashboard`` beside the plot,
ready to Play. The sweep reports trials from its own thread; the view redraws from there.
"""
from __future__ import annotations

import math
import threading

import bqplot as bq
import ipywidgets as w
import numpy as np

from .dashboard import Dashboard

__all__ = ["SweepView"]


class SweepView(w.VBox):
    """A live view of ``running`` (a ``pymonntorch_core.Sweep``, started or not).

    Parameters
    ----------
    running : Sweep
    measure : str, optional
        The measure shown (default: the first one a trial returns); a dropdown switches it.
    repeat : int
        Which repeat a click opens.

    Example
    -------
    >>> running = sweep(build, {"g": [3, 5, 7], "rate": [10, 20]}, 1000, wait=False)
    >>> SweepView(running)       # fills in as trials finish; click a cell to open it
    >>> view.open_trial({"g": 5, "rate": 20})   # the same from code
    """

    def __init__(self, running, *, measure: str | None = None, repeat: int = 0, **kwargs):
        self.sweep, self.repeat, self.dashboard, self.opened = running, int(repeat), None, None
        self._lock = threading.RLock()
        sets = running.parameter_sets
        self._keys = [tuple(p.items()) for p in sets]
        self.varying = [n for n in running.parameter_names if len({repr(p.get(n)) for p in sets}) > 1]
        self.progress = w.IntProgress(value=0, min=0, max=len(running.trials), description="trials")
        self.status = w.HTML()
        self.status.add_class("pymonn-sweep-status")
        self.cancel_button = w.Button(description="Cancel", icon="stop", tooltip="Stop the sweep")
        self.cancel_button.on_click(lambda _: running.cancel())
        self.measure = w.Dropdown(options=[measure] if measure else [], value=measure, description="measure")
        self.measure.observe(lambda change: self._redraw(), "value")
        self.figure = self._figure()
        self.dashboard_box = w.VBox(layout=w.Layout(width="60%"))
        self.dashboard_box.add_class("pymonn-sweep-dashboard")
        super().__init__([w.HBox([self.progress, self.status, self.measure, self.cancel_button]),
                          w.HBox([w.Box([self.figure], layout=w.Layout(width="40%")), self.dashboard_box])], **kwargs)
        self.add_class("pymonn-sweep-view")
        running.on_trial(lambda trial: self._redraw())
        running.on_done(lambda result: self._redraw())
        self._redraw()

    # --- plot ----------------------------------------------------------------------------------
    def _figure(self):
        self.color = color = bq.ColorScale(scheme="viridis", min=0.0, max=1.0)
        if len(self.varying) == 2 and len(self._keys) == len(self._axis(0)) * len(self._axis(1)):
            self.kind = "heatmap"
            x, y = bq.OrdinalScale(), bq.OrdinalScale()
            self.mark = bq.GridHeatMap(column=self._axis(0), row=self._axis(1), color=self._grid([]),
                                       scales={"column": x, "row": y, "color": color}, display_format=".3g",
                                       stroke="white",
                                       selected_style={"stroke": "red", "stroke-width": "4"})
            axes = [bq.Axis(scale=x, label=self.varying[0]), bq.Axis(scale=y, orientation="vertical", label=self.varying[1]),
                    bq.ColorAxis(scale=color, orientation="vertical", side="right", num_ticks=5)]
            marks = [self.mark]
        else:
            self.kind = "lines" if len(self.varying) == 1 else "points"
            positions = self._axis(0) if self.kind == "lines" else np.arange(len(self._keys), dtype=float)
            x, y = bq.LinearScale(), bq.LinearScale()
            self.spread = bq.Lines(x=positions, y=np.full((2, len(positions)), np.nan), fill="between",
                                   fill_opacities=[0.25], colors=["steelblue"], opacities=[0.0], scales={"x": x, "y": y})
            self.line = bq.Lines(x=positions, y=np.full(len(positions), np.nan), colors=["steelblue"], scales={"x": x, "y": y})
            self.mark = bq.Scatter(x=positions, y=np.full(len(positions), np.nan), scales={"x": x, "y": y},
                                   selected_style={"fill": "red", "stroke": "red"}, default_size=64)
            label = self.varying[0] if self.kind == "lines" else "parameter set"
            axes = [bq.Axis(scale=x, label=label), bq.Axis(scale=y, orientation="vertical")]
            marks = [self.spread, self.line, self.mark]
        self.mark.on_element_click(self._on_click)
        figure = bq.Figure(marks=marks, axes=axes, fig_margin={"top": 20, "bottom": 50, "left": 60, "right": 80},
                           layout=w.Layout(width="100%", height="360px"))
        figure.add_class("pymonn-sweep-plot")
        return figure

    def _axis(self, i):
        values = list(dict.fromkeys(p[self.varying[i]] for p in self.sweep.parameter_sets)) if self.varying else [0]
        return np.asarray(values, dtype=float)

    def _values(self, trials):
        """Mean and standard deviation over finished repeats of each parameter set (NaN: none yet)."""
        name = self.measure.value
        samples = [[] for _ in self._keys]
        index = {key: i for i, key in enumerate(self._keys)}
        for t in trials:
            value = t.measures.get(name) if name else None
            if value is not None and math.isfinite(value):
                samples[index[tuple(t.parameters.items())]].append(float(value))
        mean = np.array([np.mean(s) if s else np.nan for s in samples])
        std = np.array([np.std(s) if s else np.nan for s in samples])
        return mean, std

    def _grid(self, mean):
        columns, rows = list(self._axis(0)), list(self._axis(1))
        grid = np.full((len(rows), len(columns)), np.nan)
        for key, value in zip(self._keys, mean):
            p = dict(key)
            grid[rows.index(float(p[self.varying[1]])), columns.index(float(p[self.varying[0]]))] = value
        return grid

    def _redraw(self):
        with self._lock:
            finished = self.sweep.finished
            names = list(dict.fromkeys(n for t in finished for n in t.measures))
            if names and list(self.measure.options) != names:
                current = self.measure.value if self.measure.value in names else names[0]
                self.measure.options = names
                self.measure.value = current
            mean, std = self._values(finished)
            if self.kind == "heatmap":
                finite = mean[np.isfinite(mean)]
                if len(finite):     # the scale follows the data (bqplot fixes it at the first value otherwise)
                    low, high = float(finite.min()), float(finite.max())
                    self.color.min, self.color.max = low, high if high > low else low + 1.0
                self.mark.color = self._grid(mean)
            else:
                self.mark.y, self.line.y = mean, mean
                self.spread.y = np.vstack([mean - std, mean + std])
            failed = sum(1 for t in finished if t.error is not None)
            self.progress.value = len(finished)
            state = "cancelled" if self.sweep.cancelled else "done" if self.sweep.done else "running"
            blank = ", black: not run yet" if self.kind == "heatmap" and len(finished) < len(self.sweep.trials) else ""
            self.status.value = (f"<b>{len(finished)}</b> / {len(self.sweep.trials)} trials, {failed} failed, "
                                 f"<span class='pymonn-sweep-state'>{state}</span>{blank}")
            self.cancel_button.disabled = self.sweep.done

    # --- opening a trial ---------------------------------------------------------------------------
    def _on_click(self, mark, event):
        """A click on a cell (``rowNum``, ``columnNum``) or a point (``index``), as bqplot reports it."""
        data = event.get("data") or {}
        if self.kind == "heatmap":
            row, column = int(data["rowNum"]), int(data["columnNum"])
            target = {self.varying[0]: self._axis(0)[column], self.varying[1]: self._axis(1)[row]}
            i = next(i for i, key in enumerate(self._keys)
                     if all(float(dict(key)[n]) == target[n] for n in self.varying))
        else:
            i = int(data["index"])
        self.open_trial(dict(self._keys[i]))

    def open_trial(self, parameters: dict, repeat: int | None = None) -> Dashboard:
        """Rebuild the trial of ``parameters`` (and ``repeat``) and show it in a Dashboard beside the plot."""
        repeat = self.repeat if repeat is None else int(repeat)
        trial = next((t for t in self.sweep.trials if t.repeat == repeat and
                      all(t.parameters.get(k) == v for k, v in parameters.items())), None)
        if trial is None:
            raise KeyError(f"SweepView.open_trial: no trial with parameters {parameters!r} and repeat {repeat}")
        if self.dashboard is not None:        # the one shown before: stop it and free its widgets
            self.dashboard.pause()
            _close_all(self.dashboard)
        self.dashboard = Dashboard(self.sweep.rebuild(trial))
        self.opened = trial
        self._mark_selected(trial.parameters)
        title = ", ".join(f"{k} = {v}" for k, v in trial.parameters.items())
        self.dashboard_box.children = [w.HTML(f"<b>{title}</b> (repeat {trial.repeat}, seed {trial.seed})"), self.dashboard]
        return self.dashboard

    def _mark_selected(self, parameters):
        i = self._keys.index(tuple(parameters.items()))
        if self.kind == "heatmap":
            p = dict(self._keys[i])
            row = list(self._axis(1)).index(float(p[self.varying[1]]))
            column = list(self._axis(0)).index(float(p[self.varying[0]]))
            self.mark.selected = np.array([[row, column]], dtype=np.int32)
        else:
            self.mark.selected = [i]


def _close_all(widget):
    for child in getattr(widget, "children", ()):
        _close_all(child)
    widget.close()
