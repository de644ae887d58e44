"""TimePlots: one window for both plots, binary frames of what is new, acknowledged one at a time."""
import time

import numpy as np
from widget_nets import ei_network, tutorial

from pymonn_widgets import Dashboard


class Page:
    """Stands in for a page: records the frames sent to it and acknowledges them when asked."""

    def __init__(self, plots, auto=True):
        self.plots, self.auto, self.frames = plots, auto, []
        plots.send = self.receive
        plots._on_msg(plots, {"type": "hello"}, [])

    def receive(self, content, buffers=None):
        buffers = buffers or []
        t = np.frombuffer(buffers[0], "<i4") if buffers else np.empty(0, np.int32)
        values = np.frombuffer(buffers[1], "<f4").reshape(len(content["traces"]) + 1, -1) if buffers else None
        spikes = np.frombuffer(buffers[2], "<i4").reshape(-1, 2) if buffers else np.empty((0, 2), np.int32)
        self.frames.append((content, t, values, spikes))
        if self.auto:
            self.ack()

    def ack(self):
        self.plots._on_msg(self.plots, {"type": "drawn", "count": 1}, [])


def test_frames_carry_every_spike_and_sample_once_in_the_window():
    net, ng = tutorial(size=300)
    dash = Dashboard(net, window=1000)
    page = Page(dash.plots)
    reference = ng.add_behavior(99, __import__("pymonntorch_core").EventRecorder(["spike"]))
    net.initialize(info=False)
    dash.controller.run(200)
    spikes = np.concatenate([f[3] for f in page.frames])
    assert spikes.tolist() == reference.read("spike")[:, :2].tolist()     # each spike exactly once, in order
    t = np.concatenate([f[1] for f in page.frames])
    assert t.tolist() == list(range(1, 201))
    last = page.frames[-1][0]
    assert last["now"] == 200 and last["window"] == 1000 and last["traces"] == [0, 1, 2, 3, 4]
    values = np.concatenate([f[2] for f in page.frames], axis=1)
    assert np.allclose(values[-1, -1], ng.voltage.mean().item()) and np.allclose(values[:5, -1], ng.voltage[:5].numpy())


def test_no_frame_while_one_is_unacknowledged_and_nothing_is_lost():
    net, ng = tutorial(size=100)
    dash = Dashboard(net, window=2000, frame_rate=1000)
    page = Page(dash.plots, auto=False)
    page.ack()
    for _ in range(5):
        dash.controller.step(10)
    assert len(page.frames) == 2                    # the hello keyframe, then one: the page did not answer
    page.ack()                                      # the forced frame waiting for it goes out now
    assert len(page.frames) == 3 and page.frames[-1][0]["now"] == 50
    t = np.concatenate([f[1] for f in page.frames])
    assert t.tolist() == list(range(1, 51))         # frames were merged, not dropped: every sample once


def test_paused_dashboard_sends_nothing():
    net, _ = tutorial(size=100)
    dash = Dashboard(net)
    page = Page(dash.plots)
    dash.controller.run(30)
    count = len(page.frames)
    for _ in range(5):
        dash.controller.frame(force=False)
    assert len(page.frames) == count


def test_both_plots_share_one_window_ending_now_after_a_change():
    net, (exc, inh) = ei_network()
    dash = Dashboard(net, window=400)
    page = Page(dash.plots)
    dash.controller.run(150)
    lif = exc.behavior[2]
    dash.controller.set_parameter(exc, 2, "threshold", lif.threshold + 1.0)
    dash.controller.run(300)
    header, t, values, spikes = page.frames[-1]
    assert header["now"] == 450 and header["window"] == 400 and header["marks"] == [150]
    frames_t = np.concatenate([f[1] for f in page.frames])
    window_t = frames_t[frames_t > 450 - 400]
    assert window_t.tolist() == list(range(51, 451))             # the voltage window ends now
    all_spikes = np.concatenate([f[3] for f in page.frames])
    assert all_spikes[:, 0].max() <= 450 and (all_spikes[:, 0] > 440).any()


