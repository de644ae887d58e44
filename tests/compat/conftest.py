"""Fixtures that run code written for the published pymonntorch on pymonntorch_core, then undo the alias."""
import importlib.util
import json
import os
import pathlib
import sys

import pytest

import pymonntorch_core
from pymonntorch_core.compat import ALIAS, _AliasFinder

HERE = pathlib.Path(__file__).resolve().parent
REFERENCE = json.loads((HERE / "reference_values.json").read_text())


def _forget_alias():
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _AliasFinder)]
    for name in [n for n in sys.modules if n.split(".")[0] in (ALIAS, "conex", "conformance_cases", "conex_scenario")]:
        del sys.modules[name]
    for name in [n for n in sys.modules if n.split(".")[0] == "torchvision"]:
        if getattr(sys.modules[name], "__spec__", None) is None:  # the scenario's stub, not a real install
            del sys.modules[name]


@pytest.fixture(scope="module")
def published_names():
    """``import pymonntorch`` gives pymonntorch_core while the module's tests run."""
    _forget_alias()
    sys.path.insert(0, str(HERE))
    try:
        yield pymonntorch_core.install_as_pymonntorch()
    finally:
        sys.path.remove(str(HERE))
        _forget_alias()


def require_conex():
    """CoNeX must be installed under CI (``pip install --no-deps cnrl-conex==0.1.5``); elsewhere skip."""
    if importlib.util.find_spec("conex") is not None:
        return
    message = "cnrl-conex is not installed: pip install --no-deps cnrl-conex==0.1.5"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
