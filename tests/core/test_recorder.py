"""Recorders: shapes, dtypes, gaps, ring buffers, events, scalars, buffers that do not regrow."""
import pytest
import torch

from pymonntorch_core import (
    ArgumentError,
    Behavior,
    EventRecorder,
    Network,
    NeuronGroup,
    Recorder,
    RecorderError,
)

from .helpers import BasicBehavior, tutorial_network


class Ramp(Behavior):
    """voltage = iteration * [1, 2, 3]; spike where the iteration is divisible by the index + 2."""

    def initialize(self, ng):
        super().initialize(ng)
        ng.voltage = ng.vector("zeros")
        self.scale = ng.vector("zeros") + torch.arange(1, ng.size + 1)

    def forward(self, ng):
        ng.voltage = self.scale * ng.iteration
        ng.spike = (ng.iteration % (torch.arange(ng.size) + 2)) == 0
        ng.count = ng.iteration
        ng.ratio = ng.iteration / 2


def ramp(recorder, size=3, iterations=10, device="cpu"):
    net = Network(device=device)
    NeuronGroup(size, net, behavior={1: Ramp(), 2: recorder})
    net.initialize(info=False)
    net.simulate_iterations(iterations, measure_block_time=False)
    return net, recorder


def test_values_shape_and_iterations(device):
    net, rec = ramp(Recorder(["voltage", "torch.sum(voltage)", "n.voltage * 2"]), device=device)
    v = net["voltage", 0]
    assert v.shape == (10, 3) and v.device.type == device
    assert v[:, 0].tolist() == list(range(1, 11))
    assert net["torch.sum(voltage)", 0].tolist() == [6.0 * t for t in range(1, 11)]
    assert torch.equal(net["n.voltage * 2", 0], v * 2)
    assert rec.iterations().tolist() == list(range(1, 11)) and rec.count == 10
    assert set(rec.variables) == {"voltage", "torch.sum(voltage)", "n.voltage * 2"}


@pytest.mark.parametrize("gap, expected", [(0, list(range(1, 11))), (1, list(range(1, 11))),
                                           (3, [3, 6, 9])])
def test_gap_width_records_every_gap_width_iterations(gap, expected):
    net, rec = ramp(Recorder(["voltage"], gap_width=gap))
    assert net["voltage", 0][:, 0].tolist() == expected
    assert rec.iterations().tolist() == expected


def test_max_length_keeps_the_newest_samples_in_order():
    net, rec = ramp(Recorder(["voltage"], max_length=4), iterations=11)
    assert net["voltage", 0][:, 0].tolist() == [8, 9, 10, 11]
    assert rec.iterations().tolist() == [8, 9, 10, 11]
    assert rec.read("voltage", start=9)[:, 0].tolist() == [10, 11]
    assert rec.read("voltage", start=2)[:, 0].tolist() == [8, 9, 10, 11]  # older ones are gone
    assert rec.read("voltage", start=11).shape == (0, 3)


def test_read_since_returns_only_new_samples():
    net, rec = ramp(Recorder(["voltage"]), iterations=5)
    seen = rec.count
    net.simulate_iterations(3, measure_block_time=False)
    assert rec.read("voltage", start=seen)[:, 0].tolist() == [6, 7, 8]
    assert rec.iterations(start=seen).tolist() == [6, 7, 8]


def test_python_ints_and_floats_are_recorded():
    net, _ = ramp(Recorder(["count", "ratio", "count > 3"]), iterations=5)
    assert net["count", 0].tolist() == [1, 2, 3, 4, 5] and net["count", 0].dtype == torch.int64
    assert net["ratio", 0].tolist() == [0.5, 1.0, 1.5, 2.0, 2.5] and net["ratio", 0].dtype == torch.float32
    assert net["count > 3", 0].tolist() == [False, False, False, True, True]


def test_event_recorder_rows_and_columns(device):
    net, rec = ramp(EventRecorder(["spike"]), iterations=6, device=device)
    expected = [(t, i) for t in range(1, 7) for i in range(3) if t % (i + 2) == 0]
    assert [tuple(r) for r in net["spike", 0].tolist()] == expected
    assert net["spike.t", 0].tolist() == [t for t, _ in expected]
    assert net["spike.i", 0].tolist() == [i for _, i in expected]
    assert net["spike", 0].dtype == torch.int64 and net["spike", 0].device.type == device
    assert rec.event_count("spike") == len(expected)
    assert rec.read("spike", start=len(expected) - 2).tolist() == [list(r) for r in expected[-2:]]


def test_event_recorder_max_length_keeps_the_newest_events():
    net, rec = ramp(EventRecorder(["spike"], max_length=3), iterations=200)
    everything = [(t, i) for t in range(1, 201) for i in range(3) if t % (i + 2) == 0]
    assert [tuple(r) for r in net["spike", 0].tolist()] == everything[-3:]
    assert rec.event_count("spike") == len(everything)


