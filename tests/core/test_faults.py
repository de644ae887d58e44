"""An exception in a behavior names where it happened, keeps everything, and the run can continue."""
import pytest
import torch

from pymonntorch_core import Network, NeuronGroup, Recorder

from .helpers import Counter


def faulty_network(fail_at=50):
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: Counter(fail_at=fail_at), 5: Recorder(["count"])}, tag="cells")
    net.initialize(info=False)
    return net, ng


def test_the_error_carries_behavior_group_and_iteration():
    net, _ = faulty_network()
    with pytest.raises(ZeroDivisionError, match="boom") as info:
        net.simulate_iterations(100, measure_block_time=False)
    note = " ".join(info.value.__notes__)
    assert "Counter(fail_at=50)" in note and "key 1" in note
    assert "NeuronGroup 'cells'" in note and "iteration 50" in note


def test_records_and_state_survive_and_the_run_continues_from_the_same_iteration():
    net, ng = faulty_network()
    with pytest.raises(ZeroDivisionError):
        net.simulate_iterations(100, measure_block_time=False)
    assert net.iteration == 50
    assert net["count", 0].shape == (49, 3)  # everything recorded before the fault is kept
    ng["Counter", 0].broken = False  # the fix
    net.simulate_iterations(51, measure_block_time=False)
    assert net.iteration == 100
    counts = net["count", 0][:, 0]
    assert counts.tolist() == list(range(1, 101))  # iteration 50 was finished once, not skipped or doubled
    assert ng["Recorder", 0].iterations().tolist() == list(range(1, 101))


def test_an_unfixed_fault_raises_again_at_the_same_place():
    net, _ = faulty_network(fail_at=3)
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            net.simulate_iterations(10, measure_block_time=False)
        assert net.iteration == 3
    assert torch.equal(net["count", 0][:, 0], torch.tensor([1.0, 2.0]))


def test_reinitialize_clears_an_interrupted_iteration():
    net, ng = faulty_network(fail_at=2)
    with pytest.raises(ZeroDivisionError):
        net.simulate_iterations(5, measure_block_time=False)
    net.initialize(info=False)
    ng["Counter", 0].broken = False
    net.simulate_iterations(3, measure_block_time=False)
    assert net.iteration == 3 and net["count", 0][:, 0].tolist() == [1, 2, 3]
