"""The core imports torch and numpy only, and `import *` gives the tutorial's names."""
import subprocess
import sys

FORBIDDEN = ["ipywidgets", "traitlets", "anywidget", "bqplot", "IPython", "matplotlib", "pandas",
             "pymonn_widgets", "dask", "distributed"]


def test_core_imports_only_torch_and_numpy():
    code = (
        "import sys; before = set(sys.modules); import pymonntorch_core; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; print(sorted(new))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    new = set(eval(out))
    assert not new & set(FORBIDDEN), new
    third_party = {m for m in new if m not in sys.stdlib_module_names and not m.startswith("_")}
    assert third_party <= {"torch", "numpy", "pymonntorch_core", "typing_extensions", "sympy", "mpmath",
                           "filelock", "fsspec", "jinja2", "markupsafe", "networkx", "functorch",
                           "torchgen", "opt_einsum", "tqdm"}, third_party


def test_star_import_gives_the_tutorial_names():
    namespace = {}
    exec("from pymonntorch_core import *", namespace)
    for name in ["Network", "NeuronGroup", "SynapseGroup", "Behavior", "Recorder", "EventRecorder",
                 "NeuronDimension", "torch"]:
        assert name in namespace
