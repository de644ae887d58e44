"""Cells of the notebooks the dashboard browser tests generate (the seed tutorial's network and friends)."""

TUTORIAL_BEHAVIORS = '''\
from pymonntorch_core import *
import time
import torch

torch.manual_seed(0)


class BasicBehavior(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.voltage = neurons.vector(mode="zeros")
        self.threshold = 2.0

    def forward(self, neurons):
        firing = neurons.voltage >= self.threshold
        neurons.spike = firing.byte()
        neurons.voltage[firing] = 0.0  # reset
        neurons.voltage *= 0.9  # voltage decay
        neurons.voltage += neurons.vector(mode="uniform", density=0.1)


class InputBehavior(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses['GLUTAMATE']:
            synapse.W = synapse.matrix('uniform', density=0.1)
            synapse.enabled = synapse.W > 0

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses['GLUTAMATE']:
            neurons.voltage += synapse.W@synapse.src.spike.float() / synapse.src.size * 10


def _drive(synapse, dst_size):
    """Input through a (dst, src) or (src, dst) weight matrix (the tutorial's W@spike needs a square one)."""
    w = synapse.W if synapse.W.shape[0] == dst_size else synapse.W.T
    return w @ synapse.src.spike.float() / synapse.src.size


class ExcInput(Behavior):
    """The tutorial's InputBehavior for a group of another size than its source."""

    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses['GLUTAMATE']:
            synapse.W = synapse.matrix('uniform', density=0.1)

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses['GLUTAMATE']:
            neurons.voltage += _drive(synapse, neurons.size) * 10


class GabaInput(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses['GABA']:
            synapse.W = synapse.matrix('uniform', density=0.1)

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses['GABA']:
            neurons.voltage -= _drive(synapse, neurons.size) * 5


# Test probe: wall-clock time of the latest iteration and every threshold change the core saw.
# Module-level state (not behavior attributes) so it adds no tunable parameter to the dashboard.
PROBE = {"t": 0.0, "it": 0, "th": None, "changes": []}


class Probe(Behavior):
    def forward(self, neurons):
        now = time.time()
        PROBE["t"], PROBE["it"] = now, neurons.network.iteration
        th = float(neurons['BasicBehavior', 0].threshold)
        if PROBE["th"] is not None and th != PROBE["th"]:
            PROBE["changes"].append((now, PROBE["it"], PROBE["th"], th))
        PROBE["th"] = th
'''

DASHBOARD_NETWORK = '''\
net = Network()
ng = NeuronGroup(net=net, size=1000, tag='excitatory',
                 behavior={
                     1: BasicBehavior(),
                     2: InputBehavior(),
                     3: GabaInput(),
                     4: Probe(),
                     9: Recorder(['voltage', 'torch.mean(voltage)']),
                     10: EventRecorder(['spike'])
                 })
ng2 = NeuronGroup(net=net, size=250, tag='inhibitory',
                  behavior={
                      1: BasicBehavior(),
                      2: ExcInput(),
                      10: EventRecorder(['spike'])
                  })
SynapseGroup(ng, ng, net, tag='GLUTAMATE')
SynapseGroup(net=net, src=ng, dst=ng2, tag='GLUTAMATE')
SynapseGroup(net=net, src=ng2, dst=ng, tag='GABA')
net.initialize()
print('groups', [g.tags[0] for g in net.NeuronGroups])
'''

SHOW_DASHBOARD = '''\
from pymonn_widgets import Dashboard
dash = Dashboard(net)
dash
'''

HELPERS = '''\
def _steps_per_step():
    for obj in (dash, getattr(dash, 'controller', None)):
        if obj is not None and hasattr(obj, 'steps_per_step'):
            return int(obj.steps_per_step)
    raise AttributeError('no steps_per_step on the dashboard or its controller')
'''

# A behavior that raises at iteration 50 until FAULT['armed'] is set False.
FAULTY = '''\
FAULT = {"armed": True}


class Faulty(Behavior):
    def forward(self, neurons):
        if FAULT["armed"] and neurons.network.iteration == 50:
            raise RuntimeError("boom at iteration 50")


net = Network()
ng = NeuronGroup(net=net, size=300, tag='excitatory',
                 behavior={
                     1: BasicBehavior(),
                     2: InputBehavior(),
                     5: Faulty(),
                     9: Recorder(['voltage', 'torch.mean(voltage)']),
                     10: EventRecorder(['spike'])
                 })
SynapseGroup(ng, ng, net, tag='GLUTAMATE')
net.initialize()
'''

# Poisson-like spiking at a rate the test sets live (RATE['p'] = spike probability per neuron per iteration).
HIGH_RATE = '''\
from pymonntorch_core import *
import torch

torch.manual_seed(0)
RATE = {"p": 0.001}


class RandomSpikes(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.voltage = neurons.vector(mode="zeros")
        neurons.spike = neurons.vector(mode="zeros").byte()

    def forward(self, neurons):
        neurons.voltage = torch.rand(neurons.size)
        neurons.spike = (neurons.voltage < RATE["p"]).byte()


net = Network()
ng = NeuronGroup(net=net, size=SIZE, tag='poisson',
                 behavior={1: RandomSpikes(), 10: EventRecorder(['spike'])})
net.initialize()
'''
