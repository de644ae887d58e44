"""The assembled dashboard: the page contract, display, export."""
import numpy as np
import pytest
from widget_nets import tutorial

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
    classes |= set(dash.voltage.figure._dom_classes)
    for name in ("pymonn-iteration", "pymonn-rate", "pymonn-voltage-plot", "pymonn-raster-plot",
                 "pymonn-graph", "pymonn-parameters", "pymonn-error"):
        assert name in classes, name
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
    dash = Dashboard(net)
    dash.controller.run(30)
    data = dash.recordings()
    assert data["voltage"].shape == (30, 100) and data["iterations"].tolist() == list(range(1, 31))
    assert data["spike"].shape[1] == 2
    frames = dash.to_pandas()
    assert frames["voltage"].shape == (30, 100) and frames["voltage"].index.name == "iteration"
    assert list(frames["spike"].columns) == ["t", "i"]
    for suffix in ("png", "svg"):
        path = dash.save_figure(tmp_path / f"dash.{suffix}")
        assert path.stat().st_size > 1000
    assert (tmp_path / "dash.svg").read_text().lstrip().startswith("<?xml")
    assert np.allclose(data["voltage"][-1], ng.voltage.numpy())
