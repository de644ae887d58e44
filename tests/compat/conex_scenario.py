"""A seeded CoNeX network, written only against the published names (``pymonntorch``, ``conex``).

``run()`` builds it, simulates it and returns what it measured as plain JSON-able values. The same
code runs under the published pymonntorch 0.1.4 (``record_reference.py``) and on pymonntorch_core
through ``install_as_pymonntorch()`` (``test_conex.py``); never both in one process.

Structures: two cortical layers (excitatory and inhibitory populations, E->I and I->E synapses), a
column joining them with a layer connection (reward-modulated STDP), a stimulus population reaching
the column through ports (a Synapsis with STDP), network payoff and dopamine, and a replica of the
first layer (``replicate``), whose excitatory group is then ``net.L4_exc``. ``run_input_layer()``
adds CoNeX's InputLayer (a dataset played as spikes), NeuronDimension grids, k-winners-take-all and
homeostasis.
"""
import sys
import types

ITERATIONS = 60
SEED = 2024


def stub_torchvision():
    """conex imports torchvision.transforms.functional in one helper module this scenario never uses."""
    if "torchvision" in sys.modules:
        return
    try:
        import torchvision  # noqa: F401
    except ImportError:
        for name in ("torchvision", "torchvision.transforms", "torchvision.transforms.functional"):
            sys.modules[name] = types.ModuleType(name)


def run(iterations=ITERATIONS, keep=None):
    """Build, initialise and run the network; ``keep`` (a list) receives the network."""
    stub_torchvision()
    import torch
    from conex import LIF as ConexLIF
    from conex import (
        Dopamine,
        Fire,
        InherentNoise,
        NeuronAxon,
        Payoff,
        SimpleDendriteComputation,
        SimpleDendriteStructure,
        SimpleDendriticInput,
        SimpleRSTDP,
        SimpleSTDP,
        SpikeTrace,
        SynapseInit,
        WeightClip,
        WeightInitializer,
        prioritize_behaviors,
    )
    from conex.nn import CorticalColumn, CorticalLayer, CorticalLayerConnection, Neocortex, Port, Synapsis, replicate
    from pymonntorch import Behavior, EventRecorder, NeuronGroup, Recorder, SynapseGroup

    class ExcitatoryPayoff(Payoff):
        """Reward: the fraction of net.L4_exc spiking, minus a baseline."""

        def forward(self, network):
            group = network.L4_exc
            network.payoff = float(group.spikes.sum()) / group.size - 0.1

    class Probe(Behavior):
        """Logs, each iteration, every group's spike count and the network's dopamine."""

        def initialize(self, network):
            super().initialize(network)
            self.spikes = [[] for _ in network.NeuronGroups]
            self.dopamine = []
            self.payoff = []

        def forward(self, network):
            for counts, ng in zip(self.spikes, network.NeuronGroups):
                counts.append(int(ng.spikes.sum()))
            self.dopamine.append(float(network.dopamine_concentration))
            self.payoff.append(float(network.payoff))

    torch.manual_seed(SEED)
    net = Neocortex(dt=1, behavior={100: ExcitatoryPayoff(), 120: Dopamine(tau_dopamine=5.0), 990: Probe()},
                    index=True)

    def population(tag, size, noise):
        behavior = prioritize_behaviors([
            SimpleDendriteStructure(),
            SimpleDendriteComputation(I_tau=3.0),
            ConexLIF(R=2.0, threshold=-55.0, tau=10.0, v_reset=-70.0, v_rest=-65.0),
            InherentNoise(mode="rand", scale=noise, offset=-noise / 2 + 1.5),
            Fire(),
            SpikeTrace(tau_s=4.0),
            NeuronAxon(),
        ])
        behavior[900] = Recorder(variables=["v", "trace"], tag=f"rec_{tag.split(',')[0]}")
        behavior[901] = EventRecorder(variables=["spikes"], tag=f"ev_{tag.split(',')[0]}")
        return NeuronGroup(size, net, behavior=behavior, tag=tag)

    def synapse_behavior(scale, learning=None):
        parts = [SynapseInit(), WeightInitializer(mode="rand", scale=scale), SimpleDendriticInput(current_coef=1.0),
                 WeightClip(w_min=0.0, w_max=1.0)]
        return prioritize_behaviors(parts + ([learning] if learning is not None else []))

    def layer(name, n_exc, n_inh):
        exc = population(f"{name}_exc,exc", n_exc, 4.0)
        inh = population(f"{name}_inh,inh", n_inh, 3.0)
        e_to_i = SynapseGroup(net=net, src=exc, dst=inh, tag=f"{name}_EI,Proximal",
                              behavior=synapse_behavior(0.6, SimpleSTDP(a_plus=0.02, a_minus=0.01)))
        i_to_e = SynapseGroup(net=net, src=inh, dst=exc, tag=f"{name}_IE,Proximal", behavior=synapse_behavior(0.8))
        return CorticalLayer(net, excitatory_neurongroup=exc, inhibitory_neurongroup=inh,
                             synapsegroups=[e_to_i, i_to_e],
                             input_ports={"input": ({}, [Port(exc, None)])},
                             output_ports={"output": ({}, [Port(exc, None)])}, tag=name)

    l4 = layer("L4", 30, 10)
    l23 = layer("L23", 20, 8)
    connection = CorticalLayerConnection(net, connections=[
        ("exc_pop", "exc_pop", synapse_behavior(0.5, SimpleRSTDP(a_plus=0.03, a_minus=0.01, tau_c=6.0)),
         "L4_L23,Proximal")], tag="L4_to_L23")
    column = CorticalColumn(net, layers={"L4": l4, "L23": l23}, layer_connections=[("L4", "L23", connection)],
                            input_ports={"input": ({}, [Port(l4, "input")])}, tag="column")
    stimulus = population("stim", 16, 5.0)
    synapsis = Synapsis(net, src=stimulus, dst=column, input_port=None, output_port="input",
                        synapsis_behavior=synapse_behavior(0.7, SimpleSTDP(a_plus=0.01, a_minus=0.02)),
                        synaptic_tag="stim_L4,Proximal", tag="stim_to_column")
    replica, _ = replicate(l4, net)

    net.initialize(info=False, warnings=False)
    net.simulate_iterations(iterations, measure_block_time=False)
    if keep is not None:
        keep.append(net)
    return measure(net, [l4, l23, connection, column, synapsis, replica], stimulus)


