"""lsahard.recovery: the LSA side of lsahard.

Prompts and model (``prompts``, ``lsa``, ``phi``), the exact one-layer population objective and
its optimum (``population``, ``optimum``), realisability and the best realisable one-layer LSA
(``realize``, ``best``), generalised recovery programs, solvers and the exact verifier
(``program``, ``solvers``, ``verify``), multilayer training and Theorem 4.1 (``training``,
``thm41``, ``experiments``) and the claims ledger (``claims``).

Every submodule stays reachable as an attribute of the package (``recovery.phi``,
``recovery.verify``, ...): no name exported here is spelled like a submodule.  The functions that
share a submodule's name are imported from it: ``from recovery.phi import phi`` and
``from recovery.verify import verify``.
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
from .verify import Verification
from .solvers import SOLVER_NAMES, SolveResult, available_solvers, solve
# Modules that are also run as scripts (``python -m recovery.experiments ...``) are imported
# lazily, so that runpy does not find them already imported by the package.
_LAZY = {
    "TrainResult": "training",
    "train": "training",
    "generational_distance": "thm41",
    "objectives_per_layer": "thm41",
    "theta_recursion": "thm41",
    "run_paper_suite": "experiments",
    "ClaimResult": "claims",
    "check_appendix_a": "claims",
    "check_fig_3": "claims",
    "check_fig_5": "claims",
    "check_lemma_3_1": "claims",
    "check_lemma_3_2": "claims",
    "check_theorem_3_3": "claims",
    "check_theorem_3_4": "claims",
    "check_theorem_3_5": "claims",
    "check_theorem_4_1": "claims",
    "run_claims": "claims",
    "MIN_RTOL": "realize",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'recovery' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"

__all__ = [
    "BernoulliInit", "BestLSA", "BilinearObjective", "BilinearProgram", "BilinearRow",
    "ClaimResult", "CorrelatedInit", "D_matrix", "D_pattern", "DirichletPrior", "FixedKernel",
    "MIN_RTOL", "Optimum", "ProgramBuilder", "Prompts", "Quadratic", "Recovery", "SOLVER_NAMES",
    "S_to_X", "SolveResult", "TrainResult", "UniformBinaryPrior", "UniformInit", "Verification",
    "X_to_S", "available_solvers", "best", "best_realizable", "check_appendix_a", "check_fig_3",
    "check_fig_5", "check_lemma_3_1", "check_lemma_3_2", "check_theorem_3_3", "check_theorem_3_4",
    "check_theorem_3_5", "check_theorem_4_1", "closed_form_optimum", "exact_linalg",
    "factorised_quadratic", "features", "flat_index", "generational_distance", "gram", "gvec",
    "inner_solve", "lemma_3_1", "lsa", "lsa_forward", "monte_carlo_quadratic", "num_pairs",
    "objectives_per_layer", "optimum", "pair_position", "pairs", "phi", "phi_block",
    "phi_matrix_in_A", "phi_matrix_in_b", "population", "population_quadratic", "predict",
    "predict_one_layer", "program", "prompts", "psi", "realizable_d1", "realize", "realize_d1",
    "realize_scip", "recover", "run_claims", "run_paper_suite", "sample_prompts", "solve",
    "solvers", "sparse_to_dense", "theta_recursion", "thm33_check", "thm33_h", "train",
    "unflat_index", "verify",
]
