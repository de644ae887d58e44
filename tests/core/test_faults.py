"""An exception in a behavior names where it happened, keeps everything, and the run can continue."""
import pytest
import torch

from pymonntorch_core import Network, NeuronGroup, Recorder, RecorderError

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


# --- records stay aligned through any interruption ------------------------------------------------
def _aligned(recorder):
    lengths = {recorder.read(name).shape[0] for name in recorder.names}
    assert lengths == {len(recorder.iterations())}, (lengths, len(recorder.iterations()))
    return recorder.iterations().tolist()


@pytest.mark.parametrize("max_length", [None, 4])
def test_an_interrupt_between_two_stores_leaves_no_variable_ahead(monkeypatch, max_length):
    from pymonntorch_core import buffers

    net, ng = faulty_network(fail_at=0)
    recorder = Recorder(["count", "torch.mean(count)"], max_length=max_length)
    ng.add_behavior(6, recorder)
    net.simulate_iterations(10, measure_block_time=False)
    original, calls = buffers.SampleBuffer.append, []

    def interrupted(self, value):
        calls.append(1)
        if len(calls) == 2:  # after 'count' was stored, before the mean
            raise KeyboardInterrupt
        original(self, value)

    monkeypatch.setattr(buffers.SampleBuffer, "append", interrupted)
    with pytest.raises(KeyboardInterrupt):
        net.simulate_iterations(5, measure_block_time=False)
    assert _aligned(recorder)[-1] == 10 and net.iteration == 11
    monkeypatch.setattr(buffers.SampleBuffer, "append", original)
    net.simulate_iterations(4, measure_block_time=False)  # finishes iteration 11 once, then 12..14
    expected = list(range(1, 15))[-max_length:] if max_length else list(range(1, 15))
    assert _aligned(recorder) == expected
    assert recorder.read("count")[:, 0].tolist() == [float(i) for i in expected]


def test_interrupts_anywhere_lose_or_duplicate_no_sample():
    import signal

    net, ng = faulty_network(fail_at=0)
    ng.add_behavior(6, Recorder(["count", "torch.mean(count)", "count * 2"]))
    ng.add_behavior(7, Recorder(["count"], gap_width=3))
    interrupts, armed = 0, [False]

    def interrupt(*_):
        if armed[0]:
            armed[0] = False
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        while (net.iteration < 3000 or interrupts < 10) and net.iteration < 100_000:
            try:
                armed[0] = True
                signal.setitimer(signal.ITIMER_REAL, 0.0005 + 0.0001 * (interrupts % 7))
                try:
                    net.simulate_iterations(max(3000 - net.iteration, 500), measure_block_time=False)
                finally:
                    armed[0] = False
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except KeyboardInterrupt:
                interrupts += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    if net._interrupted is not None:
        net.simulate_iterations(0, measure_block_time=False)
    every, gapped = ng.behavior[6], ng.behavior[7]
    assert interrupts >= 10, interrupts
    iterations = _aligned(every)
    assert iterations[: len(iterations)] == list(range(1, len(iterations) + 1))
    assert _aligned(gapped) == list(range(3, len(_aligned(gapped)) * 3 + 1, 3))


def test_gap_width_survives_a_recorder_fault_without_losing_a_sample():
    net = Network()
    ng = NeuronGroup(2, net, behavior={1: Counter(fail_at=0), 5: Recorder(["count", "missing"], gap_width=2)})
    net.initialize(info=False)
    with pytest.raises(RecorderError, match="'missing'"):
        net.simulate_iterations(8, measure_block_time=False)
    assert net.iteration == 2
    ng.missing = torch.zeros(1)  # the fix
    net.simulate_iterations(7, measure_block_time=False)  # finishes iteration 2, then 3..8
    assert net.iteration == 8 and ng["Recorder", 0].iterations().tolist() == [2, 4, 6, 8]


def test_a_failed_initialize_leaves_the_network_not_runnable_with_a_note():
    from pymonntorch_core import Behavior, StateError

    class Broken(Behavior):
        def initialize(self, obj):
            super().initialize(obj)
            if self.parameter("broken", True):
                raise ValueError("bad start")

    net, ng = faulty_network()
    net.simulate_iterations(5, measure_block_time=False)
    ng.add_behavior(3, Broken(broken=False))
    ng.behavior[3].init_kwargs["broken"] = True
    with pytest.raises(ValueError, match="bad start") as info:
        net.initialize(info=False)
    note = " ".join(info.value.__notes__)
    assert "Broken(broken=True) (key 3)" in note and "NeuronGroup 'cells'" in note and "initialize()" in note
    with pytest.raises(StateError, match="initialize"):
        net.simulate_iterations(1, measure_block_time=False)
    ng.behavior[3].init_kwargs["broken"] = False
    net.initialize(info=False)
    net.simulate_iterations(3, measure_block_time=False)
    assert ng["Recorder", 0].iterations().tolist() == [1, 2, 3]


def test_timed_iterations_use_the_same_loop_with_notes_and_resume():
    net, ng = faulty_network(fail_at=2)
    times = net.simulate_iteration(measure_behavior_execution_time=True)
    assert set(times) == {1, 5} and all(t >= 0 for t in times.values())
    with pytest.raises(ZeroDivisionError) as info:
        net.simulate_iteration(measure_behavior_execution_time=True)
    assert "key 1" in " ".join(info.value.__notes__) and net.iteration == 2
    ng["Counter", 0].broken = False
    net.simulate_iteration(measure_behavior_execution_time=True)  # finishes iteration 2
    assert net.iteration == 2 and ng["Recorder", 0].iterations().tolist() == [1, 2]


# --- resource limits ------------------------------------------------------------------------------
def test_huge_groups_are_refused_before_allocating_with_the_group_and_size():
    from pymonntorch_core import ArgumentError

    net = Network()
    with pytest.raises(ArgumentError, match=r"NeuronGroup.size: one vector of 1,000,000,000,000 neurons needs") as info:
        NeuronGroup(10**12, net)
    assert (info.value.owner, info.value.argument) == ("NeuronGroup", "size")
    ng = NeuronGroup(10, net)
    with pytest.raises(ArgumentError, match=r"tensor: a tensor of shape \(1000000, 1000000\) needs"):
        ng.tensor("zeros", (10**6, 10**6))


def test_a_huge_iteration_count_reserves_recorder_memory_step_by_step():
    import warnings

    net, ng = faulty_network(fail_at=0)
    ng.add_behavior(6, Recorder(["count"]))

    class Stop(Exception):
        pass

    def stop(progress, net):
        raise Stop

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.simulate_iterations(1, measure_block_time=False)  # the record shape is known now
        with pytest.raises(Stop):
            net.simulate_iterations(10**15, batch_size=1, measure_block_time=False, batch_progress_update_func=stop)
    from pymonntorch_core.checks import available_memory

    buffer = ng.behavior[6]._buffers["count"]
    assert buffer.capacity * 12 <= available_memory("cpu") and net.iteration == 2
