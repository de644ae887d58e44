"""The built-ins mean the same model at any time step: LIF f-I against the analytic rate, synaptic
potentials, membrane noise and Izhikevich spike counts converge as dt -> 0; kernels, delays and
reversal potentials of the synapses behave as their docstrings say."""
import math

import pytest
import torch

from pymonntorch_core import (
    IZHIKEVICH_PRESETS,
    LIF,
    ArgumentError,
    Behavior,
    CurrentInput,
    DenseSynapse,
    EventRecorder,
    Izhikevich,
    Network,
    NeuronGroup,
    PoissonInput,
    Recorder,
    SparseSynapse,
    StateError,
    SynapseGroup,
)

DEVICES = ["cpu"] + ([pytest.param("cuda", marks=pytest.mark.gpu)] if torch.cuda.is_available() else [])
TAU, REST, THRESHOLD = 10.0, -65.0, -50.0


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(4321)


class OneSpike(Behavior):
    """A spike source that fires once, at iteration ``at``."""

    def initialize(self, neurons):
        super().initialize(neurons)
        self.at = self.parameter("at", 1)
        neurons.spike = torch.zeros(neurons.size, dtype=torch.bool, device=neurons.device)

    def forward(self, neurons):
        neurons.spike.fill_(neurons.iteration == self.at)


class RandomSpikes(Behavior):
    """Each neuron spikes with probability ``p`` per iteration."""

    def initialize(self, neurons):
        super().initialize(neurons)
        self.p = self.parameter("p", 0.1)
        neurons.spike = torch.zeros(neurons.size, dtype=torch.bool, device=neurons.device)

    def forward(self, neurons):
        neurons.spike = torch.rand(neurons.size, device=neurons.device) < self.p


class TakeCurrent(Behavior):
    """Stands in for a neuron model: keeps and zeroes the input current; a fixed ``voltage``."""

    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.I = neurons.vector("zeros")
        neurons.voltage = neurons.vector(float(self.parameter("voltage", -65.0)))
        self.history = []

    def forward(self, neurons):
        self.history.append(neurons.I.clone())
        neurons.I.zero_()


# --- LIF f-I curve ---------------------------------------------------------------------------------------
def _analytic_rate(current, refractory=0.0, reset=REST):
    v_inf = REST + current
    return 1000.0 / (refractory + TAU * math.log((v_inf - reset) / (v_inf - THRESHOLD)))


