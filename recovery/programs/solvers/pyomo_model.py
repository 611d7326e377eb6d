"""One Pyomo model for a :class:`BilinearProgram`, shared by scip / maingo / gurobi and export.

Model layout: ``m.b[i]`` (i = 0..d) and ``m.A[k, j]`` (k = 0..d, j = 0..d-1) continuous
variables with the program's bounds (``lo == hi`` -> ``Var.fix``), constraints
``m.rows[r]: sum_t value_t * b[row_t] * A[col_t, j_r] (sense) rhs_r`` and, when the program has
one, ``m.obj: minimise sum value * b[row] * A[col, j] + constant``.  Data are converted to float.
"""

from __future__ import annotations

import os

import numpy as np

from recovery.programs.program import BilinearProgram, parse_variable_name

__all__ = ["build_pyomo_model", "is_linear_after_fixing", "read_solution", "export_program",
           "EXPORT_FORMATS"]

EXPORT_FORMATS = ("lp", "mps", "nl", "gms")


def build_pyomo_model(program: BilinearProgram, *, dummy_objective: bool = False):
    """Build the Pyomo ``ConcreteModel`` described in the module docstring.

    Parameters
    ----------
    program : BilinearProgram
        The program.
    dummy_objective : bool, optional
        Add ``minimise 0`` (as ``0 * b[0]``) for feasibility programs, for writers that insist on
        an objective.

    Returns
    -------
    pyomo.environ.ConcreteModel
        Variables ``m.b`` (d+1) and ``m.A`` ((d+1) x d) with the program's bounds (fixed entries
        fixed), constraints ``m.rows`` and, if any, objective ``m.obj``.
    """
    import pyomo.environ as pyo

    d = program.d
    m = pyo.ConcreteModel(name=program.name or "bilinear")
    m.b = pyo.Var(range(d + 1), domain=pyo.Reals)
    m.A = pyo.Var(range(d + 1), range(d), domain=pyo.Reals)
    for name, (lo, hi) in program.bounds.items():
        kind, i, j = parse_variable_name(name)
        var = m.b[i] if kind == "b" else m.A[i, j]
        if lo is not None and hi is not None and lo == hi:
            var.fix(float(lo))
            continue
        if lo is not None:
            var.setlb(float(lo))
        if hi is not None:
            var.setub(float(hi))

    def lhs(j, D):
        return sum(float(w) * m.b[u] * m.A[v, j] for u, v, w in D)

    rows = program.constraints

    def rule(_m, r):
        row = rows[r]
        if not row.D:
            # a row with D = 0 reads 0 (sense) rhs: constant, decide it here
            ok = {"==": 0 == row.rhs, "<=": 0 <= row.rhs, ">=": 0 >= row.rhs}[row.sense]
            return pyo.Constraint.Feasible if ok else pyo.Constraint.Infeasible
        e = lhs(row.j, row.D)
        if row.sense == "==":
            return e == float(row.rhs)
        if row.sense == "<=":
            return e <= float(row.rhs)
        return e >= float(row.rhs)

    m.rows = pyo.Constraint(range(len(rows)), rule=rule)
    if program.objective is not None:
        o = program.objective
        expr = float(o.constant) + (lhs(o.j, o.D) if o.D else 0.0)
        m.obj = pyo.Objective(expr=expr, sense=pyo.minimize)
    elif dummy_objective:
        m.obj = pyo.Objective(expr=0.0 * m.b[0], sense=pyo.minimize)
    return m


def read_solution(program: BilinearProgram, m) -> tuple[np.ndarray, np.ndarray]:
    """Values of ``m.b`` / ``m.A`` as arrays.

    Variables left without a value (they appear in no row) get 0 clipped into their bounds.

    Parameters
    ----------
    program : BilinearProgram
        The program the model was built from.
    m : pyomo.environ.ConcreteModel
        A model of :func:`build_pyomo_model` after a solve.

    Returns
    -------
    b : numpy.ndarray
        Shape (d+1,).
    A : numpy.ndarray
        Shape (d+1, d).
    """
    d = program.d
    b_lo, b_hi, A_lo, A_hi = program.bound_arrays()
    b = np.array([np.nan if m.b[i].value is None else m.b[i].value for i in range(d + 1)], float)
    A = np.array([[np.nan if m.A[k, j].value is None else m.A[k, j].value for j in range(d)]
                  for k in range(d + 1)], float)
    b = np.where(np.isnan(b), np.clip(0.0, b_lo, b_hi), b)
    A = np.where(np.isnan(A), np.clip(0.0, A_lo, A_hi), A)
    return b, A


def is_linear_after_fixing(program: BilinearProgram) -> bool:
    """True iff every product ``b[u] * A[v, j]`` in rows and objective has a fixed factor.

    Parameters
    ----------
    program : BilinearProgram
        The program.

    Returns
    -------
    bool
        Whether the program is linear after substituting its fixed variables.
    """
    fixed = set(program.fixed_values())
    terms = [(r.j, r.D) for r in program.constraints]
    if program.objective is not None:
        terms.append((program.objective.j, program.objective.D))
    for j, D in terms:
        for u, v, _ in D:
            if f"b[{u}]" not in fixed and f"A[{v},{j}]" not in fixed:
                return False
    return True


def export_program(program: BilinearProgram | str | os.PathLike, path: str | os.PathLike, fmt: str) -> str:
    """Write ``program`` with Pyomo ``model.write`` in one of :data:`EXPORT_FORMATS`.

    The formats are ``lp``, ``mps`` (linear after fixing only), ``nl`` and ``gms``; a feasibility
    program gets the dummy objective of :func:`build_pyomo_model`.

    Parameters
    ----------
    program : BilinearProgram, str or os.PathLike
        A BilinearProgram or its ``lsahard.bilinear/1`` JSON file.
    path : str or os.PathLike
        The file to write.
    fmt : str
        The format, one of :data:`EXPORT_FORMATS`.

    Returns
    -------
    str
        The path written.

    Raises
    ------
    ValueError
        For unknown formats or a nonlinear program in MPS.
    """
    if not isinstance(program, BilinearProgram):
        program = BilinearProgram.load(program)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {EXPORT_FORMATS}, got {fmt!r}")
    if fmt == "mps" and not is_linear_after_fixing(program):
        raise ValueError(
            "format mps needs a program that is linear after substituting fixed variables "
            "(some product b[u]*A[v,j] has no fixed factor); use lp, nl or gms"
        )
    m = build_pyomo_model(program, dummy_objective=True)
    path = os.fspath(path)
    # Pyomo guesses the writer from the extension; pass its enum explicitly for other names
    from pyomo.opt import ProblemFormat

    pf = {"lp": ProblemFormat.cpxlp, "mps": ProblemFormat.mps, "nl": ProblemFormat.nl,
          "gms": ProblemFormat.gams}[fmt]
    m.write(path, format=pf, io_options={"symbolic_solver_labels": True})
    return path
