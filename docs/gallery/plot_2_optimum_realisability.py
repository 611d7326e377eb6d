"""
The optimum X* and whether one LSA layer realises it
====================================================

The minimiser of the population quadratic is ``X* = H^{-1} h`` (paper Lemmas 3.1 and 3.2,
:func:`recovery.closed_form_optimum`). Whether some one-layer LSA attains it is the structured
recovery question, the paper's Problem C.9: is ``X* = phi(b, A)``? :func:`recovery.recover` decides
it in ``O(d^4)`` time and returns either ``(b, A)`` or a certificate with a lower bound on the
distance from ``X*`` to the image of phi (:doc:`theory </theory/recovery>`).

For ``d = 1`` the test is the discriminant ``X_2^2 >= 4 X_1 X_3`` (Theorems 3.3 and 3.4,
:func:`recovery.realizable_d1`). The figure shows, for several context sizes ``n`` and
``d = 1, 2, 3``, the certified distance lower bound relative to ``||X*||`` (zero when ``X*`` is
realisable).
"""

import matplotlib.pyplot as plt
import numpy as np

from recovery import BernoulliInit, UniformBinaryPrior, closed_form_optimum, population_quadratic, recover

prior, init = UniformBinaryPrior(), BernoulliInit(0.5)
ns = [2, 4, 8, 16, 32, 64]
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(9, 3.5))
for d in (1, 2, 3):
    gaps, losses = [], []
    for n in ns:
        opt = closed_form_optimum(population_quadratic(d, n, prior=prior, init=init))
        rec = recover(opt.X_star, d)
        gap = 0.0 if rec.realizable else rec.distance_lower_bound / np.linalg.norm(opt.X_star)
        gaps.append(gap)
        losses.append(opt.ftilde_star)
        verdict = "realisable" if rec.realizable else f"not realisable ({rec.certificate_kind})"
        print(f"d = {d}  n = {n:3d}  ftilde* = {opt.ftilde_star:.5f}  X*: {verdict}")
    ax0.plot(ns, losses, "o-", label=f"d = {d}")
    ax1.plot(ns, gaps, "o-", label=f"d = {d}")
ax0.set_xscale("log", base=2)
ax0.set_xlabel("context chains n")
ax0.set_ylabel("ftilde* = c - h^T X*")
ax0.set_title("optimal population loss")
ax1.set_xscale("log", base=2)
ax1.set_xlabel("context chains n")
ax1.set_ylabel("dist(X*, image(phi)) / ||X*||  (lower bound)")
ax1.set_title("realisability of X* (Problem C.9)")
ax1.legend()
fig.tight_layout()
plt.show()
