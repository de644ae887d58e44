"""Parameter panel: widgets per parameter, live changes, validation, the change log and its replay."""
import ipywidgets as w
import torch
from widget_nets import multi_group, tutorial

from pymonn_widgets import Dashboard, ParameterPanel
from pymonn_widgets.parameters import slider_range
from pymonntorch_core import Parameter


def controls(dash, name):
    return [c for c in dash.parameters._controls.values() if c.description == name]


def test_one_widget_per_parameter_by_kind_and_a_switch_per_behavior():
    net = multi_group()
    dash = Dashboard(net)
    panel = dash.parameters
    assert "pymonn-parameters" in panel._dom_classes
    (threshold,) = controls(dash, "threshold")
    assert isinstance(threshold, w.FloatSlider) and threshold.value == 2.0
    assert (threshold.min, threshold.max, threshold.step) == (0.0, 4.0, 0.04)
    switches = [c for c in panel._controls.values() if isinstance(c, w.Checkbox) and ":" in c.description]
    assert [s.description for s in switches] == ["1: BasicBehavior", "2: Input"]
    dash.controller.select_group("probe")
    kinds = {c.description: type(c) for c in panel._controls.values()}
    assert kinds["gain"] is w.FloatSlider and kinds["steps"] is w.IntText and kinds["broken"] is w.Checkbox
    (gain,) = controls(dash, "gain")
    assert (gain.min, gain.max, gain.step) == (0.0, 10.0, 0.5)   # declared range


def test_slider_changes_behavior_and_logs_at_the_current_iteration():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.controller.run(30)
    (threshold,) = controls(dash, "threshold")
    threshold.value = 2.04                        # ArrowRight: one step
    assert ng.behavior[1].threshold == 2.04
    assert dash.controller.log.rows() == [(30, "NeuronGroup_1", "BasicBehavior", "threshold", 2.0, 2.04)]
    assert "2.04" in dash.parameters.log_view.value
    threshold.value = 2.08                        # dragging within one iteration: one entry
    assert dash.controller.log.rows() == [(30, "NeuronGroup_1", "BasicBehavior", "threshold", 2.0, 2.08)]


def test_switch_disables_behavior_live():
    net, ng = tutorial()
    dash = Dashboard(net)
    switch = next(c for c in dash.parameters._controls.values() if c.description == "1: BasicBehavior")
    dash.controller.run(5)
    switch.value = False
    assert ng.behavior[1].behavior_enabled is False
    voltage = ng.voltage.clone()
    dash.controller.run(3)                        # only the input behavior runs now
    assert dash.controller.log.rows()[-1] == (5, "NeuronGroup_1", "BasicBehavior", "behavior_enabled", True, False)
    assert (ng.voltage >= voltage).all()          # no decay, no reset


def test_invalid_values_are_rejected_and_the_widget_reverts():
    net = multi_group()
    dash = Dashboard(net)
    dash.controller.select_group("probe")
    (steps,) = controls(dash, "steps")
    steps.value = 4
    assert net.NeuronGroups[2].behavior[3].steps == 4
    faulty = net.NeuronGroups[2].behavior[3]
    steps.value = -1                               # below the declared minimum: the core says no
    assert faulty.steps == 4 and steps.value == 4
    assert "must lie in" in dash.parameters.status.value


def test_values_set_in_code_show_in_the_panel():
    net, ng = tutorial()
    dash = Dashboard(net)
    ng.behavior[1].threshold = 9.5                # outside the slider's range: it grows
    dash.controller.run(1)
    (threshold,) = controls(dash, "threshold")
    assert threshold.value == 9.5 and threshold.max >= 9.5
    assert len(dash.controller.log) == 0          # not a dashboard change


def test_replay_code_reproduces_the_run():
    net, ng = tutorial(seed=5)
    dash = Dashboard(net)
    (threshold,) = controls(dash, "threshold")
    switch = next(c for c in dash.parameters._controls.values() if c.description == "2: InputBehavior")
    dash.controller.run(40)
    threshold.value = 1.5
    dash.controller.run(25)
    switch.value = False
    dash.controller.run(10)
    switch.value = True
    threshold.value = 2.5
    dash.controller.run(20)
    code = dash.replay_code()
    assert "eval" not in code and "set_parameter('threshold', 1.5)" in code

    fresh, fresh_ng = tutorial(seed=5)
    exec(code, {"net": fresh})                    # the generated code only
    assert fresh.iteration == net.iteration == 95
    assert torch.equal(fresh_ng.voltage, ng.voltage)
    assert torch.equal(fresh["spike", 0], net["spike", 0])
    assert dash.parameters.code.value == ""
    dash.parameters.code_button.click()
    assert dash.parameters.code.value == code


def test_log_as_dataframe():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.controller.set_parameter(ng, 1, "threshold", 3.0)
    frame = dash.controller.log.to_dataframe()
    assert list(frame.columns) == ["iteration", "group", "behavior", "parameter", "old", "new"]
    assert frame.iloc[0]["new"] == 3.0


def test_slider_range_heuristics():
    def p(value, **kw):
        return Parameter("x", value, "float", **kw)

    assert slider_range(p(2.0)) == (0.0, 4.0, 0.04)
    assert slider_range(p(0.0)) == (0.0, 1.0, 0.01)
    assert slider_range(p(-2.0)) == (-4.0, 0.0, 0.04)
    assert slider_range(p(0.5, min=0.0, max=1.0, step=0.1)) == (0.0, 1.0, 0.1)


def test_panel_alone():
    from pymonn_widgets import Controller

    net, ng = tutorial()
    panel = ParameterPanel(Controller(net))
    assert [c.description for c in panel._controls.values()][:2] == ["1: BasicBehavior", "threshold"]


def test_showing_and_selecting_never_writes_a_value():
    """A slider whose step does not divide the value snaps it in the page; that is not a change."""
    from widget_nets import ei_network

    net, (exc, inh) = ei_network()
    lif = exc.behavior[2]
    lif.tau = 10.0                               # min 0.1, step 0.1: the page shows 10.000000000000002
    dash = Dashboard(net)
    panel = dash.parameters
    slider = next(c for (oid, key, name), c in panel._controls.items() if name == "tau")
    slider.value = 0.1 + 99 * 0.1                # what the page sends back after snapping
    for group in ("I", "E", "I", "E"):
        dash.controller.select_group(group)
    dash.controller.run(5)
    assert len(dash.controller.log) == 0 and lif.tau == 10.0
    slider = next(c for (oid, key, name), c in panel._controls.items() if name == "threshold" and oid == id(exc))
    slider.value = -50.0 + 1e-13                 # noise again
    assert len(dash.controller.log) == 0
    slider.value = 20.010000000000005            # a real change, with float noise from the step arithmetic
    assert lif.threshold == 20.01 and dash.controller.log.changes[-1].new == 20.01
    assert "20.01</td>" in panel.log_view.value and "20.0100000" not in panel.log_view.value


def test_units_show_in_the_slider_labels():
    from widget_nets import ei_network

    net, (exc, inh) = ei_network()
    dash = Dashboard(net)
    labels = [c.description for c in dash.parameters._controls.values()]
    assert "threshold (mV)" in labels and "tau (ms)" in labels and "current (nA)" in labels
