"""One measurement in a fresh process, for bench/peers.py: our core, a bare torch loop, or pymonntorch.

    python bench/_torch_worker.py '{"sim": "core", "bench": "sparse", "size": 10000, ...}'

Prints one line ``RESULT {json}``: seconds per timed block, spikes, resident memory. For
``"sim": "pymonntorch"`` the published package stands in for ``pymonntorch_core`` (through a small
shim) so that bench/tutorial_network.py's definitions run unchanged on it.
"""
import json
import os
import resource
import sys
import time
import types

from _rss import rss_mb  # the script's folder is on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))


def _install_pymonntorch_shim():
    """Make ``import pymonntorch_core`` give the published pymonntorch (never our package)."""
    import pymonntorch

    shim = types.ModuleType("pymonntorch_core")
    for name in ("Behavior", "EventRecorder", "Network", "NeuronGroup", "Recorder"):
        setattr(shim, name, getattr(pymonntorch, name))

    def synapse_group(*args, **kwargs):  # 0.1.4 crashes on the positional (src, dst, net) form
        if len(args) >= 3 and isinstance(args[2], pymonntorch.Network):
            src, dst, net, *rest = args
            return pymonntorch.SynapseGroup(net, src, dst, *rest, **kwargs)
        return pymonntorch.SynapseGroup(*args, **kwargs)

    shim.SynapseGroup = synapse_group
    shim.__version__ = getattr(pymonntorch, "__version__", "?")
    sys.modules["pymonntorch_core"] = shim
    return shim


def _sync(device):
    import torch

    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


# --- (a)/(b) the tutorial network: bench/tutorial_network.py's own definitions -------------------------
def tutorial(spec):
    import torch

    sys.path.insert(0, HERE)
    import tutorial_network as tn

    run = tn.run_loop if spec["sim"] == "loop" else tn.run_core
    size, iterations, device = spec["size"], spec["iterations"], spec["device"]
    run(size, min(50, iterations), device)  # warm up
    blocks, events = [], 0
    for block in range(spec["blocks"]):
        torch.manual_seed(block)
        elapsed, events = run(size, iterations, device)
        blocks.append(elapsed)
    return {"blocks": blocks, "events": int(events)}


# --- (c) LIF with 100 sparse synapses per neuron ------------------------------------------------------
LIF = dict(tau=10.0, rest=-65.0, threshold=-50.0, reset=-65.0, R=1.0)
DRIVE = dict(current=14.0, noise=5.0)
WEIGHTS = "uniform(0, 0.2)"


def sparse_core(spec):

    from pymonntorch_core import LIF as Lif
    from pymonntorch_core import CurrentInput, EventRecorder, Network, NeuronGroup, SparseSynapse, SynapseGroup

    size, device = spec["size"], spec["device"]
    net = Network(device=device)
    ng = NeuronGroup(size, net, tag="lif", behavior={
        1: CurrentInput(**DRIVE), 2: Lif(v_init="uniform(-65, -50)", **LIF), 9: EventRecorder(["spike"])})
    sg = SynapseGroup(ng, ng, net, tag="EE", behavior={3: SparseSynapse(in_degree=spec["degree"], weights=WEIGHTS)})
    net.initialize(info=False)
    built = rss_mb()

    def run(iterations):
        net.simulate_iterations(iterations, measure_block_time=False)

    return run, lambda: net["spike", 0].shape[0], sg.W.nbytes, built


