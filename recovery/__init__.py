"""lsahard.recovery: the LSA side of lsahard.

Prompts and model (``prompts``, ``lsa``, ``phi``), the exact one-layer population objective and
its optimum (``population``, ``optimum``), realisability and the best realisable one-layer LSA
(``realize``, ``best``), generalised recovery programs, solvers and the exact verifier
(``program``, ``solvers``, ``verify``), multilayer training and Theorem 4.1 (``training``,
``thm41``, ``experiments``) and the claims ledger (``claims``).

Note: the function :func:`phi` is exported here and shadows the submodule name; import the
module's other names with ``from recovery.phi import ...``.
"""
from .phi import (
    D_matrix,
    D_pattern,
    S_to_X,
    X_to_S,
    features,
    flat_index,
    gram,
    gvec,
    num_pairs,
    pair_position,
    pairs,
    phi,
    phi_block,
    phi_matrix_in_A,
    phi_matrix_in_b,
    unflat_index,
)
from .lsa import lsa_forward, predict, predict_one_layer, sparse_to_dense
from .prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    Prompts,
    UniformBinaryPrior,
    UniformInit,
    sample_prompts,
)
from .population import Quadratic, factorised_quadratic, monte_carlo_quadratic, population_quadratic
from .optimum import (
    Optimum,
    closed_form_optimum,
    lemma_3_1,
    realizable_d1,
    realize_d1,
    thm33_check,
    thm33_h,
)
from .realize import Recovery, recover
from .best import BestLSA, best_realizable, inner_solve, psi
from .program import BilinearObjective, BilinearProgram, BilinearRow, ProgramBuilder
from .verify import Verification, verify
from .solvers import SOLVER_NAMES, SolveResult, available_solvers, solve
from .training import TrainResult, train
from .thm41 import generational_distance, objectives_per_layer, theta_recursion
from .experiments import run_paper_suite
from .claims import (
    ClaimResult,
    check_appendix_a,
    check_fig_3,
    check_fig_5,
    check_lemma_3_1,
    check_lemma_3_2,
    check_theorem_3_3,
    check_theorem_3_4,
    check_theorem_3_5,
    check_theorem_4_1,
    run_claims,
)

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
