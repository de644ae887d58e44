"""Forged page messages, as ipywidgets and anywidget deliver them, change nothing they should not:
values are checked against the kernel's own bounds, a refused one shows the kernel's value again,
nothing the page sends is written to a file, and controller errors name the object and argument."""
import ast
import math
import os

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from widget_nets import multi_group, tutorial

from pymonn_widgets import Dashboard
from pymonn_widgets.controller import MAX_SPEED, MAX_STEPS, Controller
from pymonntorch_core import ArgumentError, StateError


def forge_state(widget, **state):
    """Deliver a state update from the page (an ipywidgets ``update`` comm message)."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})


def forge_custom(widget, content, buffers=()):
    """Deliver a custom message from the page (anywidget's ``model.send``)."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": list(buffers)})


@pytest.fixture
def dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net, _ = tutorial(size=20)
    dashboard = Dashboard(net)
    yield dashboard
    assert os.listdir(tmp_path) == [], "the page made the kernel write a file"


# --- run controls --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", -5, 1e300, "1e12", None, [1], {"x": 1}])
def test_forged_speed_limits_keep_play_working(dash, value):
    forge_state(dash.controls.speed, value=value)
    limit = dash.controller.speed_limit
    assert limit is None or (math.isfinite(limit) and 0 < limit <= MAX_SPEED)
    assert dash.controls.speed.value == (limit or 0.0)
    dash.controller.run(5)
    assert dash.net.iteration == 5


@pytest.mark.parametrize("state", [{"min": -10, "value": -5}, {"max": 10**13, "value": 10**12},
                                   {"value": "7"}, {"value": 2.5}, {"min": 0, "value": 0}])
def test_forged_step_bounds_are_the_kernels(dash, state):
    forge_state(dash.controls.steps, **state)
    steps = dash.controller.steps_per_step
    assert isinstance(steps, int) and 1 <= steps <= MAX_STEPS
    assert (dash.controls.steps.min, dash.controls.steps.max) == (1, MAX_STEPS)
    assert dash.controls.steps.value == steps
    dash.controls.steps.value = 3
    dash.controls.step_button.click()
    assert dash.net.iteration == 3


def test_forged_run_counts_are_refused(dash):
    forge_state(dash.controls.run_count, min=-100, value=-50)
    assert dash.controls.run_count.min == 1 and dash.controls.run_count.value >= 1


# --- the plots: acknowledgements and downloads ---------------------------------------------------
@pytest.mark.parametrize("content", [{"type": "drawn", "count": -10**9}, {"type": "drawn", "count": "x"},
                                     {"type": "png", "data": "aW1wb3J0IG9z"}, {"type": "hello", "now": -1},
                                     "drawn", None, [1, 2], {"type": {"a": 1}},
                                     *({"type": "drawn", "busy_ms": v} for v in
                                       (float("nan"), float("inf"), 1e300, -5, True, "9e9", [1], {"__class__": 1}))])
def test_forged_plot_messages_cannot_hold_frames_back_or_write(dash, content):
    plots = dash.plots
    forge_custom(plots, content, [b"\x00" * 16])
    sent = plots.frames_sent
    for _ in range(2):  # frames keep flowing as the page acknowledges them
        forge_custom(plots, {"type": "drawn", "count": 1})
        dash.controller.run(3)
    assert plots.frames_sent > sent


def test_the_figure_is_downloaded_by_the_page_and_a_forged_reply_writes_nothing(dash):
    sent = []
    dash.plots.send = lambda content, buffers=None: sent.append((content, buffers))
    button = next(b for b in dash.export.children if b.description == "Save figure")
    button.click()
    (content, buffers), = sent
    assert content == {"type": "download", "filename": "dashboard.png", "mime": "image/png"}
    assert buffers[0][:8] == b"\x89PNG\r\n\x1a\n"
    forge_custom(dash.plots, {"type": "png", "data": "data:image/png;base64,aW1wb3J0IG9z"})
    forge_custom(dash.plots, {"type": "download", "filename": "/tmp/x", "data": "AAAA"}, [b"\x00" * 10])
    # the dash fixture asserts that no file appeared


def test_forged_neuron_clicks_are_checked(dash):
    before = list(dash.controller.selected_neurons)
    forge_state(dash.plots, selected_neuron=10**6)
    assert dash.controller.selected_neurons == before
    forge_state(dash.plots, selected_neuron=3)
    assert dash.controller.selected_neurons[0] == 3


# --- the parameter panel and the graph -----------------------------------------------------------
def test_a_forged_dropdown_index_keeps_the_panel_working(dash):
    group = dash.controller.selected_group
    forge_state(dash.parameters.group, index=None)
    assert dash.controller.selected_group is group and dash.parameters.group.value is group
    assert dash.parameters.body.children


@pytest.mark.parametrize("value", ["nan", float("inf"), 1e300, -1e300])
def test_forged_slider_values_show_the_kernels_value(dash, value):
    behavior = dash.net.NeuronGroups[0].behavior[1]
    slider = dash.parameters._controls[(id(dash.net.NeuronGroups[0]), 1, "threshold")]
    forge_state(slider, min=-1e308, max=1e308, value=value)
    assert math.isfinite(behavior.threshold)
    assert slider.value == behavior.threshold


def test_forged_graph_selections_are_refused():
    net = multi_group()
    dash = Dashboard(net)
    forge_state(dash.graph, selected="no such group")
    assert dash.controller.selected_group is net.NeuronGroups[0]
    assert dash.graph.selected == net.NeuronGroups[0].tags[0]
    forge_state(dash.graph, selected="inh")
    assert dash.controller.selected_group is net.NeuronGroups[1]


# --- the controller API ----------------------------------------------------------------------------
def test_controller_errors_name_the_method_and_argument():
    net, ng = tutorial(size=10)
    c = Controller(net)
    cases = [
        (lambda: c.select_group(12345), "Controller.select_group", "group"),
        (lambda: c.select_group("nope"), "Controller.select_group", "group"),
        (lambda: c.set_parameter(ng, 99, "threshold", 1.0), "Controller.set_parameter", "key"),
        (lambda: c.set_parameter(object(), 1, "threshold", 1.0), "Controller.set_parameter", "obj"),
        (lambda: c.set_parameter(ng, 1, 5, 1.0), "Controller.set_parameter", "name"),
        (lambda: c.set_enabled(ng, 1, "False"), "Controller.set_enabled", "enabled"),
        (lambda: c.set_enabled(ng, 1, 2), "Controller.set_enabled", "enabled"),
        (lambda: c.select_neuron(10), "Controller.select_neuron", "index"),
        (lambda: c.select_neuron("3"), "Controller.select_neuron", "index"),
        (lambda: c.select_neurons([1, True]), "Controller.select_neurons", "indices"),
        (lambda: c.select_neurons("12"), "Controller.select_neurons", "indices"),
        (lambda: c.run(10**12), "Controller.run", "n"),
        (lambda: c.step(-5), "Controller.step", "n"),
        (lambda: setattr(c, "steps_per_step", 10**12), "Controller", "steps_per_step"),
        (lambda: setattr(c, "speed_limit", float("nan")), "Controller", "speed_limit"),
        (lambda: setattr(c, "speed_limit", "fast"), "Controller", "speed_limit"),
        (lambda: Controller(net, frame_rate=0), "Controller", "frame_rate"),
        (lambda: Controller(net, threads="2"), "Controller", "threads"),
    ]
    for call, owner, argument in cases:
        with pytest.raises(ArgumentError) as info:
            call()
        assert (info.value.owner, info.value.argument) == (owner, argument), str(info.value)
        assert str(info.value).startswith(f"{owner}.{argument}: ")
    assert ng.behavior[1].behavior_enabled is True and net.iteration == 0
    with pytest.raises(StateError, match="run\\(n\\)"):
        c.play()


# --- replay code ------------------------------------------------------------------------------------
_ALLOWED = ("simulate_iterations", "set_parameter", "behavior_enabled")


def _statements(code):
    for statement in ast.parse(code).body:
        text = ast.unparse(statement)
        assert any(word in text for word in _ALLOWED), text
        assert not isinstance(statement, (ast.Import, ast.ImportFrom)), text
        yield statement


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40).filter(lambda t: "," not in t and t.strip() == t))
def test_hostile_tags_stay_data_in_replay_code(tag):
    net, ng = tutorial(size=5)
    c = Controller(net)
    ng.tags[0] = tag + "\nimport os; os.system('echo owned')  # "
    c.run(2)
    c.set_parameter(ng, 1, "threshold", 1.5)
    c.set_enabled(ng, 1, False)
    code = c.replay_code()
    statements = list(_statements(code))
    assert len(statements) == 5
    namespace = {"net": _Recorder()}
    exec(compile(code, "<replay>", "exec"), namespace)  # runs only the calls it shows, on a stand-in
    assert namespace["net"].calls == [("simulate_iterations",), ("set_parameter", "threshold", 1.5),
                                      ("simulate_iterations",), ("simulate_iterations",)]


