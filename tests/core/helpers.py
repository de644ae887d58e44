"""Behaviors shared by the core tests: the tutorial's, and small probes."""
from pymonntorch_core import Behavior


class BasicBehavior(Behavior):
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
    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            synapse.W = synapse.matrix("uniform", density=0.1)
            synapse.enabled = synapse.W > 0

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            neurons.voltage += synapse.W @ synapse.src.spike.float() / synapse.src.size * 10


class Log(Behavior):
    """Appends (name, phase, iteration) to a shared list on initialize and forward."""

    def __init__(self, log, name, **kwargs):
        super().__init__(**kwargs)
        self.log, self.name = log, name

    def initialize(self, obj):
        super().initialize(obj)
        self.log.append((self.name, "init", obj.iteration))

    def forward(self, obj):
        self.log.append((self.name, "forward", obj.iteration))


class Counter(Behavior):
    """Counts forwards into obj.count; raises at iteration ``fail_at`` while ``self.broken``."""

    def initialize(self, obj):
        super().initialize(obj)
        obj.count = obj.vector("zeros")
        self.fail_at = self.parameter("fail_at", 0)
        self.broken = True

    def forward(self, obj):
        if self.broken and obj.iteration == self.fail_at:
            raise ZeroDivisionError("boom")
        obj.count += 1


def tutorial_network(size=100, device="cpu", recorders=True, **network_kwargs):
    from pymonntorch_core import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup

    net = Network(device=device, **network_kwargs)
    behaviors = {1: BasicBehavior(), 2: InputBehavior()}
    if recorders:
        behaviors.update({9: Recorder(["voltage", "torch.mean(voltage)"]), 10: EventRecorder(["spike"])})
    ng = NeuronGroup(net=net, size=size, behavior=behaviors)
    SynapseGroup(ng, ng, net, tag="GLUTAMATE")
    net.initialize(info=False)
    return net, ng