def test_reserved_buffers_do_not_move_during_a_run():
    addresses = []

    class Probe(Behavior):
        def forward(self, ng):
            addresses.append(ng.Recorder._buffers["voltage"].data.data_ptr())

    net, ng = tutorial_network(size=20)
    ng.add_behavior(11, Probe())
    net.simulate_iterations(1000, measure_block_time=False)
    assert len(addresses) == 1000 and len(set(addresses)) == 1
    assert ng.Recorder._buffers["voltage"].capacity == 1000


def test_growth_is_geometric_so_appends_are_amortised_constant():
    net, ng = tutorial_network(size=5)
    buffer = ng.Recorder._buffers["voltage"]
    capacities = set()
    for _ in range(3000):
        net.simulate_iteration()
        capacities.add(buffer.capacity)
    assert buffer.count == 3000
    assert len(capacities) <= 7  # 64, 128, ... 4096: log2 growth, not one copy per step


def test_recorded_samples_are_copies():
    net, rec = ramp(Recorder(["voltage"]), iterations=2)
    net.NeuronGroups[0].voltage.fill_(-1)
    assert net["voltage", 0][:, 0].tolist() == [1, 2]


def test_missing_variable_is_named_with_close_matches():
    net = Network()
    NeuronGroup(3, net, behavior={1: BasicBehavior(), 2: Recorder(["voltag"])})
    net.initialize(info=False)
    with pytest.raises(RecorderError, match="'voltag'.*does not exist.*did you mean 'voltage'"):
        net.simulate_iterations(1, measure_block_time=False)


def test_shape_change_is_reported_and_earlier_samples_kept():
    class Grow(Behavior):
        def forward(self, ng):
            ng.x = torch.zeros(ng.iteration)

    net = Network()
    NeuronGroup(3, net, behavior={1: Grow(), 2: Recorder(["x"])})
    net.initialize(info=False)
    net.simulate_iteration()
    with pytest.raises(RecorderError, match="shape changed from \\(1,\\) to \\(2,\\)"):
        net.simulate_iteration()
    assert net["x", 0].shape == (1, 1)


def test_non_numeric_value_is_refused():
    class Text(Behavior):
        def forward(self, ng):
            ng.label = "hello"

    net = Network()
    NeuronGroup(3, net, behavior={1: Text(), 2: Recorder(["label"])})
    net.initialize(info=False)
    with pytest.raises(RecorderError, match="must give a tensor or a number, got 'hello'"):
        net.simulate_iteration()


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Recorder.variables: must be a non-empty list"),
    ({"variables": []}, "Recorder.variables: must be a non-empty list"),
    ({"variables": ["v", "v"]}, "each variable may appear once"),
    ({"variables": ["v"], "gap_width": -1}, "Recorder.gap_width: must be an int >= 0"),
    ({"variables": ["v"], "gap_width": 1.5}, "Recorder.gap_width: must be an int >= 0"),
    ({"variables": ["v"], "max_length": 0}, "Recorder.max_length: must be None or an int >= 1"),
    ({"variables": ["v +"]}, "not valid Python"),
    ({"variables": [3]}, "must be a non-empty str"),
])
def test_bad_recorder_arguments(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        Recorder(**kwargs)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        Recorder(["v"], max_lenght=5)


def test_unbounded_recorders_that_would_not_fit_warn_with_the_projected_size(monkeypatch):
    import warnings

    import pymonntorch_core.network as network_module

    class Stop(Exception):
        pass

    def stop(progress, net):
        raise Stop

    net, _ = ramp(Recorder(["voltage"]), size=1000, iterations=1)
    monkeypatch.setattr(network_module, "available_memory", lambda device: 10 * 2**30)
    with warnings.catch_warnings(record=True) as caught, pytest.raises(Stop):
        warnings.simplefilter("always")
        net.simulate_iterations(4_000_000, batch_size=1, measure_block_time=False, batch_progress_update_func=stop)
    assert "would hold 14.9 GiB, more than 50% of the 10.0 GiB available" in str(caught[0].message)
    assert net.iteration == 2  # the run was not refused, only warned about
    bounded, _ = ramp(Recorder(["voltage"], max_length=10), size=1000, iterations=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(Stop):  # ring buffers never warn, however long the run
            bounded.simulate_iterations(4_000_000, batch_size=1, measure_block_time=False,
                                        batch_progress_update_func=stop)


def test_many_short_runs_grow_buffers_geometrically():
    net, ng = tutorial_network(size=5)
    buffer = ng.Recorder._buffers["voltage"]
    capacities = set()
    for _ in range(1000):
        net.simulate_iterations(3, measure_block_time=False)
        capacities.add(buffer.capacity)
    assert buffer.count == 3000
    assert len(capacities) <= 8  # doubling, not one copy of the whole history per call
