"""pymonntorch_core: a fast, correct PyTorch spiking-network simulator with the PymoNNtorch model.

``from pymonntorch_core import *`` gives the names the PymoNNtorch tutorial uses;
``install_as_pymonntorch()`` runs code written for the published pymonntorch unchanged.
"""
import torch

from .behavior import Behavior
from .builtin import (
    IZHIKEVICH_PRESETS,
    LIF,
    CurrentInput,
    DenseSynapse,
    Izhikevich,
    PoissonInput,
    PoissonSpikes,
    SparseSynapse,
    SparseWeights,
    fixed_in_degree,
    fixed_out_degree,
    fixed_probability,
)
from .compat import install_as_pymonntorch
from .errors import ArgumentError, ExpressionError, PymonnError, PymonnWarning, RecorderError, StateError
from .network import Network
from .network_object import NetworkObject
from .neuron_group import NeuronDimension, NeuronGroup
from .parameters import Parameter, ParameterSpec
from .recorder import EventRecorder, Recorder
from .statistics import fano_factor, isi_cv, population_rate, power_spectrum, spike_counts, synchrony_chi
from .sweep import Sweep, SweepResult, sweep
from .synapse_group import SynapseGroup
from .tagging import TaggableObject

__version__ = "0.1.0"

__all__ = [
    "Network", "NeuronGroup", "NeuronDimension", "SynapseGroup", "Behavior",
    "Recorder", "EventRecorder", "Parameter", "ParameterSpec", "NetworkObject", "TaggableObject",
    "install_as_pymonntorch",
    "PymonnError", "PymonnWarning", "ArgumentError", "ExpressionError", "RecorderError", "StateError",
    "torch",
    "LIF", "Izhikevich", "IZHIKEVICH_PRESETS", "CurrentInput", "PoissonInput", "PoissonSpikes",
    "DenseSynapse", "SparseSynapse", "SparseWeights", "fixed_in_degree", "fixed_out_degree",
    "fixed_probability",
    "spike_counts", "population_rate", "isi_cv", "fano_factor", "synchrony_chi", "power_spectrum",
    "sweep", "Sweep", "SweepResult",
]
