"""CNF encodings of the clause-type source problems and a PySAT (``python-sat``) SAT decider.

Used by ``reductions.deciders.source.decide(instance, "sat")``.  Every encoding is over Boolean variables
1..N (DIMACS numbering) and is *equisatisfiable with a witness map*: a model of the encoding maps
to a solution of the instance (which :func:`reductions.deciders.source.decide` re-checks exactly with the
instance's ``check``), and an UNSAT answer means the instance has no solution.

=============  =================================================================================
problem        encoding (x_i true <-> variable i)
=============  =================================================================================
cnf            the clauses themselves
nae_sat        every clause C and its complement {-l : l in C}: "C has a true literal" and
               "C has a false literal"; plus the unit clause (x_1) (NAE solutions are closed
               under flipping every variable, so one with x_1 true exists when any exists)
set_splitting  element e <-> variable e + 1 (true = side 1); subset S gives the clause
               OR_{e in S} x_{e+1} and its complement; unit clause (-x_1) for the same symmetry
coloring       one-hot x_{v,c} (node index i, colour c < k' = min(k, |V|)) as variable i k' + c + 1:
               at least one colour per node OR_c x_{v,c}; an edge {u, v} forbids a shared colour,
               (-x_{u,c} OR -x_{v,c}) for every c (a self-loop gives (-x_{v,c}) and hence UNSAT);
               no at-most-one clauses: a node with several true colours takes the smallest, which
               keeps every edge proper.  Symmetry: the nodes K of a greedily found clique get the
               colours 0, 1, ..., min(|K|, k') - 1 (any colouring can be permuted to do so).
=============  =================================================================================

Solver: CaDiCaL 1.9.5 (``pysat.solvers.Cadical195``) when the installed PySAT has it, else
Glucose 4 (:data:`SAT_SOLVER`).  Time limit: PySAT's CaDiCaL 1.9.5 binding does not implement
``interrupt()``, so the search runs in slices of ``solve_limited`` under a conflict budget
(``conf_budget``), checking the clock between slices; the learnt clauses are kept from slice to
slice.  The overshoot is at most one slice (the budget grows from 1 000 to at most 20 000
conflicts, well under a second on the instances of this project).

An UNSAT answer is the SAT solver's proof of unsatisfiability (proof level "solver proof" in
:data:`reductions.deciders.source.PROOF_LEVELS`; no DRAT trace is checked), except for a formula with an
empty clause, which is unsatisfiable by definition (proof level "exact").
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from pysat.solvers import NoSuchSolverError, Solver

__all__ = ["SAT_SOLVER", "SAT_PROBLEMS", "encode", "solve_clauses", "decode"]

#: problems that ``decide(..., "sat")`` accepts
SAT_PROBLEMS = ("cnf", "nae_sat", "set_splitting", "coloring")


def _pick_solver() -> str | None:
    for name in ("cadical195", "glucose4"):
        try:
            s = Solver(name=name)
        except (NoSuchSolverError, ImportError, RuntimeError):  # an older PySAT without this solver
            continue
        s.delete()
        return name
    return None  # pragma: no cover


#: PySAT solver name used by :func:`solve_clauses` ("cadical195", else "glucose4"; None if the
#: installed PySAT has neither)
SAT_SOLVER = _pick_solver()

_FIRST_BUDGET = 1_000
_MAX_BUDGET = 20_000


def _greedy_clique(G, nodes: Sequence) -> list:
    """A clique of ``G`` found greedily from every node in turn (highest degree first); for the
    colour symmetry breaking only, so any clique is correct."""
    best: list = []
    order = sorted(nodes, key=lambda v: -G.degree(v))
    for start in order[: min(len(order), 64)]:
        clique = [start]
        cand = set(G[start]) - {start}
        while cand:
            v = max(cand, key=lambda u: (len(cand & set(G[u])), G.degree(u)))
            clique.append(v)
            cand &= set(G[v]) - {v}
        if len(clique) > len(best):
            best = clique
    return best


def encode(instance: Any) -> tuple[int, list[list[int]], dict]:
    """The CNF encoding of ``instance`` (table in the module docstring).

    Parameters
    ----------
    instance : Problem
        A ``cnf``, ``nae_sat``, ``set_splitting`` or ``coloring`` instance
        (:data:`SAT_PROBLEMS`).

    Returns
    -------
    n_vars : int
        Number of Boolean variables N of the encoding (DIMACS numbering 1..N).
    clauses : list of list of int
        The clauses, literals as signed variable numbers.
    info : dict
        What :func:`decode` needs (for ``coloring``: ``nodes``, ``k`` and the size of the clique
        used for symmetry breaking; empty otherwise).

    Raises
    ------
    ValueError
        When ``instance`` is not one of :data:`SAT_PROBLEMS`.

    Examples
    --------
    >>> from reductions import CNF
    >>> encode(CNF(n_vars=2, clauses=((1, 2), (-1,))))
    (2, [[1, 2], [-1]], {})
    """
    name = instance.PROBLEM
    if name == "cnf":
        return instance.n_vars, [list(c) for c in instance.clauses], {}
    if name == "nae_sat":
        cls: list[list[int]] = []
        for c in instance.clauses:
            cls.append(list(c))
            cls.append([-l for l in c])
        if instance.n_vars:
            cls.append([1])
        return instance.n_vars, cls, {}
    if name == "set_splitting":
        cls = []
        for s in instance.subsets:
            cls.append([e + 1 for e in s])
            cls.append([-(e + 1) for e in s])
        if instance.n:
            cls.append([-1])
        return instance.n, cls, {}
    if name == "coloring":
        G = instance.graph
        nodes = list(instance.nodes)
        k = min(instance.k, max(1, len(nodes)))
        index = {v: i for i, v in enumerate(nodes)}

        def var(i: int, c: int) -> int:
            return i * k + c + 1

        cls = [[var(i, c) for c in range(k)] for i in range(len(nodes))]
        for u, v in G.edges:
            iu, iv = index[u], index[v]
            for c in range(k):
                cls.append([-var(iu, c)] if iu == iv else [-var(iu, c), -var(iv, c)])
        clique = _greedy_clique(G, nodes) if nodes else []
        for c, v in enumerate(clique[:k]):
            cls.append([var(index[v], c)])
        return len(nodes) * k, cls, {"nodes": nodes, "k": k, "clique": len(clique)}
    raise ValueError(f"method: 'sat' supports {SAT_PROBLEMS}, not {name!r}")


def decode(instance: Any, model: Sequence[bool], info: dict) -> Any:
    """The instance's solution from a model of its encoding.

    Parameters
    ----------
    instance : Problem
        The instance given to :func:`encode`.
    model : sequence of bool
        ``model[i]`` is the value of variable ``i + 1``.
    info : dict
        The ``info`` returned by :func:`encode`.

    Returns
    -------
    object
        A tuple of bools (``cnf``, ``nae_sat``), a tuple of sides 0/1 (``set_splitting``) or a dict
        node -> colour (``coloring``; a node with several true colours takes the smallest).  The
        caller re-checks it with the instance's exact ``check``.
    """
    name = instance.PROBLEM
    if name in ("cnf", "nae_sat"):
        return tuple(bool(v) for v in model[: instance.n_vars])
    if name == "set_splitting":
        return tuple(int(bool(v)) for v in model[: instance.n])
    if name == "coloring":
        k = info["k"]
        out = {}
        for i, v in enumerate(info["nodes"]):
            row = model[i * k:(i + 1) * k]
            out[v] = next((c for c, b in enumerate(row) if b), 0)
        return out
    raise ValueError(f"method: 'sat' supports {SAT_PROBLEMS}, not {name!r}")  # pragma: no cover


def solve_clauses(n_vars: int, clauses: Sequence[Sequence[int]], time_limit: float | None = None,
                  solver: str | None = None) -> tuple[str, tuple[bool, ...] | None, str]:
    """Decide the CNF ``clauses`` over variables 1..``n_vars`` with a PySAT solver.

    The search runs in slices under a growing conflict budget when there is a time limit (module
    docstring).

    Parameters
    ----------
    n_vars : int
        Number of variables (>= 0).
    clauses : sequence of sequence of int
        The clauses, literals as signed variable numbers.
    time_limit : float or None, optional
        Seconds, or None for no limit.
    solver : str or None, optional
        A PySAT solver name (default :data:`SAT_SOLVER`).

    Returns
    -------
    kind : str
        ``"sat"``, ``"unsat"`` (the solver's refutation), ``"empty clause"`` (unsatisfiable by
        definition, decided without the solver) or ``"unknown"`` (time limit).
    model : tuple of bool or None
        For ``"sat"``: ``n_vars`` bools (variables the solver never saw are False); else None.
    text : str
        The solver's name and status.

    Raises
    ------
    RuntimeError
        When the installed PySAT has neither CaDiCaL 1.9.5 nor Glucose 4.

    Examples
    --------
    >>> from reductions import CNF
    >>> inst = CNF(n_vars=2, clauses=((1, 2), (-1,)))
    >>> n_vars, clauses, info = encode(inst)
    >>> kind, model, _ = solve_clauses(n_vars, clauses)
    >>> kind, decode(inst, model, info)
    ('sat', (False, True))
    >>> solve_clauses(1, [[1], [-1]])[0]
    'unsat'
    """
    if any(len(c) == 0 for c in clauses):
        return "empty clause", None, "the formula contains the empty clause"
    name = solver or SAT_SOLVER
    if name is None:  # pragma: no cover
        raise RuntimeError("method: 'sat' needs a PySAT build with CaDiCaL 1.9.5 or Glucose 4")

    t0 = time.perf_counter()
    with Solver(name=name, bootstrap_with=[list(map(int, c)) for c in clauses]) as s:
        if time_limit is None:
            res = s.solve()
        else:
            res = None
            budget = _FIRST_BUDGET
            while res is None:
                if time.perf_counter() - t0 > time_limit:
                    return "unknown", None, f"{name}: time limit {time_limit:g} s reached"
                try:
                    s.conf_budget(budget)
                    res = s.solve_limited()
                except NotImplementedError:  # an older PySAT without budgets for this solver
                    if name == "glucose4":  # pragma: no cover
                        raise
                    left = max(1e-3, time_limit - (time.perf_counter() - t0))
                    return solve_clauses(n_vars, clauses, left, solver="glucose4")
                budget = min(_MAX_BUDGET, 2 * budget)
        if res:
            pos = {abs(l) for l in (s.get_model() or []) if l > 0}
            return "sat", tuple((i + 1) in pos for i in range(n_vars)), f"{name}: SAT"
        return "unsat", None, f"{name}: UNSAT"
