"""The assembled dashboard: the page contract, display, export."""
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from widget_nets import ei_network, tutorial

from pymonn_widgets import Dashboard


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_contract_classes_buttons_and_controller():
    net, ng = tutorial()
    dash = Dashboard(net)
    widgets = list(walk(dash))
    classes = {c for x in widgets for c in getattr(x, "_dom_classes", ())}
    for name in ("pymonn-iteration", "pymonn-rate", "pymonn-plots", "pymonn-graph", "pymonn-parameters",
                 "pymonn-error", "pymonn-notice", "pymonn-changes"):
        assert name in classes, name
    js = (Path(__file__).parents[2] / "pymonn_widgets" / "js" / "plots.js").read_text()
    assert "pymonn-voltage-plot" in js and "pymonn-raster-plot" in js      # the plots' page classes
    buttons = {x.description for x in widgets if x.__class__.__name__ == "Button"}
    assert {"Play", "Pause", "Step", "Reset"} <= buttons
    assert dash.controls.error.value == ""
    c = dash.controller
    assert c.net is net and all(callable(getattr(c, m)) for m in ("play", "pause", "step", "run", "reset"))
    assert c.is_running is False


def test_displayable_as_last_expression():
    net, _ = tutorial()
    bundle = Dashboard(net)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_iteration_counter_and_buttons_drive_the_controller():
    net, _ = tutorial()
    dash = Dashboard(net)
    dash.controls.steps.value = 4
    dash.controls.step_button.click()
    assert net.iteration == 4 and "4" in dash.controls.iteration.value
    dash.controls.reset_button.click()
    assert net.iteration == 0 and "<b>0</b>" in dash.controls.iteration.value
    dash.controls.speed.value = 50
    assert dash.controller.speed_limit == 50.0
    dash.controls.speed.value = 0
    assert dash.controller.speed_limit is None


def test_error_is_shown_and_cleared():
    net, ng = tutorial()
    dash = Dashboard(net)
    ng.behavior[1].threshold = "bad"
    with pytest.raises(TypeError):
        dash.controller.run(3)
    assert "TypeError" in dash.controls.error.value and "at iteration 1" in dash.controls.error.value
    ng.behavior[1].threshold = 2.0
    dash.controller.run(3)
    assert dash.controls.error.value == "" and net.iteration == 3


def test_export_numpy_pandas_and_figures(tmp_path):
    net, ng = tutorial(recorders=False)
    dash = Dashboard(net, window=100)
    dash.controller.run(130)
    data = dash.recordings()
    assert data["voltage"].shape == (100, 5) and data["iterations"].tolist() == list(range(31, 131))
    assert data["neurons"] == [0, 1, 2, 3, 4] and data["spike"].shape[1] == 2 and (data["spike"][:, 0] > 30).all()
    assert np.allclose(data["voltage"][-1], ng.voltage[:5].numpy()) and np.isclose(data["mean"][-1], ng.voltage.mean())
    frames = dash.to_pandas()
    assert frames["voltage"].shape == (100, 6) and frames["voltage"].index.name == "iteration"
    assert list(frames["voltage"].columns) == [0, 1, 2, 3, 4, "mean"]
    assert list(frames["spike"].columns) == ["t", "i"]
    for suffix in ("png", "svg"):
        path = dash.save_figure(tmp_path / f"dash.{suffix}")
        assert path.stat().st_size > 1000
    assert (tmp_path / "dash.svg").read_text().lstrip().startswith("<?xml")


def test_display_leaves_a_still_picture_that_follows_runs(monkeypatch):
    import base64

    import IPython.display

    shown, updated = [], []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, display_id=None: shown.append((obj, display_id)))
    monkeypatch.setattr(IPython.display, "update_display", lambda obj, raw=False, display_id=None: updated.append((obj, display_id)))
    net, _ = ei_network()
    dash = Dashboard(net, served=False)
    dash._ipython_display_()
    (view, _), (picture, picture_id) = shown
    assert "application/vnd.jupyter.widget-view+json" in view and "Dashboard of" in view["text/plain"]
    png = base64.b64decode(picture["image/png"])
    assert png.startswith(b"\x89PNG") and len(png) > 5000 and picture_id
    assert 'class="pymonn-static-picture"' in picture["text/html"] and "data:image/png;base64," in picture["text/html"]
    dash.controller.run(50)
    assert updated and updated[-1][1] == picture_id and updated[-1][0]["image/png"] != picture["image/png"]


def test_served_dashboard_paces_everyone_and_leaves_no_picture(monkeypatch):
    import IPython.display

    import pymonn_widgets.controller as controller_module

    monkeypatch.setattr(controller_module, "_lower_priority", lambda: None)   # tested below, on a thread of its own
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, display_id=None: shown.append(obj))
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    net, _ = ei_network()
    dash = Dashboard(net)
    assert dash.controller.served and dash.controller.speed_limit == 500.0
    dash._ipython_display_()
    assert len(shown) == 1                                     # the widget only
    monkeypatch.setenv("PYMONN_REALTIME", "0.05")
    assert Dashboard(net).controller.speed_limit == pytest.approx(500.0)   # 0.05 x real time at dt 0.1 ms
    monkeypatch.setenv("PYMONN_SERVED", "0")
    assert not Dashboard(net).controller.served
    assert Dashboard(net, max_its=100).controller.speed_limit == 100.0


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="Unix CPU priorities")
def test_a_served_dashboard_computes_at_a_lower_priority_and_fewer_frames_a_second(monkeypatch):
    from pymonn_widgets.controller import SERVED_NICENESS

    net, _ = ei_network()
    before, seen = os.getpriority(os.PRIO_PROCESS, 0), {}

    def kernel_thread():   # Linux niceness is per thread: the test's own thread keeps its priority
        seen["served"] = Dashboard(net, served=True).controller.frame_rate
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, 0)

    thread = threading.Thread(target=kernel_thread)
    thread.start()
    thread.join()
    assert seen["nice"] == max(SERVED_NICENESS, before) and os.getpriority(os.PRIO_PROCESS, 0) == before
    assert seen["served"] == 5.0 and Dashboard(net, served=False).controller.frame_rate == 20.0
    import pymonn_widgets.controller as controller_module

    monkeypatch.setattr(controller_module, "_lower_priority", lambda: None)
    monkeypatch.setenv("PYMONN_FRAME_RATE", "2")                  # the instructor's, for everyone
    assert Dashboard(net, served=True).controller.frame_rate == 2.0
    assert Dashboard(net, served=True, frame_rate=8).controller.frame_rate == 8   # an explicit one wins


def test_layout_keeps_the_log_below_the_plots():
    net, _ = ei_network()
    dash = Dashboard(net)
    order = [type(child).__name__ for child in dash.children]
    assert dash.children.index(dash.plots) < [i for i, c in enumerate(dash.children) if dash.parameters.changes in
                                              getattr(c, "children", ())][0]
    assert order[0] == "RunControls" and dash.parameters.log_view.layout.height   # a fixed height: no shift


def test_a_lesson_kernel_imports_no_plotting_or_dataframe_library():
    import subprocess
    import sys

    code = ("import sys; import pymonn_widgets; from pymonn_widgets import Dashboard; "
            "print(sorted(m for m in ('bqplot', 'pandas', 'matplotlib', 'dask', 'distributed') if m in sys.modules))")
    lean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert lean == "[]", f"each visitor's kernel would carry {lean}"
    code = "import sys; from pymonn_widgets import SweepView; print(SweepView.__name__, 'bqplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == [
        "SweepView", "True"]
