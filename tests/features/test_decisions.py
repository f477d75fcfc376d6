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
