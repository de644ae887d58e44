"""Sparse synaptic weights: compact storage, built by fixed in-degree, out-degree or probability.

Layout (chosen by measurement, see below)
-----------------------------------------
``SparseWeights`` stores the synapses *by source neuron* in a padded index/weight layout (often
called ELL): two ``(n_src, width)`` tensors, ``columns`` (int32: the destination of each synapse)
and ``values`` (the weight, in the network's dtype), plus ``degree`` (int32: how many of a row's
``width`` slots are real synapses). ``width`` is the largest out-degree. Padding slots point at
destination 0 with weight 0, so they add nothing; they must stay 0 (use ``valid()`` or ``clamp_``).

Event-driven delivery then costs two row gathers and one scatter-add over the rows of the neurons
that spiked::

    idx = nonzero(spike)
    out.index_add_(0, columns[idx].flatten(), values[idx].flatten(), alpha=sign * scale)

Measured on this project's 2-core machine (torch 2.13 CPU, one thread, N=100,000 neurons, fixed
in-degree 100: 10^7 synapses, width 148; median ms per delivery of one step, 7 interleaved repeats;
``bench/sparse_layouts.py --slow`` reproduces it, docs/benchmarks.md has the discussion):

==========================================  =========  =========  =========  ==========
layout, delivery                            0.5% fire  2% fire    5% fire    memory
==========================================  =========  =========  =========  ==========
padded by-source ELL, int32, index_select   0.18 ms    0.75 ms    3.5 ms     118 MB
padded by-source ELL, int64 columns         --         1.18 ms    --         178 MB
CSR by source, int32, segment gather        0.49 ms    1.67 ms    8.7 ms      81 MB
CSR by source, repeat_interleave gather     0.71 ms    2.73 ms    16.5 ms     81 MB
torch.sparse CSR (dst x src) full SpMV      --         24.6 ms    --         121 MB
torch.sparse COO index_select rows          --         46.9 ms    --         200 MB
pull by destination (gather K per neuron)   --         52.0 ms    --         120 MB
==========================================  =========  =========  =========  ==========

The padded layout is 2-2.5x faster than the best CSR gather (fewer, simpler kernels) at 1.46x
the memory of CSR for binomial out-degrees (fixed in-degree or probability; padding shrinks
relative to the degree as the degree grows). Memory stays proportional to the number of synapses
as long as the largest out-degree is close to the mean; ``SparseWeights.padding`` reports the
overhead. A plasticity rule updates ``values`` in place (it is a plain dense tensor), e.g.
``W.values[pre] += dw`` for the rows of presynaptic neurons ``pre``.
"""
import numbers
import warnings

import torch

from ..errors import ArgumentError, bad_argument, describe
from ..events import nonzero_indices
from ..modes import make_tensor

__all__ = ["SparseWeights", "fixed_in_degree", "fixed_out_degree", "fixed_probability", "sparse_weights"]

# Entries handled at once while building: small temporaries keep the peak near the final size and
# are reused by the allocator instead of being left behind (glibc keeps freed heap memory).
_CHUNK = 1 << 18


