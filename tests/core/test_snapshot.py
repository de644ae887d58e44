"""Snapshots round-trip bit-exactly, and a restored run repeats the original."""
import pickle

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- hostile or mismatched snapshots change nothing -----------------------------------------------
def _fingerprint(net):
    """Everything a restore could change: state tensors and numbers, records, iteration, RNG."""
    snap = net.snapshot()
    return snap, [(p, n, v.clone() if isinstance(v, torch.Tensor) else v)
                  for p, part in snap["parts"].items() for n, v in part["values"].items()]


def _assert_unchanged(net, before):
    snap, values = _fingerprint(net)
    old_snap, old_values = before
    assert snap["iteration"] == old_snap["iteration"]
    assert torch.equal(snap["rng"]["cpu"], old_snap["rng"]["cpu"])
    assert [(p, n) for p, n, _ in values] == [(p, n) for p, n, _ in old_values]
    for (_, _, a), (_, _, b) in zip(values, old_values):
        assert torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b
    for path, part in snap["parts"].items():
        if "records" in part:
            for name, buffer in part["records"]["buffers"].items():
                old = old_snap["parts"][path]["records"]["buffers"][name]
                assert buffer["count"] == old["count"]


def _hostile(edit):
    net, _ = tutorial_network(size=20)
    run(net, 10)
    snap = net.snapshot()
    edit(snap)
    target, _ = tutorial_network(size=20)
    run(target, 5)
    before = _fingerprint(target)
    with pytest.raises(ArgumentError) as info:
        target.restore(snap)
    _assert_unchanged(target, before)
    assert "nothing was restored" in str(info.value) and info.value.argument == "snapshot"
    run(target, 3)  # still runs
    return str(info.value)


def test_a_crafted_snapshot_cannot_replace_methods():
    def edit(snap):
        snap["parts"]["network"]["values"]["simulate_iterations"] = 1
    assert "Network.simulate_iterations, which is not state" in _hostile(edit)

    def edit_behavior(snap):
        snap["parts"]["structure/0/behavior/1"]["values"]["forward"] = 0.0
    assert "forward, which is not state" in _hostile(edit_behavior)


def test_a_snapshot_cannot_set_tags_or_structure():
    def tags(snap):
        snap["parts"]["structure/0"]["values"]["tags"] = torch.zeros(1)
    assert "not a state attribute" in _hostile(tags)

    def network(snap):
        snap["parts"]["structure/0"]["values"]["network"] = 1
    assert "which is not state" in _hostile(network)

    def text(snap):
        snap["parts"]["structure/0"]["values"]["label"] = "import os"
    assert "must be a tensor or a number" in _hostile(text)


def test_a_snapshot_of_a_larger_network_is_refused_before_anything_changes(tmp_path):
    big, _ = tutorial_network(size=30)
    run(big, 10)
    big.save(tmp_path / "big.pt")
    small, _ = tutorial_network(size=20)
    run(small, 5)
    before = _fingerprint(small)
    with pytest.raises(ArgumentError, match="structure/0 has 20 neurons here but 30 in the snapshot"):
        small.load(tmp_path / "big.pt")
    _assert_unchanged(small, before)
    run(small, 5)


def test_other_recorded_variables_or_a_bad_rng_are_refused_before_anything_changes():
    def other_variables(snap):
        records = snap["parts"]["structure/0/behavior/9"]["records"]
        records["buffers"] = {"u": records["buffers"]["voltage"], **records["buffers"]}
    assert "records" in _hostile(other_variables)

    def misaligned(snap):
        snap["parts"]["structure/0/behavior/9"]["records"]["buffers"]["voltage"]["count"] += 1
    assert "samples" in _hostile(misaligned)

    def rng(snap):
        snap["rng"]["cpu"] = torch.zeros(3, dtype=torch.uint8)
    assert "not a torch random state" in _hostile(rng)

    def iteration(snap):
        snap["iteration"] = -4
    assert "iteration" in _hostile(iteration)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_corruption_restores_fully_or_changes_nothing(data):
    net, _ = tutorial_network(size=8)
    run(net, 6)
    snap = net.snapshot()
    path = data.draw(st.sampled_from(sorted(snap["parts"])))
    entry = snap["parts"][path]
    name = data.draw(st.sampled_from(sorted(entry["values"]) + ["forward", "tags", "_private", "new"]))
    value = data.draw(st.sampled_from([torch.zeros(3), torch.zeros(8, dtype=torch.float64), 1, True, 2.5,
                                       "x", None, [1], torch.zeros(8)]))
    entry["values"][name] = value
    target, _ = tutorial_network(size=8)
    run(target, 2)
    before = _fingerprint(target)
    try:
        target.restore(snap)
    except ArgumentError:
        _assert_unchanged(target, before)
    run(target, 2)
