"""The PymoNNtorch tutorial's behaviors and network, ready to import for demos, tests and benchmarks.

>>> from pymonntorch_core.tutorial import tutorial_network
>>> net, ng = tutorial_network(size=1000)
>>> net.simulate_iterations(1000, measure_block_time=False)
"""
import torch

from .behavior import Behavior
from .network import Network
from .neuron_group import NeuronGroup
from .recorder import EventRecorder, Recorder
from .synapse_group import SynapseGroup

__all__ = ["BasicBehavior", "InputBehavior", "tutorial_network"]


class BasicBehavior(Behavior):
    """Leaky neurons with random input: reset to 0 at ``threshold``, decay by 0.9 per step."""

    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.voltage = neurons.vector(mode="zeros")
        self.threshold = 2.0

    def forward(self, neurons):
        firing = neurons.voltage >= self.threshold
        neurons.spike = firing.byte()
        neurons.voltage[firing] = 0.0
        neurons.voltage *= 0.9
        neurons.voltage += neurons.vector(mode="uniform", density=0.1)


class InputBehavior(Behavior):
    """Input through the group's afferent ``GLUTAMATE`` synapses (10% dense uniform weights)."""

    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            synapse.W = synapse.matrix("uniform", density=0.1)
            synapse.enabled = synapse.W > 0

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            neurons.voltage += synapse.W @ synapse.src.spike.float() / synapse.src.size * 10


def tutorial_network(size=1000, device="cpu", recorders=True, dtype=torch.float32, **network_kwargs):
    """The tutorial's network, initialised: ``(net, ng)``; with ``recorders`` it records ``voltage``,
    ``torch.mean(voltage)`` (key 9) and ``spike`` events (key 10)."""
    net = Network(device=device, dtype=dtype, **network_kwargs)
    behaviors = {1: BasicBehavior(), 2: InputBehavior()}
    if recorders:
        behaviors.update({9: Recorder(["voltage", "torch.mean(voltage)"]), 10: EventRecorder(["spike"])})
    ng = NeuronGroup(net=net, size=size, behavior=behaviors)
    SynapseGroup(ng, ng, net, tag="GLUTAMATE")
    net.initialize(info=False)
    return net, ng
