"""The who-met-whom layout: pure and deterministic, every node inside the picture, the most met first."""

from hypothesis import given
from hypothesis import strategies as st

from claims.graphs import Neighbour, layout, order, pair_status

counts = st.dictionaries(st.sampled_from(["confirmed", "disputed", "unverified"]), st.integers(1, 10_000), min_size=1)
neighbours = st.lists(
    st.builds(Neighbour, key=st.integers(1, 10**6), label=st.sampled_from(["Shoigu", "حفتر", ""]), counts=counts),
    max_size=12,
)


@given(neighbours)
def test_every_node_and_edge_lies_inside_the_picture(given_neighbours):
    graph = layout(1, "Focus", order(given_neighbours))
    for node in graph.nodes:
        assert 0 <= node.x <= graph.width and 0 <= node.y <= graph.height
    for edge in graph.edges:
        assert 1.5 <= edge.width <= 8 and (edge.x1, edge.y1) == (graph.centre.x, graph.centre.y)
    assert layout(1, "Focus", order(given_neighbours)) == graph  # the same data, the same picture


def test_the_most_met_comes_first_at_the_top_with_the_thickest_edge():
    graph = layout(
        1, "Focus", order([Neighbour(2, "Lavrov", {"unverified": 1}), Neighbour(3, "Shoigu", {"confirmed": 3})])
    )
    top, other = graph.nodes
    assert top.label == "Shoigu" and top.y < graph.centre.y and top.x == graph.centre.x
    assert graph.edges[0].width > graph.edges[1].width and graph.edges[0].status == "confirmed"


def test_a_pair_meets_as_surely_as_its_less_sure_attendance():
    assert pair_status("confirmed", "confirmed") == "confirmed"
    assert pair_status("confirmed", "unverified") == "unverified"
    assert pair_status("unverified", "disputed") == "disputed"
    assert Neighbour(1, "x", {"disputed": 2, "confirmed": 1}).status == "confirmed"
