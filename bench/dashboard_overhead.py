"""What the live dashboard costs a run: the same network run with a Dashboard attached vs without.

Both runs happen in this process, interleaved, on one torch thread, seeded alike. "Attached" is
``Dashboard(net).controller.run(n)``: chunked stepping, dashboard recorders where the user has none,
and at most ``frame_rate`` (30) frames a second, each reading the new samples/events and serialising the
plot updates (outside a kernel the widget messages go nowhere, so sending itself is not counted).
"Without" is ``net.simulate_iterations(n)`` on a network with the user's recorders only.
Goal: attached >= 80% of the speed.

Also prints the Python cost of one raster frame (reading and encoding the new events) and of the
first frame after a restart (the whole window) for 1,000 and 100,000 spikes.

    python bench/dashboard_overhead.py [--size 1000] [--iterations 1000] [--repeats 5]
"""
import argparse
import statistics
import sys
import time
import warnings

import torch

from pymonntorch_core import EventRecorder, Network, NeuronGroup
from pymonntorch_core.tutorial import tutorial_network

warnings.filterwarnings("ignore", category=DeprecationWarning)


def network(size, recorders):
    torch.manual_seed(0)
    return tutorial_network(size=size, recorders=recorders)[0]


def plain(size, iterations, recorders):
    net = network(size, recorders)
    start = time.perf_counter()
    net.simulate_iterations(iterations, measure_block_time=False)
    return time.perf_counter() - start


def attached(size, iterations, recorders, frames):
    from pymonn_widgets import Dashboard

    net = network(size, recorders)
    dash = Dashboard(net)
    counted = []
    dash.controller.on("frame", lambda: counted.append(1))
    start = time.perf_counter()
    dash.controller.run(iterations)
    elapsed = time.perf_counter() - start
    frames.append(len(counted) / elapsed)
    return elapsed


def raster_frame_costs(spikes_list, repeats=20):
    """Python time to read + encode + send the events of one frame, from an EventRecorder."""
    from pymonn_widgets import RasterPlot
    from pymonn_widgets.sources import EventCursor

    rows = []
    for spikes in spikes_list:
        net = Network()
        ng = NeuronGroup(net=net, size=100_000, behavior={9: EventRecorder(["spike"])})
        net.initialize(info=False)
        buffer = ng.behavior[9]._buffers["spike"]
        raster = RasterPlot(window=1000, neurons=100_000)
        raster.send = lambda content, buffers=None: None
        times = []
        for _ in range(repeats):
            t = torch.randint(0, 1000, (spikes,))
            index = torch.randint(0, 100_000, (spikes, 1))
            buffer.append(int(t[0]), index)
            cursor = EventCursor(ng.behavior[9], "spike")
            cursor.position = buffer.count - spikes
            start = time.perf_counter()
            raster.push(cursor.read(), now=1000)
            times.append(time.perf_counter() - start)
        rows.append(("EventRecorder", spikes, statistics.median(times) * 1e3, spikes * 8 / 1e6))
    # the dashboard's own spike ring: 50 new spike vectors of 100,000 neurons, spikes found at read time
    from pymonn_widgets.sources import DashboardSpikeRecorder, SpikeSampleCursor

    for spikes in spikes_list:
        net = Network()
        ng = NeuronGroup(net=net, size=100_000, behavior={})
        ng.spike = torch.zeros(100_000, dtype=torch.uint8)
        recorder = ng.add_behavior(9, DashboardSpikeRecorder(["spike"], max_length=500))
        net.initialize(info=False)
        raster = RasterPlot(window=1000, neurons=100_000)
        raster.send = lambda content, buffers=None: None
        times = []
        for _ in range(repeats // 4):
            cursor = SpikeSampleCursor(recorder, "spike")
            cursor.skip_to_end()
            for _ in range(50):
                ng.spike = (torch.rand(100_000) < spikes / 50 / 100_000).to(torch.uint8)
                net.simulate_iterations(1, measure_block_time=False)
            start = time.perf_counter()
            raster.push(cursor.read(), now=net.iteration)
            times.append(time.perf_counter() - start)
        rows.append(("dashboard spike ring", spikes, statistics.median(times) * 1e3, spikes * 8 / 1e6))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"python {sys.version.split()[0]}, torch {torch.__version__}, {args.threads} thread(s), N={args.size}, "
          f"{args.iterations} iterations, median of {args.repeats} interleaved runs")
    print(f"{'network':<28} {'without it/s':>12} {'attached it/s':>13} {'ratio':>6} {'frames/s':>8}")
    for recorders, label in ((True, "user recorders"), (False, "no recorders (dashboard's)")):
        base, dash, frames = [], [], []
        plain(args.size, 50, recorders), attached(args.size, 50, recorders, [])  # warm up
        for _ in range(args.repeats):
            base.append(plain(args.size, args.iterations, recorders))
            dash.append(attached(args.size, args.iterations, recorders, frames))
        b, d = statistics.median(base), statistics.median(dash)
        print(f"{label:<28} {args.iterations / b:>12.0f} {args.iterations / d:>13.0f} {b / d:>6.2f} "
              f"{statistics.median(frames):>8.1f}")
    print("\nraster frame, Python side (read the new spikes, encode int32, send), 100,000 neurons:")
    print(f"{'source':<22} {'spikes':>8} {'ms':>8} {'MB':>6}")
    for source, spikes, ms, mb in raster_frame_costs([1_000, 100_000]):
        print(f"{source:<22} {spikes:>8} {ms:>8.2f} {mb:>6.2f}")


if __name__ == "__main__":
    main()
