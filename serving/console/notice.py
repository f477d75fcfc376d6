"""The individual notice owed to a resident when an algorithm contributed to a decision
about them (Code des relations entre le public et l'administration, L311-3-1 and
R311-3-1-2): how much and how it contributed, which data and their sources, the parameters
and their weighting as applied to them, and the operations performed.

Everything comes from the stored prediction (route, risk, band, reasons with their signed
contributions, model versions) and the decisions taken since; the feature registry says
which data each model version reads. Reading a notice is audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from features.decisions import BAND_DEADLINE_HOURS
from features.registry import BY_NAME, features_for
from serving.console.case import ReasonBar, described, reason_bars
from serving.models import ModelSet
from serving.reviews import reviews_of
from serving.security import Principal, audit_rows
from serving.store import Store

# Where each table of the store comes from, in the resident's words.
SOURCES = {
    "requests": (
        "Vos demandes à la collectivité",
        "la demande que vous avez adressée (texte, canal, date) et vos demandes précédentes "
        "enregistrées par les services : nombre de demandes par service sur 30 jours, 90 "
        "jours et 12 mois, délais de réponse, réorientations, réclamations, difficultés "
        "évoquées et montants cités",
    ),
    "households": (
        "Votre foyer",
        "les informations sur votre foyer connues du service : composition, nombre "
        "d'enfants, tranche d'âge, situation de logement, tranche de ressources, prestations "
        "perçues (RSA, AAH, APL, prime d'activité, ASPA), accès au numérique",
    ),
    "accompaniment_events": (
        "Votre accompagnement social",
        "les événements enregistrés par les travailleurs sociaux dans le logiciel de suivi "
        "social : entretiens, rendez-vous honorés ou manqués, aides accordées ou refusées "
        "et leurs montants, ouverture et clôture d'un accompagnement, orientations",
    ),
}
NEVER_USED = (
    "la langue parlée, une situation de handicap, la nationalité et la résidence en "
    "quartier prioritaire ne sont jamais utilisées par les modèles ; elles ne servent "
    "qu'à vérifier que les modèles ne désavantagent aucun groupe"
)


@dataclass(frozen=True)
class DataSource:
    title: str
    description: str
    indicators: int  # how many of the model's inputs come from this source


def data_sources(features: list[str]) -> list[DataSource]:
    """The sources of a model's inputs, in the registry's words, with how many inputs each
    gives (inputs derived from one registry feature count once)."""
    counts = Counter(BY_NAME[name].source for name in features if name in BY_NAME)
    return [
        DataSource(title, description, counts[source])
        for source, (title, description) in SOURCES.items()
        if counts[source]
    ]


def _model_features(models: ModelSet, row: dict) -> tuple[list[str], list[str]]:
    """The inputs of the model versions that scored this request: those of the loaded
    models when their versions match, else every input the registry allows each model."""
    router, risk = models.router, models.risk
    router_features = (
        router.features
        if router and router.version == row["router_version"]
        else list(features_for("router"))
    )
    risk_features = (
        risk.features
        if risk and risk.version == row["risk_version"]
        else list(features_for("risk"))
    )
    return router_features, risk_features


@dataclass(frozen=True)
class Notice:
    request: dict
    reasons: list[ReasonBar]
    router_sources: list[DataSource]
    risk_sources: list[DataSource]
    band_deadline_hours: int | None
    band_cutoffs: list[float] | None
    reviews: list[dict]
    never_used: str = NEVER_USED

    @property
    def decided(self) -> dict | None:
        return self.reviews[-1] if self.reviews else None


def build_notice(store: Store, principal: Principal, row: dict, models: ModelSet) -> Notice:
    """The notice for one stored, visible request; the read is audited."""
    store.audit(audit_rows(principal, "read_notice", "request", [row["service_request_id"]]))
    router_features, risk_features = _model_features(models, row)
    risk = models.risk
    cutoffs = risk.band_cutoffs if risk and risk.version == row["risk_version"] else None
    reviews = [described(r) for r in reviews_of(store.engine, [row["service_request_id"]])]
    return Notice(
        request=row,
        reasons=reason_bars(row["reasons"] or []),
        router_sources=data_sources(router_features) if row["router_version"] else [],
        risk_sources=data_sources(risk_features) if row["risk_version"] else [],
        band_deadline_hours=BAND_DEADLINE_HOURS.get(row["band"]) if row["band"] else None,
        band_cutoffs=list(cutoffs) if cutoffs else None,
        reviews=reviews,
    )
