"""Problem classes, one module per problem.

Each problem module registers its class with
:func:`reductions.problems.problem.register_problem`; importing this package imports every
problem module (in the order below, the order of the reduction graph's nodes), so the registry
is complete.
"""

# the import order is the registration order: the order of the graph's nodes
# isort: off
from reductions.problems import (  # noqa: F401  (imported to register the problems)
    cnf,
    nae_sat,
    set_splitting,
    partition,
    coloring,
    separability,
    bm_program,
    lsa_program,
)
# isort: on
