"""Built-in behaviors: analytic LIF checks, Izhikevich firing patterns, Poisson statistics, and
event-driven (dense and sparse) delivery against the dense matrix product. Deterministic: seeded."""
import math

import pytest
import torch

from pymonntorch_core import (
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
    PoissonSpikes,
    Recorder,
    SparseSynapse,
    SparseWeights,
    SynapseGroup,
    fixed_in_degree,
    fixed_out_degree,
    fixed_probability,
)

DEVICES = ["cpu"] + ([pytest.param("cuda", marks=pytest.mark.gpu)] if torch.cuda.is_available() else [])
DTYPES = [torch.float32, torch.float64, torch.bfloat16]


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(1234)


class RandomSpikes(Behavior):
    """A spike source: each neuron spikes with probability ``p``; keeps the spikes of each iteration."""

    def initialize(self, neurons):
        super().initialize(neurons)
        self.p = self.parameter("p", 0.1)
        self.history = []
        neurons.spike = torch.zeros(neurons.size, dtype=torch.bool, device=neurons.device)

    def forward(self, neurons):
        neurons.spike = torch.rand(neurons.size, device=neurons.device) < self.p
        self.history.append(neurons.spike.clone())


class TakeCurrent(Behavior):
    """Stands in for a neuron model: stores and zeroes the input current each iteration."""

    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.I = neurons.vector("zeros")
        self.history = []

    def forward(self, neurons):
        self.history.append(neurons.I.clone())
        neurons.I.zero_()


def _lif_net(current, dtype=torch.float64, device="cpu", size=3, **lif):
    net = Network(dtype=dtype, device=device)
    ng = NeuronGroup(size, net, behavior={1: CurrentInput(current=current), 2: LIF(**lif),
                                          9: Recorder(["voltage"]), 10: EventRecorder(["spike"])})
    net.initialize(info=False)
    return net, ng


# --- LIF ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dev", DEVICES)
def test_lif_subthreshold_approaches_rest_plus_ir_exponentially(dev):
    tau, rest, R, current, dt = 12.0, -70.0, 2.0, 5.0, 0.5
    net, ng = _lif_net(current, device=dev, tau=tau, rest=rest, R=R, dt=dt, threshold=-50.0, v_init=-75.0)
    net.simulate_iterations(200, measure_block_time=False)
    n = torch.arange(1, 201, dtype=torch.float64)
    v_inf = rest + R * current  # -60: below threshold
    expected = v_inf + (-75.0 - v_inf) * torch.exp(-n * dt / tau)
    recorded = net["voltage", 0].cpu()
    assert recorded.shape == (200, 3)
    torch.testing.assert_close(recorded, expected[:, None].expand(200, 3), rtol=0, atol=1e-9)
    assert net["spike", 0].shape[0] == 0


