"""lsahard reductions: combinatorial problems, rules between them, exact deciders, generators.

Problems (graph nodes): ``cnf`` (CNF), ``nae_sat`` (NAESAT), ``set_splitting`` (SetSplitting),
``partition`` (Partition), ``coloring`` (Coloring), ``separability`` (Separability),
``bm_program`` (BMProgram), ``lsa_program`` (LSAProgram).  Rules: ``reductions.rules.<src>_to_<dst>``
with ``reduce(instance) -> Reduction``; ``path``/``chain`` compose them along the graph.
"""

from reductions.deciders.source import Decision, decide
from reductions.problems.base import Problem, Reduction, load_problem
from reductions.problems.bm_program import BMProgram
from reductions.problems.cnf import CNF
from reductions.problems.coloring import Coloring
from reductions.problems.generators import generate
from reductions.problems.lsa_program import LSAProgram
from reductions.problems.nae_sat import NAESAT
from reductions.problems.partition import Partition
from reductions.problems.separability import Separability
from reductions.problems.set_splitting import SetSplitting
from reductions.rules.graph import RULES, chain, format_graph, path, rules_graph

__all__ = [
    "Problem",
    "Reduction",
    "load_problem",
    "generate",
    "RULES",
    "chain",
    "path",
    "rules_graph",
    "format_graph",
    "CNF",
    "NAESAT",
    "SetSplitting",
    "Partition",
    "Coloring",
    "Separability",
    "LSAProgram",
    "Decision",
    "decide",
    "BMProgram",
]
