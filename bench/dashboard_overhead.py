"""What the live dashboard costs a run: the same network run with a Dashboard attached vs without.

Both runs happen in this process, interleaved, on one torch thread, seeded alike. "Attached" is
``Dashboard(net).controller.run(n)``: chunked stepping, the dashboard's observer (the shown neurons,
the mean and the spike vector of one group), and at most ``frame_rate`` (20) frames a second, each
reading what is new and encoding it, sent to a page that acknowledges every frame at once (outside a
kernel the messages go nowhere, so sending itself is not counted). "Without" is
``net.simulate_iterations(n)`` on a network with the user's recorders only. The ratio is the median of
adjacent pairs' ratios (order alternating). Goal: attached >= 80%.

Also prints the Python cost of one frame (reading the window's new samples and spikes on the device,
copying them to the host, encoding) for 100,000 neurons and 1,000 / 100,000 spikes.

    python bench/dashboard_overhead.py [--size 1000] [--iterations 1000] [--repeats 9]
"""
import argparse
import statistics
import sys
import time
import warnings

import torch

from pymonntorch_core import Network, NeuronGroup
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


def acknowledging_page(plots):
    """A page that paints every frame at once: the kernel may send at its full frame rate."""
    plots.send = lambda content, buffers=None: plots._on_msg(plots, {"type": "drawn"}, [])
    plots._on_msg(plots, {"type": "hello"}, [])


def attached(size, iterations, recorders, frames):
    from pymonn_widgets import Dashboard

    net = network(size, recorders)
    dash = Dashboard(net, served=False)
    acknowledging_page(dash.plots)
    before = dash.plots.frames_sent
    start = time.perf_counter()
    dash.controller.run(iterations)
    elapsed = time.perf_counter() - start
    frames.append((dash.plots.frames_sent - before) / elapsed)
    return elapsed


def frame_costs(spikes_list, repeats=8, size=100_000, span=50):
    """Python time to build one frame (``span`` new iterations) of a group of ``size`` neurons."""
    from pymonn_widgets import PlotWindow

    rows = []
    for spikes in spikes_list:
        net = Network()
        ng = NeuronGroup(net=net, size=size, behavior={})
        ng.voltage = torch.zeros(size)
        ng.spike = torch.zeros(size, dtype=torch.bool)
        net.initialize(info=False)
        view = PlotWindow(net, ng, [0, 1, 2, 3, 4], window=1000)
        times = []
        for _ in range(repeats):
            for _ in range(span):
                ng.spike = torch.rand(size) < spikes / span / size
                net.simulate_iterations(1, measure_block_time=False)
            start = time.perf_counter()
            header, buffers = view.frame()
            times.append(time.perf_counter() - start)
        rows.append((spikes, header["spikes"], statistics.median(times) * 1e3, sum(map(len, buffers)) / 1e6))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"python {sys.version.split()[0]}, torch {torch.__version__}, {args.threads} thread(s), N={args.size}, "
          f"{args.iterations} iterations, median ratio of {args.repeats} adjacent pairs")
    print(f"{'network':<28} {'without it/s':>12} {'attached it/s':>13} {'ratio':>6} {'frames/s':>8}")
    for recorders, label in ((True, "user recorders"), (False, "no recorders (dashboard's)")):
        base, dash, frames = [], [], []
        plain(args.size, 50, recorders), attached(args.size, 50, recorders, [])  # warm up
        for repeat in range(args.repeats):   # in pairs, the order alternating: a slow phase of a shared
            order = ("plain", "attached") if repeat % 2 == 0 else ("attached", "plain")   # machine hits both
            for which in order:
                if which == "plain":
                    base.append(plain(args.size, args.iterations, recorders))
                else:
                    dash.append(attached(args.size, args.iterations, recorders, frames))
        ratio = statistics.median(b / d for b, d in zip(base, dash))   # the ratio of each pair, then the median
        print(f"{label:<28} {args.iterations / statistics.median(base):>12.0f} "
              f"{args.iterations / statistics.median(dash):>13.0f} {ratio:>6.2f} {statistics.median(frames):>8.1f}")
    print("\none frame, Python side (50 new iterations of 100,000 neurons: samples, spikes on the device, encode):")
    print(f"{'spikes':>8} {'sent':>8} {'ms':>8} {'MB':>6}")
    for spikes, sent, ms, mb in frame_costs([1_000, 100_000]):
        print(f"{spikes:>8} {sent:>8} {ms:>8.2f} {mb:>6.2f}")


if __name__ == "__main__":
    main()