def measure(net, containers, stimulus):
    probe = net["Probe", 0]

    def numbers(tensor):
        return [round(float(x), 6) for x in tensor.flatten()[:6]]

    def tag_of(obj):
        return obj.tags[0]

    values = {
        "network_tags": list(net.tags),
        "structure_tags": [list(s.tags) for s in net.Structures],
        "structure_classes": [type(s).__name__ for s in net.Structures],
        "parent_structures": [tag_of(s.parent_structure) for s in net.Structures],
        "sub_structures": {tag_of(c): [tag_of(s) for s in c.sub_structures] for c in containers},
        "network_sub_structures": [tag_of(s) for s in net.sub_structures],
        "net_attribute_L4_exc": net.Structures.index(net.L4_exc),
        "execution_order": [[key, tag_of(parent), type(b).__name__] for key, parent, b in
                            net.sorted_behavior_execution_list],
        "afferent_proximal": [[tag_of(sg) for sg in ng.afferent_synapses["Proximal"]] for ng in net.NeuronGroups],
        "spikes_per_step": probe.spikes,
        "spike_totals": [sum(counts) for counts in probe.spikes],
        "payoff": [round(x, 6) for x in probe.payoff],
        "dopamine": [round(x, 6) for x in probe.dopamine],
        "weights_sum": [round(float(sg.weights.sum()), 5) for sg in net.SynapseGroups],
        "weights_head": [numbers(sg.weights) for sg in net.SynapseGroups],
        "eligibility_sum": [round(float(sg.c.sum()), 6) for sg in net.SynapseGroups if hasattr(sg, "c")],
        "trace_sum": [round(float(ng.trace.sum()), 5) for ng in net.NeuronGroups],
        "trace_head": [numbers(ng.trace) for ng in net.NeuronGroups],
        "voltage_head": [numbers(ng.v) for ng in net.NeuronGroups],
        "recorded_v_shapes": [list(t.shape) for t in net["v"]],
        "recorded_trace_shapes": [list(t.shape) for t in net["trace"]],
        "recorded_spike_shapes": [list(t.shape) for t in net["spikes"]],
        "recorded_stimulus_v_mean": round(float(stimulus["v", 0].mean()), 5),
        "recorded_spike_rows_stimulus": stimulus["spikes", 0][:5].tolist(),
        "iteration": net.iteration,
    }
    return values