def sparse_loop(spec):
    """The same model written by hand: exact LIF step, event-driven scatter of the spiking rows of a
    padded by-source weight table, spikes recorded as (t, i) rows."""
    import math

    import torch

    size, device, k = spec["size"], spec["device"], spec["degree"]
    # connectivity: k random sources per destination, rows grouped by source and padded
    src = torch.randint(size, (size * k,), device=device)
    ordered, order = torch.sort(src, stable=True)
    del src
    degree = torch.bincount(ordered, minlength=size)
    start = torch.cumsum(degree, 0) - degree
    slot = torch.arange(size * k, device=device) - start[ordered]
    width = int(degree.max())
    columns = torch.zeros(size, width, dtype=torch.int32, device=device)
    columns[ordered, slot] = torch.div(order, k, rounding_mode="floor").int()
    valid = torch.arange(width, device=device) < degree[:, None]
    del ordered, order, slot, start
    values = (torch.rand(size, width, device=device) * 0.2) * valid
    del valid
    voltage = torch.rand(size, device=device) * 15.0 - 65.0
    current = torch.zeros(size, device=device)
    spike = torch.zeros(size, dtype=torch.bool, device=device)
    decay = math.exp(-1.0 / LIF["tau"])
    gain = 1.0 - decay
    events = torch.empty(1 << 16, 2, dtype=torch.int64, device=device)
    state = {"count": 0, "t": 0, "events": events}
    built = rss_mb()

    def run(iterations):
        count, t, events = state["count"], state["t"], state["events"]
        for _ in range(iterations):
            t += 1
            current.add_(DRIVE["current"])
            current.add_(torch.randn_like(current), alpha=DRIVE["noise"])
            voltage.mul_(decay).add_(current, alpha=LIF["R"] * gain).add_(LIF["rest"] * gain)
            current.zero_()
            torch.ge(voltage, LIF["threshold"], out=spike)
            voltage.masked_fill_(spike, LIF["reset"])
            idx = torch.nonzero(spike).view(-1)
            current.index_add_(0, columns.index_select(0, idx).view(-1), values.index_select(0, idx).view(-1))
            rows = idx.shape[0]
            if count + rows > events.shape[0]:
                grown = torch.empty(2 * (count + rows), 2, dtype=torch.int64, device=device)
                grown[:count] = events[:count]
                events = grown
            events[count:count + rows, 0] = t
            events[count:count + rows, 1] = idx
            count += rows
        state.update(count=count, t=t, events=events)

    nbytes = columns.numel() * 4 + values.numel() * values.element_size() + degree.numel() * 4
    return run, lambda: state["count"], nbytes, built


def sparse(spec):
    import torch

    torch.manual_seed(0)
    run, events, nbytes, built = (sparse_core if spec["sim"] == "core" else sparse_loop)(spec)
    run(spec["warmup"])
    _sync(spec["device"])
    blocks = []
    for _ in range(spec["blocks"]):
        start = time.perf_counter()
        run(spec["iterations"])
        _sync(spec["device"])
        blocks.append(time.perf_counter() - start)
    steps = spec["warmup"] + spec["blocks"] * spec["iterations"]
    return {"blocks": blocks, "events": int(events()), "steps": steps, "weights_mb": nbytes / 1e6,
            "rss_built_mb": built}


# --- core and bare loop alternating block by block in one process: the ratio, robust to a busy machine ---
def pair(spec):
    import torch

    blocks = {"core": [], "loop": []}
    if spec["bench"] == "tutorial":
        sys.path.insert(0, HERE)
        import tutorial_network as tn

        runs = {"core": lambda: tn.run_core(spec["size"], spec["iterations"], spec["device"])[0],
                "loop": lambda: tn.run_loop(spec["size"], spec["iterations"], spec["device"])[0]}
        for run in runs.values():
            run()  # warm up
    else:
        runs = {}
        for name, build in (("core", sparse_core), ("loop", sparse_loop)):
            torch.manual_seed(0)
            step = build(dict(spec, sim=name))[0]
            step(spec["warmup"])
            runs[name] = _timed(step, spec["iterations"], spec["device"])
    for block in range(spec["pairs"]):
        for name in (("core", "loop") if block % 2 == 0 else ("loop", "core")):
            torch.manual_seed(block)
            blocks[name].append(runs[name]())
    return {"pair": blocks, "blocks": blocks["core"]}


def _timed(step, iterations, device):
    def run():
        _sync(device)
        start = time.perf_counter()
        step(iterations)
        _sync(device)
        return time.perf_counter() - start
    return run


# --- recording scaling: time per step as T grows ------------------------------------------------------
def recording(spec):
    import torch

    sys.path.insert(0, HERE)
    import tutorial_network as tn

    blocks = []
    for iterations in spec["lengths"]:
        torch.manual_seed(0)
        elapsed, _ = tn.run_core(spec["size"], iterations, spec["device"])
        blocks.append(elapsed)
    return {"blocks": blocks, "lengths": spec["lengths"]}


def main():
    spec = json.loads(sys.argv[1])
    if spec["sim"] == "pymonntorch":
        _install_pymonntorch_shim()
    import torch

    torch.set_num_threads(spec.get("threads", 1))
    base = rss_mb()
    if str(spec["device"]).startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    bench = pair if spec["sim"] == "pair" else {"tutorial": tutorial, "sparse": sparse, "recording": recording}[spec["bench"]]
    result = bench(spec)
    result["rss_base_mb"] = base
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if str(spec["device"]).startswith("cuda"):
        result["cuda_peak_mb"] = torch.cuda.max_memory_allocated() / 1e6
    result["torch"] = torch.__version__
    if spec["sim"] == "pymonntorch":
        import pymonntorch

        result["version"] = getattr(pymonntorch, "__version__", "0.1.4")
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
