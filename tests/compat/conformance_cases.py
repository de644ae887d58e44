"""Small behaviours of the published pymonntorch, each measured as plain values by ``run_all()``.

Written against the published names only, so ``record_reference.py`` records them under
pymonntorch 0.1.4 and ``test_conformance.py`` compares pymonntorch_core (through the alias).
"""
import torch


def _net():
    from pymonntorch import Network

    return Network(device="cpu")


def neuron_dimension():
    from pymonntorch import NeuronDimension, NeuronGroup

    net = _net()
    result = {}
    for name, kwargs in {"w3": dict(width=3), "h2": dict(height=2), "w3h2d2": dict(width=3, height=2, depth=2),
                         "w4_uncentred": dict(width=4, centered=False),
                         "w2h3_uncentred": dict(width=2, height=3, centered=False)}.items():
        ng = NeuronGroup(net=net, size=NeuronDimension(**kwargs), behavior={}, tag=name)  # None crashes 0.1.4
        result[name] = {"size": int(ng.size), "dims": [ng.width, ng.height, ng.depth],
                        "x": ng.x.tolist(), "y": ng.y.tolist(), "z": ng.z.tolist()}
    moved = NeuronGroup(net=net, size=NeuronDimension(width=3, height=2), behavior={}, tag="moved")
    moved.behavior[0].move(x=1, y=-2, z=0.5).scale(x=2)
    result["moved_scaled"] = {"x": moved.x.tolist(), "y": moved.y.tolist(), "z": moved.z.tolist()}
    return result


def batch_progress():
    from pymonntorch import Behavior, NeuronGroup

    class Count(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            neurons.count = 0

        def forward(self, neurons):
            neurons.count += 1

    result = {}
    for iterations, batch_size in ((10, 3), (10, -1), (9, 3), (12, 4), (7, 1)):
        net = _net()
        ng = NeuronGroup(2, net, behavior={1: Count()})
        net.initialize(info=False)
        percents, done = [], []

        def report(percent, network, percents=percents, done=done, ng=ng):
            percents.append(round(percent, 4))
            done.append(ng.count)

        net.simulate_iterations(iterations, batch_size=batch_size, measure_block_time=False,
                                batch_progress_update_func=report)
        result[f"{iterations}_{batch_size}"] = {"percents": percents, "done_at_each_call": done,
                                                "iterations": net.iteration, "count": ng.count}
    return result


def parameters_as_variables():
    from pymonntorch import Behavior, NeuronGroup, SynapseGroup

    class Setter(Behavior):
        def initialize(self, obj):
            super().initialize(obj)
            self.set_parameters_as_variables(obj)

    net = _net()
    ng = NeuronGroup(4, net, behavior={1: Setter(alpha=0.5, beta="ones()", gamma="zeros()", name="plain", n=3)})
    sg = SynapseGroup(net=net, src=ng, dst=ng, behavior={1: Setter(w="ones()", rate=2.0)})
    net.initialize(info=False)

    def shown(value):
        return {"tensor": list(value.shape), "values": value.flatten().tolist()} if isinstance(value, torch.Tensor) else value

    return {"neurons": {k: shown(getattr(ng, k)) for k in ("alpha", "beta", "gamma", "name", "n")},
            "synapse": {k: shown(getattr(sg, k)) for k in ("w", "rate")}}


def parameter_forms():
    from pymonntorch import Behavior, NeuronGroup

    class Base(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            neurons.tau = self.parameter("tau", 1.0, neurons)

    class Reader(Behavior):
        def initialize(self, neurons):
            super().initialize(neurons)
            self.raw = self.parameter("mode", None, neurons, True)
            self.made = self.parameter("mode", None, neurons)
            self.same = self.parameter("copy", None, neurons)
            self.as_tensor = self.parameter("values", None, neurons, False, False, True)
            self.percent = self.parameter("share", 0.0, neurons)

    net = _net()
    reader = Reader(mode="ones()", copy="same(Base, init_kwargs)", values=[1, 2], share="25%")
    ng = NeuronGroup(3, net, behavior={1: Base(tau=4.0), 2: reader})
    net.initialize(info=False)
    return {"raw": reader.raw, "made": reader.made.tolist(), "same": reader.same,
            "tensor": [reader.as_tensor.tolist(), str(reader.as_tensor.dtype)], "percent": reader.percent,
            "tau": ng.tau}


def empty_iteration_function():
    from pymonntorch import Behavior

    class Inherited(Behavior):
        pass

    class Passes(Behavior):
        def forward(self, obj):
            pass

    class Documented(Behavior):
        def forward(self, obj):
            """Nothing to do."""

    class Ellipsis_(Behavior):
        def forward(self, obj): ...

    class Works(Behavior):
        def forward(self, obj):
            obj.x = 1

    class Returns(Behavior):
        def forward(self, obj):
            return obj

    classes = (Inherited, Passes, Documented, Ellipsis_, Works, Returns)
    return {"attribute": {cls.__name__: bool(cls().empty_iteration_function) for cls in classes},
            "method": {cls.__name__: bool(cls().is_empty_iteration_function()) for cls in classes}}


def buffer_roll():
    net = _net()
    mat = torch.arange(8.0).reshape(4, 2)
    return {
        "forward": net.buffer_roll(mat.clone(), new=torch.tensor([-1.0, -2.0])).tolist(),
        "counter": net.buffer_roll(mat.clone(), new=torch.tensor([-1.0, -2.0]), counter=True).tolist(),
        "no_new": net.buffer_roll(mat.clone()).tolist(),
        "buffer_mat": list(net.get_buffer_mat((3, 2), 4).shape),
        "buffer_mat_dtype": str(net.get_buffer_mat((3,), 2, dtype=torch.int64).dtype),
    }


def structures():
    from pymonntorch import Network, NetworkObject, NeuronGroup, SynapseGroup

    class SubNetwork(Network):
        pass

    class Block(NetworkObject):
        def __init__(self, net, parts, tag=None, device=None):
            super().__init__(net, tag=tag, device=device)
            for part in parts:
                self.add_sub_structure(part)

    net = _net()
    a = NeuronGroup(2, net, tag="a")
    b = NeuronGroup(3, net, tag="a")
    sg = SynapseGroup(net=net, src=a, dst=b)
    block = Block(net, [a, sg])
    outer = Block(net, [block], tag="outer", device="cpu")
    net.initialize(info=False, warnings=False)
    net.clear_tag_cache()
    block.clear_cache()
    return {
        "tags": [list(s.tags) for s in net.Structures],
        "net_a_is_second": net.a is b,
        "parents": [s.parent_structure.tags[0] for s in net.Structures],
        "block_subs": [s.tags[0] for s in block.sub_structures],
        "outer_subs": [s.tags[0] for s in outer.sub_structures],
        "network_subs": [s.tags[0] for s in net.sub_structures],
        "devices": [str(s.device) for s in net.Structures],
        "lookup_block": [s.tags[0] for s in net["Block"]],
        "network_default_tags": [Network().tags, SubNetwork().tags],
    }


CASES = {f.__name__: f for f in (neuron_dimension, batch_progress, parameters_as_variables, parameter_forms,
                                 empty_iteration_function, buffer_roll, structures)}


def run_all():
    return {name: case() for name, case in CASES.items()}
