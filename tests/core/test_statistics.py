"""Spike-train statistics against values computed by hand, and against known processes."""
import math

import pytest
import torch

from pymonntorch_core import (
    ArgumentError,
    EventRecorder,
    Network,
    NeuronGroup,
    PoissonSpikes,
    fano_factor,
    isi_cv,
    population_rate,
    power_spectrum,
    spike_counts,
    synchrony_chi,
)

T = torch.tensor


def test_spike_counts_and_population_rate_by_hand():
    times = T([0.5, 1.0, 1.5, 2.0, 3.9, 4.0])      # ms; bins of 1 ms are (0, 1], (1, 2], (2, 3], (3, 4]
    ids = T([0, 1, 0, 0, 2, 1])
    counts = spike_counts(times, ids, n=3, duration=4.0, bin=1.0)
    assert counts.tolist() == [[1, 2, 0, 0], [1, 0, 0, 1], [0, 0, 0, 1]]
    rate = population_rate(times, n=3, duration=4.0, bin=1.0)   # spikes / (3 neurons x 1 ms)
    torch.testing.assert_close(rate, T([2, 2, 0, 2], dtype=torch.float64) * 1000 / 3)
    assert population_rate(times, n=3, duration=4.0, bin=2.0).tolist() == pytest.approx([4000 / 6, 2000 / 6])


def test_recorded_step_times_fall_in_their_own_bin():
    net = Network()
    NeuronGroup(200, net, behavior={1: PoissonSpikes(rate=100.0, dt=0.5), 9: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(40, measure_block_time=False)   # 20 ms
    t, i = net["spike.t", 0] * 0.5, net["spike.i", 0]
    counts = spike_counts(t, i, n=200, duration=20.0, bin=0.5)
    per_step = torch.bincount(net["spike.t", 0] - 1, minlength=40).double()
    torch.testing.assert_close(counts.sum(0), per_step)


def test_isi_cv_by_hand():
    times = T([0.0, 10.0, 20.0, 30.0,  0.0, 1.0, 3.0,  5.0,  7.0, 4.0])
    ids = T([0, 0, 0, 0,  1, 1, 1,  2,  3, 3])      # neuron 3's spikes out of order: sorted inside
    cv = isi_cv(times, ids, n=5)
    assert cv[0].item() == 0.0                       # a clock
    assert cv[1].item() == pytest.approx(0.5 / 1.5)  # intervals 1, 2: std 0.5, mean 1.5
    assert math.isnan(cv[2]) and math.isnan(cv[3]) and math.isnan(cv[4])   # fewer than 2 intervals
    assert isi_cv(times, ids, n=5, min_intervals=1)[3].item() == 0.0


def test_poisson_trains_have_cv_and_fano_factor_near_one():
    torch.manual_seed(0)
    net = Network()
    NeuronGroup(500, net, behavior={1: PoissonSpikes(rate=20.0, dt=0.1), 9: EventRecorder(["spike"])})
    net.initialize(info=False)
    net.simulate_iterations(20000, measure_block_time=False)  # 2 s
    t, i = net["spike.t", 0] * 0.1, net["spike.i", 0]
    assert isi_cv(t, i, n=500).nanmean().item() == pytest.approx(1.0, abs=0.05)
    assert fano_factor(t, duration=2000.0, bin=2.0) == pytest.approx(1.0, abs=0.15)  # 1000 windows
    per_neuron = fano_factor(t, duration=2000.0, bin=50.0, ids=i, n=500)
    assert per_neuron.shape == (500,) and per_neuron.nanmean().item() == pytest.approx(1.0, abs=0.05)
    assert population_rate(t, n=500, duration=2000.0, bin=10.0).mean().item() == pytest.approx(20.0, rel=0.02)


def test_fano_factor_by_hand():
    times = T([0.5, 0.6, 0.7, 1.5, 3.5, 3.6])        # counts in 1 ms bins: 3, 1, 0, 2 -> mean 1.5, var 1.25
    assert fano_factor(times, duration=4.0, bin=1.0) == pytest.approx(1.25 / 1.5)
    per = fano_factor(times, duration=4.0, bin=1.0, ids=T([0, 0, 0, 0, 0, 0]), n=2)
    assert per[0].item() == pytest.approx(1.25 / 1.5) and math.isnan(per[1])


def test_synchrony_chi_by_hand():
    x = T([[1.0, 1.0], [3.0, 3.0], [2.0, 2.0]])
    assert synchrony_chi(x) == pytest.approx(1.0)      # identical signals
    y = T([[1.0, 3.0], [3.0, 1.0]])                   # opposite: the mean is constant
    assert synchrony_chi(y) == 0.0
    z = T([[0.0, 0.0], [2.0, 0.0]])                   # var of mean 0.25; variances 1 and 0 -> mean 0.5
    assert synchrony_chi(z) == pytest.approx(math.sqrt(0.25 / 0.5))
    torch.manual_seed(1)
    independent = torch.randn(4000, 400)
    assert synchrony_chi(independent) == pytest.approx(1 / math.sqrt(400), rel=0.1)


def test_power_spectrum_finds_a_sine_and_keeps_the_variance():
    dt = 0.5                                              # ms: 2 kHz sampling
    t = torch.arange(4000) * dt
    signal = 3.0 + 2.0 * torch.sin(2 * math.pi * 40.0 * t / 1000.0)
    for segments in (1, 4):
        freqs, power = power_spectrum(signal, dt=dt, segments=segments)
        assert freqs[int(power.argmax())].item() == pytest.approx(40.0)
        df = (freqs[1] - freqs[0]).item()
        assert (power.sum() * df).item() == pytest.approx(signal.double().var(unbiased=False).item(), rel=1e-6)
    torch.manual_seed(2)
    noise = torch.randn(8001)                             # odd length; white: flat at 2 var / fs
    freqs, power = power_spectrum(noise, dt=1.0)
    assert freqs[-1].item() < 500.0 and power[1:].mean().item() == pytest.approx(2 / 1000.0, rel=0.05)
    df = (freqs[1] - freqs[0]).item()
    assert (power.sum() * df).item() == pytest.approx(noise.double().var(unbiased=False).item(), rel=1e-6)


def test_statistics_errors_name_the_argument():
    with pytest.raises(ArgumentError, match=r"population_rate\.bin"):
        population_rate(T([1.0]), n=1, duration=10.0, bin=3.0)
    with pytest.raises(ArgumentError, match=r"isi_cv\.times"):
        isi_cv([1.0, 2.0], T([0, 0]), n=1)
    with pytest.raises(ArgumentError, match=r"synchrony_chi\.signals"):
        synchrony_chi(torch.zeros(5))
    with pytest.raises(ArgumentError, match=r"fano_factor\.n"):
        fano_factor(T([1.0]), duration=2.0, bin=1.0, ids=T([0]))
    with pytest.raises(ArgumentError, match=r"power_spectrum\.dt"):
        power_spectrum(torch.zeros(10), dt=0)
