"""Built-in behaviors to compose networks from: neuron models, inputs, synapses and sparse weights.

Conventions shared by all of them (see each module for its equations):

- Neuron models (``LIF``, ``Izhikevich``) write ``voltage`` (float) and ``spike`` (bool) on their
  group and read the input current ``I``, which inputs (``CurrentInput``, ``PoissonInput``) and
  synapses (``DenseSynapse``, ``SparseSynapse``) add into; the neuron zeroes ``I`` after using it.
- Time is in ms (``dt``), rates in Hz, potentials in mV where a model has units. Every built-in takes
  ``dt`` (default 1.0): give all behaviors of a network the same one. Nothing else changes with ``dt``:
  a synaptic or Poisson-input weight is a charge (current x ms; conductance x ms with a reversal
  potential), delivered as ``w / dt`` for one step or spread over an exponential kernel; current noise
  is white noise of a fixed intensity (drawn with standard deviation ``noise / sqrt(dt)``).
- Scalars are plain Python floats on the behavior, declared in ``parameter_ranges``: tunable live.
- Everything follows the network's device and dtype; ``forward`` makes no host-device copies.
"""
from .connectivity import SparseWeights, fixed_in_degree, fixed_out_degree, fixed_probability
from .inputs import CurrentInput, PoissonInput, PoissonSpikes
from .neurons import IZHIKEVICH_PRESETS, LIF, Izhikevich
from .synapses import DenseSynapse, SparseSynapse

__all__ = [
    "LIF", "Izhikevich", "IZHIKEVICH_PRESETS", "CurrentInput", "PoissonInput", "PoissonSpikes",
    "DenseSynapse", "SparseSynapse", "SparseWeights", "fixed_in_degree", "fixed_out_degree",
    "fixed_probability",
]
