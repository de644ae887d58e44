"""The tutorial network in pymonntorch_core against a hand-written torch loop doing the same arithmetic.

Both run in this process, interleaved, on one torch thread; the script prints iterations/s, the
ratio of our time to the loop's, and the framework's overhead per iteration. Judged targets: at
N=1000 a ratio <= 1.25, at N=10 at most 25 us per iteration over the loop.

    python bench/tutorial_network.py [--sizes 10 1000] [--iterations 1000] [--repeats 7] [--device cpu]
"""
import argparse
import statistics
import time

import torch

from pymonntorch_core import Behavior, EventRecorder, Network, NeuronGroup, Recorder, SynapseGroup


# The tutorial's behaviors, written out here rather than imported from pymonntorch_core.tutorial:
# bench/peers.py runs this very file on the published pymonntorch too (through a module shim).
class BasicBehavior(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        neurons.voltage = neurons.vector(mode="zeros")
        self.threshold = 2.0

    def forward(self, neurons):
        firing = neurons.voltage >= self.threshold
        neurons.spike = firing.byte()
        neurons.voltage[firing] = 0.0
        neurons.voltage *= 0.9
        neurons.voltage += neurons.vector(mode="uniform", density=0.1)


class InputBehavior(Behavior):
    def initialize(self, neurons):
        super().initialize(neurons)
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            synapse.W = synapse.matrix("uniform", density=0.1)
            synapse.enabled = synapse.W > 0

    def forward(self, neurons):
        for synapse in neurons.afferent_synapses["GLUTAMATE"]:
            neurons.voltage += synapse.W @ synapse.src.spike.float() / synapse.src.size * 10


def run_core(size, iterations, device):
    net = Network(device=device)
    ng = NeuronGroup(net=net, size=size, behavior={
        1: BasicBehavior(), 2: InputBehavior(),
        9: Recorder(["voltage", "torch.mean(voltage)"]), 10: EventRecorder(["spike"]),
    })
    SynapseGroup(ng, ng, net, tag="GLUTAMATE")
    net.initialize(info=False)
    _sync(device)
    start = time.perf_counter()
    net.simulate_iterations(iterations, measure_block_time=False)
    _sync(device)
    return time.perf_counter() - start, net["spike", 0].shape[0]


def run_loop(size, iterations, device):
    """The same arithmetic and recording, written by hand."""
    voltage = torch.zeros(size, device=device)
    weights = torch.rand(size, size, device=device) * (torch.rand(size, size, device=device) <= 0.1)
    voltages = torch.empty(iterations, size, device=device)
    means = torch.empty(iterations, device=device)
    events = torch.empty(64 * iterations, 2, dtype=torch.int64, device=device)
    count = 0
    _sync(device)
    start = time.perf_counter()
    for t in range(1, iterations + 1):
        firing = voltage >= 2.0
        spike = firing.byte()
        voltage[firing] = 0.0
        voltage *= 0.9
        voltage += torch.rand(size, device=device) * (torch.rand(size, device=device) <= 0.1)
        voltage += weights @ spike.float() / size * 10
        voltages[t - 1] = voltage
        means[t - 1] = torch.mean(voltage)
        index = torch.nonzero(spike)
        rows = index.shape[0]
        if count + rows > len(events):
            events = torch.cat((events, torch.empty_like(events)))
        events[count:count + rows, 0] = t
        events[count:count + rows, 1:] = index
        count += rows
    _sync(device)
    return time.perf_counter() - start, count


def _sync(device):
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 1000])
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), device {args.device}, "
          f"{args.iterations} iterations, median of {args.repeats} interleaved runs")
    print(f"{'N':>6} {'core it/s':>11} {'loop it/s':>11} {'ratio':>7} {'overhead/it':>12}")
    for size in args.sizes:
        core, loop = [], []
        run_core(size, 50, args.device), run_loop(size, 50, args.device)  # warm up
        for _ in range(args.repeats):
            torch.manual_seed(0)
            core.append(run_core(size, args.iterations, args.device)[0])
            torch.manual_seed(0)
            loop.append(run_loop(size, args.iterations, args.device)[0])
        c, b = statistics.median(core), statistics.median(loop)
        print(f"{size:>6} {args.iterations / c:>11.0f} {args.iterations / b:>11.0f} {c / b:>7.3f} "
              f"{(c - b) / args.iterations * 1e6:>9.1f} us")


if __name__ == "__main__":
    main()
