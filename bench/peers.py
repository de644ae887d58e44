"""Side-by-side benchmark of pymonntorch_core against its peers, in one run, interleaved.

Measured, each in a fresh process (so peak memory is per measurement: ru_maxrss) and in rotating
order across repeats (so slow phases of a shared machine hit everyone alike):

- ``core``: this project, ``pymonntorch_core`` (built-in behaviors for the LIF networks);
- ``bare loop``: a hand-written torch loop doing the same arithmetic (the ceiling for any framework);
- ``pymonntorch 0.1.4``: the published package, installed on demand with ``pip install --no-deps
  --target`` into a cache folder (never into this environment), or run by ``--pymonntorch-python``;
- ``brian2``: Brian2 (cython target, numpy if cython cannot compile), installed on demand into its
  own venv, or run by ``--brian2-python``.

Benchmarks: (a) the tutorial network (bench/tutorial_network.py's own definitions), N=1000 with
recorders; (b) the same at N=10: per-step framework overhead; (c) LIF neurons with 100 sparse
event-driven synapses per neuron at N=10,000 and 100,000 (``LIF`` + ``SparseSynapse`` +
``CurrentInput`` + ``EventRecorder``); (d) recording scaling: time per step of the tutorial network
with recorders for T = 10^3 ... 10^5 iterations.

    python bench/peers.py                       # everything (about 11 minutes on 2 busy cores)
    python bench/peers.py --quick               # a smaller, faster pass (about 4 minutes)
    python bench/peers.py --device cuda         # our core and the bare loop on the GPU
    python bench/peers.py --pymonntorch-python /path/to/venv/bin/python --brian2-python /path/bin/python
    python bench/peers.py --only sparse --sizes 100000 --repeats 5

Ratios compare medians: ``time(peer) / time(core)`` (> 1: the core is faster) and, for the bare
loop, ``time(core) / time(loop)`` (the framework's cost; <= 1.25 is the goal).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYMONNTORCH = "pymonntorch==0.1.4"
BRIAN2 = ["brian2", "numpy<2.3"]  # brian2 2.9 uses ndarray.ptp, gone from numpy >= 2.4


# --- peers, installed on demand --------------------------------------------------------------------------
def _cache_dir(args):
    return args.cache_dir or os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                          "pymonntorch-lab-bench")


def pymonntorch_runner(args):
    """(python, extra env) that runs the published pymonntorch, or None with a reason."""
    if args.pymonntorch_python:
        return (args.pymonntorch_python, {}), None
    target = os.path.join(_cache_dir(args), "pymonntorch-0.1.4")
    if not os.path.exists(os.path.join(target, "pymonntorch")):
        print(f"installing {PYMONNTORCH} into {target} (pip --target, not this environment) ...", flush=True)
        done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target,
                               PYMONNTORCH], capture_output=True, text=True)
        if done.returncode:
            return None, f"pip install {PYMONNTORCH} failed: {done.stderr.strip()[-300:]}"
    return (sys.executable, {"PYTHONPATH": target}), None


def brian2_runner(args):
    """(python, extra env) with Brian2 in its own venv, or None with a reason."""
    if args.brian2_python:
        return (args.brian2_python, {}), None
    venv = os.path.join(_cache_dir(args), "brian2-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"installing Brian2 into its own venv {venv} ...", flush=True)
        base = getattr(sys, "_base_executable", sys.executable)
        steps = [[base, "-m", "venv", venv], [python, "-m", "pip", "install", "-q", *BRIAN2]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode:
                return None, f"{' '.join(step[:4])} failed: {done.stderr.strip()[-300:]}"
    return (python, {}), None


# --- one measurement ---------------------------------------------------------------------------------------
def measure(runner, worker, spec, timeout):
    python, env = runner
    command = [python, os.path.join(HERE, worker), json.dumps(spec)]
    environment = {**os.environ, **env, "OMP_NUM_THREADS": str(spec.get("threads", 1))}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail)[-400:]}


# --- the suite ---------------------------------------------------------------------------------------------
def build_plan(args):
    quick = args.quick
    torch_runner = (sys.executable, {})
    peers = {"core": (torch_runner, "_torch_worker.py", "core"),
             "bare loop": (torch_runner, "_torch_worker.py", "loop")}
    notes = []
    if "pymonntorch" not in args.skip:
        runner, why = pymonntorch_runner(args)
        if runner:
            peers["pymonntorch 0.1.4"] = (runner, "_torch_worker.py", "pymonntorch")
        else:
            notes.append(f"pymonntorch skipped: {why}")
    if "brian2" not in args.skip:
        runner, why = brian2_runner(args)
        if runner:
            peers["brian2"] = (runner, "_brian2_worker.py", "brian2")
        else:
            notes.append(f"Brian2 skipped: {why}")
    device, threads = args.device, args.threads
    plan = []
    if "tutorial" in args.only:
        iterations = 300 if quick else 1000
        spec = {"bench": "tutorial", "size": 1000, "iterations": iterations, "blocks": 2 if quick else 3,
                "warmup": 50, "device": device, "threads": threads}
        plan.append(("(a) tutorial network, N=1000, recorders on", spec, list(peers)))
    if "overhead" in args.only:
        iterations = 2000 if quick else 5000
        spec = {"bench": "tutorial", "size": 10, "iterations": iterations, "blocks": 2 if quick else 3,
                "warmup": 50, "device": device, "threads": threads}
        plan.append(("(b) per-step overhead: tutorial network, N=10", spec, list(peers)))
    if "sparse" in args.only:
        for size in args.sizes or ([10_000] if quick else [10_000, 100_000]):
            iterations = max(50, min(1000, int(2e9 / (size * args.degree))))  # 10k: 1000, 100k: 200
            if quick:
                iterations = max(50, iterations // 3)
            spec = {"bench": "sparse", "size": size, "degree": args.degree, "iterations": iterations,
                    "blocks": 3, "warmup": 20, "device": device, "threads": threads}
            plan.append((f"(c) LIF + {args.degree} sparse synapses/neuron, N={size:,}", spec,
                         [p for p in peers if p != "pymonntorch 0.1.4"]))
    return peers, plan, notes


def run_group(title, spec, names, peers, args, brian_target):
    results = {name: [] for name in names}
    repeats = args.repeats or (2 if args.quick else 3)
    for rep in range(repeats):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            runner, worker, sim = peers[name]
            job = dict(spec, sim=sim)
            if sim == "brian2":
                job["target"] = brian_target[0]
                if job["bench"] == "tutorial" and job["device"] != "cpu":
                    job["device"] = "cpu"
            started = time.perf_counter()
            result = measure(runner, worker, job, args.timeout)
            if sim == "brian2" and "error" in result and brian_target[0] == "cython":
                print(f"  brian2 cython failed ({result['error'][:120]}); falling back to the numpy target")
                brian_target[0] = job["target"] = "numpy"
                result = measure(runner, worker, job, args.timeout)
            result["wall_s"] = time.perf_counter() - started
            results[name].append(result)
            status = result.get("error") or f"{spec['iterations'] / statistics.median(result['blocks']):.0f} it/s"
            print(f"  [{rep + 1}/{repeats}] {name:<18} {status}", flush=True)
    return results


def paired(spec, args):
    """Core and bare loop alternating block by block in one process: their time ratio on a busy machine."""
    job = dict(spec, sim="pair", pairs=args.pairs or (6 if args.quick else 12))
    result = measure((sys.executable, {}), "_torch_worker.py", job, args.timeout)
    if "error" in result:
        print(f"  paired core/loop failed: {result['error']}")
        return None
    ratios = sorted(c / b for c, b in zip(result["pair"]["core"], result["pair"]["loop"]))
    summary = {"ratio": statistics.median(ratios), "low": ratios[0], "high": ratios[-1], "pairs": len(ratios),
               "core_it_s": spec["iterations"] / statistics.median(result["pair"]["core"]),
               "loop_it_s": spec["iterations"] / statistics.median(result["pair"]["loop"])}
    print(f"  paired in one process: core/loop time {summary['ratio']:.3f} "
          f"(range {summary['low']:.2f}-{summary['high']:.2f}, {len(ratios)} pairs)", flush=True)
    return summary


def summarise(title, spec, results, brian_target):
    rows, core_step, loop_step = [], None, None
    for name, runs in results.items():
        good = [r for r in runs if "error" not in r]
        if not good:
            rows.append({"name": name, "error": runs[-1].get("error", "no result")})
            continue
        steps = sorted(b / spec["iterations"] for r in good for b in r["blocks"] if b > 0)
        step = statistics.median(steps)  # over every timed block of every process
        peak = max(r["peak_rss_mb"] for r in good)
        base = statistics.median(r["rss_base_mb"] for r in good)
        row = {"name": name, "it_s": 1 / step, "it_s_min": 1 / steps[-1], "it_s_max": 1 / steps[0],
               "us_step": step * 1e6, "peak_rss_mb": peak, "rss_base_mb": base, "runs": len(good)}
        if name == "brian2":
            row["name"] = f"brian2 {good[0].get('version', '')} ({brian_target[0]})"
        if "weights_mb" in good[0]:
            row["weights_mb"] = good[0]["weights_mb"]
            row["over_weights"] = (peak - base) / good[0]["weights_mb"]
        if "cuda_peak_mb" in good[0]:
            row["cuda_peak_mb"] = max(r["cuda_peak_mb"] for r in good)
        if spec["bench"] == "sparse":
            steps_run = good[0]["steps"]
            row["rate_hz"] = good[0]["events"] / spec["size"] / (steps_run * 1e-3)
        rows.append(row)
        if name == "core":
            core_step = step
        if name == "bare loop":
            loop_step = step
    for row in rows:
        if "us_step" in row and core_step:
            row["vs_core"] = row["us_step"] / (core_step * 1e6)  # > 1: the core is faster
    return {"title": title, "spec": spec, "rows": rows, "core_over_loop": core_step / loop_step
            if core_step and loop_step else None,
            "overhead_us": (core_step - loop_step) * 1e6 if core_step and loop_step else None}


def print_table(summary, out=sys.stdout):
    spec = summary["spec"]
    print(f"\n### {summary['title']} ({spec['iterations']} iterations x {spec['blocks']} blocks per process)",
          file=out)
    print("", file=out)
    print("| simulator | it/s (median) | slowest-fastest block | us/step | time vs core | peak RSS MB | notes |",
          file=out)
    print("|---|---:|---:|---:|---:|---:|---|", file=out)
    for row in summary["rows"]:
        if "error" in row:
            print(f"| {row['name']} | failed | | | | | {row['error'][:100]} |", file=out)
            continue
        notes = []
        if "rate_hz" in row:
            notes.append(f"{row['rate_hz']:.1f} Hz/neuron")
        if "weights_mb" in row:
            notes.append(f"weights {row['weights_mb']:.0f} MB, (peak-import)/weights {row['over_weights']:.2f}")
        if "cuda_peak_mb" in row:
            notes.append(f"CUDA peak {row['cuda_peak_mb']:.0f} MB")
        print(f"| {row['name']} | {row['it_s']:.0f} | {row['it_s_min']:.0f}-{row['it_s_max']:.0f} | "
              f"{row['us_step']:.1f} | {row['vs_core']:.2f}x | {row['peak_rss_mb']:.0f} | {'; '.join(notes)} |",
              file=out)
    if summary["core_over_loop"]:
        print(f"\ncore time / bare loop time, separate processes: {summary['core_over_loop']:.3f} "
              f"({summary['overhead_us']:.1f} us per iteration)", file=out)
    pair = summary.get("paired")
    if pair:
        print(f"core time / bare loop time, alternating blocks in one process: {pair['ratio']:.3f} "
              f"(range {pair['low']:.2f}-{pair['high']:.2f} over {pair['pairs']} pairs; core "
              f"{pair['core_it_s']:.0f} it/s, loop {pair['loop_it_s']:.0f} it/s)", file=out)


def recording_check(args):
    lengths = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    spec = {"bench": "recording", "sim": "core", "size": 100, "lengths": lengths, "device": args.device,
            "threads": args.threads}
    result = measure((sys.executable, {}), "_torch_worker.py", spec, args.timeout * 4)
    print("\n### (d) recording scaling: tutorial network N=100 (voltage, mean voltage, spikes recorded)\n")
    if "error" in result:
        print(f"failed: {result['error']}")
        return {"error": result["error"]}
    print("| iterations T | seconds | us/step |\n|---:|---:|---:|")
    per_step = []
    for length, seconds in zip(lengths, result["blocks"]):
        per_step.append(seconds / length * 1e6)
        print(f"| {length:,} | {seconds:.2f} | {per_step[-1]:.1f} |")
    print(f"\nus/step at T={lengths[-1]:,} over T={lengths[0]:,}: {per_step[-1] / per_step[0]:.2f} "
          f"(1.0 = flat, O(T) recording); peak RSS {result['peak_rss_mb']:.0f} MB")
    return {"lengths": lengths, "seconds": result["blocks"], "us_step": per_step}


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import torch

    text = (f"{platform.platform()}, {model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, "
            f"torch {torch.__version__}, load average {os.getloadavg()[0]:.1f}")
    if torch.cuda.is_available():
        text += f", GPU {torch.cuda.get_device_name(0)}"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer sizes, iterations and repeats")
    parser.add_argument("--device", default="cpu", help="torch device for our core and the bare loop (cpu, cuda)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads in each process (default 1)")
    parser.add_argument("--repeats", type=int, default=None, help="processes per simulator and benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=None, help="N for the sparse LIF benchmark")
    parser.add_argument("--degree", type=int, default=100, help="synapses per neuron (in-degree)")
    parser.add_argument("--only", nargs="+", default=["tutorial", "overhead", "sparse", "recording"],
                        choices=["tutorial", "overhead", "sparse", "recording"])
    parser.add_argument("--skip", nargs="*", default=[], choices=["pymonntorch", "brian2"])
    parser.add_argument("--pymonntorch-python", help="a python with pymonntorch 0.1.4 (default: install on demand)")
    parser.add_argument("--brian2-python", help="a python with Brian2 (default: install on demand)")
    parser.add_argument("--brian2-target", default="cython", choices=["cython", "numpy"])
    parser.add_argument("--cache-dir", help="where on-demand installs go (default ~/.cache/pymonntorch-lab-bench)")
    parser.add_argument("--pairs", type=int, default=None, help="alternating core/loop block pairs (12)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per measurement process")
    parser.add_argument("--json", help="write every raw result to this file")
    args = parser.parse_args()
    if args.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            parser.error("--device cuda: torch sees no CUDA device")
    print(f"machine: {machine()}")
    print(f"{args.threads} torch thread(s) per process; Brian2 runs on the CPU whatever --device says\n")
    peers, plan, notes = build_plan(args)
    for note in notes:
        print(note)
    brian_target = [args.brian2_target]
    summaries, raw = [], {}
    for title, spec, names in plan:
        print(f"{title}: measuring {', '.join(names)}", flush=True)
        results = run_group(title, spec, names, peers, args, brian_target)
        raw[title] = results
        summary = summarise(title, spec, results, brian_target)
        summary["paired"] = paired(spec, args)
        summaries.append(summary)
    print(f"\n## Results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, device {args.device})")
    print(f"\nmachine: {machine()}")
    for summary in summaries:
        print_table(summary)
    recording = recording_check(args) if "recording" in args.only else None
    for note in notes:
        print(f"\nnote: {note}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"machine": machine(), "args": vars(args), "summaries": summaries, "raw": raw,
                       "recording": recording}, out, indent=1)


if __name__ == "__main__":
    main()
