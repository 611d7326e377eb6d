"""Claims about multilayer LSA and the paper's experiments: Thm 4.1, App. A, Fig. 3, Fig. 5.

Thm 4.1 is checked to machine precision with :mod:`recovery.training.thm41` against the LSA forward pass of
:mod:`recovery.lsa.model`. The checks of App. A and Figs 3/5, which compare the reproductions of
:mod:`recovery.paper.experiments` with the numbers the paper reports, are in
:mod:`recovery.paper.claims.experiment_checks` and importable from here too.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from recovery.lsa.prompts import BernoulliInit, UniformBinaryPrior, sample_prompts
from recovery.paper.claims._common import call_string, int_list, make_result, run_guarded
from recovery.paper.claims.experiment_checks import (
    APP_A_REL_TOL,
    FIG3_TOL,
    PAPER_FIG3,
    check_appendix_a,
    check_fig_3,
    check_fig_5,
)
from recovery.paper.claims.result import ClaimResult
from recovery.paper.claims.verdicts import (
    combine_verdicts,
    verdict_from_max_error,
)
from recovery.training.thm41 import objectives_per_layer, random_blocks
from recovery.training.thm41_check import recursion_errors
from recovery.validation import check_int, check_real

__all__ = [
    "check_theorem_4_1",
    "check_appendix_a",
    "check_fig_3",
    "check_fig_5",
    "PAPER_FIG3",
    "FIG3_TOL",
    "APP_A_REL_TOL",
]


# --------------------------------------------------------------------------- Theorem 4.1

THM_4_1 = dict(
    id="thm-4.1",
    claim="Thm 4.1: an L-layer LSA in the sparse subspace is a preconditioned multi-objective gradient method on (R1, R2): theta_{l+1} = theta_l + A_l^T G^(l) b_l.",
)


def check_theorem_4_1(
    layers: Sequence[int] = (1, 2, 3, 5, 10),
    ds: Sequence[int] = (1, 2, 3, 5),
    ns: Sequence[int] = (5, 20),
    *,
    batch: int = 16,
    seed: int = 0,
    tol: float = 1e-10,
    quick: bool = False,
) -> ClaimResult:
    """Check paper Theorem 4.1: the theta recursion vs the LSA forward pass and vs the preconditioned step.

    For every (L, d, n): ``batch`` sampled binary prompts (uniform kernel prior, Bern(0.5) starts),
    random Thm 4.1 blocks (scale 0.3, seeded).  Errors: (i) the query prediction
    ``<theta_L, x_{n+1}>`` vs ``lsa_forward``'s bottom-right entry, and every context label
    ``y_i + <theta_L, x_i>`` vs row d of ``Z_L``; (ii) ``w_{l+1} = -theta_{l+1}`` vs
    :func:`recovery.training.thm41.preconditioned_step` with the analytic R1/R2 Jacobians, at every
    layer.  Both relative to ``max(1, abs(value))``; verdict ``holds`` if both maxima are <= ``tol``.
    The per-layer GD of one configuration (the data of the paper's Fig. 2) is added to the evidence.

    Parameters
    ----------
    layers : sequence of int, optional
        The L values (``>= 1``).
    ds : sequence of int, optional
        The ``d`` values (``>= 1``).
    ns : sequence of int, optional
        The ``n`` values (``>= 1``).
    batch : int, optional
        Prompts per configuration (``>= 1``).
    seed : int, optional
        Seed (``>= 0``).
    tol : float, optional
        Relative error tolerance (``> 0``).
    quick : bool, optional
        Layers (1, 3), ds (1, 3), ns (5,), batch 4.

    Returns
    -------
    ClaimResult
        The ledger row (a missing computation gives a ``not checkable`` row).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a grid is empty or a value is out of range.

    Examples
    --------
    >>> row = check_theorem_4_1(layers=(2,), ds=(2,), ns=(5,), batch=2)
    >>> row.outcome, row.evidence["num_configs"]
    ('holds', 1)
    """
    if quick:
        layers, ds, ns, batch = (1, 3), (1, 3), (5,), 4
    Ls = int_list(layers, "layers")
    ds_ = int_list(ds, "ds")
    ns_ = int_list(ns, "ns")
    batch = check_int(batch, "batch", min_value=1)
    seed = check_int(seed, "seed", min_value=0)
    tol = check_real(tol, "tol", low=0.0, low_open=True)
    call = call_string("check_theorem_4_1", layers=tuple(Ls), ds=tuple(ds_), ns=tuple(ns_), batch=batch, seed=seed, tol=tol)
    check = (
        f"theta recursion vs LSA forward pass (query and context labels) and vs the preconditioned "
        f"R1/R2 step, L in {Ls}, d in {ds_}, n in {ns_}, {batch} prompts each, random blocks"
    )

    # the check is a closure run by run_guarded (a missing computation becomes a "not checkable" row), hence
    # the length of the enclosing function
    def build() -> ClaimResult:
        t0 = time.perf_counter()
        rng = np.random.default_rng(seed)
        rows = []
        fwd_max = step_max = 0.0
        for L in Ls:
            for d in ds_:
                for n in ns_:
                    P = sample_prompts(batch, d, n, prior=UniformBinaryPrior(), init=BernoulliInit(0.5), rng=rng)
                    err = recursion_errors(P.Z0, random_blocks(d, L, rng))
                    fwd_max, step_max = max(fwd_max, err.forward_rel), max(step_max, err.step_rel)
                    rows.append({"L": L, "d": d, "n": n, "forward_rel_error": err.forward_rel,
                                 "step_rel_error": err.step_rel, "max_abs_prediction": err.max_abs_prediction})
        # per-layer objective values and GD for one configuration (the data of the paper's Fig. 2)
        trace_cfg = {"L": max(Ls), "d": max(ds_), "n": max(ns_)}
        P = sample_prompts(min(batch, 8), trace_cfg["d"], trace_cfg["n"], prior=UniformBinaryPrior(),
                           init=BernoulliInit(0.5), rng=rng)
        tr = objectives_per_layer(P.Z0, random_blocks(trace_cfg["d"], trace_cfg["L"], rng))
        summary = tr.summary()
        verdict = combine_verdicts([
            verdict_from_max_error(fwd_max, tol, what="max relative error of the theta recursion vs the LSA forward pass"),
            verdict_from_max_error(step_max, tol, what="max relative error of the recursion vs the preconditioned R1/R2 step"),
        ])
        evidence = {
            "max_forward_rel_error": fwd_max,
            "max_step_rel_error": step_max,
            "tol": tol,
            "num_configs": len(rows),
            "configs": rows,
            "trace_config": trace_cfg,
            "gd_mean_per_layer": summary.get("gd_mean"),
        }
        return make_result(**THM_4_1, check=check, verdict=verdict, evidence=evidence, call=call, t0=t0)

    return run_guarded(build, **THM_4_1, check=check, call=call)
