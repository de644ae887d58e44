"""Snapshots round-trip bit-exactly, and a restored run repeats the original."""
import pickle

import pytest
import torch

from pymonntorch_core import ArgumentError, Network, NeuronGroup

from .helpers import tutorial_network


def run(net, n):
    net.simulate_iterations(n, measure_block_time=False)
    return net["spike", 0].clone(), net["voltage", 0].clone(), net.NeuronGroups[0].voltage.clone()


def test_restoring_a_file_repeats_the_original_run_exactly(tmp_path, device):
    net, ng = tutorial_network(size=100, device=device)
    run(net, 80)
    ng["BasicBehavior", 0].threshold = 1.5
    net.save(tmp_path / "state.pt")
    original = run(net, 60)
    net.load(tmp_path / "state.pt")
    assert net.iteration == 80 and ng["BasicBehavior", 0].threshold == 1.5
    assert net["voltage", 0].shape == (80, 100)
    repeated = run(net, 60)
    for a, b in zip(original, repeated):
        assert torch.equal(a, b)


def test_a_fresh_network_of_the_same_structure_takes_the_state(tmp_path):
    net, _ = tutorial_network(size=30)
    run(net, 40)
    net.save(tmp_path / "s.pt")
    original = run(net, 20)
    torch.manual_seed(123)
    other, _ = tutorial_network(size=30)  # different random weights until loaded
    other.load(tmp_path / "s.pt")
    for a, b in zip(original, run(other, 20)):
        assert torch.equal(a, b)


def test_reset_to_the_state_after_initialize_in_memory():
    net, ng = tutorial_network(size=50)
    start = net.snapshot()
    first = run(net, 30)
    net.restore(start)
    assert net.iteration == 0 and net["voltage", 0].shape[0] == 0 and not hasattr(ng, "spike")
    for a, b in zip(first, run(net, 30)):
        assert torch.equal(a, b)


def test_ring_buffers_survive_a_round_trip(tmp_path):
    from pymonntorch_core import EventRecorder, Recorder, SynapseGroup

    from .helpers import BasicBehavior, InputBehavior

    def build():
        torch.manual_seed(1)
        net = Network()
        ng = NeuronGroup(40, net, behavior={1: BasicBehavior(), 2: InputBehavior(),
                                            9: Recorder(["voltage"], max_length=7),
                                            10: EventRecorder(["spike"], max_length=11)})
        SynapseGroup(ng, ng, net, tag="GLUTAMATE")
        net.initialize(info=False)
        return net

    net = build()
    run(net, 23)
    net.save(tmp_path / "ring.pt")
    original = run(net, 9), net["Recorder", 0].iterations()
    other = build()
    other.load(tmp_path / "ring.pt")
    repeated = run(other, 9), other["Recorder", 0].iterations()
    assert torch.equal(original[1], repeated[1])
    for a, b in zip(original[0], repeated[0]):
        assert torch.equal(a, b)


def test_loading_refuses_pickled_code(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("owned",))

    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": "pymonntorch_core.snapshot/1", "x": Evil()}, f)
    net, _ = tutorial_network(size=5)
    with pytest.raises(ArgumentError, match="is not a snapshot file"):
        net.load(path)


def test_structure_mismatch_is_reported(tmp_path):
    net, _ = tutorial_network(size=5)
    snap = net.snapshot()
    other = Network()
    NeuronGroup(5, other)
    other.initialize(info=False)
    with pytest.raises(ArgumentError, match="structure differs"):
        other.restore(snap)
    with pytest.raises(ArgumentError, match="must be a dict made by Network.snapshot"):
        other.restore({"x": 1})
