"""SweepView: fills in as trials finish (heatmap, lines, points), cancels, and a click opens the trial's Dashboard."""
import threading

import numpy as np
import pytest

from pymonn_widgets import Dashboard, SweepView
from pymonntorch_core import LIF, CurrentInput, EventRecorder, Network, NeuronGroup, Sweep


def lif(current, noise=2.0):
    net = Network()
    NeuronGroup(30, net, behavior={1: CurrentInput(current=current, noise=noise), 2: LIF(refractory=2.0),
                                   9: EventRecorder(["spike"])}, tag="cells")
    return net


def spikes(net):
    return {"spikes": net.NeuronGroups[0].behavior[9].event_count("spike"), "v": net.NeuronGroups[0].voltage.mean()}


def click(view, **data):
    """What bqplot sends when a cell (rowNum, columnNum) or a point (index) is clicked in the page."""
    view.mark._handle_custom_msgs(view.mark, {"event": "element_click", "data": data})


def make(parameters, iterations=80, repeats=1, build=lif):
    return Sweep(build, parameters, iterations, measure=spikes, repeats=repeats, client="serial", progress=False)


def test_heatmap_fills_in_trial_by_trial_with_the_mean_over_repeats():
    running = make({"current": [15.0, 16.0, 17.0], "noise": [1.0, 3.0]}, repeats=2)
    view = SweepView(running)
    assert view.kind == "heatmap" and view.mark.color.shape == (2, 3)
    assert np.isnan(view.mark.color).all() and view.progress.value == 0 and view.progress.max == 12
    snapshots = []
    running.on_trial(lambda trial: snapshots.append((view.progress.value, int(np.isfinite(view.mark.color).sum()))))
    result = running.run()
    # each finished trial was shown at once: the count and the filled cells grow as trials finish
    assert [n for n, _ in snapshots] == list(range(1, 13))
    assert [cells for _, cells in snapshots] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert view.measure.options == ("spikes", "v") and view.measure.value == "spikes"
    frame = result.to_pandas()
    means = frame.groupby(["noise", "current"])["spikes"].mean().unstack()
    np.testing.assert_allclose(view.mark.color, means.to_numpy())    # rows: noise, columns: current
    assert "12</b> / 12 trials, 0 failed" in view.status.value and "done" in view.status.value
    assert view.cancel_button.disabled
    view.measure.value = "v"
    np.testing.assert_allclose(view.mark.color, frame.groupby(["noise", "current"])["v"].mean().unstack().to_numpy())


def test_a_click_opens_that_trial_in_a_dashboard_which_repeats_it():
    running = make({"current": [15.0, 16.0, 17.0], "noise": [1.0, 3.0]}, iterations=100)
    result = running.run()
    view = SweepView(running)
    click(view, rowNum=1, columnNum=2)                  # row 1 (noise 3.0), column 2 (current 17.0)
    assert isinstance(view.dashboard, Dashboard) and view.dashboard in view.dashboard_box.children
    assert view.opened.parameters == {"current": 17.0, "noise": 3.0}
    net = view.dashboard.net
    assert net.iteration == 0 and net.NeuronGroups[0].behavior[1].current == 17.0
    view.dashboard.run(100)
    trial = next(t for t in result.trials if t.parameters == {"current": 17.0, "noise": 3.0})
    assert spikes(net)["spikes"] == trial.measures["spikes"]
    assert "current = 17.0, noise = 3.0" in view.dashboard_box.children[0].value
    assert view.mark.selected.tolist() == [[1, 2]]      # the page outlines the opened cell


def test_one_parameter_gives_mean_and_spread_lines_and_a_clickable_point():
    running = make({"current": [15.0, 16.0, 17.0, 18.0]}, repeats=3)
    result = running.run()
    view = SweepView(running)
    assert view.kind == "lines"
    frame = result.to_pandas().groupby("current")["spikes"]
    np.testing.assert_allclose(view.line.y, frame.mean().to_numpy())
    np.testing.assert_allclose(view.spread.y[1] - view.spread.y[0], 2 * frame.std(ddof=0).to_numpy())
    click(view, index=2)
    assert view.opened.parameters == {"current": 17.0} and view.opened.repeat == 0
    first = view.dashboard
    view.open_trial({"current": 18.0}, repeat=2)
    assert view.opened.repeat == 2 and view.opened.seed == result.trials[-1].seed
    assert first.comm is None and first.controls.comm is None      # the dashboard shown before is closed
    assert view.dashboard is not first and view.dashboard.comm is not None


def test_explicit_parameter_sets_show_one_point_each():
    running = make([{"current": 15.0, "noise": 1.0}, {"current": 17.0, "noise": 2.0}, {"current": 16.0, "noise": 3.0}])
    running.run()
    view = SweepView(running)
    assert view.kind == "points" and len(view.mark.y) == 3 and np.isfinite(view.mark.y).all()
    click(view, index=1)
    assert list(view.mark.selected) == [1]
    assert view.opened.parameters == {"current": 17.0, "noise": 2.0}
    with pytest.raises(KeyError, match="no trial with parameters"):
        view.open_trial({"current": 99.0})


def slow(current):
    import time
    time.sleep(0.2)
    return lif(current)


def test_cancel_button_stops_a_running_sweep():
    running = make({"current": [15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0]}, build=slow)
    view = SweepView(running)
    first = threading.Event()
    running.on_trial(lambda trial: first.set())
    running.start()
    assert first.wait(30)
    view.cancel_button.click()
    result = running.result(timeout=30)
    assert result.cancelled and len(result.trials) < 7
    assert "cancelled" in view.status.value and view.cancel_button.disabled
    assert view.progress.value == len(result.trials)


def test_failed_trials_are_counted_and_left_blank():
    def sometimes(current, noise):
        if current == 16.0:
            raise ValueError("no")
        return lif(current, noise)
    running = make({"current": [15.0, 16.0], "noise": [1.0, 2.0]}, build=sometimes)
    running.run()
    view = SweepView(running)
    assert "2 failed" in view.status.value
    assert np.isnan(view.mark.color[:, 1]).all() and np.isfinite(view.mark.color[:, 0]).all()
