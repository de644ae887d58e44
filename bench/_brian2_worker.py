"""One Brian2 measurement in a fresh process, for bench/peers.py (runs in Brian2's own venv: numpy, no torch).

    python bench/_brian2_worker.py '{"bench": "sparse", "size": 10000, "target": "cython", ...}'

Prints one line ``RESULT {json}``. The models mirror bench/_torch_worker.py: the tutorial network
(decay 0.9, sparse uniform noise, threshold 2, reset 0, 10% dense-random weights / N * 10) and the
LIF network (exact integration, tau 10 ms, noisy current 14 +- 5, 100 random inputs per neuron with
weights uniform(0, 0.2) applied as a voltage jump w * R * (1 - exp(-dt/tau)), like our current).
"""
import json
import math
import resource
import sys
import time

from _rss import rss_mb  # the script's folder is on sys.path


def main():
    spec = json.loads(sys.argv[1])
    import brian2 as b2
    import numpy as np

    base = rss_mb()
    b2.prefs.codegen.target = spec["target"]
    b2.defaultclock.dt = 1 * b2.ms
    b2.seed(0)
    size = spec["size"]
    if spec["bench"] == "tutorial":
        group = b2.NeuronGroup(size, "v : 1\nr : 1", threshold="v >= 2", reset="v = 0")
        group.run_regularly("r = rand()\nv = 0.9 * v + r * int(rand() < 0.1)", when="start")
        synapses = b2.Synapses(group, group, "w : 1", on_pre="v_post += w * 10.0 / N_pre")
        synapses.connect(p=0.1)
        synapses.w = "rand()"
        monitors = [b2.StateMonitor(group, "v", record=True), b2.SpikeMonitor(group)]
    else:
        tau, rest, gain = 10 * b2.ms, -65.0, 1.0 - math.exp(-0.1)
        group = b2.NeuronGroup(size, "dv/dt = (rest - v + I) / tau : 1\nI : 1", threshold="v >= -50",
                               reset="v = -65", method="exact", namespace={"tau": tau, "rest": rest})
        group.v = "-65 + 15 * rand()"
        group.run_regularly("I = 14.0 + 5.0 * randn()", when="start")
        synapses = b2.Synapses(group, group, "w : 1", on_pre=f"v_post += w * {gain!r}")
        rng = np.random.default_rng(0)
        k = spec["degree"]
        sources = rng.integers(0, size, size=size * k, dtype=np.int32)
        targets = np.repeat(np.arange(size, dtype=np.int32), k)
        synapses.connect(i=sources, j=targets)
        del sources, targets
        synapses.w = "0.2 * rand()"
        monitors = [b2.SpikeMonitor(group)]
    net = b2.Network(group, synapses, *monitors)
    built = rss_mb()
    start = time.perf_counter()
    net.run(spec["warmup"] * b2.ms)  # compiles (cython: cached across processes)
    compile_s = time.perf_counter() - start
    # Each net.run() call costs a fixed ~0.2-0.6 s of preparation here, whatever its length, so T
    # grows (x4) until one run(T) lasts >= 3 s: the preparation is then <= ~15 % of a block, as in a
    # long simulation. Blocks are reported scaled to the T that was asked for.
    iterations = spec["iterations"]
    while True:
        start = time.perf_counter()
        net.run(iterations * b2.ms)
        if time.perf_counter() - start >= 3.0 or iterations >= 1_000_000:
            break
        iterations *= 4
    blocks = []
    for _ in range(spec["blocks"]):
        start = time.perf_counter()
        net.run(iterations * b2.ms)
        blocks.append((time.perf_counter() - start) * spec["iterations"] / iterations)
    start = time.perf_counter()
    net.run(1 * b2.ms)
    overhead = time.perf_counter() - start
    result = {"blocks": blocks, "events": int(monitors[-1].num_spikes), "rss_base_mb": base, "rss_built_mb": built,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
              "first_run_s": compile_s, "run_1_step_s": overhead, "version": b2.__version__, "target": spec["target"],
              "iterations_timed": iterations, "blocks_scaled_to": spec["iterations"],
              "steps": int(net.t / b2.defaultclock.dt)}
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
