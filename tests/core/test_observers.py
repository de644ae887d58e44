"""Observers: outside viewers record chosen channels, invisible to lookups, repr and snapshots."""
import pytest
import torch

from pymonntorch_core import LIF, ArgumentError, CurrentInput, EventRecorder, Network, NeuronGroup, Recorder
from pymonntorch_core.tutorial import tutorial_network
from pymonntorch_core.units import time_step, unit_of


def lif_net(seed=0, size=20, recorders=True):
    torch.manual_seed(seed)
    net = Network()
    behavior = {1: CurrentInput(current=16.0, noise=4.0, dt=0.1), 2: LIF(dt=0.1)}  # one dt for all
    if recorders:
        behavior |= {9: Recorder(["voltage"]), 10: EventRecorder(["spike"])}
    ng = NeuronGroup(size, net, behavior=behavior, tag="E")
    net.initialize(info=False)
    return net, ng


def test_channels_record_neurons_mean_and_whole_vectors():
    net, ng = lif_net()
    observer = net.add_observer(ng, length=50)
    observer.watch("v", "voltage", neurons=[3, 0]).watch("mean", "voltage", reduce="mean").watch("spike", "spike")
    net.simulate_iterations(30, measure_block_time=False)
    its, v = observer.read("v")
    assert its.tolist() == list(range(1, 31)) and v.shape == (30, 2)
    recorded = net["voltage", 0]
    assert torch.equal(v, recorded[:, [3, 0]])
    assert torch.allclose(observer.read("mean")[1], recorded.mean(dim=1))
    spikes = observer.read("spike")[1]
    assert spikes.dtype == torch.bool and torch.equal(torch.nonzero(spikes)[:, 1], net["spike.i", 0])


def test_ring_keeps_the_last_length_samples_and_reads_only_new_ones():
    net, ng = lif_net(recorders=False)
    observer = net.add_observer(ng, length=10).watch("v", "voltage", neurons=[1])
    net.simulate_iterations(25, measure_block_time=False)
    its, v = observer.read("v")
    assert its.tolist() == list(range(16, 26)) and observer.count("v") == 25
    assert observer.read("v", start=23)[0].tolist() == [24, 25]
    assert torch.equal(v[-1, 0], ng.voltage[1])


def test_invisible_to_lookups_repr_and_snapshots_and_removable_any_time():
    net, ng = lif_net()
    saved = net.snapshot()
    text = repr(net)
    observer = net.add_observer(ng, length=20).watch("voltage", "voltage").watch("spike", "spike")
    assert repr(net) == text and len(net["voltage"]) == 1 and ng["Observer"] == [] and net["spike.t"] != []
    net.simulate_iterations(5, measure_block_time=False)
    net.restore(saved)                      # a snapshot taken before the observer restores after
    assert set(net.snapshot()["parts"]) == set(saved["parts"])
    net.simulate_iterations(5, measure_block_time=False)
    net.remove_observer(observer)
    before = observer.count("voltage")
    net.simulate_iterations(5, measure_block_time=False)
    assert observer.count("voltage") == before and net.observers == []


def test_observed_run_equals_plain_run():
    torch.manual_seed(4)
    net, ng = tutorial_network(size=100, recorders=False)
    observer = net.add_observer(ng, length=100).watch("v", "voltage", neurons=[0, 1])
    net.simulate_iterations(60, measure_block_time=False)
    torch.manual_seed(4)
    plain, plain_ng = tutorial_network(size=100, recorders=False)
    plain.simulate_iterations(60, measure_block_time=False)
    assert torch.equal(ng.voltage, plain_ng.voltage) and observer.count("v") == 60


def test_key_orders_the_observer_among_behaviors():
    net, ng = lif_net(recorders=False)
    before_lif = net.add_observer(ng, length=5, key=1).watch("I", "I")
    after_all = net.add_observer(ng, length=5).watch("I", "I")
    net.simulate_iterations(3, measure_block_time=False)
    assert before_lif.read("I")[1].abs().sum() > 0      # the input, before LIF used and zeroed it
    assert after_all.read("I")[1].abs().sum() == 0


def test_rewatching_keeps_samples_of_neurons_still_watched():
    net, ng = lif_net(recorders=False)
    observer = net.add_observer(ng, length=10).watch("v", "voltage", neurons=[0, 1])
    net.simulate_iterations(4, measure_block_time=False)
    old = observer.read("v")[1]
    observer.watch("v", "voltage", neurons=[1, 5])
    its, v = observer.read("v")
    assert its.tolist() == [1, 2, 3, 4] and torch.equal(v[:, 0], old[:, 1]) and torch.isnan(v[:, 1]).all()
    observer.resize(3)
    assert observer.read("v")[0].tolist() == [2, 3, 4]


def test_missing_variable_is_skipped_and_bad_arguments_are_named():
    net, ng = lif_net(recorders=False)
    observer = net.add_observer(ng, length=5).watch("x", "not_there")
    net.simulate_iterations(2, measure_block_time=False)
    assert observer.count("x") == 0
    with pytest.raises(ArgumentError, match="Observer.length"):
        net.add_observer(ng, length=0)
    with pytest.raises(ArgumentError, match="Observer.watch.neurons"):
        observer.watch("v", "voltage", neurons=[99])
    with pytest.raises(ArgumentError, match="add_observer.target"):
        net.add_observer(NeuronGroup(3, Network()), length=5)


def test_units_and_time_step():
    net, ng = lif_net()
    assert unit_of(ng, "voltage") == "mV" and unit_of(ng, "I") == "nA" and unit_of(ng, "spike") is None
    assert time_step(net) == 0.1
    lif = ng.behavior[2]
    assert {p.name: p.unit for p in lif.tunable_parameters()}["threshold"] == "mV"
    net.dt = 0.5
    assert time_step(net) == 0.5
    plain, _ = tutorial_network(size=10, recorders=False)
    assert time_step(plain) is None


@pytest.mark.parametrize("source", [torch.uint8, torch.float32, torch.bool])
def test_a_channel_can_keep_where_a_variable_is_non_zero(source):
    net = Network()
    ng = NeuronGroup(4, net, tag="g")
    net.initialize(info=False)
    whole = net.add_observer(ng, length=5).watch("s", "pattern", dtype=torch.bool)
    some = net.add_observer(ng, length=5).watch("s", "pattern", neurons=[2, 0], dtype=torch.bool)
    ng.pattern = torch.tensor([0, 3, 1, 0]).to(source)
    net.simulate_iterations(2, measure_block_time=False)
    t, samples = whole.read("s")
    assert samples.dtype == torch.bool and samples.tolist() == [[False, True, True, False]] * 2
    assert some.read("s")[1].tolist() == [[True, False]] * 2
    whole.resize(3)
    assert whole.read("s")[1].dtype == torch.bool
