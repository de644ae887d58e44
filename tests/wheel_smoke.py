"""Build the wheel, install it into a clean virtualenv and prove that it works without the checkout.

    python tests/wheel_smoke.py torch==2.13.0

Checks, from a directory outside the checkout: both packages import from the virtualenv, every widget
finds its ES module and CSS, the dashboard of the tutorial network builds and runs, and every import
line of the notebooks works. Exits non-zero on the first failure.
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import venv

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHECK = r'''
import inspect, pathlib, re, sys
import anywidget
import pymonntorch_core, pymonn_widgets
venv = pathlib.Path(sys.prefix)
for module in (pymonntorch_core, pymonn_widgets):
    assert venv in pathlib.Path(module.__file__).parents, f"{module.__name__} imported from {module.__file__}"
import importlib, pkgutil
for info in pkgutil.iter_modules(pymonn_widgets.__path__, "pymonn_widgets."):
    importlib.import_module(info.name)                      # every module, so every front end is found
front_ends = {c for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("pymonn_widgets")
              for _, c in inspect.getmembers(m, inspect.isclass)
              if issubclass(c, anywidget.AnyWidget) and c.__module__.startswith("pymonn_widgets")}
assert front_ends, "no anywidget front ends found in pymonn_widgets"
for cls in front_ends:
    for name in ("_esm", "_css"):
        source = getattr(cls, name, None)
        if source is None:
            continue
        text = str(source)          # anywidget reads the shipped file; a missing file fails at import
        assert text.strip(), f"{cls.__name__}.{name} is empty"
        assert not re.search(r"(import|from)\s*\(?\s*[\"']https?://", text), f"{cls.__name__}.{name} imports from the network"
        if name == "_esm":
            assert "export default" in text, f"{cls.__name__}._esm is not an ES module"
shipped = sorted(p.name for p in (pathlib.Path(pymonn_widgets.__file__).parent / "js").iterdir())
assert any(n.endswith(".js") for n in shipped) and any(n.endswith(".css") for n in shipped), shipped
print("front ends:", ", ".join(sorted(f"{c.__name__}" for c in front_ends)))
from pymonntorch_core.tutorial import tutorial_network
from pymonn_widgets import Dashboard
net, _ = tutorial_network(size=100)
dash = Dashboard(net)
dash.controller.run(20)
assert net.iteration == 20, net.iteration
print("dashboard ran 20 iterations of the tutorial network")
'''


def notebook_imports():
    """Every import line of the notebooks' code cells."""
    lines = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                lines |= {line.strip() for line in "".join(cell["source"]).splitlines()
                          if re.match(r"\s*(import|from)\s+\S+", line)}
    return sorted(lines)


def run(*command, **kwargs):
    print("  $", " ".join(str(c) for c in command)[:200], flush=True)
    subprocess.run([str(c) for c in command], check=True, **kwargs)


def main(torch_requirement):
    with tempfile.TemporaryDirectory(prefix="pymonn-wheel-") as tmp:
        tmp = pathlib.Path(tmp)
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", ROOT)
        wheel = next((tmp / "dist").glob("*.whl"))
        venv.create(tmp / "venv", with_pip=True)
        python = tmp / "venv" / "bin" / "python"
        run(python, "-m", "pip", "install", "-q", "--progress-bar", "off", torch_requirement,
            f"{wheel}[widgets]", "matplotlib")
        run(python, "-c", CHECK, cwd=tmp)
        imports = notebook_imports()
        run(python, "-c", "\n".join(imports), cwd=tmp, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"})
        print(f"wheel smoke test passed: {wheel.name}, {len(imports)} notebook import lines")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch==2.13.0")
