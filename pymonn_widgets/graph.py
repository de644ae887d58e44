"""NetworkGraph: the network's groups and synapses as an SVG graph (an anywidget)."""
from __future__ import annotations

import colorsys
import hashlib
import pathlib

import anywidget
import traitlets

__all__ = ["NetworkGraph", "graph_model", "tag_colour"]

JS = pathlib.Path(__file__).parent / "js"


def tag_colour(tag: str) -> str:
    """A stable, readable colour for a tag (the same tag always gets the same colour)."""
    digest = hashlib.sha1(tag.encode()).digest()
    hue = digest[0] / 255.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def graph_model(net) -> dict:
    """Nodes (one per NeuronGroup) and edges (one per SynapseGroup) as plain data.

    Each edge carries ``index`` (its place among the edges joining the same pair, either way) and
    ``count`` (how many there are), so the front end draws parallel edges and self-loops apart.
    """
    nodes = []
    for index, ng in enumerate(net.NeuronGroups):
        behaviors = [f"{k}: {type(b).__name__}" for k, b in sorted(ng.behavior.items())]
        nodes.append({"id": index, "tag": ng.tags[0], "size": int(ng.size), "behaviors": behaviors,
                      "colour": tag_colour(ng.tags[0])})
    position = {id(ng): i for i, ng in enumerate(net.NeuronGroups)}
    pairs: dict[tuple, int] = {}
    edges = []
    for index, sg in enumerate(net.SynapseGroups):
        src, dst = position[id(sg.src)], position[id(sg.dst)]
        pair = (min(src, dst), max(src, dst))
        user_tags = [t for t in sg.tags if t not in ("SynapseGroup", "syn", f"{sg.src.tags[0]} => {sg.dst.tags[0]}")]
        edges.append({"id": index, "tag": sg.tags[0], "tags": user_tags or [sg.tags[0]], "source": src,
                      "target": dst, "index": pairs.get(pair, 0), "colour": tag_colour(sg.tags[0])})
        pairs[pair] = pairs.get(pair, 0) + 1
    for edge in edges:
        edge["count"] = pairs[(min(edge["source"], edge["target"]), max(edge["source"], edge["target"]))]
    return {"nodes": nodes, "edges": edges}


class NetworkGraph(anywidget.AnyWidget):
    """One node per NeuronGroup (tag, size, behaviors in key order), one edge per SynapseGroup
    labelled with its tags. Clicking a node sets ``selected`` to its tag.

    In the page, nodes are ``<g data-group="tag">`` and edges ``<g data-synapse="tag">``.

    Example
    -------
    >>> graph = NetworkGraph.from_network(net)
    >>> graph.observe(lambda change: print(change.new), "selected")
    """

    _esm = JS / "graph.js"
    _css = JS / "graph.css"
    nodes = traitlets.List().tag(sync=True)
    edges = traitlets.List().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    selected_synapse = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(260, min=120, max=2000).tag(sync=True)

    @classmethod
    def from_network(cls, net, **kwargs) -> NetworkGraph:
        model = graph_model(net)
        graph = cls(nodes=model["nodes"], edges=model["edges"], **kwargs)
        graph.add_class("pymonn-graph")
        return graph

    def refresh(self, net):
        """Redraw after groups or behaviors changed."""
        model = graph_model(net)
        self.nodes, self.edges = model["nodes"], model["edges"]
