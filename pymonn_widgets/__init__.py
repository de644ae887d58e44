"""pymonn_widgets: a live Jupyter dashboard for pymonntorch_core networks.

``Dashboard(net)`` shows run controls, the network graph, live parameter sliders, and the voltage plot
and spike raster of one group over one shared time window, all linked; each part is usable alone with
a ``Controller``.

Example
-------
>>> from pymonn_widgets import Dashboard
>>> dash = Dashboard(net)
>>> dash            # the cell's last expression displays it
"""
from .changelog import Change, ChangeLog
from .controller import Controller, Pace, served_default
from .controls import RunControls
from .dashboard import Dashboard
from .graph import NetworkGraph, graph_model
from .parameters import ParameterPanel
from .plots import TimePlots
from .window import PlotWindow

__all__ = [
    "Dashboard", "Controller", "Pace", "served_default", "NetworkGraph", "ParameterPanel", "RunControls",
    "TimePlots", "PlotWindow", "ChangeLog", "Change", "graph_model", "SweepView",
]


def __getattr__(name):
    """``SweepView`` is imported on first use: it needs bqplot (and pandas), a lesson's kernel does not."""
    if name == "SweepView":
        from .sweep_view import SweepView

        return SweepView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
