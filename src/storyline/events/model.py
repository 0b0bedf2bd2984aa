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
from .pairs import EVENT_FEATURES, STORY_FEATURES

DEFAULT_MODEL = "default_model.json"  # inside this package
TREE_DEPTH = 3
TREES = 100


def _rows(features: tuple[str, ...], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x`` as a matrix of one row per label, once it is clear the labels hold both kinds of pair."""
    if len(set(np.asarray(y).tolist())) < 2:
        raise SettingsError("the labelled data gives only one kind of pair; it needs articles that belong "
                            "together and articles that do not. Add more labelled articles.")
    return np.asarray(x, np.float64).reshape(len(y), len(features))


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

        x = _rows(features, x, y)
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
        return {"kind": "logistic", "features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> PairModel:
        return cls(tuple(d["features"]), np.array(d["mean"], np.float64), np.array(d["scale"], np.float64),
                   np.array(d["weights"], np.float64), float(d["intercept"]))


@dataclass
class TreeModel:
    """Gradient-boosted trees (scikit-learn's histogram boosting, depth :data:`TREE_DEPTH`), kept as plain
    arrays and evaluated here: ``p = sigmoid(baseline + sum of each tree's leaf value)``. Trees weigh a
    feature differently by the others (a word overlap means less between reports weeks apart)."""

    features: tuple[str, ...]
    baseline: float
    feature: np.ndarray  # (trees, nodes): the feature a node splits on
    threshold: np.ndarray  # (trees, nodes): go left when the value is at most this
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray  # (trees, nodes) bool
    value: np.ndarray  # (trees, nodes): a leaf's contribution
    gain: np.ndarray  # (features,): the split gain each feature brought, for importance

    intercept = property(lambda self: self.baseline)

    def probability(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        single = x.ndim == 1
        x = np.atleast_2d(x)
        trees = np.arange(self.feature.shape[0])[None, :]
        rows = np.arange(len(x))[:, None]
        node = np.zeros((len(x), self.feature.shape[0]), np.int64)
        for _ in range(TREE_DEPTH + 1):
            at_leaf = self.leaf[trees, node]
            go_left = x[rows, self.feature[trees, node]] <= self.threshold[trees, node]
            node = np.where(at_leaf, node, np.where(go_left, self.left[trees, node], self.right[trees, node]))
        z = self.baseline + self.value[trees, node].sum(axis=1)
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return p[0] if single else p

    @classmethod
    def fit(cls, features: tuple[str, ...], x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> TreeModel:
        from sklearn.ensemble import HistGradientBoostingClassifier

        x = _rows(features, x, y)
        clf = HistGradientBoostingClassifier(max_depth=TREE_DEPTH, max_iter=TREES, learning_rate=0.1,
                                             min_samples_leaf=40, l2_regularization=1.0, early_stopping=False,
                                             random_state=0)
        clf.fit(x, y, sample_weight=weight)
        nodes = [p[0].nodes for p in clf._predictors]
        width = max(len(n) for n in nodes)

        def table(field, dtype, fill=0):
            out = np.full((len(nodes), width), fill, dtype)
            for i, n in enumerate(nodes):
                out[i, : len(n)] = n[field]
            return out

        gain = np.zeros(len(features))
        for n in nodes:
            inner = ~n["is_leaf"].astype(bool)
            np.add.at(gain, n["feature_idx"][inner], n["gain"][inner])
        return cls(tuple(features), float(np.ravel(clf._baseline_prediction)[0]), table("feature_idx", np.int64),
                   table("num_threshold", np.float64), table("left", np.int64), table("right", np.int64),
                   table("is_leaf", bool, True), table("value", np.float64), gain)

    def importance(self) -> list[tuple[str, float]]:
        """Each feature's share of the trees' split gain, largest first."""
        total = float(self.gain.sum()) or 1.0
        return sorted(zip(self.features, (self.gain / total).tolist(), strict=True), key=lambda fw: -fw[1])

    def to_dict(self) -> dict:
        return {"kind": "trees", "features": list(self.features), "baseline": self.baseline,
                **{k: getattr(self, k).tolist() for k in ("feature", "threshold", "left", "right", "leaf", "value", "gain")}}

    @classmethod
    def from_dict(cls, d: dict) -> TreeModel:
        arrays = {k: np.array(d[k], t) for k, t in (("feature", np.int64), ("threshold", np.float64), ("left", np.int64),
                                                     ("right", np.int64), ("leaf", bool), ("value", np.float64),
                                                     ("gain", np.float64))}
        return cls(tuple(d["features"]), float(d["baseline"]), **arrays)


KINDS = {"logistic": PairModel, "trees": TreeModel}


DEFAULT_THRESHOLDS = {"event": 0.3, "story": 0.5}  # for a model file written before thresholds were fitted


FORMAT = 1  # of the model files this version writes and reads


class _OtherFeatures(Exception):
    """A model file's part (its name the argument) fitted on other features than this version computes."""


def model_from_dict(d: dict) -> PairModel | TreeModel:
    """One decision's model from its part of a model file, its arrays checked against its features."""
    kind = d.get("kind", "logistic")
    if kind not in KINDS:
        raise ValueError(f"a model of kind {kind!r}; this version knows {', '.join(KINDS)}")
    model = KINDS[kind].from_dict(d)
    n = len(model.features)
    if isinstance(model, PairModel):
        shapes = {"mean": model.mean.shape, "scale": model.scale.shape, "weights": model.weights.shape}
        wrong = [name for name, shape in shapes.items() if shape != (n,)]
    else:
        tables = ("feature", "threshold", "left", "right", "leaf", "value")
        wrong = [name for name in tables if getattr(model, name).ndim != 2 or getattr(model, name).shape != model.feature.shape]
        wrong += ["gain"] * (model.gain.shape != (n,))
        if not wrong and model.feature.size and not (0 <= model.feature.min() and model.feature.max() < n):
            wrong.append("feature")
    if wrong:
        raise ValueError(f"its {', '.join(wrong)} do not fit its {n} features")
    return model


@dataclass
class Models:
    """The three fitted decisions and what they were fitted on."""

    join: PairModel | TreeModel
    merge: PairModel | TreeModel
    story: PairModel | TreeModel
    trained_on: list[str] = field(default_factory=list)
    scores: dict = field(default_factory=dict)  # cross-validated figures measured when fitting
    # the decision thresholds fitted with the models (see .training.fit_thresholds), unless settings say otherwise
    thresholds: dict = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    embedder: str = ""  # the embedder whose vectors it was fitted on ("": not recorded, an older file)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "trained_on": self.trained_on, "embedder": self.embedder, "scores": self.scores,
                "thresholds": self.thresholds, "join": self.join.to_dict(), "merge": self.merge.to_dict(),
                "story": self.story.to_dict()}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, d: dict) -> Models:
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
        if d.get("format", FORMAT) != FORMAT:
            raise ValueError(f"format {d.get('format')!r}; this version of storyline reads format {FORMAT}")
        for name, features in {"join": EVENT_FEATURES, "merge": EVENT_FEATURES, "story": STORY_FEATURES}.items():
            if tuple(d[name]["features"]) != features:
                raise _OtherFeatures(name)
        thresholds = {**DEFAULT_THRESHOLDS, **d.get("thresholds", {})}
        for name, value in thresholds.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
                raise ValueError(f"its {name} threshold is {value!r}, not a probability between 0 and 1")
        return cls(model_from_dict(d["join"]), model_from_dict(d["merge"]), model_from_dict(d["story"]),
                   list(d.get("trained_on", [])), dict(d.get("scores", {})), thresholds, str(d.get("embedder") or ""))

    def embedder_note(self, embedder: str) -> str | None:
        """What to say when the vectors in use come from another embedder than the one the models were fitted on
        (None: the same, or not recorded): the ``vector`` features then stand on another scale."""
        if not self.embedder or self.embedder == embedder:
            return None
        return (f"the model was fitted on the {self.embedder!r} embedder's vectors, and the embedder setting is "
                f"{embedder!r}: their cosines stand on another scale, so events and stories are decided less well. "
                f"Fit a model with this embedder (STORYLINE_EMBEDDER={embedder} storyline train LABELLED.jsonl --out "
                f"FILE) and point the model setting at it, or set the embedder back to {self.embedder}")

    @classmethod
    def load(cls, path: str | Path | None = None) -> Models:
        """The models in ``path``, or the packaged default when ``path`` is empty."""
        try:
            if not path:
                text = resources.files(__package__).joinpath(DEFAULT_MODEL).read_text(encoding="utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
            models = cls.from_dict(json.loads(text))
        except _OtherFeatures as exc:
            raise SettingsError(f"model file {path or DEFAULT_MODEL} was fitted on other features than this version of "
                                f"storyline computes ({exc.args[0]}). Fit it again: `storyline train LABELLED.jsonl --out "
                                "FILE`.") from None
        except FileNotFoundError:
            raise SettingsError(f"model file {path} not found. Point the `model` setting at a file written by "
                                "`storyline train`, or leave it empty for the packaged model.") from None
        except OSError as exc:  # a folder, a file it may not read
            raise SettingsError(f"model file {path} cannot be read ({exc.strerror or exc}). Point the `model` setting "
                                "at a file written by `storyline train`, or leave it empty for the packaged model.") from None
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"no {exc.args[0]!r} field" if isinstance(exc, KeyError) else exc
            raise SettingsError(f"model file {path or DEFAULT_MODEL} is not a storyline model ({detail}). "
                                "Write one with `storyline train LABELLED.jsonl --out FILE`.") from None
        return models
