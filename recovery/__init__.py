"""recovery: the LSA side of lsahard.

Subpackages (the architecture, lowest layer first):

* :mod:`recovery.lsa` -- prompts, the LSA model, the reparameterisation phi, the exact one-layer
  population objective and its optimum;
* :mod:`recovery.programs` -- generalised recovery programs (bilinear), their exact verifier and
  the solvers;
* :mod:`recovery.realizability` -- realisability certificates and the best realisable one-layer LSA;
* :mod:`recovery.training` -- multilayer training and Theorem 4.1;
* :mod:`recovery.paper` -- the paper's experiments and the claims ledger.

The main functions and classes are re-exported here, e.g. ``from recovery import
population_quadratic, closed_form_optimum, recover, solve``.  The claims ledger builds on the
reductions too, so it is imported from its own package: ``from recovery.paper.claims import
run_claims``.
"""
from recovery.lsa.model import lsa_forward, predict, predict_one_layer, sparse_to_dense
from recovery.lsa.optimum import (
    Optimum,
    closed_form_optimum,
    lemma_3_1,
    realizable_d1,
    realize_d1,
    thm33_check,
    thm33_h,
)
from recovery.lsa.population import Quadratic, factorised_quadratic, monte_carlo_quadratic, population_quadratic
from recovery.lsa.prompts import (
    BernoulliInit,
    CorrelatedInit,
    DirichletPrior,
    FixedKernel,
    Prompts,
    UniformBinaryPrior,
    UniformInit,
    sample_prompts,
)
from recovery.lsa.reparam import (
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
from recovery.paper.experiments import run_paper_suite
from recovery.programs.program import BilinearObjective, BilinearProgram, BilinearRow, ProgramBuilder
from recovery.programs.solvers import SOLVER_NAMES, SolveResult, available_solvers, solve
from recovery.programs.verification import Verification, verify
from recovery.realizability.best import BestLSA, best_realizable, inner_solve, psi
from recovery.realizability.realize import MIN_RTOL, Recovery, recover
from recovery.training.loop import TrainResult, train
from recovery.training.thm41 import generational_distance, objectives_per_layer, theta_recursion

__version__ = "0.1.0"

__all__ = [
    "available_solvers",
    "BernoulliInit",
    "best_realizable",
    "BestLSA",
    "BilinearObjective",
    "BilinearProgram",
    "BilinearRow",
    "closed_form_optimum",
    "CorrelatedInit",
    "D_matrix",
    "D_pattern",
    "DirichletPrior",
    "factorised_quadratic",
    "features",
    "FixedKernel",
    "flat_index",
    "generational_distance",
    "gram",
    "gvec",
    "inner_solve",
    "lemma_3_1",
    "lsa",
    "lsa_forward",
    "MIN_RTOL",
    "monte_carlo_quadratic",
    "num_pairs",
    "objectives_per_layer",
    "Optimum",
    "pair_position",
    "pairs",
    "paper",
    "phi",
    "phi_block",
    "phi_matrix_in_A",
    "phi_matrix_in_b",
    "population_quadratic",
    "predict",
    "predict_one_layer",
    "ProgramBuilder",
    "programs",
    "Prompts",
    "psi",
    "Quadratic",
    "realizability",
    "realizable_d1",
    "realize_d1",
    "recover",
    "Recovery",
    "run_paper_suite",
    "S_to_X",
    "sample_prompts",
    "solve",
    "SOLVER_NAMES",
    "SolveResult",
    "sparse_to_dense",
    "theta_recursion",
    "thm33_check",
    "thm33_h",
    "train",
    "training",
    "TrainResult",
    "unflat_index",
    "UniformBinaryPrior",
    "UniformInit",
    "Verification",
    "verify",
    "X_to_S",
]
