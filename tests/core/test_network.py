"""Structure, execution order, iteration semantics, tags and lookups."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from pymonntorch_core import (
    ArgumentError,
    Behavior,
    EventRecorder,
    Network,
    NeuronDimension,
    NeuronGroup,
    PymonnWarning,
    Recorder,
    StateError,
    SynapseGroup,
)

from .helpers import BasicBehavior, Log, tutorial_network


def test_keys_order_initialize_and_forward_across_the_whole_network():
    log = []
    net = Network(behavior={5: Log(log, "net5")})
    a = NeuronGroup(10, net, behavior={3: Log(log, "a3"), 1: Log(log, "a1")})
    NeuronGroup(10, net, behavior={2: Log(log, "b2"), 3: Log(log, "b3")})
    SynapseGroup(a, a, net, behavior={4: Log(log, "s4")})
    net.initialize(info=False)
    assert [n for n, phase, _ in log if phase == "init"] == ["a1", "b2", "a3", "b3", "s4", "net5"]
    log.clear()
    net.simulate_iterations(2, measure_block_time=False)
    order = ["a1", "b2", "a3", "b3", "s4", "net5"]
    assert log == [(n, "forward", 1) for n in order] + [(n, "forward", 2) for n in order]


def test_recorders_initialise_last_but_record_at_their_key():
    class SetLate(Behavior):
        def initialize(self, ng):
            super().initialize(ng)
            ng.late = ng.vector("ones")

        def forward(self, ng):
            ng.late += 1

    net = Network()
    NeuronGroup(3, net, behavior={1: Recorder(["late"]), 2: SetLate()})
    net.initialize(info=False)  # the recorder at key 1 finds `late`, created by key 2
    net.simulate_iterations(2, measure_block_time=False)
    # Recorded at key 1, before key 2 adds one in the same iteration.
    assert net["late", 0][:, 0].tolist() == [1.0, 2.0]


def test_iteration_counts_from_one_and_continues_across_calls():
    log = []
    net = Network()
    NeuronGroup(1, net, behavior={1: Log(log, "x")})
    net.initialize(info=False)
    assert net.iteration == 0
    net.simulate_iterations(3, measure_block_time=False)
    net.simulate_iterations(2, batch_size=1, measure_block_time=False)
    net.simulate_iteration()
    assert [it for _, phase, it in log if phase == "forward"] == [1, 2, 3, 4, 5, 6]
    assert net.iteration == 6


def test_batches_cover_all_iterations_and_report_progress(capsys):
    net, _ = tutorial_network(size=10)
    progress = []
    elapsed = net.simulate_iterations(10, batch_size=3, batch_progress_update_func=lambda p, n: progress.append(p))
    assert net.iteration == 10
    assert progress == pytest.approx([100 / 3, 200 / 3, 100.0])  # the last batch takes the remainder
    assert isinstance(elapsed, float) and elapsed >= 0
    assert "batch 3/3: 4 iterations" in capsys.readouterr().out


def test_reinitialize_resets_state_and_records():
    net, ng = tutorial_network(size=20)
    net.simulate_iterations(50, measure_block_time=False)
    net.initialize(info=False)
    assert net.iteration == 0
    assert torch.count_nonzero(ng.voltage) == 0
    assert net["voltage", 0].shape[0] == 0
    net.simulate_iterations(5, measure_block_time=False)
    assert net["voltage", 0].shape == (5, 20)


def test_default_tags_and_lookups():
    net = Network()
    ng = NeuronGroup(net=net, size=4, behavior={1: BasicBehavior()})
    sg = SynapseGroup(net=net, src=ng, dst=ng, tag="GLUTAMATE")
    assert net.tags == ["Network_1", "Network"]
    assert ng.tags == ["NeuronGroup_1", "NeuronGroup", "ng"]
    assert sg.tags == ["GLUTAMATE", "SynapseGroup", "syn", "NeuronGroup_1 => NeuronGroup_1"]
    assert net["ng"] == [ng] and net["ng", 0] is ng and net["syn", 0] is sg
    assert net["GLUTAMATE"] == [sg]
    assert net["BasicBehavior", 0] is ng["BasicBehavior", 0] is ng.behavior[1]
    assert ng[1] == [ng.behavior[1]]
    assert net["nothing"] == [] and net["nothing", 0] is None and net["ng", 5] is None
    assert net["ng", -1] is ng
    assert net.NeuronGroup_1 is ng and net.GLUTAMATE is sg and ng.BasicBehavior is ng.behavior[1]
    assert net.NeuronGroups == [ng] and net.SynapseGroups == [sg]


def test_lookups_are_fresh_after_more_steps():
    net, _ = tutorial_network(size=50)
    net.simulate_iterations(100, measure_block_time=False)
    first, first_spikes = net["voltage", 0], net["spike.t", 0]
    net.simulate_iterations(100, measure_block_time=False)
    assert first.shape[0] == 100 and net["voltage", 0].shape[0] == 200
    assert first_spikes.max() <= 100 < net["spike.t", 0].max() <= 200


def test_afferent_and_efferent_synapses_for_groups_created_in_any_order():
    net = Network()
    a = NeuronGroup(3, net, tag="a")
    s1 = SynapseGroup(net, a, a, tag="GLUTAMATE")
    b = NeuronGroup(5, net, tag="b")  # created after a synapse exists
    s2 = SynapseGroup(a, b, net, tag="GABA")
    assert b.afferent_synapses["GABA"] == [s2] and b.afferent_synapses["GLUTAMATE"] == []
    assert a.efferent_synapses["All"] == [s1, s2] and a.afferent_synapses["All"] == [s1]
    assert b.afferent_synapses["a => b"] == [s2]
    with pytest.raises(KeyError, match="GABBA.*did you mean 'GABA'"):
        b.afferent_synapses["GABBA"]


def test_synapse_group_positional_forms_and_matrix_orientation():
    net = Network()
    a, b = NeuronGroup(3, net, tag="a"), NeuronGroup(5, net, tag="b")
    for sg in (SynapseGroup(a, b, net), SynapseGroup(net, a, b), SynapseGroup(net=net, src="a", dst="b")):
        assert sg.src is a and sg.dst is b
        assert sg.matrix("ones").shape == (3, 5)
    dxs = Network(synapse_mode="DxS")
    c, d = NeuronGroup(3, dxs), NeuronGroup(5, dxs)
    assert SynapseGroup(c, d, dxs).matrix().shape == (5, 3)


def test_matrix_respects_enabled_mask_and_clone():
    net = Network()
    a = NeuronGroup(4, net)
    sg = SynapseGroup(a, a, net)
    sg.enabled = torch.eye(4, dtype=torch.bool)
    assert torch.equal(sg.matrix("ones"), torch.eye(4))
    assert torch.equal(sg.matrix("ones", only_enabled=False), torch.ones(4, 4))
    rows = sg.matrix("uniform", only_enabled=False, clone_along_first_axis=True)
    assert torch.equal(rows, rows[0].expand(4, 4))


def test_neuron_dimension_gives_size_and_coordinates():
    net = Network()
    ng = NeuronGroup(size=NeuronDimension(width=4, height=3, depth=2), net=net, behavior={1: BasicBehavior()})
    assert ng.size == 24 and (ng.width, ng.height, ng.depth) == (4, 3, 2)
    assert ng.x[:5].tolist() == [-1.5, -0.5, 0.5, 1.5, -1.5] and ng.y[:5].tolist() == [-1, -1, -1, -1, 0]
    assert ng.z.tolist() == [-0.5] * 12 + [0.5] * 12
    grid = NeuronGroup(size=NeuronDimension(width=3, height=2, centered=False), net=net)
    assert grid.x.tolist() == [0, 1, 2] * 2 and grid.y.tolist() == [0, 0, 0, 1, 1, 1]
    assert ng.id.tolist() == list(range(24))
    assert ng.behavior[0].__class__ is NeuronDimension


def test_dtype_and_device_flow_into_every_tensor(device):
    net = Network(dtype=torch.float64, device=device)
    ng = NeuronGroup(8, net, behavior={1: BasicBehavior(), 5: Recorder("voltage")})
    net.initialize(info=False)
    net.simulate_iterations(3, measure_block_time=False)
    assert ng.voltage.dtype == torch.float64 and ng.voltage.device.type == device
    assert net["voltage", 0].dtype == torch.float64 and net["voltage", 0].device.type == device
    assert ng.vector("ones", dtype=torch.int32).dtype == torch.int32


def test_repr_and_initialize_summary(capsys):
    net, ng = tutorial_network(size=10)
    net.initialize()
    out = capsys.readouterr().out
    assert "Neurons: 10|1 groups" in out and "Synapses: 100|1 groups" in out
    assert "9: Recorder(['voltage', 'torch.mean(voltage)'])" in out
    assert repr(ng).startswith("NeuronGroup['NeuronGroup_1', 'NeuronGroup', 'ng'](10)")


def test_duplicate_group_tags_are_renamed_with_a_warning():
    net = Network()
    NeuronGroup(2, net, tag="exc")
    second = NeuronGroup(2, net, tag="exc")
    with pytest.warns(PymonnWarning, match="renamed to 'excb'"):
        net.initialize(info=False)
    assert second.tags == ["excb", "NeuronGroup", "ng", "exc"]  # the old name goes last


def test_behaviors_can_be_disabled_removed_and_added_live():
    log = []
    net = Network()
    ng = NeuronGroup(1, net, behavior={1: Log(log, "a"), 2: Log(log, "b")})
    net.initialize(info=False)
    ng.behavior[1].behavior_enabled = False
    net.simulate_iteration()
    ng.remove_behavior(2)
    ng.add_behavior(3, Log(log, "c"))
    net.simulate_iteration()
    ng.set_behaviors("Log", True)
    net.simulate_iteration()
    assert [(n, it) for n, phase, it in log if phase == "forward"] == [("b", 1), ("c", 2), ("a", 3), ("c", 3)]
    with pytest.raises(ArgumentError, match="key 3 is taken"):
        ng.add_behavior(3, Log(log, "d"))


def test_simulating_before_initialize_or_after_adding_groups_is_refused():
    net = Network()
    NeuronGroup(2, net, behavior={1: BasicBehavior()})
    with pytest.raises(StateError, match="initialize"):
        net.simulate_iterations(1)
    net.initialize(info=False)
    NeuronGroup(2, net)
    with pytest.raises(StateError, match="added after initialize"):
        net.simulate_iterations(1)


def test_disable_recording_pauses_recorders_for_the_call():
    net, _ = tutorial_network(size=10)
    net.simulate_iterations(5, disable_recording=True, measure_block_time=False)
    assert net["voltage", 0].shape[0] == 0
    net.simulate_iterations(5, measure_block_time=False)
    assert net["voltage", 0].shape[0] == 5


def test_clear_recorder():
    net, _ = tutorial_network(size=10)
    net.simulate_iterations(5, measure_block_time=False)
    net.clear_recorder()
    assert net["voltage", 0].shape[0] == 0 and net["spike", 0].shape[0] == 0
    net.simulate_iterations(2, measure_block_time=False)
    assert net["voltage", 0].shape[0] == 2


def test_measure_behavior_execution_time():
    net, _ = tutorial_network(size=10)
    times = net.simulate_iteration(measure_behavior_execution_time=True)
    assert set(times) == {1, 2, 9, 10} and all(t >= 0 for t in times.values())
    assert net.iteration == 1


def test_event_recorder_on_synapse_matrix_gives_three_columns():
    net = Network()
    ng = NeuronGroup(3, net)

    class Flags(Behavior):
        def initialize(self, sg):
            super().initialize(sg)
            sg.active = torch.zeros(3, 3, dtype=torch.bool)
            sg.active[0, 2] = sg.active[1, 1] = True

    SynapseGroup(ng, ng, net, behavior={1: Flags(), 2: EventRecorder(["active"])})
    net.initialize(info=False)
    net.simulate_iterations(2, measure_block_time=False)
    assert net["active", 0].tolist() == [[1, 0, 2], [1, 1, 1], [2, 0, 2], [2, 1, 1]]
    assert net["active.j", 0].tolist() == [2, 1, 2, 1]


def test_tags_never_shadow_methods_or_attributes():
    net = Network()
    ng = NeuronGroup(2, net, tag="initialize", behavior={1: BasicBehavior(tag="vector")})
    net.initialize(info=False)  # still the method
    assert net["initialize", 0] is ng and ng.vector("ones").shape == (2,)
    assert ng["vector", 0] is ng.behavior[1]


_KEYS = st.one_of(
    st.text(max_size=20), st.sampled_from(["ng", "syn", "GLUTAMATE", "voltage", "spike.t", "BasicBehavior", "All"]),
    st.integers(-5, 20), st.floats(allow_nan=True), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
    st.sampled_from([Network, NeuronGroup, Behavior, int]),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_KEYS, st.tuples(_KEYS, _KEYS), st.tuples(_KEYS), st.tuples(_KEYS, _KEYS, _KEYS)))
def test_no_lookup_key_crashes_with_anything_but_a_clear_error(key):
    net, ng = _LOOKUP_NET
    for obj in (net, ng):
        try:
            found = obj[key]
        except ArgumentError as error:
            assert "[...]" in str(error)
            continue
        if isinstance(key, tuple):  # one item, the same as indexing the list, or None
            items = obj[key[0]]
            expected = items[key[1]] if -len(items) <= key[1] < len(items) else None
            if isinstance(expected, torch.Tensor):
                assert torch.equal(found, expected)
            else:
                assert found is expected
        else:
            assert isinstance(found, list)


_LOOKUP_NET = tutorial_network(size=5)
_LOOKUP_NET[0].simulate_iterations(3, measure_block_time=False)
