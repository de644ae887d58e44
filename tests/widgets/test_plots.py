"""Voltage plot and raster: binary data, only new samples/events, window, threshold, change marks."""
import numpy as np
from widget_nets import tutorial

from pymonn_widgets import Dashboard, RasterPlot
from pymonn_widgets.raster import encode_events


def capture(widget):
    sent = []
    widget.send = lambda content, buffers=None: sent.append((content, buffers or []))
    return sent


def test_encode_events_is_interleaved_int32():
    rows = np.array([[1, 5], [1, 7], [2, 0]], np.int64)
    data = encode_events(rows)
    assert len(data) == 24
    assert np.frombuffer(data, "<i4").tolist() == [1, 5, 1, 7, 2, 0]


def test_raster_sends_only_new_events_as_binary():
    net, ng = tutorial(size=300)
    dash = Dashboard(net)
    sent = capture(dash.raster)
    dash.controller.run(60)
    dash.controller.frame()          # nothing new: no message
    dash.controller.run(40)
    events = [(c, b) for c, b in sent if c["type"] == "events"]
    assert events and all(c["now"] > 0 for c, _ in events)
    received = np.concatenate([np.frombuffer(b[0], "<i4").reshape(-1, 2) for c, b in events if b])
    table = net["spike", 0].numpy()
    assert received.tolist() == table.tolist()                # every event exactly once, in order
    assert sum(c["count"] for c, _ in events) == len(table) == dash.raster.sent_events
    assert all(isinstance(b[0], bytes) for _, b in events if b)


def test_raster_restart_sends_the_window_only():
    net, ng = tutorial(size=300)
    dash = Dashboard(net, window=50)
    dash.controller.run(200)
    sent = capture(dash.raster)
    dash.controller.reset()
    assert sent[0][0] == {"type": "clear", "now": 0}
    dash.controller.run(120)
    sent.clear()
    dash.raster._start()
    (clear, _), (window, buffers) = sent[:2]
    rows = np.frombuffer(buffers[0], "<i4").reshape(-1, 2) if buffers else np.empty((0, 2))
    assert clear["type"] == "clear" and window["now"] == 120
    assert (rows[:, 0] > 70).all()


def test_raster_click_selects_neuron_for_voltage_plot():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.raster.selected_neuron = 42                        # what a click on row 42 sets
    assert dash.controller.selected_neurons[0] == 42
    assert dash.voltage.columns[0] == 42
    assert dash.voltage.traces.labels[0] == "neuron 42"


def test_voltage_plot_window_mean_and_threshold():
    net, ng = tutorial()
    dash = Dashboard(net, window=40)
    dash.controller.run(100)
    v = dash.voltage
    assert v.traces.x.tolist() == list(range(61, 101))
    assert v.traces.y.shape == (5, 40) and v.traces.y.dtype == np.float32
    recorded = net["voltage", 0].numpy()
    assert np.allclose(v.traces.y[:, -1], recorded[-1, :5])
    assert np.allclose(v.mean.y, recorded[-40:].mean(axis=1), atol=1e-6)
    assert v.threshold.visible and v.threshold.y.tolist() == [2.0, 2.0]
    assert "pymonn-voltage-plot" in v.figure._dom_classes


def test_voltage_plot_reads_only_new_samples():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.controller.run(10)
    cursor = dash.voltage.cursor
    assert cursor.position == ng.behavior[9].count == 10
    assert dash.voltage.read() == 0
    dash.controller.run(3)
    assert cursor.position == 13


def test_parameter_changes_are_marked_on_both_plots():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.controller.run(20)
    dash.controller.set_parameter(ng, 1, "threshold", 2.5)
    dash.controller.run(5)
    assert dash.raster.marks == [20]
    assert dash.voltage.marks.visible and np.atleast_2d(dash.voltage.marks.x).tolist() == [[20.0, 20.0]]
    assert dash.voltage.threshold.y.tolist() == [2.5, 2.5]


def test_raster_alone_without_controller():
    raster = RasterPlot(window=100, neurons=10)
    sent = capture(raster)
    raster.push(np.array([[1, 2], [3, 4]]), now=3)
    assert sent[0][0] == {"type": "events", "now": 3, "count": 2} and len(sent[0][1][0]) == 16


def test_frames_are_paced_by_the_pages_acknowledgements():
    net, ng = tutorial()
    dash = Dashboard(net)
    raster = dash.raster
    sent = capture(raster)
    assert raster.ready()                                  # no page has answered yet: no pacing
    raster._on_msg(raster, {"type": "drawn", "count": 1}, [])
    raster._in_flight = 0
    for _ in range(raster.max_in_flight):
        dash.controller.step()
    assert raster._in_flight == raster.max_in_flight and not raster.ready()   # frames not drawn: hold back
    frames = []
    dash.controller.on("frame", lambda: frames.append(1))
    dash.controller._last_frame = 0.0
    dash.controller.frame(force=False)
    assert frames == []                                    # skipped
    raster._on_msg(raster, {"type": "drawn", "count": 2}, [])
    assert raster.ready()
    dash.controller.frame(force=False)
    assert frames == [1] and len(sent) == raster.max_in_flight                # nothing new to send: no message


def test_typed_neuron_indices_are_parsed_and_checked():
    net, ng = tutorial()
    dash = Dashboard(net)
    dash.voltage.neurons.value = "7, 3,99"
    assert dash.controller.selected_neurons == [7, 3, 99] and dash.voltage.columns == [7, 3, 99]
    dash.voltage.neurons.value = "1, __import__('os')"
    assert "not a list of ints" in dash.voltage.caption.value
    assert dash.controller.selected_neurons == [7, 3, 99]
    dash.voltage.neurons.value = "5, 100"
    assert "[0, 100)" in dash.voltage.caption.value


def test_a_single_neuron_group_plots_from_its_first_sample(caplog):
    import logging

    import torch

    from pymonn_widgets import Dashboard
    from pymonntorch_core import Behavior, Network, NeuronGroup, Recorder

    class Leak(Behavior):
        def initialize(self, n):
            super().initialize(n)
            n.I_ext = n.vector("ones")  # created first: the dashboard must still prefer `voltage`
            n.voltage = n.vector("zeros")
            n.spike = n.vector(dtype=torch.bool)

        def forward(self, n):
            n.voltage += 0.1
            n.spike = n.voltage > 1
            n.voltage[n.spike] = 0

    net = Network()
    NeuronGroup(net=net, size=1, behavior={1: Leak(), 9: Recorder(["I_ext", "voltage"])})
    net.initialize(info=False)
    dash = Dashboard(net)
    assert dash.controller.sources_of(net.NeuronGroups[0]).variable == "voltage"
    with caplog.at_level(logging.ERROR):
        dash.controller.run(1)  # one sample: nothing to draw yet, and no view may fail
        dash.controller.run(4)
    assert not caplog.records, caplog.text
    assert len(dash.voltage.traces.x) == 5
