"""Which sparse layout delivers spikes fastest? The measurement behind ``SparseWeights``' layout.

Builds one random fixed-in-degree connectivity in several layouts and times the delivery of random
spike vectors (``out += W.T @ spike``) for each, interleaved, on one torch thread; checks that every
layout gives the same currents; prints median ms per delivery and the memory of each layout.

    python bench/sparse_layouts.py [--size 100000] [--degree 100] [--rates 0.005 0.02 0.05] [--slow]

``--slow`` adds the layouts that take tens of ms per delivery (torch.sparse, pull by destination).
"""
import argparse
import statistics
import time
import warnings

import torch


def build(size, degree):
    dst = torch.arange(size).repeat_interleave(degree)
    src = torch.randint(0, size, (size * degree,))
    weight = torch.rand(size * degree)
    order = torch.argsort(src, stable=True)
    src, dst, weight = src[order], dst[order], weight[order]
    counts = torch.bincount(src, minlength=size)
    rowptr = torch.zeros(size + 1, dtype=torch.int64)
    rowptr[1:] = torch.cumsum(counts, 0)
    width = int(counts.max())
    slot = torch.arange(size * degree) - rowptr[src]
    ell_columns = torch.zeros(size, width, dtype=torch.int32)
    ell_values = torch.zeros(size, width)
    ell_columns[src, slot] = dst.int()
    ell_values[src, slot] = weight
    return dict(src=src, dst=dst, dst32=dst.int(), weight=weight, rowptr=rowptr, width=width,
                ell_columns=ell_columns, ell_values=ell_values, ell_columns64=ell_columns.long())


def layouts(g, size, slow):
    def ell(idx, spike, columns=g["ell_columns"]):
        out = torch.zeros(size)
        return out.index_add_(0, columns.index_select(0, idx).view(-1), g["ell_values"].index_select(0, idx).view(-1))

    def csr_cumsum(idx, spike):
        start = g["rowptr"][idx]
        count = g["rowptr"][idx + 1] - start
        position = torch.repeat_interleave(start - (torch.cumsum(count, 0) - count), count)
        position += torch.arange(position.numel())
        return torch.zeros(size).index_add_(0, g["dst32"][position], g["weight"][position])

    def csr_repeat(idx, spike):
        start = g["rowptr"][idx]
        count = g["rowptr"][idx + 1] - start
        segment = torch.repeat_interleave(count)
        position = start[segment] + (torch.arange(segment.numel()) - (torch.cumsum(count, 0) - count)[segment])
        return torch.zeros(size).index_add_(0, g["dst32"][position], g["weight"][position])

    mb = lambda *ts: sum(t.numel() * t.element_size() for t in ts) / 1e6  # noqa: E731
    result = {
        "padded by-source rows (ELL), int32": (ell, mb(g["ell_columns"], g["ell_values"])),
        "padded by-source rows (ELL), int64": (lambda i, s: ell(i, s, g["ell_columns64"]),
                                               mb(g["ell_columns64"], g["ell_values"])),
        "CSR by source, cumsum segment gather": (csr_cumsum, mb(g["dst32"], g["weight"], g["rowptr"])),
        "CSR by source, repeat_interleave gather": (csr_repeat, mb(g["dst32"], g["weight"], g["rowptr"])),
    }
    if slow:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            by_dst = torch.sparse_coo_tensor(torch.stack([g["dst"], g["src"]]), g["weight"], (size, size))
            csr = by_dst.coalesce().to_sparse_csr()
            coo = torch.sparse_coo_tensor(torch.stack([g["src"], g["dst"]]), g["weight"], (size, size)).coalesce()
        order = torch.argsort(g["dst"] * size + g["src"])
        pull_src = g["src"][order].view(size, -1)
        pull_w = g["weight"][order].view(size, -1)
        result["torch.sparse CSR (dst x src), full SpMV"] = (
            lambda i, s: torch.mv(csr, s.float()), mb(csr.values(), csr.col_indices(), csr.crow_indices()))
        result["torch.sparse COO, index_select rows"] = (
            lambda i, s: torch.sparse.sum(coo.index_select(0, i), 0).to_dense(), mb(coo.values(), coo.indices()))
        result["pull by destination (gather inputs)"] = (
            lambda i, s: (s.float()[pull_src] * pull_w).sum(1), mb(pull_src, pull_w))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--degree", type=int, default=100)
    parser.add_argument("--rates", type=float, nargs="+", default=[0.005, 0.02, 0.05])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--slow", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    g = build(args.size, args.degree)
    candidates = layouts(g, args.size, args.slow)
    print(f"N={args.size}, in-degree {args.degree}, {args.size * args.degree:,} synapses, width {g['width']}, "
          f"one torch thread; median ms per delivery over {args.repeats} interleaved repeats")
    print(f"{'layout':44s} {'memory':>9s} " + " ".join(f"{f'{r:.1%} fire':>10s}" for r in args.rates))
    table = {name: [] for name in candidates}
    for rate in args.rates:
        spike = torch.rand(args.size) < rate
        idx = torch.nonzero(spike).view(-1)
        reference = torch.zeros(args.size).index_add_(0, g["dst"][torch.isin(g["src"], idx)],
                                                      g["weight"][torch.isin(g["src"], idx)])
        for name, (deliver, _) in candidates.items():
            assert torch.allclose(deliver(idx, spike), reference, atol=1e-3), name
        times = {name: [] for name in candidates}
        for _ in range(args.repeats):
            for name, (deliver, _) in candidates.items():
                spike = torch.rand(args.size) < rate
                idx = torch.nonzero(spike).view(-1)
                start = time.perf_counter()
                for _ in range(10):
                    deliver(idx, spike)
                times[name].append((time.perf_counter() - start) / 10)
        for name in candidates:
            table[name].append(statistics.median(times[name]) * 1e3)
    for name, (_, memory) in candidates.items():
        print(f"{name:44s} {memory:7.0f}MB " + " ".join(f"{t:8.2f}ms" for t in table[name]))


if __name__ == "__main__":
    main()
