"""Append-only tensor buffers with amortised O(1) appends, optionally bounded as ring buffers."""
from array import array

import torch

__all__ = ["SampleBuffer", "EventBuffer", "IterationLog"]


class SampleBuffer:
    """One tensor of a fixed shape per record, stored on the tensor's device.

    Capacity doubles when full (or is reserved ahead); with ``max_length`` it is a ring buffer that
    keeps the last ``max_length`` records, in ``max_length + 1`` slots: a new record goes to a slot no
    kept record uses, so ``undo`` can take it back.
    """

    def __init__(self, max_length=None):
        self.max_length = max_length
        self.data = None
        self.capacity = max_length + 1 if max_length else 64
        self.count = 0
        self.budget = None

    def drop_to(self, count):
        """Forget the records after the first ``count`` (those appended since; grown or promoted
        data keeps every older record)."""
        self.count = min(self.count, count)

    def projected_bytes(self, extra):
        """Bytes this buffer would hold after ``extra`` more records (0 while its shape is unknown)."""
        if self.data is None or self.max_length is not None:
            return 0
        return (self.count + extra) * self.data[0].numel() * self.data.element_size()

    def reserve(self, extra, budget=None):
        """Make room for ``extra`` more records without regrowing, using at most ``budget`` more bytes
        (a longer run grows as it goes); growth stays geometric, so many short runs cost amortised
        O(1) per record too."""
        wanted = self.count + extra
        if self.max_length is not None or wanted <= self.capacity:
            return
        if self.data is None:  # the record size is known at the first append, which sizes the buffer
            self.capacity, self.budget = wanted, budget
            return
        if budget is not None:
            wanted = min(wanted, self.count + max(int(budget // self._row_bytes()), 1))
        self._resize(max(wanted, 2 * self.capacity))

    def _row_bytes(self):
        return max(self.data[0].numel() * self.data.element_size(), 1)

    def append(self, value):
        data = self.data
        if data is None:
            if self.budget is not None:
                row = max(value.numel() * value.element_size(), 1)
                self.capacity = max(min(self.capacity, int(self.budget // row)), 64)
            allocate = torch.empty if self.max_length is None else torch.zeros  # a ring is charged up front
            data = self.data = allocate((self.capacity, *value.shape), dtype=value.dtype, device=value.device)
            self.shape = value.shape
        elif value.shape != self.shape:
            raise ValueError(f"shape changed from {tuple(self.shape)} to {tuple(value.shape)}")
        elif value.dtype != data.dtype:
            data = self.data = data.to(torch.promote_types(data.dtype, value.dtype))
        if self.max_length is not None:
            data[self.count % self.capacity].copy_(value)
        else:
            if self.count == self.capacity:
                data = self._resize(2 * self.count)
            data[self.count].copy_(value)
        self.count += 1

    def _resize(self, capacity):
        if self.data is None:
            self.capacity = capacity
            return None
        grown = torch.empty((capacity, *self.data.shape[1:]), dtype=self.data.dtype, device=self.data.device)
        grown[:self.count] = self.data[:self.count]
        self.data, self.capacity = grown, capacity  # one store: an interrupt leaves the old buffer whole
        return grown

    @property
    def nbytes(self):
        """Bytes of memory the buffer holds (its whole capacity)."""
        return 0 if self.data is None else self.data.numel() * self.data.element_size()

    @property
    def kept(self):
        """How many records are held (all of them, or the last ``max_length``)."""
        return self.count if self.max_length is None else min(self.count, self.max_length)

    def read(self, start=0):
        """Records ``start`` (counted since the beginning) to the newest, oldest first."""
        start = max(start, self.count - self.kept)
        if self.data is None:
            return torch.empty(0)
        if start >= self.count:
            return self.data[:0]
        if self.max_length is None:
            return self.data[start:self.count]
        first, last = start % self.capacity, (self.count - 1) % self.capacity + 1
        if first < last:
            return self.data[first:last]
        return torch.cat((self.data[first:], self.data[:last]))

    def clear(self):
        self.__init__(self.max_length)

    def state(self):
        return {"count": self.count, "values": self.read().clone()}

    def check_state(self, state, count):
        """Why ``state`` cannot be loaded as ``count`` records (or None)."""
        values = state.get("values") if isinstance(state, dict) else None
        if not isinstance(values, torch.Tensor) or _bad_count(state.get("count")):
            return "must be {'count': int, 'values': tensor}"
        if state["count"] != count:
            return f"holds {state['count']} samples but the recorder {count}"
        kept = count if self.max_length is None else min(count, self.max_length)
        if count and (values.dim() == 0 or values.shape[0] != kept):
            return f"must keep {kept} samples, got values of shape {tuple(values.shape)}"
        if self.data is not None and count and values.shape[1:] != self.shape:
            return f"samples of shape {tuple(values.shape[1:])}, recorded here as {tuple(self.shape)}"
        return None

    def load_state(self, state, device):
        self.clear()
        values, self.count = state["values"].to(device), state["count"]
        if values.numel() or values.dim() > 1:
            kept = values.shape[0]
            self.capacity = self.max_length + 1 if self.max_length else max(self.capacity, kept)
            self.shape = values.shape[1:]
            self.data = torch.empty((self.capacity, *self.shape), dtype=values.dtype, device=device)
            slots = torch.arange(self.count - kept, self.count, device=device) % self.capacity
            self.data[slots] = values


class EventBuffer:
    """Rows of ints (``(t, i)`` or ``(t, i, j)``) appended in blocks, growing by doubling.

    With ``max_length`` only the newest ``max_length`` rows are kept (compacted lazily).
    """

    def __init__(self, max_length=None):
        self.max_length = max_length
        self.data = None
        self.capacity = 0
        self.start = 0
        self.end = 0
        self.count = 0

    def mark(self):
        """What ``undo`` needs to take back the appends made after this call (rows dropped from a
        ring stay in ``data`` until it is compacted into a new tensor)."""
        return self.data, self.capacity, self.start, self.end, self.count

    def undo(self, mark):
        self.data, self.capacity, self.start, self.end, self.count = mark

    def append(self, t, indices):
        rows = indices.shape[0]
        if self.data is None:
            self.capacity = max(2 * (self.max_length or 512), rows)
            allocate = torch.empty if self.max_length is None else torch.zeros  # a ring is charged up front
            self.data = allocate((self.capacity, 1 + indices.shape[1]), dtype=torch.int64, device=indices.device)
        elif indices.shape[1] + 1 != self.data.shape[1]:
            raise ValueError(f"the recorded tensor changed from {self.data.shape[1] - 1} to {indices.shape[1]} dimensions")
        if self.end + rows > self.capacity:
            self._make_room(rows)
        if self.data.is_cpu and indices.is_cpu:  # NumPy slicing: several times cheaper per call than torch's
            block = self.data.numpy()[self.end:self.end + rows]
            block[:, 0] = t
            block[:, 1:] = indices.numpy()
        else:
            block = self.data[self.end:self.end + rows]
            block[:, 0] = t
            block[:, 1:] = indices
        self.end += rows
        self.count += rows
        if self.max_length is not None and self.end - self.start > self.max_length:
            self.start = self.end - self.max_length

    def _make_room(self, rows):
        kept = self.data[self.start:self.end]
        if self.max_length is None or len(kept) + rows > self.capacity:
            self.capacity = max(2 * self.capacity, len(kept) + rows)
        allocate = torch.empty if self.max_length is None else torch.zeros
        fresh = allocate((self.capacity, self.data.shape[1]), dtype=self.data.dtype, device=self.data.device)
        fresh[:len(kept)] = kept
        self.data, self.start, self.end = fresh, 0, len(kept)

    @property
    def nbytes(self):
        """Bytes of memory the buffer holds (its whole capacity)."""
        return 0 if self.data is None else self.data.numel() * self.data.element_size()

    def read(self, start=0):
        """Rows ``start`` (counted since the beginning) to the newest."""
        if self.data is None:
            return torch.empty((0, 2), dtype=torch.int64)
        first = max(start - (self.count - (self.end - self.start)), 0)
        return self.data[self.start + first:self.end]

    def clear(self):
        self.__init__(self.max_length)

    def state(self):
        return {"count": self.count, "rows": self.read().clone()}

    def check_state(self, state, count=None):
        """Why ``state`` cannot be loaded (or None)."""
        rows = state.get("rows") if isinstance(state, dict) else None
        if not isinstance(rows, torch.Tensor) or _bad_count(state.get("count")):
            return "must be {'count': int, 'rows': tensor}"
        if rows.dtype != torch.int64 or rows.dim() != 2 or rows.shape[1] < 2:
            return f"event rows must be an int64 (K, 2+) tensor, got {rows.dtype} of shape {tuple(rows.shape)}"
        if rows.shape[0] > state["count"] or (self.max_length is not None and rows.shape[0] > self.max_length):
            return f"keeps {rows.shape[0]} events of {state['count']} (at most max_length={self.max_length})"
        if self.data is not None and rows.shape[0] and rows.shape[1] != self.data.shape[1]:
            return f"events with {rows.shape[1] - 1} indices, recorded here with {self.data.shape[1] - 1}"
        return None

    def load_state(self, state, device):
        self.clear()
        rows, self.count = state["rows"].to(device), state["count"]
        if rows.numel():
            self.capacity = max(2 * (self.max_length or 512), rows.shape[0])
            self.data = torch.empty((self.capacity, rows.shape[1]), dtype=torch.int64, device=device)
            self.data[:rows.shape[0]] = rows
            self.end = rows.shape[0]


class IterationLog:
    """The iteration numbers at which a recorder recorded, on the host (no device copies)."""

    def __init__(self, max_length=None):
        self.max_length = max_length
        self.values = array("q")
        self.count = 0
        self.newest = None   # the last iteration logged

    def append(self, iteration):
        """Log one record: the commit of a recorder's step. ``count`` alone says what is logged, and
        it moves in one store after the value is in place (an interrupt before it logs nothing)."""
        slot = self.count % self.max_length if self.max_length else self.count
        if slot == len(self.values):
            self.values.append(iteration)
        else:
            self.values[slot] = iteration
        self.count, self.newest = self.count + 1, iteration

    def read(self, start=0):
        kept = min(self.count, self.max_length or self.count)
        values = self.values
        if self.count > kept:
            values = values[self.count % kept:] + values[:self.count % kept]
        else:
            values = values[:kept]
        values = values[max(start - (self.count - kept), 0):]
        if not values:
            return torch.empty(0, dtype=torch.int64)
        return torch.frombuffer(values, dtype=torch.int64).clone()

    def clear(self):
        self.__init__(self.max_length)

    def state(self):
        return {"count": self.count, "values": self.read()}

    def check_state(self, state):
        """Why ``state`` cannot be loaded (or None)."""
        values = state.get("values") if isinstance(state, dict) else None
        if not isinstance(values, torch.Tensor) or _bad_count(state.get("count")):
            return "iterations must be {'count': int, 'values': tensor}"
        kept = state["count"] if self.max_length is None else min(state["count"], self.max_length)
        if values.dtype != torch.int64 or values.dim() != 1 or values.shape[0] != kept:
            return f"iterations must be {kept} int64 numbers, got {values.dtype} of shape {tuple(values.shape)}"
        return None

    def load_state(self, state, device=None):
        values, self.count = state["values"].tolist(), state["count"]
        self.newest = values[-1] if values else None
        kept = len(values)
        self.values = array("q", values)
        if self.max_length is not None and self.count > kept:
            for j, value in enumerate(values):
                self.values[(self.count - kept + j) % kept] = value


def _bad_count(count):
    return isinstance(count, bool) or not isinstance(count, int) or count < 0
