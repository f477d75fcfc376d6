"""Decision rules shared by training and serving: routes, abstentions, bands, reasons."""

from __future__ import annotations

import numpy as np
import pytest

from features.decisions import band, band_cutoffs, explicit_urgency, reasons, route
from features.vocabulary import GENERAL_DESK

CLASSES = ["logement", "action_sociale", "cadre_de_vie", "petite_enfance"]


def test_a_confident_request_is_routed_and_an_unsure_one_abstains_with_three_suggestions():
    probabilities = np.array([[0.9, 0.05, 0.03, 0.02], [0.4, 0.35, 0.15, 0.10]])
    thresholds = {
        "logement": 0.6,
        "action_sociale": 0.5,
        "cadre_de_vie": 0.5,
        "petite_enfance": 0.5,
    }
    confident, unsure = route(probabilities, CLASSES, thresholds)
    assert confident.service == "logement" and not confident.abstained
    assert unsure.service == GENERAL_DESK and unsure.abstained
    assert [s for s, _ in unsure.suggestions] == ["logement", "action_sociale", "cadre_de_vie"]
    assert unsure.suggestions[0][1] == pytest.approx(0.4)


def test_a_class_without_threshold_never_routes():
    (decision,) = route(np.array([[0.99, 0.01, 0, 0]]), CLASSES, {})
    assert decision.abstained


def test_bands_follow_cutoffs_and_explicit_urgency_lifts_to_p2():
    cutoffs = [0.5, 0.2, 0.1]
    risk = np.array([0.6, 0.5, 0.3, 0.15, 0.05, 0.05])
    urgent = np.array([False, False, False, False, False, True])
    assert band(risk, cutoffs, urgent).tolist() == ["P1", "P1", "P2", "P3", "P4", "P2"]


def test_band_cutoffs_fill_the_configured_capacity():
    risk = np.random.default_rng(0).random(10_000)
    cutoffs = band_cutoffs(risk, (0.05, 0.15, 0.30))
    shares = {b: (band(risk, cutoffs) == b).mean() for b in ("P1", "P2", "P3", "P4")}
    assert shares["P1"] == pytest.approx(0.05, abs=0.005)
    assert shares["P2"] == pytest.approx(0.15, abs=0.005)
    assert shares["P3"] == pytest.approx(0.30, abs=0.005)
    with pytest.raises(ValueError):
        band_cutoffs(risk, (0.5, 0.4, 0.3))


def test_explicit_urgency_is_read_from_normalised_text():
    assert explicit_urgency("l huissier passe demain pour l expulsion")
    assert not explicit_urgency("inscription a la cantine pour septembre")


def test_reasons_are_the_largest_signed_contributions_in_french():
    names = ["appointments_missed_90d", "follow_up_open", "n_children"]
    values = {"appointments_missed_90d": 3.0, "follow_up_open": False, "n_children": 2.0}
    top = reasons(np.array([0.8, -0.3, 0.05, 1.2]), names, values, top=2)
    assert [r.feature for r in top] == ["appointments_missed_90d", "follow_up_open"]
    assert top[0].text == "3 rendez-vous manqué(s) sur les 90 derniers jours"
    assert top[0].direction == "hausse" and top[1].direction == "baisse"
    assert top[1].text == "aucun accompagnement social en cours"


# The per-row rules as they were before the batch forms, kept as the reference the batch
# forms must reproduce exactly (same services, floats, reasons, values and sentences).
def _reference_route(probabilities, classes, thresholds):
    from features.decisions import TOP_SUGGESTIONS, Route

    probabilities = np.asarray(probabilities, dtype=np.float64)
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP_SUGGESTIONS]
    out = []
    for row, top in zip(probabilities, order, strict=True):
        best = classes[top[0]]
        confidence = float(row[top[0]])
        abstained = confidence < thresholds.get(best, 1.0 + 1e-9)
        suggestions = tuple((classes[i], float(row[i])) for i in top)
        out.append(Route(GENERAL_DESK if abstained else best, confidence, abstained, suggestions))
    return out