class _Recorder:
    """A stand-in for ``net`` that records the calls replay code makes."""

    def __init__(self):
        self.calls = []
        self.iteration = 0
        self.NeuronGroups = [self]
        self.behavior = {1: self}

    def simulate_iterations(self, n, measure_block_time=True):
        self.calls.append(("simulate_iterations",))

    def set_parameter(self, name, value):
        self.calls.append(("set_parameter", name, value))


# --- any forged message -------------------------------------------------------------------------------
_HOSTILE = st.one_of(st.none(), st.booleans(), st.integers(-10**13, 10**13), st.floats(allow_nan=True),
                     st.sampled_from(["nan", "False", "-5", "", "<script>", "../../x"]), st.lists(st.integers(), max_size=2))
_TARGETS = ["speed", "steps", "run_count", "plots", "group", "graph", "slider", "window"]
_TRAITS = ["value", "min", "max", "index", "selected", "selected_neuron", "count", "window"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_TARGETS), st.sampled_from(_TRAITS), _HOSTILE), min_size=1, max_size=6))
def test_any_forged_message_leaves_a_valid_running_dashboard(dash, messages):
    widgets = {"speed": dash.controls.speed, "steps": dash.controls.steps, "run_count": dash.controls.run_count,
               "plots": dash.plots, "group": dash.parameters.group, "graph": dash.graph, "window": dash.controls.window,
               "slider": dash.parameters._controls[(id(dash.net.NeuronGroups[0]), 1, "threshold")]}
    for target, trait, value in messages:
        forge_state(widgets[target], **{trait: value})
        forge_custom(dash.plots, {"type": "drawn", trait: value})
    c = dash.controller
    assert 1 <= c.steps_per_step <= MAX_STEPS and isinstance(c.steps_per_step, int)
    assert c.speed_limit is None or (math.isfinite(c.speed_limit) and 1 <= c.speed_limit <= MAX_SPEED)
    assert any(c.selected_group is o for o in c.objects())
    assert 1 <= c.window <= 100_000_000
    assert math.isfinite(dash.net.NeuronGroups[0].behavior[1].threshold)
    start = dash.net.iteration
    c.speed_limit = None                            # a valid forged pace may be slow: the run itself is checked here
    c.run(3)
    assert dash.net.iteration == start + 3 and not c.error
    assert torch.isfinite(dash.net.NeuronGroups[0].voltage).all()


@pytest.mark.parametrize("busy", [float("nan"), float("inf"), 1e300, -5, True, "9e9", [1], None, {"__class__": 1}])
def test_a_forged_busy_time_cannot_silence_the_page(dash, busy):
    """The page's own busy time is untrusted: anything but a number in [0, 60 s] gives way to the round trip."""
    plots = dash.plots
    plots.update()
    forge_custom(plots, {"type": "drawn", "count": 1, "busy_ms": busy})
    assert 0.0 <= plots._busy < 1.0   # the round trip: a few ms here