def run_input_layer(iterations=40):
    stub_torchvision()
    import torch
    from conex import (
        KWTA,
        ActivityBaseHomeostasis,
        Fire,
        NeuronAxon,
        SimpleDendriteComputation,
        SimpleDendriteStructure,
        SimpleDendriticInput,
        SimpleSTDP,
        SpikeTrace,
        SynapseInit,
        WeightClip,
        WeightInitializer,
        prioritize_behaviors,
    )
    from conex import LIF as ConexLIF
    from conex.nn import InputLayer, Neocortex, Synapsis
    from pymonntorch import EventRecorder, NeuronDimension, NeuronGroup
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(SEED + 1)
    images = TensorDataset(torch.rand(6, 4, 4) > 0.6, torch.arange(6))
    net = Neocortex(dt=1, index=True)
    source = InputLayer(net, DataLoader(images, batch_size=2), sensory_size=NeuronDimension(depth=1, height=4, width=4),
                        instance_duration=5, silent_interval=2, sensory_trace=3.0,
                        output_ports={"data": (None, [("sensory_pop", {})])}, tag="input")
    grid = NeuronGroup(NeuronDimension(depth=2, height=3, width=3), net, tag="grid", behavior={
        **prioritize_behaviors([
            SimpleDendriteStructure(), SimpleDendriteComputation(),
            ConexLIF(R=5.0, threshold=-55.0, tau=8.0, v_reset=-70.0, v_rest=-65.0),
            KWTA(k=2, dimension=0), Fire(), SpikeTrace(tau_s=3.0), NeuronAxon(),
            ActivityBaseHomeostasis(activity_rate=2, window_size=10, updating_rate=0.1)]),
        900: EventRecorder(["spikes"])})
    Synapsis(net, src=source, dst=grid, input_port="data", synaptic_tag="Proximal",
             synapsis_behavior=prioritize_behaviors([
                 SynapseInit(), WeightInitializer(mode="normal(0.5, 0.2)", scale=4.0), SimpleDendriticInput(),
                 SimpleSTDP(a_plus=0.05, a_minus=0.02), WeightClip(w_min=0, w_max=3)]))
    net.initialize(info=False)
    net.simulate_iterations(iterations, measure_block_time=False)
    synapse = net.SynapseGroups[0]
    return {
        "structure_tags": [list(s.tags) for s in net.Structures],
        "execution_order": [[key, parent.tags[0], type(b).__name__] for key, parent, b in
                            net.sorted_behavior_execution_list],
        "parent_of_sensory": source.sensory_pop.parent_structure.tags[0],
        "grid_coordinates": [grid.x.tolist(), grid.y.tolist(), grid.z.tolist()],
        "sensory_coordinates": [source.sensory_pop.x.tolist(), source.sensory_pop.y.tolist()],
        "spike_events": net["spikes", 0].tolist(),
        "weights_sum": round(float(synapse.weights.sum()), 4),
        "thresholds": [round(float(t), 4) for t in grid.threshold.flatten()],
        "iteration": net.iteration,
    }
