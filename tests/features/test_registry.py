"""The feature registry: declared once, worded in French, and closed to audit attributes."""

from __future__ import annotations

import math

import pytest

from features.build import batch_features
from features.registry import (
    BY_NAME,
    FEATURE_NAMES,
    AuditAttributeError,
    FeatureSpec,
    describe,
    features_for,
)
from features.vocabulary import AUDIT_ONLY_ATTRIBUTES


@pytest.mark.parametrize("attribute", sorted(AUDIT_ONLY_ATTRIBUTES))
def test_an_audit_attribute_cannot_be_declared(attribute):
    with pytest.raises(AuditAttributeError):
        FeatureSpec(attribute, "{value}", "households", "categorical", "personal", ("risk",))
    with pytest.raises(AuditAttributeError):
        FeatureSpec(
            "innocent_name",
            "{value}",
            "households",
            "categorical",
            "personal",
            ("risk",),
            source_column=attribute,
        )


def test_no_audit_attribute_reaches_a_feature_frame(small_territory):
    frame = batch_features(
        small_territory.tables(), end=small_territory.requests["requested_datetime"].iloc[200]
    )
    assert not set(frame.columns) & AUDIT_ONLY_ATTRIBUTES
    assert not set(FEATURE_NAMES) & AUDIT_ONLY_ATTRIBUTES
    assert not {spec.source_column for spec in BY_NAME.values()} & AUDIT_ONLY_ATTRIBUTES
    # The household table does hold them: the guard is not vacuous.
    assert set(small_territory.households.columns) >= AUDIT_ONLY_ATTRIBUTES


def test_each_feature_is_declared_once_with_a_french_sentence():
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES))
    for name, spec in BY_NAME.items():
        if spec.kind in ("numeric", "categorical"):
            assert "{value}" in spec.description, name
        if spec.kind == "boolean":
            assert spec.false_description, name


def test_sentences_read_as_french():
    assert (
        describe("appointments_missed_90d", 3.0)
        == "3 rendez-vous manqué(s) sur les 90 derniers jours"
    )
    assert describe("follow_up_open", True) == "un accompagnement social est en cours"
    assert describe("follow_up_open", False) == "aucun accompagnement social en cours"
    assert describe("housing_status", "heberge") == "logement : hébergé par un tiers"
    assert describe("median_wait_days", 2.5) == (
        "délai médian de 2,50 jour(s) avant réponse pour les dernières demandes"
    )
    assert "non renseigné" in describe("days_since_last_request", math.nan)


def test_models_draw_their_features_from_the_registry():
    router, risk = features_for("router"), features_for("risk")
    assert "text" in router and "text" not in risk
    assert "appointments_missed_90d" in risk and "appointments_missed_90d" not in router


def test_need_features_follow_the_lexicons_and_speak_french():
    from features.registry import NEED_SENTENCES
    from features.signals import NEEDS

    assert tuple(NEED_SENTENCES) == NEEDS
    assert describe("stated_amount", math.nan) == "montant cité dans la demande : non renseigné"
    assert describe("stated_amount", 450.0) == "montant cité dans la demande : 450 €"
    assert describe("need_energy_requests_90d", 2.0).startswith("2 demande(s) évoquant une")
    risk = features_for("risk")
    assert {"amount_at_stake", "stated_amount", "days_since_need_request"} <= set(risk)
    assert "amount_at_stake" not in features_for("router")
