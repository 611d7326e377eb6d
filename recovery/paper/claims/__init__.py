"""The claims ledger: which statements of the paper hold, where, and why.

Every check is importable and takes its parameters explicitly, e.g.::

    from recovery.paper.claims import check_theorem_3_3
    row = check_theorem_3_3(ps=(0.25, 0.75), ns=range(1, 31))
    print(row.verdict, row.evidence["not_realisable_at"])

Each ``check_*`` returns a :class:`ClaimResult`; its verdict is computed from the evidence by the
pure functions of :mod:`recovery.paper.claims.verdicts`. :func:`run_claims` runs the whole ledger
(``lsahard claims``; ``lsahard bench --suite claims``) and writes ``claims.json``/``claims.md``.

Modules: ``result`` (ClaimResult), ``verdict_rules`` (generic verdict rules), ``verdicts`` (verdict
logic), ``experiment_verdicts`` (verdicts of App. A, Figs 3, 5), ``population_checks`` (Lemmas 3.1,
3.2), ``realizability_checks`` (Thms 3.3, 3.4), ``recovery_checks`` (Thm 3.5), ``training_checks``
(Thm 4.1), ``experiment_checks`` (App. A, Figs 3, 5), ``ledger`` (run_claims).
"""
from recovery.paper.claims.ledger import CHECKS, FULL_PARAMS, QUICK_PARAMS, ledger_markdown, run_claims, run_one
from recovery.paper.claims.population_checks import (
    check_lemma_3_1,
    check_lemma_3_2,
    check_theorem_3_3,
    check_theorem_3_4,
)
from recovery.paper.claims.recovery_checks import check_theorem_3_5
from recovery.paper.claims.result import CLAIM_IDS, OUTCOMES, ClaimResult, outcome_of
from recovery.paper.claims.training_checks import check_appendix_a, check_fig_3, check_fig_5, check_theorem_4_1
from recovery.paper.claims.verdicts import (
    combine_verdicts,
    verdict_appendix_a,
    verdict_fig_3,
    verdict_fig_5,
    verdict_from_max_error,
    verdict_from_scan,
    verdict_lemma_3_2,
    verdict_theorem_3_3,
    verdict_theorem_3_5,
)

__all__ = [
    "CLAIM_IDS",
    "OUTCOMES",
    "ClaimResult",
    "outcome_of",
    "run_claims",
    "run_one",
    "ledger_markdown",
    "CHECKS",
    "FULL_PARAMS",
    "QUICK_PARAMS",
    "check_lemma_3_1",
    "check_lemma_3_2",
    "check_theorem_3_3",
    "check_theorem_3_4",
    "check_theorem_3_5",
    "check_theorem_4_1",
    "check_appendix_a",
    "check_fig_3",
    "check_fig_5",
    "combine_verdicts",
    "verdict_from_scan",
    "verdict_from_max_error",
    "verdict_lemma_3_2",
    "verdict_theorem_3_3",
    "verdict_theorem_3_5",
    "verdict_appendix_a",
    "verdict_fig_3",
    "verdict_fig_5",
]
