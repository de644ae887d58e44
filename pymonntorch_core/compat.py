"""Run code written for the published ``pymonntorch`` unchanged: ``import pymonntorch`` gives this core.

>>> import pymonntorch_core
>>> pymonntorch_core.install_as_pymonntorch()
>>> from pymonntorch import NeuronGroup                     # pymonntorch_core.NeuronGroup
>>> from pymonntorch.NetworkCore.Behavior import Behavior   # the published module paths work too
"""
import importlib.abc
import importlib.machinery
import sys
import types

from .errors import StateError

__all__ = ["install_as_pymonntorch"]

ALIAS = "pymonntorch"

# The published package's modules that have a counterpart here.
PUBLISHED_MODULES = {
    "NetworkCore.Network": "network",
    "NetworkCore.Base": "network_object",
    "NetworkCore.TaggableObject": "tagging",
    "NetworkCore.Behavior": "behavior",
    "NetworkCore.NeuronGroup": "neuron_group",
    "NetworkCore.SynapseGroup": "synapse_group",
    "NetworkBehavior.Recorder.Recorder": "recorder",
    "NetworkBehavior.Structure.Structure": "neuron_group",
}
PUBLISHED_PACKAGES = ("NetworkCore", "NetworkBehavior", "NetworkBehavior.Recorder", "NetworkBehavior.Structure")


def install_as_pymonntorch():
    """Make ``import pymonntorch`` and ``from pymonntorch[.<module>] import ...`` use pymonntorch_core.

    Call it once, before the code written for pymonntorch is imported; calling it again does
    nothing. It refuses (``StateError``) when the published pymonntorch is already imported in this
    process, since objects of the two packages cannot be mixed. Returns the ``pymonntorch`` module.
    """
    import pymonntorch_core

    current = sys.modules.get(ALIAS)
    ours = current is pymonntorch_core or isinstance(getattr(current, "__loader__", None), _AliasLoader)
    if ours and any(isinstance(finder, _AliasFinder) for finder in sys.meta_path):
        return current
    imported = sorted(name for name in sys.modules if name == ALIAS or name.startswith(ALIAS + "."))
    if imported and current is not pymonntorch_core:
        where = getattr(sys.modules[imported[0]], "__file__", None) or "unknown location"
        raise StateError(
            f"install_as_pymonntorch: the published pymonntorch is already imported in this process "
            f"({imported[0]} from {where}); call install_as_pymonntorch() before anything imports "
            f"pymonntorch, or run the two packages in separate processes"
        )
    sys.meta_path.insert(0, _AliasFinder())
    if current is pymonntorch_core:  # aliased by hand: keep it, and add the published module paths
        return current
    return importlib.import_module(ALIAS)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``pymonntorch`` and its published submodules, all served by pymonntorch_core."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        inner = fullname[len(ALIAS) + 1:]
        if fullname == ALIAS or inner in PUBLISHED_PACKAGES:
            return importlib.machinery.ModuleSpec(fullname, _AliasLoader(None), is_package=True)
        if inner in PUBLISHED_MODULES:
            return importlib.machinery.ModuleSpec(fullname, _AliasLoader(PUBLISHED_MODULES[inner]))
        known = ", ".join(sorted(f"{ALIAS}.{name}" for name in PUBLISHED_MODULES))
        raise ModuleNotFoundError(
            f"install_as_pymonntorch: pymonntorch_core has no counterpart of {fullname!r} "
            f"(available: {ALIAS}, {known}); see the README's differences from pymonntorch",
            name=fullname,
        )


class _AliasLoader(importlib.abc.Loader):
    """Makes an alias module whose names are those of one pymonntorch_core module (or the package)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        import pymonntorch_core

        source = pymonntorch_core if self.target is None else \
            importlib.import_module(f"pymonntorch_core.{self.target}")
        names = getattr(source, "__all__", None) or [n for n in vars(source) if not n.startswith("_")]
        for name in names:
            setattr(module, name, getattr(source, name))
        module.__all__ = list(names)
        module.__doc__ = f"Alias of {source.__name__} installed by pymonntorch_core.install_as_pymonntorch()."
        module.__getattr__ = lambda name: _forward(source, module.__name__, name)


def _forward(source, alias, name):
    try:
        return getattr(source, name)
    except AttributeError:
        raise AttributeError(f"module {alias!r} (alias of {source.__name__}) has no attribute {name!r}") from None
