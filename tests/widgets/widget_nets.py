"""Networks for the widget tests: the tutorial network, a multi-group one, and a failing behavior."""
import torch

from pymonntorch_core import Behavior, Network, NeuronGroup, SynapseGroup
from pymonntorch_core.tutorial import BasicBehavior, tutorial_network


class Input(Behavior):
    """Input through every afferent synapse group, any shapes ((src, dst) matrices)."""

    def initialize(self, neurons):
        super().initialize(neurons)
        self.gain = 10.0
        for synapse in neurons.afferent_synapses["All"]:
            synapse.W = synapse.matrix("uniform", density=0.2)

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses["All"]:
            if hasattr(synapse.src, "spike"):
                neurons.voltage += synapse.src.spike.float() @ synapse.W / synapse.src.size * self.gain


class Faulty(Behavior):
    """Raises at iteration ``fail_at`` while ``broken``; counts its forwards in ``obj.count``."""

    parameter_ranges = {"gain": (0.0, 10.0, 0.5)}

    def initialize(self, obj):
        super().initialize(obj)
        obj.count = obj.vector("zeros")
        self.fail_at = self.parameter("fail_at", 0)
        self.gain = 1.0
        self.steps = self.parameter("steps", 3, min=0)
        self.broken = True

    def forward(self, obj):
        if self.broken and obj.iteration == self.fail_at:
            raise ZeroDivisionError("boom")
        obj.count += self.gain


def tutorial(size=100, recorders=True, seed=0):
    torch.manual_seed(seed)
    return tutorial_network(size=size, recorders=recorders)


def multi_group(seed=0):
    """exc -> inh twice (parallel), inh -> exc, exc -> exc (self-loop), plus a group without synapses."""
    torch.manual_seed(seed)
    net = Network()
    exc = NeuronGroup(net=net, size=40, behavior={1: BasicBehavior(), 2: Input()}, tag="exc")
    inh = NeuronGroup(net=net, size=10, behavior={1: BasicBehavior(), 2: Input()}, tag="inh")
    NeuronGroup(net=net, size=5, behavior={3: Faulty(fail_at=-1)}, tag="probe")
    SynapseGroup(net=net, src=exc, dst=exc, tag="GLUTAMATE")
    SynapseGroup(net=net, src=exc, dst=inh, tag="GLUTAMATE")
    SynapseGroup(net=net, src=exc, dst=inh, tag="AMPA")
    SynapseGroup(net=net, src=inh, dst=exc, tag="GABA")
    net.initialize(info=False)
    return net


def ei_network(seed=0, size=(80, 20)):
    """An E/I network of built-ins with a 0.1 ms time step (voltage in mV)."""
    from pymonntorch_core import LIF, CurrentInput, DenseSynapse

    torch.manual_seed(seed)
    net = Network()
    noise = 4.0 * 0.1 ** 0.5  # white noise of intensity nA sqrt(ms): 4 nA per 0.1 ms step
    exc = NeuronGroup(size[0], net, tag="E", behavior={1: CurrentInput(current=16.0, noise=noise, dt=0.1), 2: LIF(dt=0.1)})
    inh = NeuronGroup(size[1], net, tag="I", behavior={1: CurrentInput(current=15.0, noise=noise, dt=0.1), 2: LIF(dt=0.1)})
    for src, dst, tag, sign in [(exc, exc, "GLUTAMATE", 1.0), (exc, inh, "GLUTAMATE", 1.0), (inh, exc, "GABA", -1.0),
                                (inh, inh, "GABA", -1.0)]:
        SynapseGroup(net=net, src=src, dst=dst, tag=tag, behavior={3: DenseSynapse(scale=0.03, sign=sign, dt=0.1)})
    net.initialize(info=False)
    return net, (exc, inh)