def _reference_reasons(contributions, feature_names, values, top):
    from features.decisions import Reason
    from features.registry import BY_NAME

    contributions = np.asarray(contributions, dtype=np.float64)[: len(feature_names)]
    out = []
    for i in np.argsort(-np.abs(contributions), kind="stable"):
        if len(out) == top or contributions[i] == 0 or np.isnan(contributions[i]):
            break
        name = feature_names[i]
        value = values.get(name)
        out.append(Reason(name, value, float(contributions[i]), BY_NAME[name].describe(value)))
    return out


def _same(left, right) -> bool:
    """Equal, NaN values included (a NaN value is not equal to itself), types included."""
    return repr(left) == repr(right)


def test_route_gives_the_per_row_rule_on_ties_and_missing_thresholds():
    rng = np.random.default_rng(3)
    # Rounded probabilities: many ties, which keep the classes' order.
    probabilities = np.round(rng.dirichlet(np.ones(4), size=300), 1)
    probabilities[:5] = 0.25
    thresholds = {"logement": 0.3, "action_sociale": 0.5, "cadre_de_vie": 0.4}
    routes = route(probabilities, CLASSES, thresholds)
    assert _same(routes, _reference_route(probabilities, CLASSES, thresholds))
    assert {r.abstained for r in routes} == {True, False}
    assert all(type(r.confidence) is float and type(r.abstained) is bool for r in routes)
    assert route(probabilities[:0], CLASSES, thresholds) == []


def _row(columns: dict, i: int) -> dict:
    """Row i of feature columns, as a mapping of values."""
    return {name: column[i] for name, column in columns.items()}


def test_reasons_of_rows_give_the_per_row_reasons_with_ties_zeros_and_nans():
    from features.decisions import reasons_of_rows

    names = ["n_children", "need_energy", "income_band", "stated_amount", "requests_30d", "hour"]
    rng = np.random.default_rng(4)
    n = 400
    columns = {
        "n_children": rng.integers(0, 4, n).astype(np.float64),
        "need_energy": rng.integers(0, 2, n).astype(np.float64),
        "income_band": np.array(["modeste", None, "intermediaire"], dtype=object)[
            rng.integers(0, 3, n)
        ],
        "stated_amount": np.where(rng.random(n) < 0.3, np.nan, rng.random(n) * 900),
        "requests_30d": rng.integers(0, 3, n).astype(np.float64),
        # "hour" is absent: its reasons quote no value, as a mapping without it would.
    }
    # Rounded contributions give ties; zeros and NaNs end a row's reasons; a bias column.
    contributions = np.round(rng.normal(size=(n, len(names) + 1)), 1)
    contributions[rng.random(contributions.shape) < 0.15] = 0.0
    contributions[rng.random(contributions.shape) < 0.05] = np.nan
    contributions[0] = 0.0  # no reason at all
    contributions[1, :-1] = [0.5, -0.5, 0.5, -0.5, 0.5, -0.5]  # one tie over every feature
    for top in (1, 3, 5, 10):
        batch = reasons_of_rows(contributions, names, columns, top)
        expected = [
            tuple(_reference_reasons(contributions[i], names, _row(columns, i), top))
            for i in range(n)
        ]
        assert _same(batch, expected)
    batch = reasons_of_rows(contributions, names, columns, 3)
    assert batch[0] == () and [r.feature for r in batch[1]] == names[:3]
    assert any(len(r) < 3 for r in batch[2:]) and any(len(r) == 3 for r in batch)
    assert {r.value for row in batch for r in row if r.feature == "hour"} == {None}
    # The single-row form is the batch form on one row.
    for i in range(20):
        one = reasons(contributions[i], names, _row(columns, i), top=5)
        assert _same(one, _reference_reasons(contributions[i], names, _row(columns, i), 5))


def test_reasons_quote_equal_values_of_other_types_with_their_own_sentence():
    """Equal values of other types (1, 1.0, True) each keep their own sentence."""
    from features.decisions import reasons_of_rows

    names = ["income_band"]
    columns = {"income_band": np.array([1, 1.0, True, "modeste"], dtype=object)}
    contributions = np.ones((4, 2))
    texts = [row[0].text for row in reasons_of_rows(contributions, names, columns)]
    expected = [_reference_reasons(c, names, {"income_band": v}, 1)[0].text
                for c, v in zip(contributions, columns["income_band"], strict=True)]  # fmt: skip
    assert texts == expected and texts[0] != texts[1]
