"""The outcome of :func:`recovery.training.loop.train` and its JSON form (schema ``lsahard.train_result/1``)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recovery.training._args import check_count
from recovery.training.subspace import Subspace

__all__ = ["SCHEMA", "TrainResult"]

SCHEMA = "lsahard.train_result/1"


@dataclass(frozen=True)
class TrainResult:
    """Outcome of :func:`train`.  ``params`` are the SELECTED parameters, as flat subspace coordinates: those with
    the lowest validation loss when a validation split was used (``val_size > 0``), else those with the lowest
    training objective; ``layers()`` gives the dense ``(P_l, Q_l)``.  ``best_loss`` is the training objective at
    the selected parameters, ``best_step`` the step at which they were reached, ``val_loss`` their validation
    MSE (None without a split).  ``history`` is ``((step, training loss), ...)``, ``val_history``
    ``((step, validation loss), ...)``.  ``interrupted``: stopped by Ctrl-C; ``diverged``: stopped because the
    loss became non-finite (the selection is among the finite iterates and ``final_loss`` is the last finite
    loss)."""

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
        object.__setattr__(self, "val_size", check_count(self.val_size, "val_size", 0))
        if self.best_step is not None:
            object.__setattr__(self, "best_step", check_count(self.best_step, "best_step", 0))

    @property
    def theta(self) -> np.ndarray:
        return np.array(self.params)

    def layers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return Subspace(self.subspace, self.d, self.num_layers).to_layers(self.theta)

    def to_json(self) -> dict[str, Any]:
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
    def from_json(cls, data: dict[str, Any]) -> "TrainResult":
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
        return json.dumps(self.to_json())
