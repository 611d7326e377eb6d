"""Common interface of the reductions package: problems, reductions and reading instances.

The pieces live in modules of their own and are re-exported here:

* :mod:`reductions.problems.problem` -- the :class:`Problem` interface (graph-node name
  ``PROBLEM``, JSON form, EXACT ``check``, ``size``) and the problem registry
  (:func:`register_problem`, :func:`problem_class`, :func:`problems`);
* :mod:`reductions.problems.reduction` -- :class:`Reduction`, one applied rule or a chain, with
  the certificate maps ``forward`` (source solution -> target solution) and ``backward``
  (target solution -> source solution);
* :mod:`reductions.problems.loading` -- :func:`load_problem` (a dict, ``.json``, DIMACS
  ``.cnf`` / ``.cnf.gz`` / ``.cnf.xz``, DIMACS ``.col``, or a networkx-readable graph file);
* :mod:`reductions.problems.values` -- exact numbers, truth-value tuples and solution JSON.
"""

from __future__ import annotations

from reductions.problems.loading import BILINEAR_SCHEMA, GRAPH_SUFFIXES, load_problem
from reductions.problems.problem import (
    Problem,
    check_header,
    problem_class,
    problems,
    register_problem,
    schema_name,
    unregister_problem,
)
from reductions.problems.reduction import Reduction
from reductions.problems.values import MAX_COORDINATE, as_bool_tuple, as_fraction, check_coordinate, to_jsonable

__all__ = [
    "Problem",
    "Reduction",
    "load_problem",
    "problem_class",
    "problems",
    "register_problem",
    "unregister_problem",
    "schema_name",
    "check_header",
    "as_fraction",
    "as_bool_tuple",
    "check_coordinate",
    "MAX_COORDINATE",
    "to_jsonable",
    "BILINEAR_SCHEMA",
    "GRAPH_SUFFIXES",
]
