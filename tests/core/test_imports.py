"""The core imports torch and numpy only, and `import *` gives the tutorial's names."""
import subprocess
import sys

FORBIDDEN = ["ipywidgets", "traitlets", "anywidget", "bqplot", "IPython", "matplotlib", "pandas",
             "pymonn_widgets", "dask", "distributed"]


def _modules_imported_by(setup, statement):
    """Top-level modules that `statement` imports on top of what `setup` already imported."""
    code = (
        f"import sys; {setup}; before = set(sys.modules); {statement}; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; print(sorted(new))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(eval(out))


def test_core_imports_only_torch_and_numpy():
    new = _modules_imported_by("pass", "import pymonntorch_core")
    assert not new & set(FORBIDDEN), new
    # whatever torch and numpy pull in themselves is theirs; the core adds nothing third-party of its own
    beyond = _modules_imported_by("import torch, numpy", "import pymonntorch_core")
    third_party = {m for m in beyond if m not in sys.stdlib_module_names and not m.startswith("_")}
    assert third_party == {"pymonntorch_core"}, third_party


def test_star_import_gives_the_tutorial_names():
    namespace = {}
    exec("from pymonntorch_core import *", namespace)
    for name in ["Network", "NeuronGroup", "SynapseGroup", "Behavior", "Recorder", "EventRecorder",
                 "NeuronDimension", "torch"]:
        assert name in namespace
