"""The outcome of :func:`recovery.training.loop.train` and its JSON form (schema ``lsahard.train_result/1``)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recovery.training.subspace import Subspace
from recovery.validation import check_int

__all__ = ["SCHEMA", "TrainResult"]

SCHEMA = "lsahard.train_result/1"


@dataclass(frozen=True)
class TrainResult:
    """Outcome of :func:`recovery.training.loop.train`.

    ``params`` are the SELECTED parameters, as flat subspace coordinates: those with the lowest
    validation loss when a validation split was used (``val_size > 0``), else those with the lowest
    training objective; :meth:`layers` gives the dense ``(P_l, Q_l)``.  The fields are validated and
    normalised (floats, tuples) on construction; :meth:`to_json` and :meth:`from_json` give the JSON
    form (schema :data:`SCHEMA`).

    Attributes
    ----------
    subspace : str
        ``"dense"``, ``"sparse"`` or ``"thm41"`` (:class:`recovery.training.subspace.Subspace`).
    num_states : int
        ``|S|``.
    num_layers : int
        Number of layers ``L``.
    d : int
        Chain length minus one.
    n : int
        Number of context chains.
    seed : int
        The integer seed, ``-1`` when a Generator was passed.
    optimizer : str
        ``"adam"`` or ``"lbfgs"``.
    objective : str
        ``"sampled"`` or ``"population"``.
    final_loss : float
        Training objective at the last iterate (the last finite one if ``diverged``).
    best_loss : float
        Training objective at the selected parameters.
    test_loss : float
        MSE on the held-out test prompts.
    accuracy : float
        Held-out accuracy (rounded prediction equals the label).
    params : tuple of float
        Selected coordinates, length ``Subspace(subspace, d, num_layers).size``.
    history : tuple of (int, float)
        ``((step, training loss), ...)``.
    steps_done : int
        Objective or gradient evaluations performed.
    wall_time : float
        Seconds spent optimising.
    interrupted : bool, optional
        Stopped by Ctrl-C.
    diverged : bool, optional
        Stopped because the loss became non-finite (the selection is among the finite iterates).
    val_loss : float or None, optional
        Validation MSE of the selected parameters (None without a split).
    val_size : int, optional
        Number of validation prompts (0 without a split).
    best_step : int or None, optional
        Step at which the selected parameters were reached.
    val_history : tuple of (int, float), optional
        ``((step, validation loss), ...)``.
    schema : str, optional
        Must equal :data:`SCHEMA`.

    Raises
    ------
    ValueError
        If ``schema`` is wrong, ``params`` has the wrong length for the subspace, or ``val_size`` or
        ``best_step`` is negative.

    Examples
    --------
    >>> r = TrainResult(subspace="sparse", num_states=2, num_layers=1, d=1, n=5, seed=0, optimizer="adam",
    ...                 objective="sampled", final_loss=0.2, best_loss=0.2, test_loss=0.25, accuracy=0.7,
    ...                 params=(0.0,) * 4, history=((0, 0.3),), steps_done=1, wall_time=0.0)
    >>> TrainResult.from_json(r.to_json()) == r
    True
    >>> [P.shape for P in r.layers()[0]]
    [(2, 2), (2, 2)]
    """

    subspace: str
    num_states: int
    num_layers: int
    d: int
    n: int
    seed: int
    optimizer: str
    objective: str
    final_loss: float
    best_loss: float
    test_loss: float
    accuracy: float
    params: tuple[float, ...]
    history: tuple[tuple[int, float], ...]
    steps_done: int
    wall_time: float
    interrupted: bool = False
    diverged: bool = False
    val_loss: float | None = None
    val_size: int = 0
    best_step: int | None = None
    val_history: tuple[tuple[int, float], ...] = ()
    schema: str = field(default=SCHEMA)

    def __post_init__(self) -> None:
        if self.schema != SCHEMA:
            raise ValueError(f"schema must be {SCHEMA!r}, got {self.schema!r}")
        sub = Subspace(self.subspace, self.d, self.num_layers)
        if len(self.params) != sub.size:
            raise ValueError(f"params must have {sub.size} entries for this subspace, got {len(self.params)}")
        object.__setattr__(self, "params", tuple(float(t) for t in self.params))
        object.__setattr__(self, "history", tuple((int(s), float(v)) for s, v in self.history))
        object.__setattr__(self, "val_history", tuple((int(s), float(v)) for s, v in self.val_history))
        if self.val_loss is not None:
            object.__setattr__(self, "val_loss", float(self.val_loss))
        object.__setattr__(self, "val_size", check_int(self.val_size, "val_size", min_value=0))
        if self.best_step is not None:
            object.__setattr__(self, "best_step", check_int(self.best_step, "best_step", min_value=0))

    @property
    def theta(self) -> np.ndarray:
        """The selected coordinates as an array.

        Returns
        -------
        numpy.ndarray
            ``params`` as float64, shape ``(Subspace(subspace, d, num_layers).size,)``.
        """
        return np.array(self.params)

    def layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return the selected parameters as dense per-layer matrices.

        Returns
        -------
        list of (numpy.ndarray, numpy.ndarray)
            ``[(P_l, Q_l), ...]``, each of shape ``(d+1, d+1)``.
        """
        return Subspace(self.subspace, self.d, self.num_layers).to_layers(self.theta)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form (schema ``lsahard.train_result/1``).

        Returns
        -------
        dict
            The fields (``num_layers`` as ``layers``, ``params`` as ``theta``) plus ``params``: the
            per-layer parameters in the subspace's own names
            (:meth:`recovery.training.subspace.Subspace.named_params`).
        """
        sub = Subspace(self.subspace, self.d, self.num_layers)
        return {
            "schema": self.schema,
            "subspace": self.subspace,
            "num_states": self.num_states,
            "layers": self.num_layers,
            "d": self.d,
            "n": self.n,
            "seed": self.seed,
            "optimizer": self.optimizer,
            "objective": self.objective,
            "final_loss": self.final_loss,
            "best_loss": self.best_loss,
            "test_loss": self.test_loss,
            "accuracy": self.accuracy,
            "theta": list(self.params),
            "params": sub.named_params(self.theta),
            "history": [list(h) for h in self.history],
            "steps_done": self.steps_done,
            "wall_time": self.wall_time,
            "interrupted": self.interrupted,
            "diverged": self.diverged,
            "val_loss": self.val_loss,
            "val_size": self.val_size,
            "best_step": self.best_step,
            "val_history": [list(h) for h in self.val_history],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainResult:
        """Build a result from its JSON form (:meth:`to_json`).

        The fields ``diverged``, ``val_loss``, ``val_size``, ``best_step`` and ``val_history`` may be
        absent (files written by earlier versions of the schema); they then take their defaults.

        Parameters
        ----------
        data : dict
            The JSON object.

        Returns
        -------
        TrainResult
            The result.

        Raises
        ------
        TypeError
            If ``data`` is not a dict.
        ValueError
            If a required field is missing or a value is invalid.
        """
        if not isinstance(data, dict):
            raise TypeError("data must be a dict")
        try:
            return cls(
                subspace=data["subspace"],
                num_states=int(data["num_states"]),
                num_layers=int(data["layers"]),
                d=int(data["d"]),
                n=int(data["n"]),
                seed=int(data["seed"]),
                optimizer=data["optimizer"],
                objective=data["objective"],
                final_loss=float(data["final_loss"]),
                best_loss=float(data["best_loss"]),
                test_loss=float(data["test_loss"]),
                accuracy=float(data["accuracy"]),
                params=tuple(data["theta"]),
                history=tuple(tuple(h) for h in data["history"]),
                steps_done=int(data["steps_done"]),
                wall_time=float(data["wall_time"]),
                interrupted=bool(data["interrupted"]),
                diverged=bool(data.get("diverged", False)),  # absent in files written before this field
                # the model-selection fields are absent in files written before validation splits existed
                val_loss=None if data.get("val_loss") is None else float(data["val_loss"]),
                val_size=int(data.get("val_size", 0)),
                best_step=None if data.get("best_step") is None else int(data["best_step"]),
                val_history=tuple(tuple(h) for h in data.get("val_history", ())),
                schema=data["schema"],
            )
        except KeyError as exc:
            raise ValueError(f"train result JSON lacks field {exc.args[0]!r}") from None

    def dumps(self) -> str:
        """Return :meth:`to_json` as a JSON string.

        Returns
        -------
        str
            The serialised result.
        """
        return json.dumps(self.to_json())
