"""Dashboard: the linked graph, parameter panel, run controls and time plots for a Network."""
from __future__ import annotations

import asyncio
import io
import pathlib
import uuid

import ipywidgets as w

from pymonntorch_core import ArgumentError

from .controller import Controller
from .controls import RunControls
from .graph import NetworkGraph
from .parameters import ParameterPanel
from .plots import TimePlots

__all__ = ["Dashboard"]

PANEL_HEIGHT = 270     # px of the graph and the parameter panel (they scroll inside)
PLOT_HEIGHT = 280      # px of the plots
PICTURE_DELAY = 1.5    # s after a run stops in a live page before the still picture is redrawn


class Dashboard(w.VBox):
    """A live dashboard for an initialised Network; show it as a cell's last expression.

    From the top: run controls; the network graph and the selected group's parameters side by side;
    the voltage plot and the raster of the plotted group (one time window, the same frames); the
    change log. At 1400x900 the controls, sliders and plots fit on one screen; nothing moves when a
    change is logged. Displayed, it also leaves a still picture of its last state in the notebook
    (see ``pymonn_widgets.picture``), except when served.

    Parameters
    ----------
    net : Network
        An initialised network. The dashboard takes a snapshot now; Reset returns to it.
    window : int
        Iterations shown by both plots.
    max_its, realtime : float, optional
        Pace: most iterations a second, or a factor of real time (needs a time step).
    served : bool, optional
        Serving a class (default: detected, Voilà or ``PYMONN_SERVED=1``): a default pace for everyone
        (``PYMONN_MAX_ITS`` / ``PYMONN_REALTIME``), a small recorder budget, no still picture.
    **options
        Passed to ``Controller`` (``variable``, ``spike``, ``dt`` and ``unit`` where behaviors declare none,
        ``frame_rate``, ``threads``, ``recorder_budget``).

    Example
    -------
    >>> dash = Dashboard(net)
    >>> dash                        # displays it; press Play, drag "threshold"
    >>> dash.controller.run(1000)   # blocking, for scripts and nbval
    """

    def __init__(self, net, *, window: int = 500, **options):
        self.controller = controller = Controller(net, window=window, **options)
        self.graph = NetworkGraph.from_network(net, selected=controller.selected_group.tags[0], height=PANEL_HEIGHT - 24)
        self.parameters = ParameterPanel(controller, layout=w.Layout(width="60%", height=f"{PANEL_HEIGHT}px",
                                                                     overflow="hidden"))
        self.controls = RunControls(controller)
        self.plots = TimePlots(controller, window=window, height=PLOT_HEIGHT, layout=w.Layout(width="100%"))
        self.graph.observe(self._on_group, "selected")
        self.graph.observe(self._on_synapse, "selected_synapse")
        controller.on("selection", self._on_selection)
        controller.on("stopped", self._schedule_picture)
        self.export = self._export_bar()
        super().__init__([
            self.controls,
            w.HBox([w.Box([self.graph], layout=w.Layout(width="40%", height=f"{PANEL_HEIGHT}px", overflow="hidden")),
                    self.parameters]),
            self.plots,
            w.HBox([self.parameters.changes], layout=w.Layout(width="100%")),
            self.export,
        ])
        self.add_class("pymonn-dashboard")
        self._picture_id = uuid.uuid4().hex
        self._picture_shown = False
        self._picture_timer = None

    # --- display -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"Dashboard of {self.net.tags[0]} at iteration {self.net.iteration} "
                                f"(run the cell for the live dashboard)")
        return bundle

    def _ipython_display_(self):
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)
        if not self.controller.served:
            self._picture_shown = True
            display(self._picture(), raw=True, display_id=self._picture_id)

    def _picture(self):
        from .picture import picture_bundle

        return picture_bundle(self.controller)

    def update_picture(self):
        """Redraw the still picture in the notebook (done after runs; see the class docstring)."""
        self._picture_timer = None
        if not self._picture_shown or self.controller.is_running:
            return
        from IPython.display import update_display

        update_display(self._picture(), raw=True, display_id=self._picture_id)

    def _schedule_picture(self):
        if not self._picture_shown:
            return
        if self._picture_timer is not None:
            self._picture_timer.cancel()
            self._picture_timer = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or not self.plots.acknowledged:
            self.update_picture()          # a script or nbclient: the picture follows every run
        else:                              # a live page shows the plots: redraw once the run rests
            self._picture_timer = loop.call_later(PICTURE_DELAY, self.update_picture)

    # --- linking -----------------------------------------------------------------------------
    def _on_synapse(self, change):
        found = [sg for sg in self.controller.net.SynapseGroups if sg.tags[0] == change.new]
        if found:
            self.controller.select_group(found[0])

    def _on_group(self, change):
        if not change.new:
            return
        try:
            self.controller.select_group(change.new)
        except ArgumentError:  # a tag the page made up: show the kernel's selection again
            self.graph.selected = self.controller.plot_group.tags[0]

    def _on_selection(self):
        group = self.controller.selected_group
        if any(group is ng for ng in self.controller.net.NeuronGroups) and self.graph.selected != group.tags[0]:
            self.graph.selected = group.tags[0]

    def _export_bar(self):
        figure = w.Button(description="Save figure", icon="download", tooltip="Download the dashboard as a PNG")
        figure.on_click(lambda _: self.download_figure("dashboard.png"))
        return w.HBox([figure])

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
    def recordings(self) -> dict:
        """What the plots show, as numpy arrays (see ``Controller.recordings``)."""
        return self.controller.recordings()

    def to_pandas(self) -> dict:
        """What the plots show, as pandas DataFrames."""
        return self.controller.to_pandas()

    def replay_code(self) -> str:
        """Python code replaying the logged parameter changes."""
        return self.controller.replay_code()

    def download_figure(self, filename="dashboard.png"):
        """Let the browser download the graph, voltage plot and raster as a PNG (drawn here with
        matplotlib; the page saves it, the kernel writes no file). ``save_figure`` writes one from Python."""
        from .picture import draw_figure

        png = io.BytesIO()
        draw_figure(self.controller).savefig(png, format="png")
        self.plots.send({"type": "download", "filename": str(filename), "mime": "image/png"}, buffers=[png.getvalue()])

    def save_figure(self, path):
        """Write the graph, voltage plot and raster to ``path`` (.png, .svg or .pdf) with matplotlib,
        from what the dashboard recorded (no browser needed)."""
        from .picture import draw_figure

        path = pathlib.Path(path)
        draw_figure(self.controller).savefig(path)
        return path
