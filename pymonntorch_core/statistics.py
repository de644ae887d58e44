"""Spike-train statistics for recorded spikes: rates, irregularity, synchrony and spectra.

The functions take what an ``EventRecorder`` records, converted to ms: spike ``times`` (1-D,
``net['spike.t', 0] * dt``) and neuron ``ids`` (1-D, ``net['spike.i', 0]``), or a sampled signal
(``Recorder`` traces). Time is in ms, rates in Hz, frequencies in Hz. Bins of width ``bin`` ms are
``(start + k bin, start + (k + 1) bin]``: a spike stamped at the end of its step (iteration x dt)
lands in the bin holding that step (times up to 1e-4 bin past a bin's end, float rounding of
``iteration * dt``, still count in it). Results are float64 tensors on the input's device (or floats).

Example
-------
>>> t, i = net['spike.t', 0] * dt, net['spike.i', 0]
>>> isi_cv(t, i, n=800).nanmean()                          # 0 for a clock, ~1 for Poisson trains
>>> fano_factor(t, duration=2000.0, bin=5.0)               # variance / mean of population counts
>>> rate = population_rate(t, n=800, duration=2000.0, bin=1.0)
>>> freqs, power = power_spectrum(rate, dt=1.0)
"""
import math

import torch

from .errors import ArgumentError, bad_argument

__all__ = ["spike_counts", "population_rate", "isi_cv", "fano_factor", "synchrony_chi", "power_spectrum"]


def _vector(owner, name, value):
    if not isinstance(value, torch.Tensor) or value.dim() != 1:
        raise bad_argument(owner, name, "a 1-D tensor", value)
    return value