def _crossing_time(v0, v_inf, tau, threshold):
    return tau * math.log((v0 - v_inf) / (threshold - v_inf))


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("dt", [1.0, 0.3])
def test_lif_spikes_in_the_step_of_the_analytic_crossing_and_integrates_the_rest_after_reset(dev, dt):
    tau, rest, threshold, reset, R, current = 10.0, -65.0, -50.0, -70.0, 1.0, 20.0
    net, ng = _lif_net(current, device=dev, tau=tau, rest=rest, threshold=threshold, reset=reset, R=R, dt=dt)
    net.simulate_iterations(round(100 / dt), measure_block_time=False)
    v_inf = rest + R * current
    first, period = _crossing_time(rest, v_inf, tau, threshold), _crossing_time(reset, v_inf, tau, threshold)
    steps = net["spike.t", 0].view(-1, 3)[:, 0].cpu()
    exact = first + period * torch.arange(len(steps), dtype=torch.float64)   # ms
    assert len(steps) == int((100 - first) // period) + 1
    assert torch.all(steps == torch.ceil(exact / dt).long())               # the step holding the crossing
    voltage = net["voltage", 0][:, 0].cpu()
    after = steps.double() * dt - exact                                             # ms since the crossing
    expected = v_inf + (reset - v_inf) * torch.exp(-after / tau)
    torch.testing.assert_close(voltage[steps - 1], expected, rtol=0, atol=1e-9)
    assert ng.spike.dtype == torch.bool


@pytest.mark.parametrize("dt", [1.0, 0.25])
def test_lif_refractory_period_holds_reset_for_refractory_ms_after_the_crossing(dt):
    tau, rest, R, current, refractory = 10.0, -65.0, 1.0, 20.0, 3.0
    net, ng = _lif_net(current, tau=tau, rest=rest, R=R, refractory=refractory, size=1, dt=dt)
    net.simulate_iterations(round(100 / dt), measure_block_time=False)
    v_inf = rest + R * current
    period = _crossing_time(rest, v_inf, tau, -50.0)
    steps = net["spike.t", 0]
    exact = period + (period + refractory) * torch.arange(len(steps), dtype=torch.float64)
    assert torch.all(steps == torch.ceil(exact / dt).long())
    voltage = net["voltage", 0][:, 0]
    t = torch.arange(1, len(voltage) + 1, dtype=torch.float64) * dt
    last = torch.searchsorted(exact, t, right=True) - 1                   # the latest crossing before t
    after = t[last >= 0] - exact[last[last >= 0]]                           # ms since that crossing
    v = voltage[last >= 0]
    held = after <= refractory
    assert held.sum() > 0 and torch.all(v[held] == rest)                   # clamped at reset (= rest)
    expected = v_inf + (rest - v_inf) * torch.exp(-(after[~held] - refractory) / tau)
    torch.testing.assert_close(v[~held], expected, rtol=0, atol=1e-9)


def test_lif_parameters_are_tunable_floats_applied_next_iteration():
    net, ng = _lif_net(10.0, size=1, threshold=-50.0)  # v_inf = -55: never spikes
    lif = ng.behavior[2]
    assert isinstance(lif.threshold, float)
    assert {p.name for p in lif.tunable_parameters()} >= {"tau", "rest", "threshold", "reset", "R", "refractory"}
    net.simulate_iterations(50, measure_block_time=False)
    assert net["spike", 0].shape[0] == 0
    lif.set_parameter("threshold", -58.0)
    net.simulate_iterations(1, measure_block_time=False)
    assert net["spike.t", 0].tolist() == [51]
    with pytest.raises(ArgumentError):
        lif.set_parameter("tau", -1.0)


def test_lif_input_current_is_used_once_and_zeroed_in_any_key_order():
    net = Network(dtype=torch.float64)
    ng = NeuronGroup(1, net, behavior={1: LIF(tau=10.0, rest=0.0, threshold=100.0), 2: CurrentInput(current=1.0),
                                       9: Recorder(["voltage"])})
    net.initialize(info=False)
    net.simulate_iterations(3, measure_block_time=False)
    # the input added after the neuron in iteration t is used at iteration t + 1
    d = math.exp(-0.1)
    expected = [0.0, 1 - d, (1 - d) * d + (1 - d)]
    torch.testing.assert_close(net["voltage", 0][:, 0], torch.tensor(expected, dtype=torch.float64))
    assert ng.I.item() == 1.0  # added after the neuron, waiting for the next iteration


def test_current_input_takes_a_per_neuron_pattern_as_a_mode_string_tensor_or_number():
    torch.manual_seed(0)
    net = Network(dtype=torch.float64)
    patterned = NeuronGroup(1000, net, behavior={1: CurrentInput(current="uniform(10, 20)")})
    given = NeuronGroup(3, net, behavior={1: CurrentInput(current=torch.tensor([1.0, 2.0, 3.0]))})
    plain = NeuronGroup(2, net, behavior={1: CurrentInput(current="12.5")})
    net.initialize(info=False)
    net.simulate_iterations(1, measure_block_time=False)
    assert 10.0 <= patterned.I.min() and patterned.I.max() <= 20.0 and patterned.I.std() > 2.0
    first = patterned.I.clone()
    net.simulate_iterations(1, measure_block_time=False)   # drawn once: the same pattern every step
    torch.testing.assert_close(patterned.I, 2 * first)     # (nothing consumes I here)
    assert given.I.tolist() == [2.0, 4.0, 6.0] and plain.I.tolist() == [25.0, 25.0]
    patterned.behavior[1].current = 0.5                     # a gain on the pattern
    net.simulate_iterations(1, measure_block_time=False)
    torch.testing.assert_close(patterned.I, 2.5 * first)


# --- Izhikevich --------------------------------------------------------------------------------------
def _izhikevich_spikes(preset, current=10.0, iterations=1000, dt=0.5):
    net = Network(dtype=torch.float64)
    NeuronGroup(1, net, behavior={1: CurrentInput(current=current, dt=dt), 2: Izhikevich(preset=preset, dt=dt),
                                  10: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(iterations, measure_block_time=False)
    return net["spike.t", 0].double() * dt  # ms


def test_izhikevich_rs_adapts_and_fs_fires_fast():
    rs, fs = _izhikevich_spikes("RS"), _izhikevich_spikes("FS")
    rs_isi, fs_isi = rs.diff(), fs.diff()
    assert len(rs) >= 5
    assert rs_isi[-1] > 1.5 * rs_isi[0]                   # spike-frequency adaptation
    assert len(fs) > 2 * len(rs)                          # fast spiking
    half = len(fs_isi) // 2
    assert fs_isi[half:].mean() < 1.3 * fs_isi[:half].mean()   # little adaptation


def test_izhikevich_ch_bursts_and_ib_starts_with_a_burst():
    ch_isi = _izhikevich_spikes("CH").diff()
    assert ch_isi.min() < 10.0 and ch_isi.max() > 3 * ch_isi.min()   # short intra-burst, long inter-burst
    ib_isi = _izhikevich_spikes("IB").diff()
    assert ib_isi[0] < 0.5 * ib_isi[-1]                               # initial burst, then tonic


def test_izhikevich_rejects_unknown_preset():
    net = Network()
    NeuronGroup(1, net, behavior={1: Izhikevich(preset="XX")})
    with pytest.raises(ArgumentError, match="preset"):
        net.initialize(info=False)


# --- Poisson -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dev", DEVICES)
def test_poisson_spikes_rate(dev):
    net = Network(device=dev)
    NeuronGroup(2000, net, behavior={1: PoissonSpikes(rate=40.0, dt=0.5), 10: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(500, measure_block_time=False)
    trials, p = 2000 * 500, 40.0 * 0.5 / 1000
    count = net["spike", 0].shape[0]
    assert abs(count - trials * p) < 5 * math.sqrt(trials * p * (1 - p))
    per_neuron = torch.bincount(net["spike.i", 0].cpu(), minlength=2000).double()
    assert abs(per_neuron.var().item() / per_neuron.mean().item() - (1 - p)) < 0.1  # Fano factor ~ 1


@pytest.mark.parametrize("count", [1, 5])
def test_poisson_input_current_rate(count):
    net = Network(dtype=torch.float64)
    ng = NeuronGroup(1000, net, behavior={1: PoissonInput(rate=20.0, dt=1.0, weight=0.5, count=count),
                                          2: TakeCurrent()})
    net.initialize(info=False)
    net.simulate_iterations(400, measure_block_time=False)
    events = torch.stack(ng.behavior[2].history) / 0.5
    assert torch.all(events == events.round())
    trials, p = 1000 * 400 * count, 0.02
    assert abs(events.sum().item() - trials * p) < 5 * math.sqrt(trials * p * (1 - p))


# --- event-driven delivery equals the dense product ----------------------------------------------------
def _tolerance(dtype):
    return {torch.float32: 1e-4, torch.float64: 1e-10, torch.bfloat16: 3e-2}[dtype]


def _synapse_net(dtype, device, behavior, synapse_mode="SxD", n_src=300, n_dst=200, p=0.15):
    net = Network(dtype=dtype, device=device, synapse_mode=synapse_mode)
    src = NeuronGroup(n_src, net, behavior={1: RandomSpikes(p=p)}, tag="src")
    dst = NeuronGroup(n_dst, net, behavior={5: TakeCurrent()}, tag="dst")
    sg = SynapseGroup(net=net, src=src, dst=dst, tag="S", behavior={3: behavior})
    net.initialize(info=False)
    net.simulate_iterations(20, measure_block_time=False)
    return sg, src.behavior[1].history, dst.behavior[5].history


def _check_against_dense(dense_sxd, spikes, currents, alpha, dtype):
    dense = dense_sxd.double().cpu()
    for spike, current in zip(spikes, currents):
        expected = alpha * (spike.double().cpu() @ dense)
        scale = max(1.0, expected.abs().max().item())
        torch.testing.assert_close(current.double().cpu(), expected, rtol=0, atol=_tolerance(dtype) * scale)


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["SxD", "DxS"])
@pytest.mark.parametrize("event_driven", [True, False])
def test_dense_synapse_equals_dense_product(dev, dtype, mode, event_driven):
    sg, spikes, currents = _synapse_net(dtype, dev, DenseSynapse(weights="uniform", density=0.3, scale=0.5,
                                                                 sign=-1.0, event_driven=event_driven), mode)
    dense_sxd = sg.W if mode == "SxD" else sg.W.T
    assert tuple(sg.W.shape) == tuple(sg.matrix_dim())
    _check_against_dense(dense_sxd, spikes, currents, -0.5, dtype)


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("connectivity", [{"in_degree": 40}, {"connectivity": "fixed_out_degree", "out_degree": 30},
                                          {"connectivity": "fixed_probability", "p": 0.1}])
@pytest.mark.parametrize("event_driven", [True, False])
def test_sparse_synapse_equals_dense_product(dev, dtype, connectivity, event_driven):
    sg, spikes, currents = _synapse_net(dtype, dev, SparseSynapse(weights="normal(0, 1)", scale=2.0,
                                                                  event_driven=event_driven, **connectivity))
    W = sg.W
    assert isinstance(W, SparseWeights) and W.values.dtype == dtype and W.values.device.type == dev
    _check_against_dense(W.to_dense(), spikes, currents, 2.0, dtype)


@pytest.mark.parametrize("dev", DEVICES)
def test_sparse_weights_follow_dxs_orientation(dev):
    sg, spikes, currents = _synapse_net(torch.float64, dev, SparseSynapse(in_degree=10), synapse_mode="DxS")
    dense = sg.W.to_dense()
    assert dense.shape == (200, 300) == tuple(sg.matrix_dim()) == sg.W.shape
    _check_against_dense(dense.T, spikes, currents, 1.0, torch.float64)
    torch.testing.assert_close(sg.W.to_sparse_csr().to_dense(), dense)


def test_sparse_weights_deliver_matches_for_random_spikes_directly():
    W = fixed_probability(500, 400, 0.05, "uniform", dtype=torch.float64)
    dense = W.to_dense()
    for _ in range(10):
        spike = torch.rand(500) < torch.rand(()).item()
        out = W.deliver(spike, torch.zeros(400, dtype=torch.float64), alpha=-1.5)
        torch.testing.assert_close(out, -1.5 * (spike.double() @ dense))
    assert W.deliver(torch.zeros(500, dtype=torch.bool), torch.zeros(400, dtype=torch.float64)).abs().sum() == 0


# --- connectivity ------------------------------------------------------------------------------------
@pytest.mark.parametrize("autapses", [True, False])
def test_fixed_in_degree_is_fixed_without_duplicates(autapses):
    n, k = 2000, 100
    W = fixed_in_degree(n, n, k, weights=1.0, autapses=autapses)
    src, dst, weight = W.synapses()
    assert W.nnz == n * k == src.numel()
    assert torch.all(torch.bincount(dst, minlength=n) == k)                 # every destination: exactly k
    assert torch.unique(src * n + dst).numel() == src.numel()               # no multapses
    assert torch.all(weight == 1.0)
    if not autapses:
        assert not torch.any(src == dst)
    assert torch.all(W.degree == torch.bincount(src, minlength=n).int())
    for row in (0, 17, n - 1):  # columns sorted within a row, padding is (0, 0.0)
        d = W.degree[row].item()
        assert torch.all(W.columns[row, :d].diff() > 0)
        assert torch.all(W.values[row, d:] == 0) and torch.all(W.columns[row, d:] == 0)


def test_fixed_out_degree_and_probability_counts():
    W = fixed_out_degree(300, 1000, 50, autapses=True)
    assert torch.all(W.degree == 50) and W.width == 50
    src, dst, _ = W.synapses()
    assert torch.unique(src * 1000 + dst).numel() == 300 * 50
    P = fixed_probability(1000, 1000, 0.05, autapses=False)
    expected = 1000 * 999 * 0.05
    assert abs(P.nnz - expected) < 5 * math.sqrt(expected)
    src, dst, _ = P.synapses()
    assert not torch.any(src == dst) and torch.unique(src * 1000 + dst).numel() == P.nnz
    dense = fixed_in_degree(50, 50, 40, autapses=False)  # dense case: permutation sampling
    assert torch.all(torch.bincount(dense.synapses()[1], minlength=50) == 40)
    assert torch.all(dense.to_dense().diagonal() == 0)


def test_sparse_weight_memory_is_proportional_to_synapse_count():
    sizes = {}
    for n in (5_000, 20_000):
        W = fixed_in_degree(n, n, 100)
        per_synapse = W.nbytes / W.nnz
        assert per_synapse <= 8 * 1.6 + 1        # int32 column + float32 weight, padding <= 60 %
        assert W.padding < 1.6
        sizes[n] = W.nbytes
    assert 3.5 < sizes[20_000] / sizes[5_000] < 4.5  # 4x the synapses, ~4x the bytes
    assert sizes[20_000] < 0.02 * 20_000 ** 2 * 4    # vs. a dense float32 matrix: < 2 %


def test_sparse_errors_name_the_problem():
    with pytest.raises(ArgumentError, match="in_degree"):
        fixed_in_degree(10, 10, 11)
    with pytest.raises(ArgumentError, match="in_degree"):
        fixed_in_degree(10, 10, 10, autapses=False)
    net = Network()
    ng = NeuronGroup(10, net)
    sg = SynapseGroup(ng, ng, net)
    with pytest.raises(ArgumentError, match="connectivity"):
        sg.sparse_matrix("ring")
    with pytest.raises(ArgumentError, match="needs p"):
        sg.sparse_matrix("fixed_probability")


def test_plasticity_updates_sparse_weights_in_place():
    net = Network(dtype=torch.float64)
    ng = NeuronGroup(100, net, behavior={1: RandomSpikes(p=0.2), 5: TakeCurrent()})
    sg = SynapseGroup(ng, ng, net, behavior={3: SparseSynapse(in_degree=10, weights=1.0)})
    net.initialize(info=False)
    W = sg.W
    pointer = W.values.data_ptr()
    pre = torch.arange(0, 100, 2)
    W.values[pre] *= 3.0                 # potentiate every synapse of even sources, in place
    W.clamp_(max=2.5)
    assert W.values.data_ptr() == pointer
    assert torch.all(W.values[~W.valid()] == 0)
    net.simulate_iterations(5, measure_block_time=False)
    spikes, currents = ng.behavior[1].history, ng.behavior[5].history
    dense = W.to_dense()
    assert set(dense[dense != 0].unique().tolist()) <= {1.0, 2.5}
    for spike, current in zip(spikes, currents):
        torch.testing.assert_close(current, spike.double() @ dense)


def test_from_dense_and_from_indices_round_trip():
    dense = torch.rand(30, 20) * (torch.rand(30, 20) < 0.2)
    W = SparseWeights.from_dense(dense)
    assert W.nnz == int((dense != 0).sum())
    torch.testing.assert_close(W.to_dense(), dense)
    T = SparseWeights.from_dense(dense.T.contiguous(), orientation="DxS")
    torch.testing.assert_close(T.to_dense(), dense.T)
    spike = torch.rand(30) < 0.5
    torch.testing.assert_close(W.deliver(spike, torch.zeros(20)), spike.float() @ dense)


# --- networks built from the pieces ------------------------------------------------------------------
@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_recurrent_lif_network_runs_on_any_device_and_dtype(dev, dtype):
    net = Network(dtype=dtype, device=dev)
    exc = NeuronGroup(400, net, tag="exc", behavior={
        1: PoissonInput(rate=200.0, weight=20.0), 2: LIF(refractory=2.0, v_init="uniform(-65, -50)"),
        10: EventRecorder(["spike"])})
    inh = NeuronGroup(100, net, tag="inh", behavior={1: CurrentInput(current=14.0, noise=3.0), 2: LIF()})
    SynapseGroup(net=net, src=exc, dst=exc, behavior={3: SparseSynapse(in_degree=40, weights="uniform(0, 0.5)")})
    SynapseGroup(net=net, src=exc, dst=inh, behavior={3: DenseSynapse(weights="uniform(0, 0.3)", density=0.1)})
    SynapseGroup(net=net, src=inh, dst=exc, behavior={3: SparseSynapse(connectivity="fixed_probability", p=0.2,
                                                                      sign=-1.0)})
    net.initialize(info=False)
    net.simulate_iterations(100, measure_block_time=False)
    assert exc.voltage.dtype == dtype and exc.voltage.device.type == dev and exc.spike.dtype == torch.bool
    assert torch.isfinite(exc.voltage).all()
    assert 0 < net["spike", 0].shape[0] < 400 * 100


def test_network_summary_counts_stored_sparse_synapses():
    from pymonntorch_core import LIF, Network, NeuronGroup, SparseSynapse, SynapseGroup

    net = Network()
    ng = NeuronGroup(1000, net, behavior={5: LIF()})
    SynapseGroup(ng, ng, net, behavior={3: SparseSynapse(in_degree=10)})
    net.initialize(info=False)
    assert net.SynapseGroups[0].synapse_count() == 10_000
    assert "Synapses: 10000|1 groups" in repr(net)
