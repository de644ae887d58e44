"""What one visitor's kernel costs before it runs anything: import time and memory, step by step.

Each repeat is a fresh Python process (one BLAS/OpenMP thread, as served) that imports, in order, what a
served lesson's kernel loads, and reports after each step the seconds it took and the process's RSS, PSS
and USS (private memory: what each further visitor adds). The last steps build the lesson's network and
its Dashboard (outside a kernel: the widgets' messages go nowhere). Medians over ``--repeats`` processes.
With ``--importtime`` it also lists the modules that pymonn_widgets pulls in that cost the most.

    python bench/kernel_startup.py [--repeats 3] [--importtime]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

STEPS = [
    ("python", ""),
    ("numpy", "import numpy"),
    ("torch", "import torch"),
    ("pymonntorch_core", "import pymonntorch_core"),
    ("ipykernel", "import ipykernel.kernelapp"),
    ("ipywidgets", "import ipywidgets"),
    ("anywidget", "import anywidget"),
    ("pymonn_widgets", "import pymonn_widgets"),
    ("network (N=1000)", "from pymonntorch_core.tutorial import tutorial_network; net, _ = tutorial_network(1000)"),
    ("Dashboard(net)", "d = pymonn_widgets.Dashboard(net)"),
    ("run 1000 its", "d.controller.run(1000)"),
]

WORKER = r"""
import json, sys, time
def memory():
    out = {}
    with open('/proc/self/smaps_rollup') as f:
        for line in f:
            key, _, rest = line.partition(':')
            if key in ('Rss', 'Pss', 'Private_Clean', 'Private_Dirty'):
                out[key] = int(rest.split()[0]) / 1024
    return out['Rss'], out['Pss'], out['Private_Clean'] + out['Private_Dirty']
steps = json.loads(sys.argv[1])
rows = []
for name, code in steps:
    t = time.perf_counter()
    exec(code)
    seconds = time.perf_counter() - t
    rows.append([name, seconds, *memory()])
print(json.dumps(rows))
"""


def one_process():
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    out = subprocess.run([sys.executable, "-c", WORKER, json.dumps(STEPS)], env=env, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    return json.loads(out.strip().splitlines()[-1])


def importtime(top=15):
    """The modules (grouped by top-level package) that ``import pymonn_widgets`` costs most, torch aside."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import torch; import pymonn_widgets"], env=env,
                         check=True, capture_output=True, text=True, timeout=300).stderr
    by_package, after_torch = {}, False
    for line in err.splitlines():
        parts = line[len("import time:"):].split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        if not after_torch:   # importtime prints a module after its imports: torch's whole tree ends at "torch"
            after_torch = parts[2].rstrip() == " torch"
            continue
        package = parts[2].strip().split(".")[0]
        by_package[package] = by_package.get(package, 0) + int(parts[0]) / 1e6
    return sorted(by_package.items(), key=lambda kv: -kv[1])[:top]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()
    runs = [one_process() for _ in range(args.repeats)]
    print(f"{'step':<20} {'s':>6} {'RSS MB':>8} {'PSS MB':>8} {'USS MB':>8} {'+USS':>7}   (medians of {args.repeats} processes)")
    previous = 0.0
    for i, (name, _) in enumerate(STEPS):
        seconds, rss, pss, uss = (statistics.median(run[i][k] for run in runs) for k in range(1, 5))
        print(f"{name:<20} {seconds:6.2f} {rss:8.0f} {pss:8.0f} {uss:8.0f} {uss - previous:+7.0f}")
        previous = uss
    if args.importtime:
        print("\nimport pymonn_widgets after torch, self time by top-level package (s):")
        for package, seconds in importtime():
            print(f"  {package:<24} {seconds:.3f}")


if __name__ == "__main__":
    main()
