"""Reduction rules, one module per rule.

Each module defines ``reduce(instance, ...) -> Reduction`` and registers itself once, with its
symbolic size formula, through :func:`reductions.rules.registry.register` (module attribute
``RULE``; ``predicted_size`` evaluates ``RULE.size_formula``).
Importing this package imports every rule module, so the registry is complete; the order below is
the order of :data:`reductions.rules.graph.RULES` and of the graph's edges.
"""

# the import order is the registration order: the order of RULES and of the edges
# isort: off
from reductions.rules import (  # noqa: F401  (imported to register the rules)
    cnf_to_nae_sat,
    nae_sat_to_separability,
    nae_sat_to_set_splitting,
    set_splitting_to_separability,
    coloring_to_cnf,
    partition_to_lsa_program,
    separability_to_bm_program,
    bm_program_to_lsa_program,
)
