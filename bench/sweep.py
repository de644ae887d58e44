"""The same parameter sweep serially, on the embedded Dask cluster and on an already running client.

Each trial is a sparse E/I LIF network whose iteration count is calibrated here so one trial takes
about ``--trial-seconds`` serially. The script runs the sweep three ways in one run (``--rounds``
repeats them, rotating the order) and prints each wall time, its ratio to the serial wall time and the
per-trial overhead ``(wall x workers - sum of trial seconds) / trials`` (for the embedded cluster this
includes starting and closing it). It also checks that the three give the same numbers.
Judged targets on 2 cores: embedded <= 0.7x serial (start-up included), running 2-worker client <= 0.6x.

    python bench/sweep.py [--trials 16] [--trial-seconds 1.5] [--workers 2] [--rounds 1]
"""
import argparse
import statistics
import time

from pymonntorch_core import LIF, EventRecorder, Network, NeuronGroup, PoissonInput, SparseSynapse, SynapseGroup, sweep


def build(g, rate, size=2000):
    """A sparse E/I network (80% excitatory), Poisson drive of ``rate`` Hz, inhibition ``g`` x excitation."""
    net = Network()
    exc = NeuronGroup(size * 4 // 5, net, tag="exc", behavior={
        1: PoissonInput(rate=rate, count=20, weight=1.2), 2: LIF(tau=20.0, refractory=2.0, v_init="uniform(-65, -50)"),
        9: EventRecorder(["spike"])})
    inh = NeuronGroup(size // 5, net, tag="inh", behavior={
        1: PoissonInput(rate=rate, count=20, weight=1.2), 2: LIF(tau=10.0, refractory=2.0, v_init="uniform(-65, -50)"),
        9: EventRecorder(["spike"])})
    for src, dst, sign, scale in [(exc, exc, 1.0, 0.5), (exc, inh, 1.0, 0.5), (inh, exc, -1.0, 0.5 * g),
                                  (inh, inh, -1.0, 0.5 * g)]:
        SynapseGroup(src, dst, net, tag=f"{src.tags[0]}_{dst.tags[0]}", behavior={
            3: SparseSynapse(in_degree=max(1, src.size // 10), weights=1.0, sign=sign, scale=scale)})
    return net


def grid(trials):
    gs = [3.0, 4.0, 5.0, 6.0]
    rates = [8.0 + 2.0 * i for i in range(max(1, trials // len(gs)))]
    return {"g": gs, "rate": rates}


def calibrate(target_seconds):
    """Iterations that make one trial last ``target_seconds`` serially (median of three timings)."""
    from pymonntorch_core.sweep import run_trial

    probe = 300
    times = [run_trial(build, None, {"g": 5.0, "rate": 12.0}, i, probe)["seconds"] for i in range(3)]
    per_iteration = statistics.median(times) / probe
    return max(50, int(target_seconds / per_iteration))


def timed(label, **kwargs):
    start = time.perf_counter()
    result = sweep(build, progress=False, **kwargs)
    wall = time.perf_counter() - start
    assert not result.failed, result.failed[0].traceback
    return label, wall, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=16, help="trials (a multiple of 4)")
    parser.add_argument("--trial-seconds", type=float, default=1.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    from distributed import Client, LocalCluster

    iterations = calibrate(args.trial_seconds)
    parameters = grid(args.trials)
    trials = len(parameters["g"]) * len(parameters["rate"])
    print(f"{trials} trials of {iterations} iterations (~{args.trial_seconds} s each serially), "
          f"{args.workers} workers, {args.rounds} round(s)")
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = Client(cluster, set_as_default=False)
    client.run(calibrate, 0.01)          # workers up and warm (torch imported), as a running cluster is
    runs = {"serial": dict(client="serial"), "embedded": dict(client=None, workers=args.workers),
            "client": dict(client=client)}
    walls = {name: [] for name in runs}
    rows = {}
    order = list(runs)
    try:
        for round_ in range(args.rounds):
            for name in order[round_ % 3:] + order[:round_ % 3]:
                label, wall, result = timed(name, parameters=parameters, iterations=iterations, **runs[name])
                walls[name].append((wall, sum(t.seconds for t in result.trials)))
                rows.setdefault(name, [{k: v for k, v in r.items() if k != "seconds"} for r in result.rows()])
                print(f"  round {round_ + 1} {name:9s} {wall:6.1f} s")
    finally:
        client.close()
        cluster.close()

    serial = statistics.median(w for w, _ in walls["serial"])
    print(f"\n{'engine':28s} {'wall s':>8s} {'x serial':>9s} {'overhead/trial s':>17s}")
    for name, workers, target in [("serial", 1, None), ("embedded", args.workers, 0.7), ("client", args.workers, 0.6)]:
        wall = statistics.median(w for w, _ in walls[name])
        compute = statistics.median(c for _, c in walls[name])
        overhead = (wall * workers - compute) / trials
        goal = f"  (target <= {target})" if target else ""
        label = {"serial": "serial (in-process)", "embedded": "embedded LocalCluster",
                 "client": "running 2-worker client"}[name]
        print(f"{label:28s} {wall:8.2f} {wall / serial:9.2f} {overhead:17.3f}{goal}")
    same = rows["serial"] == rows["embedded"] == rows["client"]
    print(f"\nsame numbers on every engine: {same}")
    if not same:
        raise SystemExit("the engines disagree")


if __name__ == "__main__":
    main()