class SparseWeights:
    """Synaptic weights from ``n_src`` to ``n_dst`` neurons, stored by source (padded ELL layout).

    Attributes
    ----------
    columns : (n_src, width) int32 tensor, the destination index of each slot (0 for padding).
    values : (n_src, width) float tensor, the weight of each slot (0 for padding).
    degree : (n_src,) int32 tensor, the out-degree: slots ``[:degree[i]]`` of row ``i`` are synapses.
    nnz : int, the number of synapses.
    orientation : "SxD" or "DxS", the shape ``to_dense()`` and ``shape`` use (the network's mode).

    Example
    -------
    >>> W = fixed_in_degree(1000, 1000, 100)
    >>> spike = torch.rand(1000) < 0.05
    >>> out = W.deliver(spike, torch.zeros(1000))   # out += W.T @ spike, reading spiking rows only
    >>> torch.allclose(out, spike.float() @ W.to_dense(), atol=1e-4)
    True
    """

    def __init__(self, columns, values, degree, n_dst, orientation="SxD", nnz=None):
        if columns.shape != values.shape or columns.dim() != 2:
            raise ArgumentError(f"SparseWeights: columns and values must be two equal (n_src, width) tensors, got "
                                f"{tuple(columns.shape)} and {tuple(values.shape)}")
        if orientation not in ("SxD", "DxS"):
            raise bad_argument("SparseWeights", "orientation", "'SxD' or 'DxS'", orientation)
        self.columns = columns
        self.values = values
        self.degree = degree
        self.n_src = columns.shape[0]
        self.n_dst = int(n_dst)
        self.orientation = orientation
        self.nnz = int(degree.sum()) if nnz is None else int(nnz)

    # --- description ------------------------------------------------------------------------
    @property
    def width(self):
        """Slots per source row: the largest out-degree."""
        return self.columns.shape[1]

    @property
    def shape(self):
        """The dense shape in this object's orientation: (n_src, n_dst) for "SxD"."""
        return (self.n_src, self.n_dst) if self.orientation == "SxD" else (self.n_dst, self.n_src)

    @property
    def device(self):
        return self.values.device

    @property
    def dtype(self):
        return self.values.dtype

    @property
    def nbytes(self):
        """Bytes held by the three tensors."""
        return sum(t.numel() * t.element_size() for t in (self.columns, self.values, self.degree))

    @property
    def padding(self):
        """Slots over synapses: 1.0 means no padding."""
        return self.columns.numel() / self.nnz if self.nnz else 1.0

    def valid(self):
        """A (n_src, width) bool mask of the real synapses (False on padding)."""
        return torch.arange(self.width, device=self.device, dtype=self.degree.dtype) < self.degree[:, None]

    # --- transmission ---------------------------------------------------------------------------
    def deliver(self, spike, out, alpha=1.0):
        """Event-driven ``out += alpha * W.T @ spike``: only the rows of non-zero ``spike`` entries are read.

        ``spike`` is a (n_src,) bool (or 0/1) tensor; ``out`` a (n_dst,) float tensor changed in place.
        """
        idx = nonzero_indices(spike)
        out.index_add_(0, self.columns.index_select(0, idx).view(-1),
                       self.values.index_select(0, idx).view(-1), alpha=alpha)
        return out

    def propagate(self, activity, out, alpha=1.0):
        """Dense-activity ``out += alpha * W.T @ activity`` over every synapse (graded activity; no sync)."""
        contribution = self.values * activity.to(self.values.dtype)[:, None]
        out.index_add_(0, self.columns.view(-1), contribution.view(-1), alpha=alpha)
        return out

    # --- conversion and plasticity helpers --------------------------------------------------
    def synapses(self):
        """``(src, dst, weight)`` 1-D tensors of the real synapses (copies; src ascending)."""
        mask = self.valid()
        rows = torch.arange(self.n_src, device=self.device)[:, None].expand_as(mask)
        return rows[mask], self.columns[mask].long(), self.values[mask]

    def to_dense(self):
        """The dense matrix in ``orientation`` (duplicates, if any, are summed)."""
        src, dst, weight = self.synapses()
        dense = torch.zeros((self.n_src, self.n_dst), device=self.device, dtype=self.dtype)
        dense.index_put_((src, dst), weight, accumulate=True)
        return dense if self.orientation == "SxD" else dense.T.contiguous()

    def to_sparse_csr(self):
        """A ``torch.sparse_csr_tensor`` in ``orientation`` (for interoperability, not for speed)."""
        src, dst, weight = self.synapses()
        index = torch.stack((src, dst)) if self.orientation == "SxD" else torch.stack((dst, src))
        with warnings.catch_warnings():  # torch's "sparse CSR support is in beta" notice
            warnings.simplefilter("ignore", UserWarning)
            coo = torch.sparse_coo_tensor(index, weight, self.shape, check_invariants=False)
            return coo.coalesce().to_sparse_csr()

    def clamp_(self, min=None, max=None):
        """Clamp the weights in place, keeping padding at 0 (e.g. after a plasticity update)."""
        self.values.clamp_(min=min, max=max)
        if self.padding > 1.0:
            self.values.masked_fill_(~self.valid(), 0)
        return self

    @classmethod
    def from_dense(cls, matrix, orientation="SxD"):
        """Sparse weights holding the non-zero entries of a dense matrix in ``orientation``."""
        if not isinstance(matrix, torch.Tensor) or matrix.dim() != 2:
            raise bad_argument("SparseWeights.from_dense", "matrix", "a 2-D tensor", matrix)
        sxd = matrix if orientation == "SxD" else matrix.T
        src, dst = torch.nonzero(sxd, as_tuple=True)
        return cls.from_indices(src, dst, sxd[src, dst], sxd.shape[0], sxd.shape[1], orientation)

    @classmethod
    def from_indices(cls, src, dst, weight, n_src, n_dst, orientation="SxD"):
        """Sparse weights from 1-D ``src``, ``dst`` indices and ``weight`` values of each synapse."""
        src, dst = src.long(), dst.long()
        if not (src.shape == dst.shape == weight.shape) or src.dim() != 1:
            raise ArgumentError("SparseWeights.from_indices: src, dst and weight must be 1-D tensors of one length")
        if src.numel() and (int(src.min()) < 0 or int(src.max()) >= n_src
                            or int(dst.min()) < 0 or int(dst.max()) >= n_dst):
            raise ArgumentError(f"SparseWeights.from_indices: indices out of range for {n_src} x {n_dst} neurons")
        order = torch.argsort(src * n_dst + dst)
        src, dst, weight = src[order], dst[order], weight[order]
        degree = torch.bincount(src, minlength=n_src)
        width = int(degree.max()) if src.numel() else 0
        start = torch.cumsum(degree, 0) - degree
        slot = torch.arange(src.numel(), device=src.device) - start[src]
        columns = torch.zeros((n_src, width), dtype=torch.int32, device=src.device)
        values = torch.zeros((n_src, width), dtype=weight.dtype, device=src.device)
        columns[src, slot] = dst.int()
        values[src, slot] = weight
        return cls(columns, values, degree.int(), n_dst, orientation, nnz=src.numel())

    def __repr__(self):
        return (f"SparseWeights({self.n_src} -> {self.n_dst}, {self.nnz} synapses, width {self.width}, "
                f"{str(self.dtype).replace('torch.', '')} on {self.device}, {self.nbytes / 1e6:.1f} MB)")


