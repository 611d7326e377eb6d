"""The paper's experiments and the claims ledger.

Modules: :mod:`~recovery.paper.experiments` (Figs. 3-5 and Appendix A runs),
:mod:`~recovery.paper.fig5_population` (the Fig. 5 population table) and the
:mod:`~recovery.paper.claims` subpackage (each claim checked by computation).
"""
