"""Where pymonntorch_core deliberately differs from pymonntorch 0.1.4 in the compatibility API (see README)."""
import pytest
import torch

from pymonntorch_core import ArgumentError, Behavior, Network, NetworkObject, NeuronDimension, NeuronGroup, SynapseGroup


class Block(NetworkObject):
    pass


def test_all_sub_structure_lists_every_part_below():  # 0.1.4 always returns []
    net = Network()
    a, b = NeuronGroup(2, net, tag="a"), NeuronGroup(2, net, tag="b")
    inner, outer = Block(net), Block(net)
    inner.add_sub_structure(a)
    outer.add_sub_structure(inner)
    outer.add_sub_structure(b)
    outer.add_sub_structure(b)  # listed once
    assert outer.all_sub_structure() == [inner, a, b]
    assert (inner.tags[0], outer.tags[0]) == ("Block_3", "Block_4")
    assert net.sub_structures == [outer]  # always current, not only after initialize()


def test_sub_structures_refuse_cycles_and_other_networks():  # 0.1.4 prints, or recurses forever
    net, other = Network(), Network()
    inner, outer = Block(net), Block(net)
    outer.add_sub_structure(inner)
    with pytest.raises(ArgumentError, match="contains this object"):
        inner.add_sub_structure(outer)
    with pytest.raises(ArgumentError, match=r"add_sub_structure.structure: must be a NetworkObject of the same network"):
        outer.add_sub_structure(NeuronGroup(2, other))
    assert outer.sub_structures == [inner] and inner.sub_structures == []


def test_a_group_tag_never_replaces_the_network_s_own_names():  # 0.1.4 overwrites net.initialize
    net = Network()
    NeuronGroup(2, net, tag="initialize")
    first, last = NeuronGroup(2, net, tag="exc"), NeuronGroup(3, net, tag="exc")
    assert callable(net.initialize) and net.exc is last and net.exc is not first
    net.initialize(info=False, warnings=False)


def test_neuron_dimension_needs_no_behavior_dict_and_sets_coordinates_without_index():  # 0.1.4 crashes / skips
    net = Network(index=False)
    ng = NeuronGroup(size=NeuronDimension(width=3), net=net)
    assert ng.x.tolist() == [-1.0, 0.0, 1.0]


def test_progress_is_reported_once_when_the_batch_is_longer_than_the_run():  # 0.1.4 never reports
    net = Network()
    NeuronGroup(2, net)
    net.initialize(info=False)
    calls = []
    net.simulate_iterations(5, batch_size=20, measure_block_time=False,
                            batch_progress_update_func=lambda percent, n: calls.append((percent, n.iteration)))
    assert calls == [(100.0, 5)]


def test_search_other_behaviors_reads_a_sibling_s_argument():  # 0.1.4 raises AttributeError (object.behaviors)
    class Base(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            self.tau = self.parameter("tau", 1.0)

    class Reader(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            self.tau = self.parameter("tau", None, neurons, search_other_behaviors=True)

    net = Network()
    ng = NeuronGroup(2, net, behavior={1: Base(tau=4.0), 2: Reader()})
    net.initialize(info=False)
    assert ng.behavior[2].tau == 4.0


def test_same_strings_must_name_something():
    class Reader(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            self.value = self.parameter("value", None, neurons)

    net = Network()
    NeuronGroup(2, net, behavior={1: Reader(value="same(Nothing, tau)")})
    with pytest.raises(ArgumentError, match=r"Reader.value: 'same\(Nothing, tau\)' names nothing"):
        net.initialize(info=False)


def test_buffer_roll_and_get_buffer_mat_follow_the_object_device(device):
    net = Network(device=device)
    ng = NeuronGroup(3, net)
    buffer = ng.get_buffer_mat((3,), 4)
    assert buffer.shape == (4, 3) and buffer.device.type == torch.device(device).type
    rolled = ng.buffer_roll(buffer, new=torch.ones(3, device=device))
    assert rolled[0].tolist() == [1.0, 1.0, 1.0] and rolled[1:].sum() == 0


def test_a_structure_can_live_on_its_own_device():
    net = Network()
    block = Block(net, device="cpu")
    assert block.device == "cpu" and block.parent_structure is net and net.Structures == [block]
    with pytest.raises(ArgumentError, match="Network.device"):
        Block(net, device="nonsense")
    with pytest.raises(ArgumentError, match="Block.network: must be a Network"):
        Block("net")
    SynapseGroup(net=net, src=NeuronGroup(2, net), dst=NeuronGroup(2, net))