# --- builders -------------------------------------------------------------------------------------
def _count(owner, name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise bad_argument(owner, name, f"an int in [{low}, {high}]", value)
    return int(value)


def _distinct(rows, k, high, device, exclude_diagonal, row_offset=0):
    """(rows, k) int32: for each row, k distinct ints in [0, high) in random order, none equal to
    its row index (+ row_offset) when ``exclude_diagonal``. Built in chunks to bound temporaries."""
    out = torch.empty((rows, k), dtype=torch.int32, device=device)
    if k == 0 or rows == 0:
        return out
    per_chunk = max(1, _CHUNK // max(k, 1))
    for r0 in range(0, rows, per_chunk):
        r1 = min(rows, r0 + per_chunk)
        ids = torch.arange(r0 + row_offset, r1 + row_offset, device=device)
        if 2 * k > high:  # dense: a random permutation's head, diagonal pushed to the end
            keys = torch.rand((r1 - r0, high), device=device)
            if exclude_diagonal:
                inside = ids < high
                keys[inside.nonzero().view(-1), ids[inside]] = 2.0
            out[r0:r1] = torch.argsort(keys, dim=1)[:, :k]
            continue
        cand = torch.randint(high, (r1 - r0, k), device=device)
        while True:  # rejection: resample duplicates (and self-connections) until none are left
            ordered, perm = torch.sort(cand, dim=1)
            bad = torch.zeros_like(cand, dtype=torch.bool)
            bad[:, 1:] = ordered[:, 1:] == ordered[:, :-1]
            if exclude_diagonal:
                bad |= ordered == ids[:, None]
            where = torch.nonzero(bad)
            if where.shape[0] == 0:
                break
            r, s = where[:, 0], perm[where[:, 0], where[:, 1]]
            cand[r, s] = torch.randint(high, (r.shape[0],), device=device)
        out[r0:r1] = cand
    return out


def _weights(owner, weights, degree, width, device, dtype, scale):
    if isinstance(weights, torch.Tensor):
        raise ArgumentError(f"{owner}.weights: give a mode string or a number here; build from tensors "
                            f"with SparseWeights.from_indices or from_dense")
    values = torch.empty((degree.shape[0], width), device=device, dtype=dtype)
    slots = torch.arange(width, device=device, dtype=degree.dtype)
    rows = max(1, _CHUNK // max(width, 1))
    for r0 in range(0, degree.shape[0], rows):  # draw in chunks (small temporaries), zero the padding
        block = values[r0:r0 + rows]
        block.copy_(make_tensor(f"{owner}.weights", weights, block.shape, device, dtype, scale))
        block.masked_fill_(slots >= degree[r0:r0 + rows, None], 0)
    return values


def fixed_out_degree(n_src, n_dst, out_degree, weights="uniform", scale=None, *, device="cpu",
                     dtype=torch.float32, autapses=True, orientation="SxD"):
    """Each source neuron connects to ``out_degree`` distinct, uniformly drawn destinations."""
    owner = "fixed_out_degree"
    k = _count(owner, "out_degree", out_degree, 0, n_dst - (0 if autapses else 1))
    columns = torch.sort(_distinct(n_src, k, n_dst, device, not autapses), dim=1).values
    degree = torch.full((n_src,), k, dtype=torch.int32, device=device)
    values = _weights(owner, weights, degree, k, device, dtype, scale)
    return SparseWeights(columns, values, degree, n_dst, orientation, nnz=n_src * k)


def fixed_in_degree(n_src, n_dst, in_degree, weights="uniform", scale=None, *, device="cpu",
                    dtype=torch.float32, autapses=True, orientation="SxD"):
    """Each destination neuron receives exactly ``in_degree`` synapses from distinct, uniformly drawn
    sources (no self-connections when ``autapses=False``, for a group connected to itself)."""
    owner = "fixed_in_degree"
    k = _count(owner, "in_degree", in_degree, 0, n_src - (0 if autapses else 1))
    sources = _distinct(n_dst, k, n_src, device, not autapses).view(-1)  # row = destination, int32
    degree = torch.bincount(sources, minlength=n_src)
    width = int(degree.max()) if sources.numel() else 0
    columns = torch.zeros((n_src, width), dtype=torch.int32, device=device)
    fill = torch.zeros(n_src, dtype=torch.int64, device=device)
    for start in range(0, sources.numel(), _CHUNK):  # place each synapse in its source's row, in dst order
        chunk = sources[start:start + _CHUNK].long()
        ordered, order = torch.sort(chunk, stable=True)
        position = torch.arange(ordered.shape[0], device=device)
        rank = position - torch.searchsorted(ordered, ordered) + fill[ordered]
        columns[ordered, rank] = (torch.div(order + start, k, rounding_mode="floor")).int()
        fill += torch.bincount(chunk, minlength=n_src)
    del sources
    degree = degree.int()
    values = _weights(owner, weights, degree, width, device, dtype, scale)
    return SparseWeights(columns, values, degree, n_dst, orientation, nnz=n_dst * k)


def fixed_probability(n_src, n_dst, p, weights="uniform", scale=None, *, device="cpu",
                      dtype=torch.float32, autapses=True, orientation="SxD"):
    """Each (source, destination) pair is connected independently with probability ``p``."""
    owner = "fixed_probability"
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 <= p <= 1:
        raise bad_argument(owner, "p", "a probability in [0, 1]", p)
    candidates = n_dst - (0 if autapses else 1)
    degree = torch.binomial(torch.full((n_src,), float(candidates), device=device),
                            torch.full((n_src,), float(p), device=device)).int()
    width = int(degree.max()) if n_src else 0
    drawn = _distinct(n_src, width, n_dst, device, not autapses)  # random order: a prefix is a random subset
    mask = torch.arange(width, device=device) < degree[:, None]
    drawn.masked_fill_(~mask, n_dst)  # padding sorts last
    columns = torch.sort(drawn, dim=1).values.masked_fill_(~mask, 0)
    values = _weights(owner, weights, degree, width, device, dtype, scale)
    return SparseWeights(columns, values, degree, n_dst, orientation)


_BUILDERS = {"fixed_in_degree": (fixed_in_degree, "in_degree"),
             "fixed_out_degree": (fixed_out_degree, "out_degree"),
             "fixed_probability": (fixed_probability, "p")}


def sparse_weights(synapses, connectivity="fixed_in_degree", weights="uniform", scale=None, dtype=None, **kwargs):
    """Sparse weights for a SynapseGroup (what ``SynapseGroup.sparse_matrix`` returns).

    ``connectivity`` is "fixed_in_degree" (with ``in_degree=``), "fixed_out_degree" (``out_degree=``)
    or "fixed_probability" (``p=``); ``weights`` a mode string or number (see ``NeuronGroup.vector``)
    times ``scale``; ``autapses=False`` forbids self-connections when ``src`` is ``dst``.
    """
    owner = f"{synapses._label()}.sparse_matrix"
    if connectivity not in _BUILDERS:
        raise ArgumentError(f"{owner}.connectivity: must be one of {', '.join(map(repr, _BUILDERS))}, "
                            f"got {describe(connectivity)}")
    build, needed = _BUILDERS[connectivity]
    if needed not in kwargs:
        raise ArgumentError(f"{owner}: connectivity {connectivity!r} needs {needed}=...")
    extra = set(kwargs) - {needed, "autapses"}
    if extra:
        raise ArgumentError(f"{owner}: unexpected argument(s) {', '.join(sorted(extra))} for {connectivity!r}")
    autapses = kwargs.get("autapses", True) or synapses.src is not synapses.dst
    orientation = "SxD" if synapses.network.transposed_synapse_matrix_mode else "DxS"
    try:
        return build(synapses.src.size, synapses.dst.size, kwargs[needed], weights, scale,
                     device=synapses.device, dtype=synapses.def_dtype if dtype is None else dtype,
                     autapses=autapses, orientation=orientation)
    except ArgumentError as error:
        raise ArgumentError(f"{owner}: {error}") from None
