"""NeuronGroup: a population of neurons, and NeuronDimension, its optional 3-D grid layout."""
import numbers

import torch

from .behavior import Behavior
from .checks import check_allocation
from .errors import ArgumentError, bad_argument, close_matches
from .network_object import NetworkObject

__all__ = ["NeuronGroup", "NeuronDimension"]


class SynapseIndex(dict):
    """``{tag: [SynapseGroup, ...]}`` with an ``'All'`` entry; an unknown tag names the known ones."""

    def __missing__(self, tag):
        known = sorted(str(k) for k in self)
        raise KeyError(f"no synapse group tagged {tag!r}{close_matches(tag, known)} (tags: {', '.join(known)})")


class NeuronGroup(NetworkObject):
    """A population of ``size`` neurons in ``net``, driven by its behaviors.

    ``size`` is an int or a ``NeuronDimension(width, height, depth)``, which also gives each neuron
    ``x``/``y``/``z`` coordinates. ``afferent_synapses[tag]`` and ``efferent_synapses[tag]`` list the
    synapse groups ending and starting here (``'All'`` for every one).

    Example
    -------
    >>> net = Network()
    >>> ng = NeuronGroup(size=100, net=net, behavior={1: MyBehavior()}, tag="exc")
    """

    def __init__(self, size, net, behavior=None, tag=None):
        from .network import Network

        if not isinstance(net, Network):
            raise bad_argument("NeuronGroup", "net", "a Network", net)
        if tag is None:
            tag = f"NeuronGroup_{len(net.NeuronGroups) + 1}"
        if isinstance(size, NeuronDimension):
            behavior = self._with_dimension(size, behavior)
            self.size = size.size
        elif isinstance(size, bool) or not isinstance(size, numbers.Integral) or size <= 0:
            raise bad_argument("NeuronGroup", "size", "a positive int or a NeuronDimension", size)
        else:
            self.size = int(size)
        check_allocation("NeuronGroup", "size", self.size, torch.int64 if net.index_neurons else net.def_dtype,
                         net.device, f"one vector of {self.size:,} neurons")
        self.BaseNeuronGroup = self
        self.mask = True
        self.afferent_synapses = SynapseIndex(All=[])
        self.efferent_synapses = SynapseIndex(All=[])
        super().__init__(net, tag, behavior)
        self.add_tag("ng")
        if net.index_neurons:
            self.id = torch.arange(self.size, device=self.device)
        net._add_structure(self, net.NeuronGroups)

    @staticmethod
    def _with_dimension(dimension, behavior):
        if behavior is None:
            return {0: dimension}
        if isinstance(behavior, (list, tuple)):
            return [dimension, *behavior]
        if isinstance(behavior, dict) and 0 in behavior:
            raise ArgumentError(
                "NeuronGroup.behavior: key 0 is where the NeuronDimension given as size goes, "
                f"but it holds {behavior[0]!r}; move that behavior to another key"
            )
        if isinstance(behavior, dict):
            return {0: dimension, **behavior}
        return behavior

    def _register(self):
        """Joins the network at the end of __init__, once tagged (see there)."""

    def vector(self, mode="zeros", scale=None, density=None, plot=False, dtype=None):
        """A new ``(size,)`` tensor: ``mode`` is "zeros", "ones", a number, "uniform", "normal(0, 1)",
        "randn", "randint(0, 5)", ...; ``density`` keeps each entry with that probability."""
        return self._fill("vector", mode, (self.size,), scale, density, dtype, plot)

    def vector_buffer(self, buffer_size, dtype=None):
        """A zero ``(buffer_size, size)`` tensor, e.g. for delays."""
        return torch.zeros(buffer_size, self.size, device=self.device,
                           dtype=self.def_dtype if dtype is None else dtype)

    def synapses(self, mode, tag="All"):
        """Afferent (``"afferent"``, ``"pre"``, 0) or efferent (``"efferent"``, ``"post"``, 1) synapses."""
        if mode in ("afferent", "dendrite", "pre", "preSynaptic", 0, False):
            return self.afferent_synapses[tag]
        if mode in ("efferent", "axon", "post", "postSynaptic", 1, True):
            return self.efferent_synapses[tag]
        raise bad_argument(self._label(), "synapses.mode", "'afferent' or 'efferent'", mode)

    def __repr__(self):
        return f"NeuronGroup{self.tags}({self.size}){{{self._behavior_summary()}}}"


class NeuronDimension(Behavior):
    """Lays a NeuronGroup out on a ``width x height x depth`` grid (x fastest) and sets its size.

    Pass it as the group's size: ``NeuronGroup(size=NeuronDimension(20, 10), ...)``. The group gets
    ``width``, ``height``, ``depth`` and float coordinate vectors ``x``, ``y``, ``z``, centred on 0
    (width 3 gives x = -1, 0, 1; height 2 gives y = -0.5, 0.5); ``centered=False`` counts 0, 1, ...
    """

    initialize_on_init = True

    def __init__(self, width=1, height=1, depth=1, **kwargs):
        for name, value in (("width", width), ("height", height), ("depth", depth)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
                raise bad_argument("NeuronDimension", name, "a positive int", value)
        super().__init__(width=width, height=height, depth=depth, **kwargs)
        self.size = width * height * depth

    def initialize(self, neurons):
        super().initialize(neurons)
        width, height, depth = (self.parameter(k, 1) for k in ("width", "height", "depth"))
        neurons.size, neurons.width, neurons.height, neurons.depth = self.size, width, height, depth
        index = torch.arange(self.size, device=neurons.device, dtype=neurons.def_dtype)
        neurons.x = index % width
        neurons.y = torch.div(index, width, rounding_mode="floor") % height
        neurons.z = torch.div(index, width * height, rounding_mode="floor") % depth
        if self.parameter("centered", True):
            neurons.x -= (width - 1) / 2
            neurons.y -= (height - 1) / 2
            neurons.z -= (depth - 1) / 2

    def move(self, x=0, y=0, z=0):
        """Shift the group's coordinates by ``(x, y, z)``; returns this behavior."""
        neurons = self.owner
        neurons.x += x
        neurons.y += y
        neurons.z += z
        return self

    def scale(self, x=1, y=1, z=1):
        """Stretch the group's coordinates by ``(x, y, z)``; returns this behavior."""
        neurons = self.owner
        neurons.x *= x
        neurons.y *= y
        neurons.z *= z
        return self

    def tunable_parameters(self):
        return []
