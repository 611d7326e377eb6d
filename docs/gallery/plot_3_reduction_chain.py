"""
A reduction chain: 3-SAT to an LSA parameter-recovery program
=============================================================

The paper's NP-hardness argument (Theorem 3.5, Appendix C.4) reduces a bilinear separability
problem to LSA parameter recovery. :func:`reductions.chain` composes the registered rules along a
shortest path of the reduction graph, here
``cnf -> nae_sat -> separability -> bm_program -> lsa_program``, and returns one reduction with a
``forward`` map (a source solution to a target solution) and a ``backward`` map (a target solution
to a source solution). :func:`reductions.decide` decides an instance and returns a
:class:`~reductions.Decision`. Both certificates are checked exactly below: the forward image of a
satisfying assignment solves the program, and the backward image of the program's solution
satisfies the formula (:doc:`guide </guides/reductions>`).
"""

import matplotlib.pyplot as plt

from reductions import CNF, chain, decide

formula = CNF(3, ((1, 2, -3), (-1, 2, 3), (1, -2, 3), (-1, -2, -3)))
red = chain(formula, "lsa_program")
steps = red.chain_json()["steps"]
for step in steps:
    print(f"{step['rule']:27s} -> {step['target']:12s}", step["target_size"])

source = decide(formula, "brute")
print("source:", source.answer, "proof:", source.proof, "assignment:", source.witness)

# forward certificate: a satisfying assignment maps to a solution of the LSA program
target_point = red.forward(source.witness)
print("forward image solves the program:", red.target.check(target_point))

# backward certificate: the program's own solution maps back to a satisfying assignment
target = decide(red.target, "highs-milp")
print("target:", target.answer, "proof:", target.proof)
print("backward image satisfies the formula:", formula.check(red.backward(target.witness)))

# the chain as a diagram: one box per level with its size, one arrow per rule
levels = [(steps[0]["source"], steps[0]["source_size"])] + [(s["target"], s["target_size"]) for s in steps]
fig, ax = plt.subplots(figsize=(9, 2.2))
for i, (name, size) in enumerate(levels):
    text = name + "\n" + "\n".join(f"{k} = {v}" for k, v in size.items())
    ax.text(i, 0, text, ha="center", va="center", fontsize=9,
            bbox=dict(boxstyle="round", facecolor="white" if i else "lightyellow"))
    if i:
        ax.annotate("", xy=(i - 0.38, 0), xytext=(i - 0.62, 0), arrowprops=dict(arrowstyle="->"))
ax.set_xlim(-0.6, len(levels) - 0.4)
ax.set_ylim(-0.6, 0.6)
ax.axis("off")
ax.set_title("cnf -> lsa_program: every level checked forward and backward")
fig.tight_layout()
plt.show()
