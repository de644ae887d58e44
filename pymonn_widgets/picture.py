"""A still picture of a dashboard (graph, voltage plot, raster) drawn with matplotlib, for outputs that
must show something without a live kernel or widget manager: GitHub, nbviewer, offline HTML, a
notebook opened before it is run. Also ``Dashboard.save_figure``.
"""
from __future__ import annotations

import base64
import html
import io
import math

__all__ = ["draw_figure", "picture_bundle"]

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def _graph(ax, controller, colour_of):
    net = controller.net
    groups = net.NeuronGroups
    n = max(len(groups), 1)
    points = {}
    for i, ng in enumerate(groups):
        angle = math.pi * (1 - i) if n == 2 else -math.pi / 2 + 2 * math.pi * i / n
        points[id(ng)] = (0.0, 0.0) if n == 1 else (math.cos(angle), -math.sin(angle))
    for sg in net.SynapseGroups:
        (x0, y0), (x1, y1) = points[id(sg.src)], points[id(sg.dst)]
        label = sg.tags[0]
        if sg.src is sg.dst:
            ax.add_patch(_loop(x0, y0, colour_of(label)))
            ax.text(x0, y0 + 0.52, label, ha="center", va="bottom", fontsize=9, color=colour_of(label))
        else:
            ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "-|>", "color": colour_of(label),
                                                             "connectionstyle": "arc3,rad=0.25", "shrinkA": 22,
                                                             "shrinkB": 22, "lw": 1.5})
            mx, my = (x0 + x1) / 2 + 0.18 * (y1 - y0), (y0 + y1) / 2 - 0.18 * (x1 - x0)
            ax.text(mx, my, label, ha="center", va="center", fontsize=9, color=colour_of(label),
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
    for ng in groups:
        x, y = points[id(ng)]
        selected = ng is controller.plot_group
        ax.scatter([x], [y], s=1400, color=colour_of(ng.tags[0]), alpha=0.35, edgecolors="black",
                   linewidths=3 if selected else 1, zorder=3)
        ax.text(x, y, f"{ng.tags[0]}\nN={ng.size}", ha="center", va="center", fontsize=9, zorder=4, weight="bold")
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.5, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("network", fontsize=10)


def _loop(x, y, colour):
    from matplotlib.patches import Arc

    return Arc((x, y + 0.3), 0.35, 0.45, theta1=-60, theta2=240, color=colour, lw=1.5)


def draw_figure(controller, figure=None):
    """Draw the controller's graph, voltage plot and raster into a matplotlib Figure (made if None)."""
    from matplotlib.figure import Figure

    from .graph import tag_colour

    figure = figure or Figure(figsize=(13, 3.6), dpi=72)
    graph, left, right = figure.subplots(1, 3, width_ratios=[0.8, 1.3, 1.3])
    figure.subplots_adjust(left=0.01, right=0.99, bottom=0.15, top=0.88, wspace=0.22)
    _graph(graph, controller, tag_colour)
    view, now = controller.view, controller.net.iteration
    if view is None:
        return figure
    data = view.data()
    dt = view.dt or 1.0
    x_label = "time (ms)" if view.dt else "iteration"
    t0 = max(0, now - view.window) * dt
    t = data["iterations"] * dt
    for column, neuron in enumerate(data["neurons"]):
        if len(t):
            left.plot(t, data["traces"][column], lw=0.9, color=COLOURS[column % len(COLOURS)], label=f"neuron {neuron}")
    if len(t):
        left.plot(t, data["mean"], lw=2.2, color="black", label="mean")
    from .window import find_threshold

    found = find_threshold(view.group)
    if found is not None:
        left.axhline(float(found[1].threshold), color="#e65100", ls="--", lw=1.3, label="threshold")
    for change in controller.log:
        if change.iteration > now - view.window:
            left.axvline(change.iteration * dt, color="#d32f2f", alpha=0.7)
            right.axvline(change.iteration * dt, color="#d32f2f", alpha=0.7)
    unit = f" ({view.unit})" if view.unit else ""
    left.set(xlim=(t0, t0 + view.window * dt), xlabel=x_label, ylabel=f"{view.variable or ''}{unit}",
             title=f"{view.group.tags[0]}: {view.variable}")
    if left.get_legend_handles_labels()[0]:
        left.legend(fontsize=7, loc="lower left", ncols=4, framealpha=0.7)
    spikes = data["spikes"]
    if len(spikes):
        right.scatter(spikes[:, 0] * dt, spikes[:, 1], s=1.5, marker="s", color="black", linewidths=0)
    from matplotlib.ticker import MaxNLocator

    right.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    right.set(xlim=(t0, t0 + view.window * dt), ylim=(-0.5, view.group.size - 0.5), xlabel=x_label, ylabel="neuron",
              title=f"{view.group.tags[0]}: spikes ({len(spikes)} in window)")
    return figure


def picture_bundle(controller) -> dict:
    """A display bundle (``text/html`` with an embedded PNG, ``image/png``, ``text/plain``) of the
    dashboard's current state."""
    figure = draw_figure(controller)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    caption = (f"pymonn dashboard of {controller.net.tags[0]}: a still picture of its last state "
               f"(run the notebook for the live dashboard)")   # no numbers: later runs update the picture
    return {
        "text/html": f'<div class="pymonn-static-picture"><img alt="{html.escape(caption)}" '
                     f'src="data:image/png;base64,{data}" style="max-width:100%"/></div>',
        "image/png": data,
        "text/plain": caption,
    }
