"""Dashboard recorders: bounded, invisible to the user's lookups, and the user's are reused."""
import numpy as np
import torch
from widget_nets import multi_group, tutorial

from pymonn_widgets import Controller, DashboardRecorder, DashboardSpikeRecorder
from pymonn_widgets.sources import SampleCursor, SpikeSampleCursor


def test_user_recorders_are_reused_and_nothing_is_attached():
    net, ng = tutorial()
    keys = sorted(ng.behavior)
    c = Controller(net)
    s = c.sources_of(ng)
    assert sorted(ng.behavior) == keys
    assert s.sampler is ng.behavior[9] and s.variable == "voltage"
    assert s.events is ng.behavior[10] and s.spike == "spike"
    assert s.owned == []


def test_own_recorders_are_bounded_after_user_keys_and_invisible():
    net, ng = tutorial(recorders=False)
    c = Controller(net, max_samples=50)
    s = c.sources_of(ng)
    assert isinstance(s.sampler, DashboardRecorder) and isinstance(s.events, DashboardSpikeRecorder)
    assert s.variable == "voltage" and s.spike == "spike"
    own_keys = [k for k, b in ng.behavior.items() if b in s.owned]
    assert min(own_keys) > 2                          # after every user key
    c.run(200)
    assert net["voltage"] == [] and net["voltage", 0] is None
    assert net["spike.t"] == [] and ng["DashboardRecorder"] == []
    assert s.sampler.read("voltage").shape == (50, 100)  # bounded ring
    assert s.events.read("spike").shape == (50, 100) and s.events.count == 200
    rows = c.event_cursor(ng).read_all()
    assert rows.shape[1] == 2 and (rows[:, 0] > 150).all()


def test_user_lookups_unchanged_with_dashboard():
    net, ng = tutorial()
    Controller(net).run(20)
    assert len(net["voltage"]) == 1 and net["voltage", 0].shape == (20, 100)
    assert net["spike.t", 0].shape == net["spike.i", 0].shape


def test_every_group_gets_sources():
    net = multi_group()
    c = Controller(net)
    for ng in net.NeuronGroups:
        assert c.sources_of(ng) is not None
    assert c.sources_of(net.NeuronGroups[2]).variable == "count"


def test_cursors_read_only_new_data():
    net, ng = tutorial()
    c = Controller(net)
    samples, events = c.sample_cursor(ng), c.event_cursor(ng)
    c.run(10)
    t, v = samples.read()
    assert t.tolist() == list(range(1, 11)) and v.shape == (10, 100) and v.dtype == np.float32
    e = events.read()
    assert e.dtype == np.int32 and e.shape[1] == 2
    assert samples.read()[1] is None and events.read().shape == (0, 2)
    c.run(3)
    t, v = samples.read()
    assert t.tolist() == [11, 12, 13]
    assert torch.equal(torch.from_numpy(v[-1]), ng.voltage)
    new = events.read()
    assert (new[:, 0] > 10).all()
    assert len(e) + len(new) == ng.behavior[10].event_count("spike")


def test_cursor_after_ring_overflow_reads_what_is_kept():
    net, ng = tutorial(recorders=False)
    c = Controller(net, max_samples=8)
    cursor = SampleCursor(c.sources_of(ng).sampler, "voltage")
    c.run(30)
    t, v = cursor.read()
    assert t.tolist() == list(range(23, 31)) and v.shape == (8, 100)
    ev = SpikeSampleCursor(c.sources_of(ng).events, "spike")
    assert ev.read().shape[1] == 2 and ev.position == 30


def test_a_second_dashboard_reuses_the_dashboard_recorders():
    net, ng = tutorial(recorders=False)
    first = Controller(net)
    keys = sorted(ng.behavior)
    second = Controller(net)
    assert sorted(ng.behavior) == keys
    assert second.sources_of(ng).sampler is first.sources_of(ng).sampler
    first.run(5)
    first.reset()                     # the structure is unchanged: reset still works
    assert net.iteration == 0 and first.error == ""


def test_groups_without_state_are_handled():
    from pymonn_widgets import Dashboard
    from pymonntorch_core import Network, NeuronGroup

    net = Network()
    NeuronGroup(net=net, size=4, tag="empty")
    net.initialize(info=False)
    dash = Dashboard(net)
    dash.controller.run(3)
    assert dash.controller.sources_of(net.NeuronGroups[0]).sampler is None
    assert net.iteration == 3 and dash.voltage.cursor is None


def test_sample_rings_of_big_groups_are_bounded_in_bytes(monkeypatch):
    from pymonn_widgets import sources

    monkeypatch.setattr(sources, "SAMPLE_BYTES", 100 * 4 * 60)     # 60 samples of 100 float32 neurons
    net, ng = tutorial(recorders=False)
    c = Controller(net, max_samples=2000)
    assert c.sources_of(ng).sampler.max_length == 60


def test_spike_samples_give_the_same_events_as_an_event_recorder():
    """The dashboard's spike ring, read as events, equals what an EventRecorder records."""
    from pymonntorch_core import EventRecorder

    net, ng = tutorial(recorders=False, seed=2)
    c = Controller(net)
    reference = ng.add_behavior(99, EventRecorder(["spike"]))
    c.run(80)
    cursor = c.event_cursor(ng)
    first = cursor.read()
    c.run(40)
    both = np.concatenate((first, cursor.read()))
    assert both.dtype == np.int32
    assert both.tolist() == reference.read("spike").tolist()
    assert c.recordings()["spike"].tolist() == both.tolist()