def _current_for(rate, refractory=0.0):
    """The current that makes the LIF (reset = rest) fire at ``rate`` Hz."""
    isi = 1000.0 / rate - refractory
    return (THRESHOLD - REST) / (1.0 - math.exp(-isi / TAU))


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("dt, tolerance", [(1.0, 0.03), (0.5, 0.02), (0.1, 0.01)])
@pytest.mark.parametrize("refractory", [0.0, 2.0])
def test_lif_f_i_curve_matches_the_analytic_rate(dev, dt, tolerance, refractory):
    rates = [20.0, 35.0, 50.0, 75.0, 100.0, 125.0, 150.0]
    currents = torch.tensor([_current_for(r, refractory) for r in rates])
    net = Network(device=dev)  # float32, the default
    NeuronGroup(len(rates), net, behavior={1: CurrentInput(current=currents, dt=dt),
                                           2: LIF(tau=TAU, rest=REST, threshold=THRESHOLD, refractory=refractory, dt=dt),
                                           9: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(round(1000 / dt), measure_block_time=False)
    t, i = net["spike.t", 0].cpu().double() * dt, net["spike.i", 0].cpu()
    for k, rate in enumerate(rates):
        times = t[i == k]
        measured = 1000.0 * (len(times) - 1) / (times[-1] - times[0]).item()  # from the mean interval
        assert measured == pytest.approx(rate, rel=tolerance), (dt, rate)
        assert measured == pytest.approx(_analytic_rate(currents[k].item(), refractory), rel=tolerance)


# --- one synaptic potential ---------------------------------------------------------------------------------
def _psp(dt, synapse=SparseSynapse, dtype=torch.float64, device="cpu", **options):
    """The voltage deviation of a LIF neuron after one presynaptic spike at 5 ms: (peak mV, peak time after the spike)."""
    net = Network(dtype=dtype, device=device)
    src = NeuronGroup(1, net, behavior={1: OneSpike(at=round(5 / dt))})
    dst = NeuronGroup(1, net, behavior={2: LIF(tau=TAU, rest=REST, dt=dt), 9: Recorder(["voltage"])})
    weights = {"in_degree": 1} if synapse is SparseSynapse else {}
    SynapseGroup(net=net, src=src, dst=dst, behavior={3: synapse(weights=1.0, dt=dt, **weights, **options)})
    net.initialize(info=False)
    net.simulate_iterations(round(60 / dt), measure_block_time=False)
    deviation = net["voltage", 0][:, 0].cpu().double() - REST
    k = int(deviation.abs().argmax())
    return deviation[k].item(), (k + 1) * dt - 5.0


@pytest.mark.parametrize("synapse", [SparseSynapse, DenseSynapse])
def test_a_weight_gives_the_same_synaptic_potential_at_any_dt(synapse):
    peaks = [_psp(dt, synapse)[0] for dt in (1.0, 0.5, 0.1)]
    assert max(peaks) / min(peaks) - 1 < 0.06
    assert peaks[-1] == pytest.approx(1.0 / TAU, rel=0.01)  # R w / tau as dt -> 0: a charge w


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("synapse", [SparseSynapse, DenseSynapse])
def test_exponential_kernel_potential_and_its_peak_time_converge(dev, synapse):
    tau_s = 5.0
    results = [_psp(dt, synapse, device=dev, tau=tau_s) for dt in (1.0, 0.5, 0.1)]
    # two exponentials: peak of (w / (tau - tau_s)) (e^{-t/tau} - e^{-t/tau_s}) at t = ln(tau/tau_s) tau tau_s / (tau - tau_s)
    t_peak = math.log(TAU / tau_s) * TAU * tau_s / (TAU - tau_s)
    v_peak = (math.exp(-t_peak / TAU) - math.exp(-t_peak / tau_s)) / (TAU - tau_s)
    for (peak, when), dt in zip(results, (1.0, 0.5, 0.1)):
        assert peak == pytest.approx(v_peak, rel=0.01)
        assert abs(when - t_peak) <= dt


@pytest.mark.parametrize("delay", [1.0, 2.5])
def test_delay_shifts_the_potential_by_delay_ms_at_any_dt(delay):
    for dt in (1.0, 0.5, 0.1):
        _, without = _psp(dt, tau=5.0)
        _, with_delay = _psp(dt, tau=5.0, delay=delay)
        assert with_delay - without == pytest.approx(delay, abs=dt / 2 + 1e-9)


@pytest.mark.parametrize("synapse", [SparseSynapse, DenseSynapse])
@pytest.mark.parametrize("event_driven", [True, False])
def test_delayed_current_is_the_undelayed_one_shifted_by_whole_steps(synapse, event_driven):
    currents = {}
    for delay in (0.0, 1.5):
        torch.manual_seed(7)
        net = Network(dtype=torch.float64)
        src = NeuronGroup(50, net, behavior={1: RandomSpikes(p=0.2)})
        dst = NeuronGroup(30, net, behavior={5: TakeCurrent()})
        options = {"in_degree": 10} if synapse is SparseSynapse else {"density": 0.3}
        SynapseGroup(net=net, src=src, dst=dst, behavior={3: synapse(weights="uniform", tau=3.0, delay=delay, dt=0.5,
                                                                     event_driven=event_driven, **options)})
        net.initialize(info=False)
        net.simulate_iterations(60, measure_block_time=False)
        currents[delay] = torch.stack(dst.behavior[5].history)
    shift = 3  # 1.5 ms / 0.5 ms
    assert torch.all(currents[1.5][:shift] == 0)
    torch.testing.assert_close(currents[1.5][shift:], currents[0.0][:-shift])


@pytest.mark.parametrize("tau", [0.0, 2.0, 7.0])
@pytest.mark.parametrize("delay", [0.0, 1.0])
def test_total_charge_of_a_spike_is_its_weight_at_any_dt(tau, delay):
    for dt in (1.0, 0.25):
        net = Network(dtype=torch.float64)
        src = NeuronGroup(1, net, behavior={1: OneSpike(at=2)})
        dst = NeuronGroup(3, net, behavior={5: TakeCurrent()})
        SynapseGroup(net=net, src=src, dst=dst, behavior={3: DenseSynapse(weights=torch.tensor([[0.5, 1.0, 2.0]]),
                                                                          tau=tau, delay=delay, dt=dt, scale=2.0)})
        net.initialize(info=False)
        net.simulate_iterations(round(200 / dt), measure_block_time=False)
        charge = torch.stack(dst.behavior[5].history).sum(0) * dt
        torch.testing.assert_close(charge, torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64), rtol=1e-6, atol=0)


# --- conductance-based synapses ---------------------------------------------------------------------------
@pytest.mark.parametrize("synapse", [SparseSynapse, DenseSynapse])
def test_conductance_current_is_proportional_to_the_distance_from_reversal(synapse):
    net = Network(dtype=torch.float64)
    src = NeuronGroup(1, net, behavior={1: OneSpike(at=1)})
    dst = NeuronGroup(1, net, behavior={5: TakeCurrent(voltage=-60.0)})
    options = {"in_degree": 1} if synapse is SparseSynapse else {}
    SynapseGroup(net=net, src=src, dst=dst, behavior={3: synapse(weights=0.4, reversal=-80.0, tau=4.0, dt=0.5,
                                                                 **options)})
    net.initialize(info=False)
    net.simulate_iterations(400, measure_block_time=False)
    current = torch.stack(dst.behavior[5].history)[:, 0]
    assert torch.all(current <= 0)                                      # v above E_inh: hyperpolarising
    assert (current.sum() * 0.5).item() == pytest.approx(0.4 * (-80.0 + 60.0), rel=1e-6)
    sg = net.SynapseGroups[0]
    assert sg.g.shape == (1,) and sg.behavior[3].reversal == -80.0


def test_conductance_inhibition_never_drives_the_voltage_below_its_reversal():
    minima = {}
    for reversal in (None, -80.0):
        torch.manual_seed(11)
        net = Network()
        inh = NeuronGroup(200, net, behavior={1: RandomSpikes(p=0.05)})
        exc = NeuronGroup(100, net, behavior={2: LIF(dt=0.1), 9: Recorder(["torch.min(voltage)"])})
        options = {"sign": -1.0} if reversal is None else {"reversal": reversal}
        SynapseGroup(net=net, src=inh, dst=exc, behavior={3: SparseSynapse(in_degree=50, weights=3.0, tau=5.0, dt=0.1,
                                                                           **options)})
        net.initialize(info=False)
        net.simulate_iterations(1000, measure_block_time=False)
        minima[reversal] = net["torch.min(voltage)", 0].min().item()
    assert minima[None] < -120.0                 # a current-based inhibition has no floor
    assert -80.0 <= minima[-80.0] < -75.0        # a conductance pulls towards E_inh, never past it


def test_conductance_synapse_needs_a_destination_voltage():
    net = Network()
    src = NeuronGroup(2, net, behavior={1: OneSpike(at=1)})
    dst = NeuronGroup(2, net, tag="bare")
    SynapseGroup(net=net, src=src, dst=dst, behavior={3: DenseSynapse(weights=1.0, reversal=0.0)})
    net.initialize(info=False)
    with pytest.raises(StateError, match="voltage"):
        net.simulate_iterations(1, measure_block_time=False)


def test_synapse_arguments_are_checked_and_kernel_kind_stays_fixed():
    for bad in ({"tau": -1.0}, {"delay": -0.5}, {"dt": 0.0}):
        net = Network()
        ng = NeuronGroup(3, net, behavior={2: LIF()})
        SynapseGroup(ng, ng, net, behavior={3: SparseSynapse(in_degree=2, **bad)})
        with pytest.raises(ArgumentError, match=next(iter(bad))):
            net.initialize(info=False)
    net = Network()
    ng = NeuronGroup(3, net, behavior={2: LIF()})
    instant = SparseSynapse(in_degree=2)
    kernel = DenseSynapse(tau=5.0, delay=2.0)
    SynapseGroup(ng, ng, net, behavior={3: instant})
    SynapseGroup(ng, ng, net, behavior={3: kernel})
    net.initialize(info=False)
    kernel.set_parameter("tau", 2.0)
    assert kernel.tau == 2.0 and kernel.delay == 2.0
    with pytest.raises(ArgumentError, match="tau"):
        instant.set_parameter("tau", 2.0)
    with pytest.raises(ArgumentError, match="tau"):
        kernel.set_parameter("tau", 0.0)


# --- inputs ------------------------------------------------------------------------------------------------
def test_current_noise_gives_the_same_membrane_noise_at_any_dt():
    sigma = 4.0
    stds = []
    for dt in (1.0, 0.5, 0.1):
        net = Network(dtype=torch.float64)
        ng = NeuronGroup(4000, net, behavior={1: CurrentInput(current=5.0, noise=sigma, dt=dt),
                                              2: LIF(tau=TAU, threshold=1e9, dt=dt)})
        net.initialize(info=False)
        net.simulate_iterations(round(80 / dt), measure_block_time=False)  # 8 tau: stationary
        stds.append(ng.voltage.std().item())
        assert ng.voltage.mean().item() == pytest.approx(REST + 5.0, abs=0.05)
    assert max(stds) / min(stds) - 1 < 0.1
    for std in stds:
        assert std == pytest.approx(sigma / math.sqrt(2 * TAU), rel=0.05)  # R sigma / sqrt(2 tau)


def test_poisson_input_mean_current_does_not_depend_on_dt():
    means = []
    for dt in (1.0, 0.1):
        net = Network(dtype=torch.float64)
        ng = NeuronGroup(2000, net, behavior={1: PoissonInput(rate=50.0, weight=0.8, count=4, dt=dt), 2: TakeCurrent()})
        net.initialize(info=False)
        net.simulate_iterations(round(100 / dt), measure_block_time=False)
        means.append(torch.stack(ng.behavior[2].history).mean().item())
    for mean in means:
        assert mean == pytest.approx(4 * 50.0 * 0.8 / 1000, rel=0.03)


# --- Izhikevich at its defaults against a fine reference ----------------------------------------------------
def _reference_count(preset, current, duration=300.0, h=0.01):
    """Spikes of one Izhikevich neuron, plain-Python forward Euler at h ms (independent of the core)."""
    a, b, c, d = IZHIKEVICH_PRESETS[preset]
    v, u, count = c, b * c, 0
    for _ in range(round(duration / h)):
        v, u = v + h * (0.04 * v * v + 5 * v + 140 - u + current), u + h * a * (b * v - u)
        if v >= 30.0:
            v, u, count = c, u + d, count + 1
    return count


@pytest.mark.parametrize("current", [10.0, 15.0])
def test_izhikevich_presets_at_their_defaults_match_a_fine_reference(current):
    net = Network(dtype=torch.float64)
    for preset in IZHIKEVICH_PRESETS:
        NeuronGroup(1, net, tag=preset, behavior={1: CurrentInput(current=current), 2: Izhikevich(preset=preset),
                                                  9: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(300, measure_block_time=False)  # the default dt is 1 ms
    for k, preset in enumerate(IZHIKEVICH_PRESETS):
        reference = _reference_count(preset, current)
        assert net["spike", k].shape[0] == pytest.approx(reference, rel=0.1), preset
        assert torch.isfinite(net.NeuronGroups[k].u).all()