def _positive(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise bad_argument(owner, name, "a number > 0", value)
    return float(value)


def _bins(owner, duration, bin):
    duration, bin = _positive(owner, "duration", duration), _positive(owner, "bin", bin)
    count = round(duration / bin)
    if count < 1 or abs(count * bin - duration) > 1e-6 * duration:
        raise ArgumentError(f"{owner}.bin: must divide duration into whole bins, got bin={bin} ms for "
                            f"duration={duration} ms")
    return count, bin


# Times within this fraction of a bin after a bin's end count in that bin: float32 step times
# (iteration x dt) are off by a few ulps and must not spill into the next bin.
_SLACK = 1e-4


def _bin_index(times, start, bin, count):
    """Bin of each time, -1 outside ``(start, start + count bin]`` (a time at ``start`` counts in bin 0)."""
    position = (times.double() - start) / bin
    index = torch.ceil(position - _SLACK).long().clamp_(min=1) - 1
    return index.masked_fill_((position < -_SLACK) | (index >= count), -1)


def spike_counts(times, ids, n, duration, bin, start=0.0):
    """Spike counts per neuron and bin: an ``(n, duration / bin)`` float64 tensor."""
    owner = "spike_counts"
    times, ids = _vector(owner, "times", times), _vector(owner, "ids", ids)
    if times.shape != ids.shape:
        raise ArgumentError(f"{owner}: times and ids must have one length, got {times.numel()} and {ids.numel()}")
    count, bin = _bins(owner, duration, bin)
    index = _bin_index(times, float(start), bin, count)
    keep = (index >= 0) & (ids >= 0) & (ids < n)
    flat = ids[keep].long() * count + index[keep]
    return torch.bincount(flat, minlength=n * count).double().view(n, count)


def population_rate(times, n, duration, bin=1.0, start=0.0):
    """The population rate in Hz per bin: spikes of all ``n`` neurons / (n x bin), shape ``(duration / bin,)``."""
    owner = "population_rate"
    times = _vector(owner, "times", times)
    count, bin = _bins(owner, duration, bin)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise bad_argument(owner, "n", "a positive int (the number of neurons)", n)
    index = _bin_index(times, float(start), bin, count)
    counts = torch.bincount(index[index >= 0], minlength=count).double()
    return counts * (1000.0 / (n * bin))


def isi_cv(times, ids, n, min_intervals=2):
    """Coefficient of variation of each neuron's interspike intervals, std / mean (population std).

    A ``(n,)`` float64 tensor: 0 for a regular train, ~1 for a Poisson train, NaN for neurons with
    fewer than ``min_intervals`` intervals (use ``.nanmean()`` to average).
    """
    owner = "isi_cv"
    times, ids = _vector(owner, "times", times), _vector(owner, "ids", ids)
    if times.shape != ids.shape:
        raise ArgumentError(f"{owner}: times and ids must have one length, got {times.numel()} and {ids.numel()}")
    if isinstance(min_intervals, bool) or not isinstance(min_intervals, int) or min_intervals < 1:
        raise bad_argument(owner, "min_intervals", "an int >= 1", min_intervals)
    ids, times = ids.long(), times.double()
    by_time = torch.argsort(times, stable=True)
    by_neuron = by_time[torch.argsort(ids[by_time], stable=True)]  # grouped by neuron, in time order
    ids, times = ids[by_neuron], times[by_neuron]
    same = ids[1:] == ids[:-1]
    isi, who = (times[1:] - times[:-1])[same], ids[1:][same]
    keep = (who >= 0) & (who < n)
    isi, who = isi[keep], who[keep]
    count = torch.bincount(who, minlength=n).double()
    total = torch.zeros(n, dtype=torch.float64, device=times.device).index_add_(0, who, isi)
    squares = torch.zeros(n, dtype=torch.float64, device=times.device).index_add_(0, who, isi * isi)
    mean = total / count
    std = (squares / count - mean * mean).clamp_(min=0.0).sqrt_()
    return torch.where(count >= min_intervals, std / mean, torch.full_like(mean, math.nan))


def fano_factor(times, duration, bin, ids=None, n=None, start=0.0):
    """Fano factor (variance / mean) of spike counts in ``bin`` ms windows.

    Without ``ids``: of the population count (all spikes), a float: 1 for independent Poisson
    trains, larger when the neurons fire together. With ``ids`` and ``n``: per neuron, a ``(n,)``
    tensor (NaN for silent neurons). The variance is the population variance over the windows.
    """
    owner = "fano_factor"
    times = _vector(owner, "times", times)
    if ids is None:
        count, bin = _bins(owner, duration, bin)
        index = _bin_index(times, float(start), bin, count)
        counts = torch.bincount(index[index >= 0], minlength=count).double()
        return (counts.var(unbiased=False) / counts.mean()).item()
    if n is None:
        raise ArgumentError(f"{owner}.n: the number of neurons is needed with ids, got None")
    counts = spike_counts(times, ids, n, duration, bin, start)
    mean = counts.mean(1)
    return torch.where(mean > 0, counts.var(1, unbiased=False) / mean, torch.full_like(mean, math.nan))


def synchrony_chi(signals):
    """Golomb's synchrony measure chi of ``(T, n)`` signals (voltages, or spike counts per bin).

    ``chi^2 = var_t(mean_i x_i(t)) / mean_i var_t(x_i(t))``: 1 when all neurons do the same, about
    ``1 / sqrt(n)`` for independent ones. A float.
    """
    owner = "synchrony_chi"
    if not isinstance(signals, torch.Tensor) or signals.dim() != 2 or signals.shape[0] < 2:
        raise bad_argument(owner, "signals", "a (T, n) tensor with T >= 2 samples", signals)
    x = signals.double()
    individual = x.var(0, unbiased=False).mean()
    if individual == 0:
        raise ArgumentError(f"{owner}.signals: every signal is constant: chi is undefined")
    return math.sqrt((x.mean(1).var(unbiased=False) / individual).item())


def power_spectrum(signal, dt, segments=1):
    """One-sided power spectral density of a sampled signal (mean removed), by Welch's method.

    ``signal``: 1-D, sampled every ``dt`` ms; split into ``segments`` equal, non-overlapping parts
    whose periodograms are averaged. Returns ``(frequencies in Hz, power in signal^2 / Hz)``; the
    sum of ``power`` times the frequency step equals the signal's variance (Parseval).
    """
    owner = "power_spectrum"
    signal = _vector(owner, "signal", signal)
    dt = _positive(owner, "dt", dt)
    if isinstance(segments, bool) or not isinstance(segments, int) or not 1 <= segments <= signal.numel() // 2:
        raise bad_argument(owner, "segments", f"an int in [1, {signal.numel() // 2}]", segments)
    length = signal.numel() // segments
    parts = signal[:length * segments].double().view(segments, length)
    parts = parts - parts.mean(1, keepdim=True)
    rate = 1000.0 / dt  # samples per second
    power = torch.fft.rfft(parts, dim=1).abs().square().mean(0) / (rate * length)
    last = power.numel() - 1 if length % 2 == 0 else power.numel()  # the Nyquist bin (even length) is not folded
    power[1:last] *= 2.0  # one-sided: add the negative frequencies
    return torch.fft.rfftfreq(length, d=1.0 / rate).to(power.device), power
