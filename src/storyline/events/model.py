"""The fitted decisions: calibrated probabilities that a pair belongs together.

Three decisions, each a logistic regression over the named features of
:mod:`.pairs`:

- ``join``: does an article belong to an event (:data:`~.pairs.EVENT_FEATURES`);
- ``merge``: are two events one (the same features, fitted on pairs of events);
- ``story``: does an event continue a story (:data:`~.pairs.STORY_FEATURES`).

A :class:`Models` file is plain JSON (feature names, scaling, weights, and the
corpora it was fitted on), so it can be read, diffed and checked in. The package
ships one fitted on labelled news (``default_model.json``); ``storyline train``
fits one on a user's own labels and the ``model`` setting points at it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import SettingsError

DEFAULT_MODEL = "default_model.json"  # inside this package


@dataclass
class PairModel:
    """Logistic regression on standardised features: ``p = sigmoid(w . (x - mean) / scale + b)``."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(together) for one feature row or a matrix of rows."""
        z = ((np.asarray(x, np.float64) - self.mean) / self.scale) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    @classmethod
    def fit(cls, features: tuple[str, ...], x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None,
            c: float = 1.0) -> PairModel:  # fmt: skip
        """Fit on rows ``x`` (columns named by ``features``) and labels ``y`` (1: together), each row
        weighing ``weight`` (default 1)."""
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(x, np.float64).reshape(len(y), len(features))
        if len(set(np.asarray(y).tolist())) < 2:
            raise SettingsError("the labelled data gives only one kind of pair; it needs articles that belong "
                                "together and articles that do not. Add more labelled articles.")
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=c, max_iter=2000)
        lr.fit((x - mean) / scale, y, sample_weight=weight)
        return cls(tuple(features), mean, scale, lr.coef_[0].astype(np.float64), float(lr.intercept_[0]))

    def importance(self) -> list[tuple[str, float]]:
        """Each feature's weight (per standard deviation), largest effect first."""
        return sorted(zip(self.features, self.weights.tolist(), strict=True), key=lambda fw: -abs(fw[1]))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> PairModel:
        return cls(tuple(d["features"]), np.array(d["mean"], np.float64), np.array(d["scale"], np.float64),
                   np.array(d["weights"], np.float64), float(d["intercept"]))


@dataclass
class Models:
    """The three fitted decisions and what they were fitted on."""

    join: PairModel
    merge: PairModel
    story: PairModel
    trained_on: list[str] = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # cross-validated figures measured when fitting

    def to_dict(self) -> dict:
        return {"format": 1, "trained_on": self.trained_on, "scores": self.scores,
                "join": self.join.to_dict(), "merge": self.merge.to_dict(), "story": self.story.to_dict()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, d: dict) -> Models:
        return cls(PairModel.from_dict(d["join"]), PairModel.from_dict(d["merge"]), PairModel.from_dict(d["story"]),
                   list(d.get("trained_on", [])), dict(d.get("scores", {})))

    @classmethod
    def load(cls, path: str | Path | None = None) -> Models:
        """The models in ``path``, or the packaged default when ``path`` is empty."""
        try:
            if not path:
                text = resources.files(__package__).joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
            return cls.from_dict(json.loads(text))
        except FileNotFoundError:
            raise SettingsError(f"model file {path} not found. Point the `model` setting at a file written by "
                                "`storyline train`, or leave it empty for the packaged model.") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise SettingsError(f"model file {path or DEFAULT_MODEL} is not a storyline model ({exc}). "
                                "Write one with `storyline train LABELLED.jsonl --out FILE`.") from None