def test_keyframe_after_selection_window_change_and_reset():
    net, (exc, inh) = ei_network()
    dash = Dashboard(net, window=100)
    page = Page(dash.plots)
    dash.controller.run(250)
    dash.controller.select_group(inh)
    header, t, values, spikes = page.frames[-1]
    assert header["key"] and header["neurons"] == inh.size and len(t) == 0     # I is recorded from now on
    assert dash.plots.title == "I"
    dash.controller.run(10)
    assert np.concatenate([f[1] for f in page.frames[-3:]]).tolist()[-10:] == list(range(251, 261))
    dash.controller.set_window(200)
    assert page.frames[-1][0]["key"] and page.frames[-1][0]["window"] == 200 and dash.plots.window == 200
    before = len(page.frames)
    dash.controller.reset()
    after = page.frames[before:]
    assert after[0][0]["key"] and all(f[0]["now"] == 0 and len(f[1]) == 0 for f in after)


def test_units_label_the_axes():
    net, (exc, inh) = ei_network()
    dash = Dashboard(net)
    assert dash.plots.x_label == "time (ms)" and dash.plots.y_label == "voltage (mV)" and dash.plots.dt == 0.1
    net2, _ = tutorial(size=10)
    plain = Dashboard(net2)
    assert plain.plots.x_label == "iteration" and plain.plots.y_label == "voltage"


def test_raster_click_selects_that_neuron():
    net, ng = tutorial()
    dash = Dashboard(net)
    page = Page(dash.plots)
    dash.controller.run(20)
    dash.plots.selected_neuron = 42                        # what a click on row 42 sets
    assert dash.controller.selected_neurons[0] == 42
    header, t, values, _ = page.frames[-1]
    assert header["traces"][0] == 42 and header["key"]
    assert np.isnan(values[0]).all() or np.allclose(values[0, -1], ng.voltage[42].item())
    dash.controller.run(5)
    assert np.allclose(page.frames[-1][2][0, -1], ng.voltage[42].item())
    dash.plots.selected_neuron = 10_000                    # out of range from the page: ignored
    assert dash.controller.selected_neurons[0] == 42


def test_still_state_holds_the_window_for_saved_notebooks():
    net, ng = tutorial(size=200)
    dash = Dashboard(net, window=100)
    dash.controller.run(150)
    still = dash.plots._still
    assert still["header"]["now"] == 150 and still["header"]["key"]
    t = np.frombuffer(still["t"], "<i4")
    spikes = np.frombuffer(still["spikes"], "<i4").reshape(-1, 2)
    assert t.tolist() == list(range(51, 151)) and (spikes[:, 0] > 50).all() and len(spikes)
    state = dash.plots.get_state()
    assert isinstance(state["_still"]["spikes"], (bytes, memoryview))


def test_dashboard_records_only_what_it_shows():
    from pymonn_widgets import window

    net, ng = tutorial(size=400, recorders=False)
    dash = Dashboard(net, window=100)
    observer = dash.controller.view.observer
    # a small ring keeps whole vectors (one copy per iteration) for the window only
    assert set(observer.channels) == {"values", "spike"} and net.observers == [observer]
    dash.controller.run(300)
    assert observer.channels["values"].ring.shape == (100, 400) and observer.channels["spike"].ring.shape == (100, 400)
    assert ng.behavior.keys() == {1, 2} and "Observer" not in repr(net)
    # a large one keeps the chosen neurons (selected on the device) and the mean only
    window.WHOLE_BYTES, saved = 1000, window.WHOLE_BYTES
    try:
        big = Dashboard(tutorial(size=400, recorders=False)[0], window=100)
        channels = big.controller.view.observer.channels
        assert set(channels) == {"trace", "mean", "spike"} and channels["trace"].neurons.tolist() == [0, 1, 2, 3, 4]
        page = Page(big.plots)
        big.controller.run(50)
        big.plots.selected_neuron = 7
        big.controller.run(10)
        assert page.frames[-1][0]["traces"][0] == 7
        values = np.concatenate([f[2] for f in page.frames[-2:]], axis=1)
        assert np.allclose(values[0, -1], big.net.NeuronGroups[0].voltage[7].item())
    finally:
        window.WHOLE_BYTES = saved
    net2, (exc, inh) = ei_network()
    dash2 = Dashboard(net2)
    dash2.controller.select_group(inh)
    assert [o.target for o in net2.observers] == [inh]          # the old group's observer is gone
    assert set(dash2.controller.view.observer.channels) == {"values", "spike"}


