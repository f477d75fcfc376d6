"""Decision rules shared by training (evaluation) and serving (live answers).

They turn model outputs into what users see: a route or an abstention with the top 3
suggestions, a priority band, and the reasons in French. Training chooses their
parameters (per-class thresholds, band cut-offs) and logs them with the model; serving
applies the very same functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from features.registry import BY_NAME
from features.vocabulary import GENERAL_DESK

BANDS: tuple[str, ...] = ("P1", "P2", "P3", "P4")
BAND_DEADLINE_HOURS = {"P1": 24, "P2": 72, "P3": 240, "P4": None}
TOP_SUGGESTIONS = 3

# Explicit urgency in the (normalised) text of a request: it raises the band to P2 at least.
_URGENCY = re.compile(
    r"\b(urgent|urgence|expulsion|expulse|coupure|coupe|a la rue|dehors|sans logement|"
    r"huissier|plus rien a manger|violence|danger)\b"
)


@dataclass(frozen=True)
class Route:
    service: str  # a service, or GENERAL_DESK when the router abstains
    confidence: float  # probability of the top service
    abstained: bool
    suggestions: tuple[tuple[str, float], ...]  # top 3 services and their probabilities


def route(
    probabilities: np.ndarray, classes: Sequence[str], thresholds: Mapping[str, float]
) -> list[Route]:
    """Route each row to its most likely service when that service's threshold is met;
    otherwise abstain to the general desk with the top 3 suggestions."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP_SUGGESTIONS]
    out = []
    # Python floats from tolist() are float(row[i]) exactly, for far less per row.
    for row, top in zip(probabilities.tolist(), order.tolist(), strict=True):
        best = classes[top[0]]
        confidence = row[top[0]]
        abstained = confidence < thresholds.get(best, 1.0 + 1e-9)
        out.append(
            Route(
                service=GENERAL_DESK if abstained else best,
                confidence=confidence,
                abstained=abstained,
                suggestions=tuple((classes[i], row[i]) for i in top),
            )
        )
    return out


def explicit_urgency(normalised_text: str) -> bool:
    return bool(_URGENCY.search(normalised_text))


def band(
    risk: np.ndarray, cutoffs: Sequence[float], urgent: np.ndarray | None = None
) -> np.ndarray:
    """Priority bands from the calibrated risk: P1 when risk >= cutoffs[0], P2 when
    >= cutoffs[1], P3 when >= cutoffs[2], else P4; explicit urgency gives P2 at least."""
    risk = np.asarray(risk, dtype=np.float64)
    # Number of cut-offs the risk reaches: 3 -> P1, 2 -> P2, 1 -> P3, 0 -> P4.
    reached = np.searchsorted(np.sort(np.asarray(cutoffs, dtype=np.float64)), risk, side="right")
    index = len(cutoffs) - reached
    if urgent is not None:
        index = np.where(np.asarray(urgent, dtype=bool), np.minimum(index, 1), index)
    return np.asarray(BANDS, dtype=object)[index]


def band_cutoffs(validation_risk: np.ndarray, capacity: Sequence[float]) -> list[float]:
    """Risk cut-offs so that bands P1, P2, P3 hold the given shares of validation requests."""
    shares = np.cumsum(np.asarray(capacity, dtype=np.float64))
    if len(shares) != 3 or shares[-1] >= 1 or (np.diff(shares) < 0).any():
        raise ValueError("capacity must give three increasing shares for P1, P2, P3 below 1")
    return [float(np.quantile(validation_risk, 1 - s)) for s in shares]


@dataclass(frozen=True)
class Reason:
    feature: str
    value: object
    contribution: float  # signed, in log-odds of the risk model
    text: str  # French sentence

    @property
    def direction(self) -> str:
        return "hausse" if self.contribution > 0 else "baisse"


class _OneRow(Mapping):
    """A row's values (name -> value, None when absent) as one-row columns."""

    def __init__(self, values: Mapping[str, object]):
        self.values = values

    def __getitem__(self, name: str) -> tuple[object]:
        return (self.values.get(name),)

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def reasons(
    contributions: np.ndarray,
    feature_names: Sequence[str],
    values: Mapping[str, object],
    top: int = 5,
) -> list[Reason]:
    """The largest signed contributions of one prediction, worded from the registry."""
    rows = np.asarray(contributions, dtype=np.float64)[None, :]
    (out,) = reasons_of_rows(rows, feature_names, _OneRow(values), top)
    return list(out)


def reasons_of_rows(
    contributions: np.ndarray,
    feature_names: Sequence[str],
    columns: Mapping[str, Sequence],
    top: int = 5,
) -> list[tuple[Reason, ...]]:
    """``reasons`` of every row of a contribution matrix at once, the values read from
    feature columns (name -> one value per row): per row, the ``top`` largest absolute
    contributions (ties in feature order), up to the first zero or NaN one."""
    contributions = np.asarray(contributions, dtype=np.float64)[:, : len(feature_names)]
    order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top]
    chosen = contributions[np.arange(len(order))[:, None], order]
    read: dict[int, Sequence | None] = {}  # feature -> its column (None: absent)
    out = []
    for i, (features, signed) in enumerate(zip(order.tolist(), chosen.tolist(), strict=True)):
        row = []
        for j, contribution in zip(features, signed, strict=True):
            if contribution == 0 or contribution != contribution:  # zero or NaN: the end
                break
            name = feature_names[j]
            if j not in read:
                read[j] = columns.get(name)
            value = None if read[j] is None else read[j][i]
            row.append(Reason(name, value, contribution, BY_NAME[name].describe(value)))
        out.append(tuple(row))
    return out
