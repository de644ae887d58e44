"""Tunable parameters: found, described, validated, and live at the next iteration."""
import pytest
import torch

from pymonntorch_core import ArgumentError, Behavior, Network, NeuronGroup, Parameter, PymonnWarning, Recorder

from .helpers import BasicBehavior, tutorial_network


class Lif(Behavior):
    parameter_ranges = {"tau": (1.0, 100.0, 0.5), "threshold": {"min": 0.0, "max": 5.0, "unit": "mV"}}

    def initialize(self, ng):
        super().initialize(ng)
        self.tau = self.parameter("tau", 10.0)
        self.threshold = self.parameter("threshold", 1.0)
        self.current = self.parameter("current", 0.2, min=0.0, max=2.0, step=0.01, unit="nA",
                                      description="input current")
        self.refractory = self.parameter("refractory", 2)
        self.adaptive = False
        self.gain = torch.tensor(1.5)
        self.weights = torch.ones(3)  # not a scalar: not tunable
        self.label = "lif"  # not a number: not tunable
        ng.voltage = ng.vector("zeros")

    def forward(self, ng):
        ng.voltage += (self.current * self.gain - ng.voltage) / self.tau
        ng.spike = ng.voltage >= self.threshold
        ng.voltage[ng.spike] = 0.0


def test_discovery_in_assignment_order_with_declared_ranges():
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: Lif(tau=20.0)})
    net.initialize(info=False)
    params = {p.name: p for p in ng["Lif", 0].tunable_parameters()}
    assert list(params) == ["tau", "threshold", "current", "refractory", "adaptive", "gain"]
    assert params["tau"] == Parameter("tau", 20.0, "float", 1.0, 100.0, 0.5)
    assert params["threshold"].unit == "mV" and params["threshold"].max == 5.0
    assert params["current"] == Parameter("current", 0.2, "float", 0.0, 2.0, 0.01, "nA", "input current")
    assert params["refractory"].kind == "int" and params["adaptive"].kind == "bool"
    assert params["gain"].value == 1.5 and params["gain"].kind == "float"


def test_tutorial_threshold_is_found_without_declarations():
    net, ng = tutorial_network(size=10)
    (threshold,) = ng["BasicBehavior", 0].tunable_parameters()
    assert threshold.name == "threshold" and threshold.value == 2.0 and threshold.min is None
    assert ng["Recorder", 0].tunable_parameters() == []


def test_a_change_between_iterations_applies_at_the_next_one_without_reinitialising():
    net, ng = tutorial_network(size=200)
    net.simulate_iterations(100, measure_block_time=False)
    before = net["spike", 0].shape[0]
    ng["BasicBehavior", 0].set_parameter("threshold", 100.0)
    net.simulate_iterations(100, measure_block_time=False)
    assert net.iteration == 200
    assert net["spike", 0].shape[0] == before  # no neuron can reach 100
    assert net["voltage", 0][100:].max() > 2.0


def test_tensor_parameters_are_set_in_place():
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: Lif()})
    net.initialize(info=False)
    lif = ng["Lif", 0]
    gain = lif.gain
    assert lif.set_parameter("gain", 3) == 1.5
    assert gain is lif.gain and lif.gain.item() == 3.0


@pytest.mark.parametrize("name, value, message", [
    ("tau", 0.5, "Lif.tau: must lie in \\[1.0, 100.0\\], got 0.5"),
    ("tau", "fast", "Lif.tau: must be a number, got 'fast'"),
    ("tau", float("inf"), "must be a finite number"),
    ("refractory", 1.5, "Lif.refractory: must be a whole number"),
    ("adaptive", 2, "Lif.adaptive: must be True or False"),
    ("treshold", 1.0, "no tunable parameter 'treshold'; did you mean 'threshold'"),
    ("weights", 1.0, "no tunable parameter 'weights'"),
])
def test_bad_values_are_refused_and_the_old_value_kept(name, value, message):
    net = Network()
    ng = NeuronGroup(3, net, behavior={1: Lif()})
    net.initialize(info=False)
    lif = ng["Lif", 0]
    old = {p.name: p.value for p in lif.tunable_parameters()}
    with pytest.raises(ArgumentError, match=message):
        lif.set_parameter(name, value)
    assert {p.name: p.value for p in lif.tunable_parameters()} == old


def test_bad_parameter_ranges_declaration():
    class Broken(Behavior):
        parameter_ranges = {"x": "wide"}

        def initialize(self, ng):
            super().initialize(ng)
            self.x = 1.0

    net = Network()
    ng = NeuronGroup(1, net, behavior={1: Broken()})
    net.initialize(info=False)
    with pytest.raises(ArgumentError, match="Broken.parameter_ranges\\['x'\\]"):
        ng["Broken", 0].tunable_parameters()


def test_parameter_helper_reads_kwargs_converts_strings_and_keeps_init_kwargs():
    class Reader(Behavior):
        def initialize(self, ng):
            super().initialize(ng)
            self.rate = self.parameter("rate", 1.0)
            self.share = self.parameter("share", 0.5)
            self.values = self.parameter("values", None, ng)

    net = Network()
    ng = NeuronGroup(4, net, behavior={1: Reader(rate="3", share="20%", values="normal(0, 1)")})
    net.initialize(info=False)
    reader = ng["Reader", 0]
    assert reader.rate == 3.0 and reader.share == pytest.approx(0.2)
    assert reader.values.shape == (4,)
    assert reader.init_kwargs == {"rate": "3", "share": "20%", "values": "normal(0, 1)"}


def test_unused_constructor_arguments_warn_with_suggestions():
    net = Network()
    NeuronGroup(3, net, behavior={1: Lif(treshold=3.0)})
    with pytest.warns(PymonnWarning, match="'treshold' was never read.*did you mean 'threshold'"):
        net.initialize(info=False)


def test_recorder_in_the_same_network_records_the_change():
    net = Network()
    ng = NeuronGroup(2, net, behavior={1: BasicBehavior(), 2: Recorder(["torch.tensor(0.0) + 1"])})
    net.initialize(info=False)
    net.simulate_iterations(2, measure_block_time=False)
    assert net["torch.tensor(0.0) + 1", 0].tolist() == [1.0, 1.0]
    assert ng["BasicBehavior", 0].set_parameter("threshold", 1) == 2.0
    assert ng["BasicBehavior", 0].threshold == 1.0 and isinstance(ng["BasicBehavior", 0].threshold, float)
