"""Lay out "who met whom" around one entity for a server-rendered SVG: a pure, deterministic radial layout.

The focused entity sits in the centre; every entity it met sits on a circle around it, the most met first (from
the top, clockwise), each joined to the centre by an edge as thick as the number of meetings, drawn solid when
some meeting between the two is confirmed, dashed when the strongest is disputed, dotted when unverified.
Coordinates are SVG user units, rounded to one decimal, never localized (the template writes them as they are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

#: Attendance statuses, strongest first: a pair's meeting is as strong as its weaker attendance.
STATUSES = ("confirmed", "unverified", "disputed")
#: The longest label drawn beside a node, in characters.
LABEL_CHARS = 22


@dataclass(frozen=True)
class Neighbour:
    key: int
    label: str
    #: Meetings with the focused entity, by pair status (see ``pair_status``).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status(self) -> str:
        """The strongest status any meeting of the pair has: what the edge's style shows."""
        return next((s for s in STATUSES if self.counts.get(s)), "unverified")


@dataclass(frozen=True)
class Node:
    key: int
    label: str
    x: float
    y: float
    r: float
    anchor: str  # text-anchor of the label: start, middle or end
    label_x: float
    label_y: float
    total: int = 0
    status: str = ""


@dataclass(frozen=True)
class Edge:
    key: int
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    status: str
    total: int
    counts: dict[str, int]


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    centre: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def pair_status(a: str, b: str) -> str:
    """Two attendances meet only as surely as the less sure of them: confirmed with disputed is disputed."""
    return max(a, b, key=lambda s: STATUSES.index(s) if s in STATUSES else 1)


def short(label: str, most: int = LABEL_CHARS) -> str:
    """A label that fits beside its node; the table beside the picture gives the whole name."""
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def order(neighbours: list[Neighbour]) -> list[Neighbour]:
    """Most meetings first, then by label and key, so the same data always gives the same picture."""
    return sorted(neighbours, key=lambda n: (-n.total, n.label, n.key))


def layout(
    centre_key: int, centre_label: str, neighbours: list[Neighbour], *, width: int = 560, height: int = 420
) -> Graph:
    """Positions for the centre and each neighbour (as given, in ``order``), and edges weighted by count."""
    cx, cy = width / 2, height / 2
    radius = min(height / 2 - 50, width / 2 - 140)  # room for the labels outside the circle
    most = max((n.total for n in neighbours), default=1)
    centre = Node(centre_key, centre_label, cx, cy, 16.0, "middle", cx, round(cy + 34, 1))
    nodes, edges = [], []
    count = len(neighbours)
    for index, neighbour in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = round(cx + radius * cos, 1), round(cy + radius * sin, 1)
        size = round(6 + 6 * neighbour.total / most, 1)
        anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
        # Beside the node, away from the centre: below the bottom ones, above the top ones.
        label_x = round(x + (size + 6) * (0 if anchor == "middle" else 1 if cos > 0 else -1), 1)
        label_y = round(y + (size + 14 if sin > 0.3 else -size - 6 if sin < -0.3 else 4), 1)
        nodes.append(
            Node(
                neighbour.key, neighbour.label, x, y, size, anchor, label_x, label_y, neighbour.total, neighbour.status
            )
        )
        width_of_edge = round(1.5 + 6.5 * neighbour.total / most, 1)
        edges.append(
            Edge(neighbour.key, cx, cy, x, y, width_of_edge, neighbour.status, neighbour.total, dict(neighbour.counts))
        )
    return Graph(width, height, centre, tuple(nodes), tuple(edges))
