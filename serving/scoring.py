"""From live requests and their households' stored history to answers: route (or
abstention), calibrated risk, priority band and the reasons in French.

Features come from ``features.build.online_features`` (the code training used), decisions
from ``features.decisions`` (the rules training evaluated). Without a model the request is
still answered: routed to the general desk and marked unscored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sklearn

from features.build import LiveRequest, decoded, model_input_values, online_values
from features.decisions import Reason, Route, band, explicit_urgency, reasons_of_rows, route
from features.history import History, Table
from features.signals import NEEDS, need_mask
from features.vocabulary import GENERAL_DESK
from serving.models import ModelSet

TOP_REASONS = 5


@dataclass(frozen=True)
class Answer:
    route: Route
    risk: float | None
    band: str | None
    urgent: bool
    reasons: tuple[Reason, ...]
    unscored_reason: str | None
    router_version: str | None
    risk_version: str | None
    # What the text says (features.signals), kept with the request for later histories.
    text_needs: int
    text_amount: float | None

    @property
    def scored(self) -> bool:
        return self.unscored_reason is None


class _Decoded(Mapping):
    """Feature columns as a feature frame holds them (``features.build.decoded``), each
    decoded when a reason first quotes it: a few of ~90 are."""

    def __init__(self, values: dict[str, np.ndarray]):
        self.values = values
        self.columns: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        column = self.columns.get(name)
        if column is None:
            column = self.columns[name] = decoded(self.values, name)
        return column

    def __iter__(self):
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def _unrouted(n: int) -> list[Route]:
    return [Route(GENERAL_DESK, 0.0, True, ()) for _ in range(n)]


def score(live: list[LiveRequest], tables: dict[str, Table], models: ModelSet) -> list[Answer]:
    """Answers for live requests; ``tables`` holds their households' history (contract
    tables as frames or column mappings, the live requests included)."""
    # Inputs come from our own feature code: scikit-learn's per-call checks are redundant.
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        return _score(live, tables, models)


def _score(live: list[LiveRequest], tables: dict[str, Table], models: ModelSet) -> list[Answer]:
    history = History.from_tables(
        tables["households"], tables["requests"], tables["accompaniment_events"]
    )
    values = online_values(live, history)
    urgent = np.array([explicit_urgency(t) for t in values["text"]], dtype=bool)
    n = len(live)

    router = models.router
    if router is not None:
        probabilities = router.predict_proba(model_input_values(values, router.read_features))
        routes = route(probabilities, router.classes, router.thresholds)
    else:
        routes = _unrouted(n)

    risk_model = models.risk
    if risk_model is not None:
        risk, contributions = risk_model.score_encoded(risk_model.encode_values(values))
        bands = band(risk, risk_model.band_cutoffs, urgent).tolist()
        risks = risk.tolist()
        explained = reasons_of_rows(
            contributions, risk_model.encoded_features, _Decoded(values), TOP_REASONS
        )
    else:
        risks = [None] * n
        bands = ["P2" if u else None for u in urgent]
        explained = [()] * n

    missing = "; ".join(models.problems.values()) or None
    router_version = router.version if router else None
    risk_version = risk_model.version if risk_model else None
    needs = need_mask({need: values[f"need_{need}"] for need in NEEDS})
    # Columns as Python scalars once (tolist), rather than a numpy scalar per answer.
    rows = zip(
        routes, risks, bands, urgent.tolist(), explained, needs.tolist(),
        values["stated_amount"].tolist(), strict=True,
    )  # fmt: skip
    return [
        Answer(
            route=routed,
            risk=risk,
            band=priority,
            urgent=pressing,
            reasons=reasons,
            unscored_reason=missing,
            router_version=router_version,
            risk_version=risk_version,
            text_needs=need_bits,
            text_amount=None if amount != amount else amount,  # NaN: no amount stated
        )
        for routed, risk, priority, pressing, reasons, need_bits, amount in rows
    ]
