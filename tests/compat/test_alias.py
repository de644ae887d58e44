"""install_as_pymonntorch(): `import pymonntorch` and its published submodules give pymonntorch_core."""
import sys
import types

import pytest

import pymonntorch_core
from pymonntorch_core import StateError


def test_top_level_and_published_submodule_imports(published_names):
    import pymonntorch
    from pymonntorch import Network, NetworkObject, NeuronGroup
    from pymonntorch.NetworkBehavior.Recorder.Recorder import EventRecorder
    from pymonntorch.NetworkBehavior.Structure.Structure import NeuronDimension
    from pymonntorch.NetworkCore.Base import NetworkObject as BaseObject
    from pymonntorch.NetworkCore.Behavior import Behavior

    assert pymonntorch is published_names
    assert (Network, NeuronGroup, Behavior, EventRecorder, NeuronDimension) == (
        pymonntorch_core.Network, pymonntorch_core.NeuronGroup, pymonntorch_core.Behavior,
        pymonntorch_core.EventRecorder, pymonntorch_core.NeuronDimension)
    assert NetworkObject is BaseObject is pymonntorch_core.NetworkObject
    namespace = {}
    exec("from pymonntorch import *", namespace)
    assert {"Network", "NeuronGroup", "SynapseGroup", "Behavior", "NetworkObject", "Recorder"} <= set(namespace)
    assert pymonntorch_core.install_as_pymonntorch() is pymonntorch  # a second call changes nothing


def test_a_module_without_counterpart_is_named_in_the_error(published_names):
    with pytest.raises(ImportError, match=r"no counterpart of 'pymonntorch.NetworkCore.AnalysisModule'"):
        import pymonntorch.NetworkCore.AnalysisModule  # noqa: F401
    with pytest.raises(AttributeError, match=r"'pymonntorch' \(alias of pymonntorch_core\) has no attribute 'Clock'"):
        import pymonntorch

        _ = pymonntorch.Clock


def test_refuses_when_the_published_package_is_already_imported(monkeypatch):
    published = types.ModuleType("pymonntorch")
    published.__file__ = "/site-packages/pymonntorch/__init__.py"
    monkeypatch.setitem(sys.modules, "pymonntorch", published)
    before = list(sys.meta_path)
    with pytest.raises(StateError, match=r"published pymonntorch is already imported .*/site-packages/pymonntorch"):
        pymonntorch_core.install_as_pymonntorch()
    assert sys.meta_path == before and sys.modules["pymonntorch"] is published


def test_missing_conex_fails_under_ci_and_skips_elsewhere(monkeypatch):
    from . import conftest

    real = conftest.importlib.util.find_spec
    monkeypatch.setattr(conftest.importlib.util, "find_spec", lambda name: None if name == "conex" else real(name))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="pip install --no-deps cnrl-conex==0.1.5"):
        conftest.require_conex()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        conftest.require_conex()
