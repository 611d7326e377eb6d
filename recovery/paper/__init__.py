"""The paper's experiments and the claims ledger.

Modules: :mod:`~recovery.paper.experiments` (the suite and :func:`~recovery.paper.experiments.run_figure`, over
:mod:`~recovery.paper.fig3`, :mod:`~recovery.paper.fig5_sampled`, :mod:`~recovery.paper.fig2` and
:mod:`~recovery.paper.appendix_a`), :mod:`~recovery.paper.fig5_population` (the Fig. 5 population table) and the
:mod:`~recovery.paper.claims` subpackage (each claim checked by computation).  Command line: ``lsahard paper``.
"""
