"""Graph k-colouring on networkx graphs.

Instance: an undirected simple graph (``networkx.Graph``; directed graphs and multigraphs are
converted to their underlying simple undirected graph; a self-loop makes the instance a NO
instance) and a number of colours k >= 1.  Question: is there c: V -> {0..k-1} with
c(u) != c(v) for every edge uv?

Solution format: dict node -> colour in 0..k-1 (keys may also be ``str(node)``, as after a JSON
round trip), or a sequence of colours in ``instance.nodes`` order.

JSON: ``{"problem": "coloring", "schema": "lsahard.coloring/1", "k": K, "graph": <node-link data>}``
(``networkx.node_link_data``; both the ``"edges"`` and the older ``"links"`` key are read).
Files: any networkx-readable graph by suffix (.graphml, .gml, .edgelist, .adjlist, or .json
node-link data) via ``Coloring.read_graph(path, k)``; k defaults to the graph attribute "k".
DIMACS graph colouring files (``.col``: ``p edge N M`` and ``e u v`` lines) via
``Coloring.read_dimacs(path, k)`` (k required: the format carries no number of colours).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx

from reductions.problems.problem import Problem, check_header, register_problem
from reductions.problems.values import read_text

__all__ = ["Coloring"]

_READERS = {
    ".graphml": nx.read_graphml,
    ".gml": nx.read_gml,
    ".edgelist": nx.read_edgelist,
    ".adjlist": nx.read_adjlist,
}


def _simple_graph(graph: Any) -> nx.Graph:
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"graph: expected a networkx graph, got {type(graph).__name__}")
    G = nx.Graph()
    G.add_nodes_from(graph.nodes)
    G.add_edges_from((u, v) for u, v in graph.edges())
    return nx.freeze(G)


def _col_header(parts: list[str], line: str, where: str) -> tuple[int, int]:
    """``(nodes, edges)`` of a DIMACS ``p edge`` line (ValueError naming the line)."""
    if len(parts) < 4 or parts[1] not in ("edge", "edges", "col"):
        raise ValueError(f"{where}: malformed problem line {line!r} (expected 'p edge <nodes> <edges>')")
    try:
        n, m = int(parts[2]), int(parts[3])
    except ValueError:
        raise ValueError(f"{where}: malformed problem line {line!r}") from None
    if n < 0 or m < 0:
        raise ValueError(f"{where}: negative count in problem line")
    return n, m


def _col_edge(parts: list[str], line: str, where: str, n: int) -> tuple[int, int]:
    """The edge ``(u, v)`` of a DIMACS ``e u v`` line, 1 <= u, v <= n (ValueError naming the line)."""
    if len(parts) != 3:
        raise ValueError(f"{where}: malformed edge line {line!r} (expected 'e u v')")
    try:
        u, v = int(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"{where}: malformed edge line {line!r}") from None
    for x in (u, v):
        if not 1 <= x <= n:
            raise ValueError(f"{where}: node {x} out of range (1..{n})")
    return u, v


@register_problem
@dataclass(frozen=True, eq=False)
class Coloring(Problem):
    """Graph k-colouring.

    REDUCTIONS.md "Problems" (graph k-colouring) and construction 4 (the source of
    ``coloring_to_cnf``): is there c: V -> {0..k-1} with c(u) != c(v) for every edge uv?

    Attributes
    ----------
    k : int
        Number of colours, >= 1.
    graph : networkx.Graph
        The graph; directed graphs and multigraphs are converted to their underlying simple
        undirected graph (stored frozen); a self-loop makes the instance a NO instance.

    Raises
    ------
    TypeError
        For a non-integer ``k`` or a graph that is not a networkx graph.
    ValueError
        For ``k < 1``.
    """

    k: int
    graph: nx.Graph = field(repr=False)

    PROBLEM: ClassVar[str] = "coloring"

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, Integral):
            raise TypeError(f"k: expected an int, got {type(self.k).__name__}")
        if self.k < 1:
            raise ValueError(f"k: expected >= 1, got {self.k}")
        object.__setattr__(self, "k", int(self.k))
        object.__setattr__(self, "graph", _simple_graph(self.graph))

    @property
    def nodes(self) -> tuple:
        """Nodes in the graph's insertion order (the variable order of ``coloring_to_cnf``)."""
        return tuple(self.graph.nodes)

    @property
    def edges(self) -> tuple:
        """Edges of the simple undirected graph."""
        return tuple(self.graph.edges)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Coloring):
            return NotImplemented
        return (
            self.k == other.k
            and self.nodes == other.nodes
            and {frozenset(e) for e in self.edges} == {frozenset(e) for e in other.edges}
        )

    def __hash__(self) -> int:
        return hash((self.k, self.nodes, frozenset(frozenset(e) for e in self.edges)))

    def __repr__(self) -> str:
        return f"Coloring(k={self.k}, n_nodes={self.graph.number_of_nodes()}, n_edges={self.graph.number_of_edges()})"

    def size(self) -> dict[str, int]:
        """Size parameters.

        Returns
        -------
        dict of str to int
            ``n_nodes``, ``n_edges`` and ``k``.
        """
        return {"n_nodes": self.graph.number_of_nodes(), "n_edges": self.graph.number_of_edges(), "k": self.k}

    def normalize_solution(self, solution: Any) -> dict:
        """Solution as a dict node -> int colour.

        Parameters
        ----------
        solution : dict or sequence
            Dict node -> colour in 0..k-1 (keys may also be ``str(node)``) or a sequence of colours in
            :attr:`nodes` order.

        Returns
        -------
        dict
            Node -> colour for every node.

        Raises
        ------
        TypeError
            For a solution of another type or a non-integer colour.
        ValueError
            For an unknown node, a missing colour, a wrong length or a colour out of range.
        """
        nodes = self.nodes
        if isinstance(solution, Mapping):
            by_str = {str(v): v for v in nodes}
            out = {}
            for key, col in solution.items():
                if key in self.graph:
                    node = key
                elif isinstance(key, str) and key in by_str and len(by_str) == len(nodes):
                    node = by_str[key]
                else:
                    raise ValueError(f"solution: {key!r} is not a node of the graph")
                out[node] = col
            missing = [v for v in nodes if v not in out]
            if missing:
                raise ValueError(f"solution: no colour for node(s) {missing[:5]}")
        elif isinstance(solution, (list, tuple)):
            if len(solution) != len(nodes):
                raise ValueError(f"solution: expected {len(nodes)} colours, got {len(solution)}")
            out = dict(zip(nodes, solution))
        else:
            raise TypeError(f"solution: expected a dict node -> colour, got {type(solution).__name__}")
        for node, col in out.items():
            if isinstance(col, bool) or not isinstance(col, Integral):
                raise TypeError(f"solution[{node!r}]: expected an int colour, got {type(col).__name__}")
            if not 0 <= int(col) < self.k:
                raise ValueError(f"solution[{node!r}]: colour {col} out of range 0..{self.k - 1}")
            out[node] = int(col)
        return out

    def check(self, solution: Any) -> bool:
        """Exact: adjacent nodes get different colours (a self-loop is never properly coloured).

        Parameters
        ----------
        solution : dict or sequence
            Dict node -> colour in 0..k-1 (keys may also be ``str(node)``, as after a JSON round trip),
            or a sequence of colours in ``instance.nodes`` order.

        Returns
        -------
        bool
            True iff the colouring is proper.

        Raises
        ------
        TypeError
            For a malformed solution (see :meth:`normalize_solution`).
        ValueError
            For a malformed solution (see :meth:`normalize_solution`).

        Examples
        --------
        >>> import networkx as nx
        >>> g = Coloring(k=2, graph=nx.path_graph(3))
        >>> g.check({0: 0, 1: 1, 2: 0}), g.check([0, 0, 1])
        (True, False)
        """
        c = self.normalize_solution(solution)
        return all(c[u] != c[v] for u, v in self.graph.edges)

    def to_json(self) -> dict:
        """JSON form with the graph as networkx node-link data (key ``"edges"``).

        Returns
        -------
        dict
            The instance's JSON.
        """
        return {**self.header(), "k": self.k, "graph": nx.node_link_data(self.graph, edges="edges")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Coloring:
        """Inverse of :meth:`to_json`; the older ``"links"`` key is read too.

        Parameters
        ----------
        data : Mapping
            The JSON object.

        Returns
        -------
        Coloring
            The instance.

        Raises
        ------
        ValueError
            For a wrong header, a missing ``k``/``graph`` key, malformed node-link data, or an edge
            whose endpoint is not in the node list (networkx would silently add it).
        """
        check_header(data, cls.PROBLEM)
        for key in ("k", "graph"):
            if key not in data:
                raise ValueError(f"{key}: missing from the coloring JSON object")
        g = data["graph"]
        if not isinstance(g, Mapping) or "nodes" not in g:
            raise ValueError("graph: expected networkx node-link data with a 'nodes' list")
        edges_key = "edges" if "edges" in g else "links"
        # networkx silently adds the endpoints of an edge that the node list lacks: refuse that
        # (a typo in an edge would otherwise change the instance)
        try:
            ids = {nd["id"] for nd in g["nodes"]}
            for i, e in enumerate(g.get(edges_key, [])):
                for end in ("source", "target"):
                    if e[end] not in ids:
                        raise ValueError(f"graph: edge {i} has {end} {e[end]!r}, which is not in the node list")
        except (KeyError, TypeError) as exc:
            raise ValueError(f"graph: malformed node-link data ({exc!r})") from exc
        try:
            G = nx.node_link_graph(dict(g), directed=False, multigraph=False, edges=edges_key)
        except (KeyError, TypeError, nx.NetworkXError) as exc:
            raise ValueError(f"graph: malformed node-link data ({exc!r})") from exc
        return cls(k=data["k"], graph=G)

    @classmethod
    def from_dimacs(cls, text: str, k: int | None = None, *, source: str = "dimacs") -> Coloring:
        """Parse a DIMACS graph-colouring (``.col``) text.

        Comment lines start with ``c``; the problem line is ``p edge N M`` (``p col N M`` too;
        further numbers on it are ignored); edges are ``e u v`` with 1 <= u, v <= N; node lines
        ``n ...`` are ignored.  Nodes are the integers 1..N (isolated ones included).  ``M`` must
        equal either the number of ``e`` lines or the number of distinct edges (files that list
        both directions of each edge exist).

        Parameters
        ----------
        text : str
            The DIMACS text.
        k : int
            Number of colours (required: a ``.col`` file has no number of colours).
        source : str
            Name of the input used in error messages.

        Returns
        -------
        Coloring
            The instance.

        Raises
        ------
        TypeError
            If ``text`` is not a string.
        ValueError
            With the line number for malformed input, or when ``k`` is None.
        """
        if not isinstance(text, str):
            raise TypeError(f"{source}: expected text, got {type(text).__name__}")
        if k is None:
            raise ValueError(f"k: the DIMACS graph {source} has no number of colours; pass k")
        n = m = None
        edges: list[tuple[int, int]] = []
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line[0] in "c%n":
                continue
            parts = line.split()
            where = f"{source}: line {lineno}"
            if parts[0] == "p":
                if n is not None:
                    raise ValueError(f"{where}: second problem line")
                n, m = _col_header(parts, line, where)
                continue
            if parts[0] == "e":
                if n is None:
                    raise ValueError(f"{where}: edge before the 'p edge' problem line")
                edges.append(_col_edge(parts, line, where, n))
                continue
            raise ValueError(f"{source}: line {lineno}: unexpected line {line!r} (expected c, p, e or n)")
        if n is None:
            raise ValueError(f"{source}: missing 'p edge <nodes> <edges>' problem line")
        distinct = {frozenset(e) for e in edges}
        if m not in (len(edges), len(distinct)):
            raise ValueError(f"{source}: problem line announces {m} edges, found {len(edges)} edge lines "
                             f"({len(distinct)} distinct edges)")
        G = nx.Graph()
        G.add_nodes_from(range(1, n + 1))
        G.add_edges_from(edges)
        return cls(k=k, graph=G)

    @classmethod
    def read_dimacs(cls, path: str | Path, k: int | None = None) -> Coloring:
        """Read a DIMACS ``.col`` file (see :meth:`from_dimacs`).

        Parameters
        ----------
        path : str or Path
            The file.
        k : int
            Number of colours (required).

        Returns
        -------
        Coloring
            The instance.

        Raises
        ------
        ValueError
            For a file that is not UTF-8 text or malformed DIMACS.
        """
        path = Path(path)
        text = read_text(path)
        return cls.from_dimacs(text, k, source=str(path))

    def to_dimacs(self, comment: str | None = None) -> str:
        """DIMACS ``.col`` text (nodes renumbered 1..N in ``self.nodes`` order).

        Parameters
        ----------
        comment : str or None
            Optional comment, written as ``c`` lines.

        Returns
        -------
        str
            The text, ending with a newline.
        """
        index = {v: i for i, v in enumerate(self.nodes, start=1)}
        lines = [f"c {c}" for c in (comment or "").splitlines()]
        lines.append(f"p edge {len(index)} {self.graph.number_of_edges()}")
        lines += [f"e {index[u]} {index[v]}" for u, v in self.graph.edges]
        return "\n".join(lines) + "\n"

    @classmethod
    def read_graph(cls, path: str | Path, k: int | None = None) -> Coloring:
        """Read a graph file by suffix (.graphml, .gml, .edgelist, .adjlist, .json node-link).

        Parameters
        ----------
        path : str or Path
            The file; a ``.json`` file may also hold a coloring problem JSON.
        k : int or None
            Number of colours; defaults to the graph attribute ``"k"``.

        Returns
        -------
        Coloring
            The instance.

        Raises
        ------
        ValueError
            For an unsupported suffix, an unreadable file, or no ``k`` (argument or integer attribute).
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".json":
            try:
                data = json.loads(path.read_text())
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValueError(f"instance: {path}: cannot read JSON ({exc})") from None
            if isinstance(data, Mapping) and data.get("problem") == cls.PROBLEM:
                inst = cls.from_json(data)
                return inst if k is None else cls(k=k, graph=inst.graph)
            G = nx.node_link_graph(data, edges="edges" if "edges" in data else "links")
        elif suffix in _READERS:
            try:
                G = _READERS[suffix](path)
            except Exception as exc:  # networkx raises many types for malformed files
                raise ValueError(f"instance: {path}: cannot read graph ({exc})") from exc
        else:
            raise ValueError(f"instance: unsupported graph suffix {suffix!r}; expected one of {sorted(_READERS)} or .json")
        if k is None:
            k = G.graph.get("k")
            if k is None:
                raise ValueError(f"k: the graph file {path} has no 'k' attribute; pass the number of colours")
            if isinstance(k, str):  # GraphML/adjlist attributes may come back as text
                try:
                    k = int(k)
                except ValueError:
                    raise ValueError(f"k: the graph attribute 'k' of {path} is {k!r}, not an integer") from None
        return cls(k=k, graph=G)
