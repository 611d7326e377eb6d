"""Problem classes, one module per problem.

Each problem module registers its class with
:func:`reductions.problems.problem.register_problem`; importing this package imports every
problem module (in the order below, the order of the reduction graph's nodes), so the registry
is complete.
"""

from reductions.problems import (  # noqa: F401  (imported to register the problems)
    bm_program,
    cnf,
    coloring,
    lsa_program,
    nae_sat,
    partition,
    separability,
    set_splitting,
)
