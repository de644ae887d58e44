"""SynapseGroup: the connection from a source to a destination NeuronGroup."""
from .errors import ArgumentError, bad_argument, describe
from .network_object import NetworkObject
from .neuron_group import NeuronGroup

__all__ = ["SynapseGroup"]


class SynapseGroup(NetworkObject):
    """Synapses from ``src`` to ``dst`` (NeuronGroups, or their tags) in ``net``.

    Both the keyword form ``SynapseGroup(net=net, src=a, dst=b, tag="GLUTAMATE")`` and the positional
    forms ``SynapseGroup(a, b, net, ...)`` and ``SynapseGroup(net, a, b, ...)`` work. ``matrix()``
    gives ``(src.size, dst.size)`` tensors (``synapse_mode="SxD"``) or ``(dst.size, src.size)``
    (``"DxS"``).
    """

    def __init__(self, *args, net=None, src=None, dst=None, tag=None, behavior=None):
        from .network import Network

        net, src, dst, tag, behavior = _arrange(args, net, src, dst, tag, behavior, Network)
        src = _resolve(net, "src", src)
        dst = _resolve(net, "dst", dst)
        if tag is None:
            tag = f"SynapseGroup_{len(net.SynapseGroups) + 1}"
        self.src = src
        self.dst = dst
        self.enabled = True
        self.group_weighting = 1
        super().__init__(net, tag, behavior)
        self.add_tag("syn")
        self.add_tag(f"{src.tags[0]} => {dst.tags[0]}")
        net._add_structure(self, net.SynapseGroups)

    def _register(self):
        """Joins the network at the end of __init__, once tagged (see there)."""

    def add_tag(self, tag):
        super().add_tag(tag)
        if getattr(self, "network", None) is not None:
            self.network._index_synapses()

    def matrix_dim(self):
        """The shape of this group's matrices: (src, dst) in "SxD" mode, (dst, src) in "DxS"."""
        if self.network.transposed_synapse_matrix_mode:
            return self.src.size, self.dst.size
        return self.dst.size, self.src.size

    def synapse_count(self):
        """How many synapses the group holds: ``W.nnz`` for sparse weights, else src.size x dst.size."""
        nnz = getattr(getattr(self, "W", None), "nnz", None)
        return nnz if isinstance(nnz, int) else self.src.size * self.dst.size

    def matrix(self, mode="zeros", scale=None, density=None, only_enabled=True,
               clone_along_first_axis=False, plot=False, dtype=None):
        """A new matrix of ``matrix_dim()`` filled by ``mode`` (see ``NeuronGroup.vector``).

        ``only_enabled`` multiplies by ``self.enabled`` (True, or a boolean mask of synapses);
        ``clone_along_first_axis`` repeats the first row.
        """
        result = self._fill("matrix", mode, self.matrix_dim(), scale, density, dtype, plot)
        if clone_along_first_axis:
            result = result[0].expand_as(result).clone()
        if only_enabled and self.enabled is not True:
            result *= self.enabled
        return result

    def sparse_matrix(self, connectivity="fixed_in_degree", weights="uniform", scale=None, dtype=None, **kwargs):
        """Sparse weights (a ``SparseWeights``, stored by source), e.g. ``sparse_matrix(in_degree=100)``.

        ``connectivity`` is "fixed_in_degree" (``in_degree=``), "fixed_out_degree" (``out_degree=``) or
        "fixed_probability" (``p=``); ``weights`` a mode string or number times ``scale``;
        ``autapses=False`` forbids self-connections. See ``pymonntorch_core.builtin.connectivity``.
        """
        from .builtin.connectivity import sparse_weights

        return sparse_weights(self, connectivity, weights, scale, dtype, **kwargs)

    def __repr__(self):
        rows, cols = self.matrix_dim()
        shape = f"S{rows}xD{cols}" if self.network.transposed_synapse_matrix_mode else f"D{rows}xS{cols}"
        return f"SynapseGroup{self.tags}({shape}){{{self._behavior_summary()}}}"


def _arrange(args, net, src, dst, tag, behavior, network_type):
    """Tell the positional forms apart by type: (net, src, dst, ...) or (src, dst, net, ...)."""
    if len(args) > 5:
        raise ArgumentError(f"SynapseGroup: takes at most 5 positional arguments, got {len(args)}")
    names = ("net", "src", "dst", "tag", "behavior") if args and isinstance(args[0], network_type) \
        else ("src", "dst", "net", "tag", "behavior")
    given = {"net": net, "src": src, "dst": dst, "tag": tag, "behavior": behavior}
    for name, value in zip(names, args):
        if given[name] is not None:
            raise ArgumentError(f"SynapseGroup: {name} given both by position and by keyword")
        given[name] = value
    if not isinstance(given["net"], network_type):
        nets = [a for a in (given["src"], given["dst"]) if isinstance(a, network_type)]
        hint = "; pass src and dst as NeuronGroups and net as the Network" if nets else ""
        raise ArgumentError(f"SynapseGroup.net: must be a Network, got {describe(given['net'])}{hint}")
    return given["net"], given["src"], given["dst"], given["tag"], given["behavior"]


def _resolve(net, name, group):
    if isinstance(group, str):
        found = [g for g in net.NeuronGroups if group in g.tags]
        if not found:
            known = ", ".join(repr(g.tags[0]) for g in net.NeuronGroups) or "none"
            raise ArgumentError(f"SynapseGroup.{name}: no NeuronGroup tagged {group!r} in this network (groups: {known})")
        group = found[0]
    if not isinstance(group, NeuronGroup):
        raise bad_argument("SynapseGroup", name, "a NeuronGroup or the tag of one", group)
    if group.network is not net:
        raise ArgumentError(
            f"SynapseGroup.{name}: NeuronGroup {group.tags[0]!r} belongs to another network; "
            f"connect groups of the same network"
        )
    return group

