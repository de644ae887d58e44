"""The graph's model: nodes, edges, parallel edges and self-loops, colours, selection."""
import pathlib

from widget_nets import multi_group, tutorial

from pymonn_widgets import Dashboard, NetworkGraph, graph_model
from pymonn_widgets.graph import tag_colour


def test_tutorial_graph():
    net, _ = tutorial()
    model = graph_model(net)
    assert [n["tag"] for n in model["nodes"]] == ["NeuronGroup_1"]
    node = model["nodes"][0]
    assert node["size"] == 100 and node["behaviors"] == ["1: BasicBehavior", "2: InputBehavior",
                                                         "9: Recorder", "10: EventRecorder"]
    (edge,) = model["edges"]
    assert edge["tag"] == "GLUTAMATE" and edge["tags"] == ["GLUTAMATE"]
    assert edge["source"] == edge["target"] == 0 and edge["count"] == 1


def test_multi_group_graph_parallel_edges_and_loops():
    net = multi_group()
    model = graph_model(net)
    assert [n["tag"] for n in model["nodes"]] == ["exc", "inh", "probe"]
    edges = [(e["tag"], e["source"], e["target"], e["index"], e["count"]) for e in model["edges"]]
    assert edges == [("GLUTAMATE", 0, 0, 0, 1), ("GLUTAMATE", 0, 1, 0, 3), ("AMPA", 0, 1, 1, 3),
                     ("GABA", 1, 0, 2, 3)]
    # parallel edges between the same pair get distinct places, whatever their direction
    assert len({e["index"] for e in model["edges"][1:]}) == 3


def test_dashboard_recorders_are_not_listed_as_behaviors():
    net, ng = tutorial(recorders=False)
    dash = Dashboard(net)
    assert dash.graph.nodes[0]["behaviors"] == ["1: BasicBehavior", "2: InputBehavior"]


def test_colours_are_stable_per_tag():
    assert tag_colour("GABA") == tag_colour("GABA") != tag_colour("GLUTAMATE")
    net = multi_group()
    model = graph_model(net)
    glu = [e["colour"] for e in model["edges"] if e["tag"] == "GLUTAMATE"]
    assert len(set(glu)) == 1


def test_clicking_a_node_selects_the_group():
    net = multi_group()
    dash = Dashboard(net)
    assert dash.graph.selected == "exc"
    dash.graph.selected = "inh"                      # what the page's click handler sets
    assert dash.controller.selected_group is net.NeuronGroups[1]
    assert dash.parameters.group.value is net.NeuronGroups[1]
    assert dash.plots.neurons == 10 and dash.plots.title == "inh"
    dash.controller.select_group("probe")
    assert dash.graph.selected == "probe"
    dash.graph.selected_synapse = "GABA"
    assert dash.controller.selected_group is net.SynapseGroups[3]
    assert dash.controller.plot_group is net.NeuronGroups[2]   # plots stay on the last NeuronGroup


def test_front_end_is_shipped_inside_the_package():
    esm = pathlib.Path(NetworkGraph._esm if isinstance(NetworkGraph._esm, (str, pathlib.Path)) else "")
    import pymonn_widgets

    root = pathlib.Path(pymonn_widgets.__file__).parent
    for name in ("graph.js", "graph.css", "plots.js", "plots.css"):
        assert (root / "js" / name).is_file()
    text = (root / "js" / "graph.js").read_text()
    assert "data-group" in text and "data-synapse" in text and "import " not in text.split("\n", 3)[0]
    for name in ("plots.js", "graph.js"):            # no CDN imports
        assert "import " not in (root / "js" / name).read_text() and "https://" not in (root / "js" / name).read_text()
    assert esm.name in ("graph.js", "")
