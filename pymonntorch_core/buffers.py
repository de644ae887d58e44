"""Append-only tensor buffers with amortised O(1) appends, optionally bounded as ring buffers."""
from array import array

import torch

__all__ = ["SampleBuffer", "EventBuffer", "IterationLog"]


class SampleBuffer:
    """One tensor of a fixed shape per record, stored on the tensor's device.

    Capacity doubles when full (or is reserved ahead); with ``max_length`` it is a ring buffer that
    keeps the last ``max_length`` records.
    """

    def __init__(self, max_length=None):
        self.max_length = max_length
        self.data = None
        self.capacity = max_length or 64
        self.count = 0

    def projected_bytes(self, extra):
        """Bytes this buffer would hold after ``extra`` more records (0 while its shape is unknown)."""
        if self.data is None or self.max_length is not None:
            return 0
        return (self.count + extra) * self.data[0].numel() * self.data.element_size()

    def reserve(self, extra):
        """Make room for ``extra`` more records without regrowing; growth stays geometric, so many
        short runs cost amortised O(1) per record too."""
        if self.max_length is None and self.count + extra > self.capacity:
            self._resize(max(self.count + extra, 2 * self.capacity))

    def append(self, value):
        data = self.data
        if data is None:
            allocate = torch.empty if self.max_length is None else torch.zeros  # a ring is charged up front
            data = self.data = allocate((self.capacity, *value.shape), dtype=value.dtype, device=value.device)
            self.shape = value.shape
        elif value.shape != self.shape:
            raise ValueError(f"shape changed from {tuple(self.shape)} to {tuple(value.shape)}")
        elif value.dtype != data.dtype:
            data = self.data = data.to(torch.promote_types(data.dtype, value.dtype))
        if self.max_length is not None:
            data[self.count % self.max_length].copy_(value)
        else:
            if self.count == self.capacity:
                data = self._resize(2 * self.count)
            data[self.count].copy_(value)
        self.count += 1

    def _resize(self, capacity):
        self.capacity = capacity
        if self.data is not None:
            grown = torch.empty((capacity, *self.data.shape[1:]), dtype=self.data.dtype, device=self.data.device)
            grown[:self.count] = self.data[:self.count]
            self.data = grown
        return self.data

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
        first, last = start % self.max_length, (self.count - 1) % self.max_length + 1
        if first < last:
            return self.data[first:last]
        return torch.cat((self.data[first:], self.data[:last]))

    def clear(self):
        self.__init__(self.max_length)

    def state(self):
        return {"count": self.count, "values": self.read().clone()}

    def load_state(self, state, device):
        self.clear()
        values, self.count = state["values"].to(device), state["count"]
        if values.numel() or values.dim() > 1:
            kept = values.shape[0]
            self.capacity = self.max_length or max(self.capacity, kept)
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

    def append(self, iteration):
        if self.max_length is not None and len(self.values) == self.max_length:
            self.values[self.count % self.max_length] = iteration
        else:
            self.values.append(iteration)
        self.count += 1

    def read(self, start=0):
        kept = len(self.values)
        values = self.values
        if self.count > kept:
            values = values[self.count % kept:] + values[:self.count % kept]
        values = values[max(start - (self.count - kept), 0):]
        if not values:
            return torch.empty(0, dtype=torch.int64)
        return torch.frombuffer(values, dtype=torch.int64).clone()

    def clear(self):
        self.values = array("q")
        self.count = 0

    def state(self):
        return {"count": self.count, "values": self.read()}

    def load_state(self, state, device=None):
        values, self.count = state["values"].tolist(), state["count"]
        kept = len(values)
        self.values = array("q", values)
        if self.max_length is not None and self.count > kept:
            for j, value in enumerate(values):
                self.values[(self.count - kept + j) % kept] = value
