"""Soak test: a long run with bounded (ring-buffer) recorders keeps resident memory flat.

Runs the tutorial network (default N=100) for --iterations iterations with
Recorder(max_length=...) and EventRecorder(max_length=...), or, with --dashboard, without recorders
of its own and with the dashboard attached (which then records into its own bounded rings), and
prints resident memory every --every iterations and the growth between the first and last reading.

    python bench/soak_memory.py [--iterations 1000000] [--every 100000] [--size 100] [--dashboard]
"""
import argparse
import resource
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from tutorial_network import BasicBehavior, InputBehavior  # noqa: E402

from pymonntorch_core import EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup  # noqa: E402


def resident_mib():
    """Current resident set size in MiB (Linux /proc), falling back to the peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--max-length", type=int, default=10_000)
    parser.add_argument("--dashboard", action="store_true", help="attach pymonn_widgets.Dashboard")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = Network()
    behaviors = {1: BasicBehavior(), 2: InputBehavior()}
    if not args.dashboard:
        behaviors[9] = Recorder(["voltage", "torch.mean(voltage)"], max_length=args.max_length)
        behaviors[10] = EventRecorder(["spike"], max_length=args.max_length * 10)
    ng = NeuronGroup(net=net, size=args.size, behavior=behaviors)
    SynapseGroup(ng, ng, net, tag="GLUTAMATE")
    net.initialize(info=False)
    runner = net.simulate_iterations
    if args.dashboard:
        from pymonn_widgets import Dashboard

        runner = Dashboard(net).controller.run
    readings = []
    start = time.perf_counter()
    print(f"{'iteration':>10} {'RSS MiB':>9} {'it/s':>8}")
    done = 0
    while done < args.iterations:
        chunk = min(args.every, args.iterations - done)
        t = time.perf_counter()
        if args.dashboard:
            runner(chunk)
        else:
            runner(chunk, measure_block_time=False)
        done += chunk
        readings.append(resident_mib())
        print(f"{net.iteration:>10} {readings[-1]:>9.1f} {chunk / (time.perf_counter() - t):>8.0f}", flush=True)
    print(f"total {time.perf_counter() - start:.1f} s; RSS growth from first to last reading: "
          f"{readings[-1] - readings[0]:+.1f} MiB over {args.iterations - args.every} iterations")


if __name__ == "__main__":
    main()
