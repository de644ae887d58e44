"""Dashboard: the linked graph, parameter panel, run controls, voltage plot and raster for a Network."""
from __future__ import annotations

import pathlib

import ipywidgets as w

from pymonntorch_core import ArgumentError

from .controller import Controller
from .controls import RunControls
from .graph import NetworkGraph
from .parameters import ParameterPanel
from .raster import RasterPlot
from .voltage import VoltagePlot

__all__ = ["Dashboard"]


class Dashboard(w.VBox):
    """A live dashboard for an initialised Network; show it as a cell's last expression.

    Parameters
    ----------
    net : Network
        An initialised network. The dashboard takes a snapshot now; Reset returns to it.
    window : int
        Iterations shown by the voltage plot and the raster.
    **options
        Passed to ``Controller`` (``variable``, ``spike``, ``max_samples``, ``frame_rate``, ``threads``).

    Example
    -------
    >>> dash = Dashboard(net)
    >>> dash                        # displays it; press Play, drag "threshold"
    >>> dash.controller.run(1000)   # blocking, for scripts and nbval
    """

    def __init__(self, net, *, window: int = 500, **options):
        self.controller = controller = Controller(net, **options)
        self.graph = NetworkGraph.from_network(net, selected=controller.selected_group.tags[0])
        self.parameters = ParameterPanel(controller, layout=w.Layout(width="50%", overflow="auto"))
        self.controls = RunControls(controller)
        self.voltage = VoltagePlot(controller, window=window, layout=w.Layout(width="50%"))
        self.raster = RasterPlot(controller, window=window, layout=w.Layout(width="50%"))
        self.graph.observe(self._on_group, "selected")
        self.graph.observe(self._on_synapse, "selected_synapse")
        controller.on("selection", self._on_selection)
        self.export = self._export_bar()
        super().__init__([
            self.controls,
            w.HBox([w.Box([self.graph], layout=w.Layout(width="50%")), self.parameters]),
            w.HBox([self.voltage, self.raster]),
            self.export,
        ])
        self.add_class("pymonn-dashboard")

    # --- linking -----------------------------------------------------------------------------
    def _on_group(self, change):
        if not change.new:
            return
        try:
            self.controller.select_group(change.new)
        except ArgumentError:  # a tag the page made up: show the kernel's selection again
            self.graph.selected = self.controller.plot_group.tags[0]

    def _on_synapse(self, change):
        found = [sg for sg in self.controller.net.SynapseGroups if sg.tags[0] == change.new]
        if found:
            self.controller.select_group(found[0])

    def _on_selection(self):
        group = self.controller.selected_group
        if any(group is ng for ng in self.controller.net.NeuronGroups) and self.graph.selected != group.tags[0]:
            self.graph.selected = group.tags[0]

    def _export_bar(self):
        png = w.Button(description="Voltage PNG", icon="download", tooltip="Download the voltage plot as PNG")
        svg = w.Button(description="Voltage SVG", icon="download", tooltip="Download the voltage plot as SVG")
        raster = w.Button(description="Raster PNG", icon="download", tooltip="Download the raster as PNG")
        png.on_click(lambda _: self.voltage.figure.save_png("voltage.png"))
        svg.on_click(lambda _: self.voltage.figure.save_svg("voltage.svg"))
        raster.on_click(lambda _: self.raster.download_png("raster.png"))
        return w.HBox([png, svg, raster])

    # --- shortcuts ---------------------------------------------------------------------------
    @property
    def net(self):
        return self.controller.net

    def play(self, iterations=None):
        return self.controller.play(iterations)

    def pause(self):
        self.controller.pause()

    def step(self, n=None):
        self.controller.step(n)

    def run(self, n):
        self.controller.run(n)

    def reset(self):
        self.controller.reset()

    # --- export ------------------------------------------------------------------------------
    def recordings(self, group=None) -> dict:
        """Recorder buffers of the plotted group as numpy arrays (see ``Controller.recordings``)."""
        return self.controller.recordings(group)

    def to_pandas(self, group=None) -> dict:
        """Recorder buffers of the plotted group as pandas DataFrames."""
        return self.controller.to_pandas(group)

    def replay_code(self) -> str:
        """Python code replaying the logged parameter changes."""
        return self.controller.replay_code()

    def save_figure(self, path, window: int | None = None):
        """Write the voltage plot and raster of the plotted group to ``path`` (.png, .svg or .pdf) with
        matplotlib, from the recorders (no browser needed)."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        c = self.controller
        window = window or self.voltage.window
        data = c.recordings()
        s = c.sources_of(c.plot_group)
        figure = Figure(figsize=(10, 4), layout="constrained")
        left, right = figure.subplots(1, 2)
        now = c.net.iteration
        if s is not None and s.variable in data and len(data["iterations"]):
            t, values = data["iterations"], data[s.variable].reshape(len(data["iterations"]), -1)
            keep = t > now - window
            left.plot(t[keep], values[keep][:, c.selected_neurons], linewidth=0.8)
            left.plot(t[keep], values[keep].mean(axis=1), color="black", linewidth=2, label="mean")
            for change in c.log:
                left.axvline(change.iteration, color="red", alpha=0.6)
        left.set(xlabel="iteration", ylabel=s.variable if s else "", title=c.plot_group.tags[0])
        if s is not None and s.spike in data:
            events = data[s.spike]
            events = events[events[:, 0] > now - window]
            right.plot(events[:, 0], events[:, 1], ",k")
        right.set(xlabel="iteration", ylabel="neuron index", title="spikes")
        figure.savefig(pathlib.Path(path))
        return pathlib.Path(path)
