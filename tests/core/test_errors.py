"""Bad input raises early, names the object and the argument, and says what was expected."""
import pytest
import torch

from pymonntorch_core import (
    ArgumentError,
    Behavior,
    Network,
    NeuronDimension,
    NeuronGroup,
    Recorder,
    SynapseGroup,
)

from .helpers import BasicBehavior, tutorial_network


@pytest.mark.parametrize("size, message", [
    (-3, "NeuronGroup.size: must be a positive int or a NeuronDimension, got -3"),
    (0, "NeuronGroup.size: must be a positive int"),
    (2.5, "NeuronGroup.size: must be a positive int"),
    ("10", "NeuronGroup.size: must be a positive int"),
    (True, "NeuronGroup.size: must be a positive int"),
    (None, "NeuronGroup.size: must be a positive int"),
])
def test_bad_sizes(size, message):
    with pytest.raises(ArgumentError, match=message):
        NeuronGroup(size, Network())


@pytest.mark.parametrize("behavior, message", [
    ({1: BasicBehavior}, "behavior\\[1\\]: must be a Behavior instance, got the class BasicBehavior; did you mean BasicBehavior\\(\\)"),
    ({"a": BasicBehavior()}, "NeuronGroup.behavior: keys must be ints"),
    ({1.5: BasicBehavior()}, "keys must be ints"),
    ({1: "BasicBehavior"}, "behavior\\[1\\]: must be a Behavior instance, got 'BasicBehavior'"),
    ([BasicBehavior(), 3], "behavior\\[1\\]: must be a Behavior instance"),
    ("BasicBehavior", "NeuronGroup.behavior: must be a dict"),
])
def test_bad_behaviors(behavior, message):
    with pytest.raises(ArgumentError, match=message):
        NeuronGroup(3, Network(), behavior=behavior)


def test_behavior_without_super_init():
    class Forgetful(Behavior):
        def __init__(self):
            self.x = 1

    with pytest.raises(ArgumentError, match="must call super\\(\\).__init__"):
        NeuronGroup(3, Network(), behavior={1: Forgetful()})


def test_bad_network_arguments():
    with pytest.raises(ArgumentError, match="Network.dtype: must be a floating torch dtype"):
        Network(dtype=torch.int32)
    with pytest.raises(ArgumentError, match="Network.synapse_mode: must be 'SxD'"):
        Network(synapse_mode="SD")
    with pytest.raises(ArgumentError, match="Network.device: must be a torch device"):
        Network(device="gpu0")
    with pytest.raises(ArgumentError, match="NeuronGroup.net: must be a Network"):
        NeuronGroup(3, None)
    with pytest.raises(ArgumentError, match="tag: must be a str"):
        NeuronGroup(3, Network(), tag=5)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message when CUDA is absent")
def test_unavailable_cuda_device():
    with pytest.raises(ArgumentError, match="Network.device: 'cuda' is not available"):
        Network(device="cuda")


def test_bad_synapse_groups():
    net, other = Network(), Network()
    a, b = NeuronGroup(2, net, tag="a"), NeuronGroup(2, other, tag="b")
    with pytest.raises(ArgumentError, match="SynapseGroup.dst: NeuronGroup 'b' belongs to another network"):
        SynapseGroup(a, b, net)
    with pytest.raises(ArgumentError, match="SynapseGroup.src: no NeuronGroup tagged 'x'.*groups: 'a'"):
        SynapseGroup(net=net, src="x", dst=a)
    with pytest.raises(ArgumentError, match="SynapseGroup.src: must be a NeuronGroup"):
        SynapseGroup(net=net, src=None, dst=a)
    with pytest.raises(ArgumentError, match="SynapseGroup.net: must be a Network"):
        SynapseGroup(a, a, "net")
    with pytest.raises(ArgumentError, match="given both by position and by keyword"):
        SynapseGroup(a, a, net, src=a)


@pytest.mark.parametrize("iterations, message", [
    (-1, "Network.simulate_iterations.iterations: must be an int >= 0, got -1"),
    (2.5, "iterations: must be an int >= 0"),
    ("1s", "iterations: must be an int >= 0, got the string '1s'"),
    (None, "iterations: must be an int >= 0"),
])
def test_bad_iteration_counts(iterations, message):
    net, _ = tutorial_network(size=3)
    with pytest.raises(ArgumentError, match=message):
        net.simulate_iterations(iterations)
    assert net.iteration == 0


def test_bad_batch_size():
    net, _ = tutorial_network(size=3)
    with pytest.raises(ArgumentError, match="batch_size: must be a positive int or -1"):
        net.simulate_iterations(10, batch_size=0)


def test_bad_neuron_dimension_and_key_zero():
    with pytest.raises(ArgumentError, match="NeuronDimension.width: must be a positive int"):
        NeuronDimension(width=0)
    with pytest.raises(ArgumentError, match="key 0 is where the NeuronDimension"):
        NeuronGroup(NeuronDimension(2, 2), Network(), behavior={0: BasicBehavior()})


@pytest.mark.parametrize("key", [[1], {"a": 1}, 1.5, None, ("ng", "0")])
def test_bad_lookup_keys(key):
    net, _ = tutorial_network(size=3)
    with pytest.raises(ArgumentError, match="Network 'Network_1'\\[...\\]"):
        net[key]


def test_errors_do_not_lose_records():
    net, ng = tutorial_network(size=20)
    net.simulate_iterations(30, measure_block_time=False)
    recorded = net["voltage", 0].clone()
    for bad in (lambda: net.simulate_iterations(-5), lambda: ng.vector("nope"),
                lambda: ng["BasicBehavior", 0].set_parameter("threshold", "x"), lambda: net["voltage", "0"],
                lambda: ng.add_behavior(9, Recorder(["voltage"]))):
        with pytest.raises(ArgumentError):
            bad()
    assert torch.equal(net["voltage", 0], recorded) and net.iteration == 30
    net.simulate_iterations(5, measure_block_time=False)
    assert net["voltage", 0].shape == (35, 20)