def test_time_step_and_unit_can_be_given_where_behaviors_declare_none():
    net, _ = tutorial(size=10)
    dash = Dashboard(net, dt=0.1, unit="mV")
    assert dash.plots.x_label == "time (ms)" and dash.plots.y_label == "voltage (mV)" and dash.controller.dt == 0.1


def test_a_slow_page_has_as_long_again_to_itself_before_the_next_throttled_frame(monkeypatch):
    import types

    import pymonn_widgets.plots as plots_module

    clock = [100.0]
    monkeypatch.setattr(plots_module, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    net, _ = tutorial(size=100)
    dash = Dashboard(net, frame_rate=1000)
    page = Page(dash.plots, auto=False)          # the hello's keyframe is in flight
    assert not dash.plots.ready()
    clock[0] += 1.0
    page.ack()                                   # a second after it was sent (the page says nothing more)
    clock[0] += 0.9
    assert not dash.plots.ready()                # its second to itself (clicks, typing) is not over
    clock[0] += 0.2
    assert dash.plots.ready()
    dash.plots.update()
    clock[0] += 3.0
    dash.plots._on_msg(dash.plots, {"type": "drawn", "count": 1, "busy_ms": 20}, [])   # 3 s late, 20 ms of it the page's
    clock[0] += 0.03
    assert dash.plots.ready()                    # transport and kernel delays cost the page no frames
    dash.plots.update()
    dash.plots._on_msg(dash.plots, {"type": "drawn", "count": 1, "busy_ms": 1e300}, [])   # forged: the round trip counts
    assert dash.plots._busy < 1.0
    sent = len(page.frames)
    dash.plots._busy, dash.plots._acked_at = 1.0, clock[0]
    dash.controller.step(3)                      # a forced frame does not wait for the rest
    assert len(page.frames) == sent + 1 and page.frames[-1][0]["now"] == 3


def test_a_served_play_pauses_when_its_page_stops_answering(monkeypatch):
    import types

    import pymonn_widgets.controller as controller_module
    import pymonn_widgets.plots as plots_module

    monkeypatch.setattr(controller_module, "_lower_priority", lambda: None)
    clock = [100.0]
    monkeypatch.setattr(plots_module, "time", types.SimpleNamespace(perf_counter=lambda: clock[0]))
    net, _ = tutorial(size=100)
    dash = Dashboard(net, served=True, max_its=0)
    page, c = Page(dash.plots), dash.controller
    c._begin(None)
    chunks = c._chunks(None)
    for _ in range(3):
        next(chunks)
    page.auto = False                       # the tab is gone without Voilà's shutdown
    c.frame()
    clock[0] += 59.0
    next(chunks)
    assert not c._stop                      # a slow page is not a gone page
    clock[0] += 2.0
    next(chunks)
    assert c._stop and "did not answer for 61 s" in c.notice
    assert list(chunks) == []               # the Play ends after that chunk
    c._end()
    page.auto = True
    dash.plots._on_msg(dash.plots, {"type": "hello"}, [])   # the visitor is back and presses Play
    c._begin(None)
    assert c.notice == "" and dash.plots.unanswered() == 0.0
    c._end()


def test_a_page_that_reopens_after_a_run_from_code_sees_the_same_iteration_everywhere():
    net, ng = tutorial(size=100)
    dash = Dashboard(net, window=500)
    page = Page(dash.plots)
    dash.controller.run(200)
    rate = dash.controller.rate
    time.sleep(0.3)
    net.simulate_iterations(20, measure_block_time=False)      # the lesson's own code runs the network
    page.plots._on_msg(page.plots, {"type": "hello"}, [])       # the page re-renders the dashboard
    frame = page.frames[-1][0]
    assert frame["key"] and frame["now"] == 220
    assert "<b>220</b>" in dash.controls.iteration.value          # the readout says what the plots show
    assert dash.controller.rate == rate                           # and still the last run's speed
