"""pymonn_widgets: a live Jupyter dashboard for pymonntorch_core networks.

``Dashboard(net)`` shows the network graph, live parameter sliders, run controls, a voltage plot and
a spike raster, all linked; each part is usable alone with a ``Controller``.

Example
-------
>>> from pymonn_widgets import Dashboard
>>> dash = Dashboard(net)
>>> dash            # the cell's last expression displays it
"""
from .changelog import Change, ChangeLog
from .controller import Controller
from .controls import RunControls
from .dashboard import Dashboard
from .graph import NetworkGraph, graph_model
from .parameters import ParameterPanel
from .raster import RasterPlot
from .sources import DashboardEventRecorder, DashboardRecorder, DashboardSpikeRecorder
from .sweep_view import SweepView
from .voltage import VoltagePlot

__all__ = [
    "Dashboard", "Controller", "NetworkGraph", "ParameterPanel", "RunControls", "VoltagePlot", "RasterPlot",
    "ChangeLog", "Change", "DashboardRecorder", "DashboardSpikeRecorder", "DashboardEventRecorder",
    "graph_model", "SweepView",
]
