"""Common base of Network, NeuronGroup, SynapseGroup and user structures: behaviors, tensors, tags."""
import math
import numbers

import torch

from .behavior import Behavior
from .checks import check_allocation
from .errors import ArgumentError, bad_argument, describe
from .modes import make_tensor
from .tagging import TaggableObject

__all__ = ["NetworkObject"]


class NetworkObject(TaggableObject):
    """An object of a network that owns behaviors, keyed by int in execution order.

    Subclass it directly for structures that group others (layers, columns): such an object is
    tagged ``"<Class>_<n>"`` by default, listed in ``net.Structures``, and collects its parts with
    ``add_sub_structure`` (each part's ``parent_structure`` is then this object, else the network).
    ``device`` defaults to the network's.

    Example
    -------
    >>> class Layer(NetworkObject):
    ...     def __init__(self, net, groups, tag=None):
    ...         super().__init__(net, tag)
    ...         for group in groups:
    ...             self.add_sub_structure(group)
    """

    def __init__(self, network, tag=None, behavior=None, device=None):
        from .network import Network, _check_device

        if not isinstance(network, Network):
            raise bad_argument(type(self).__name__, "network", "a Network", network)
        if tag is None:
            tag = f"{type(self).__name__}_{len(network.Structures) + 1}"
        super().__init__(tag)
        self.network = network
        self.device = network.device if device is None else _check_device(device)
        self.parent_structure = network
        if network is not self:
            self.sub_structures = []
        self.behavior = self._check_behaviors(behavior)
        self.recording = True
        for key in sorted(self.behavior):
            b = self.behavior[key]
            if not hasattr(self, b.tags[0]):
                setattr(self, b.tags[0], b)
            network._schedule(key, self, b)
            if b.initialize_on_init:
                b._attach(self)
                b.initialize(self)
        if network is not self:
            self._register()

    def _register(self):
        """Join the network's structures (NeuronGroup and SynapseGroup join once fully set up)."""
        self.network._add_structure(self)

    def add_sub_structure(self, new_structure):
        """Make ``new_structure`` (of the same network) a part of this one; returns it."""
        structure = new_structure
        if not isinstance(structure, NetworkObject) or structure.network is not self.network \
                or structure is self.network:
            raise bad_argument(self._label(), "add_sub_structure.structure",
                               "a NetworkObject of the same network", structure)
        if structure is self or structure in self._ancestors():
            raise ArgumentError(
                f"{self._label()}.add_sub_structure: {structure._label()} contains this object; "
                f"a structure cannot be part of itself"
            )
        if structure not in self.sub_structures:
            self.sub_structures.append(structure)
        structure.parent_structure = self
        return structure

    def all_sub_structure(self):
        """Every part below this object, depth first."""
        result = []
        for structure in self.sub_structures:
            result.append(structure)
            result.extend(structure.all_sub_structure())
        return result

    def _ancestors(self):
        result, parent = [], getattr(self, "parent_structure", None)
        while parent is not None and parent is not self.network:
            result.append(parent)
            parent = parent.parent_structure
        return result

    def get_buffer_mat(self, dim, size, **kwargs):
        """A zero ``(size, *dim)`` tensor on the object's device; ``kwargs`` go to ``torch.zeros``."""
        dim = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        kwargs.setdefault("dtype", self.def_dtype)
        return torch.zeros((size, *dim), device=self.device, **kwargs)

    def buffer_roll(self, mat, new=None, counter=False):
        """``mat`` shifted by one along its first axis, with ``new`` written into the freed row.

        The newest row is ``mat[0]`` (``counter=True``: the last row, shifting the other way).
        Returns a new tensor, as ``torch.roll`` does.
        """
        mat = mat.roll(-1 if counter else 1, dims=0)
        if new is not None:
            mat[-1 if counter else 0] = new
        return mat

    def _check_behaviors(self, behavior):
        owner = type(self).__name__
        if behavior is None:
            return {}
        if isinstance(behavior, (list, tuple)):
            behavior = dict(enumerate(behavior))
        if not isinstance(behavior, dict):
            raise bad_argument(owner, "behavior", "a dict {int key: Behavior()} or a list of Behavior", behavior)
        for key, b in behavior.items():
            if isinstance(key, bool) or not isinstance(key, numbers.Integral):
                raise ArgumentError(
                    f"{owner}.behavior: keys must be ints giving the execution order, got {describe(key)}"
                )
            _check_behavior(owner, key, b)
        return dict(behavior)

    @property
    def def_dtype(self):
        """The network's floating point dtype, used by vector() and matrix()."""
        return self.network._def_dtype

    @property
    def iteration(self):
        """The current iteration: 0 before the first, 1 inside the first forward."""
        return self.network._iteration

    @iteration.setter
    def iteration(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise bad_argument(self._label(), "iteration", "an int >= 0", value)
        self.network._iteration = int(value)

    def tensor(self, mode, dim, scale=None, density=None, dtype=None):
        """A new tensor of shape ``dim`` filled by ``mode`` (see ``vector``)."""
        shape = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
        return self._fill("tensor", mode, shape, scale, density, dtype, False)

    def _fill(self, method, mode, shape, scale, density, dtype, plot):
        dtype = self.def_dtype if dtype is None else dtype
        try:
            elements = math.prod(shape)
        except TypeError:
            elements = 0  # not a shape: make_tensor says so
        if elements > LARGE_ELEMENTS:
            check_allocation(self._label(), method, elements, dtype, self.device, f"a tensor of shape {tuple(shape)}")
        result = make_tensor(
            _Where(self, method), mode, shape, self.device, dtype, scale, density,
        )
        if plot:
            import matplotlib.pyplot as plt

            plt.hist(result.flatten().cpu().numpy(), bins=30)
            plt.show()
        return result

    def add_behavior(self, key, behavior, initialize=True):
        """Add ``behavior`` at ``key``; it is initialised at once unless ``initialize=False``."""
        self._check_behaviors({key: behavior})
        if key in self.behavior:
            raise ArgumentError(
                f"{self._label()}.add_behavior: key {key} is taken by {self.behavior[key]!r}; "
                f"free keys run in any order you choose"
            )
        self.behavior[key] = behavior
        if not hasattr(self, behavior.tags[0]):
            setattr(self, behavior.tags[0], behavior)
        self.network._schedule(key, self, behavior)
        if initialize:
            behavior._attach(self)
            behavior.initialize(self)
            behavior.check_unused_attrs()
        else:
            self.network._changed_since_initialize = self.network._initialized
        return behavior

    def add_behaviors(self, behavior_dict):
        """Add several behaviors given as ``{key: behavior}``."""
        for key, behavior in behavior_dict.items():
            self.add_behavior(key, behavior)
        return behavior_dict

    def remove_behavior(self, key_tag_behavior_or_type):
        """Remove behaviors matching a key, a tag, an instance or a class."""
        selector = key_tag_behavior_or_type
        for key in [k for k, b in self.behavior.items() if _matches(k, b, selector)]:
            behavior = self.behavior.pop(key)
            self.network._unschedule(self, behavior)
            if vars(self).get(behavior.tags[0]) is behavior:
                delattr(self, behavior.tags[0])

    def set_behaviors(self, tag, enabled):
        """Enable or disable the behaviors found by ``tag``."""
        for b in self.search(tag):
            if isinstance(b, Behavior):
                b.behavior_enabled = bool(enabled)

    def activate_behaviors(self, tag):
        self.set_behaviors(tag, True)

    def deactivate_behaviors(self, tag):
        self.set_behaviors(tag, False)

    def find_objects(self, key):
        result = []
        if not isinstance(key, bool) and isinstance(key, int) and key in self.behavior:
            result.append(self.behavior[key])
        for b in self.behavior.values():
            result.extend(b.search(key))
        return result

    def _behavior_summary(self):
        return ", ".join(f"{k}: {self.behavior[k]!r}" for k in sorted(self.behavior))


LARGE_ELEMENTS = 2**24   # tensors at least this large are checked against free memory before allocating


class _Where:
    """Names ``obj.method`` in error messages, formatted only when an error is raised."""

    __slots__ = ("obj", "method")

    def __init__(self, obj, method):
        self.obj, self.method = obj, method

    def __str__(self):
        return f"{self.obj._label()}.{self.method}"


def _matches(key, behavior, selector):
    if isinstance(selector, type):
        return isinstance(behavior, selector)
    if isinstance(selector, Behavior):
        return behavior is selector
    if isinstance(selector, str):
        return selector in behavior.tags
    return key == selector


def _check_behavior(owner, key, behavior):
    if isinstance(behavior, type) and issubclass(behavior, Behavior):
        raise ArgumentError(
            f"{owner}.behavior[{key}]: must be a Behavior instance, got {describe(behavior)}; "
            f"did you mean {behavior.__name__}()?"
        )
    if not isinstance(behavior, Behavior):
        raise bad_argument(owner, f"behavior[{key}]", "a Behavior instance", behavior)
    if not isinstance(getattr(behavior, "init_kwargs", None), dict):
        raise ArgumentError(
            f"{owner}.behavior[{key}]: {type(behavior).__name__} was not set up; its __init__ must "
            f"call super().__init__(...)"
        )

