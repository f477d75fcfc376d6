"""The feature registry: every feature declared once.

Each feature has a name, a French sentence that explains its value to a social worker
(used in explanations and in the individual notice), its source table, its window, its
sensitivity, its kind and the models that may use it. Attributes reserved for fairness
audits (language, disability, nationality, priority neighbourhood) cannot be declared:
``FeatureSpec`` refuses them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

from features.vocabulary import (
    AUDIT_ONLY_ATTRIBUTES,
    BENEFITS,
    CHANNEL_LABELS,
    SERVICE_LABELS,
    SERVICES,
)

WINDOWS_DAYS: tuple[int, ...] = (30, 90, 365)
# amount_at_stake: the latest amount stated for each need, halved every this many days.
AT_STAKE_HALF_LIFE_DAYS = 90
KINDS = ("numeric", "boolean", "categorical", "text")
SENSITIVITIES = ("standard", "personal", "social")
MODELS = ("router", "risk")


class AuditAttributeError(ValueError):
    """An attribute reserved for fairness audits was declared as a feature."""


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    description: str  # French; "{value}" is replaced by the formatted value
    source: str  # table
    kind: str
    sensitivity: str
    models: tuple[str, ...]
    window_days: int | None = None
    source_column: str | None = None
    false_description: str | None = None  # booleans: the sentence when false
    unit: str = ""

    def __post_init__(self) -> None:
        forbidden = {self.name, self.source_column} & AUDIT_ONLY_ATTRIBUTES
        if forbidden or any(self.name.startswith(f"{a}_") for a in AUDIT_ONLY_ATTRIBUTES):
            raise AuditAttributeError(
                f"'{self.name}' uses an attribute reserved for fairness audits "
                f"({sorted(AUDIT_ONLY_ATTRIBUTES)}); it can never be a feature"
            )
        if self.kind not in KINDS or self.sensitivity not in SENSITIVITIES:
            raise ValueError(f"bad kind or sensitivity for feature '{self.name}'")
        if not set(self.models) <= set(MODELS):
            raise ValueError(f"unknown model in {self.models} for feature '{self.name}'")

    def describe(self, value: object) -> str:
        """The French sentence for one value of this feature."""
        if self.kind == "boolean":
            return self.description if bool(value) else (self.false_description or "")
        if value is None or (isinstance(value, float) and math.isnan(value)):
            prefix = self.description.split("{value}")[0].strip().rstrip(" :")
            return f"{prefix} : non renseigné" if prefix else "non renseigné"
        if self.kind == "categorical":
            label = CATEGORY_LABELS.get(self.name, {}).get(str(value), str(value))
            return self.description.format(value=label)
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.2f}".replace(".", ",") if abs(value) < 10 else f"{value:.0f}"
        else:
            text = f"{int(value)}"
        return self.description.format(value=text)


def _window_phrase(days: int) -> str:
    return {
        30: "sur les 30 derniers jours",
        90: "sur les 90 derniers jours",
        365: "sur les 12 derniers mois",
    }[days]


NEED_SENTENCES = MappingProxyType(
    {
        "housing_debt": "une dette de loyer ou une menace d'expulsion",
        "energy": "une difficulté d'énergie (facture, coupure, chauffage)",
        "income_loss": "une perte d'emploi ou de ressources",
        "family_rupture": "une séparation ou une rupture familiale",
        "health": "un problème de santé ou de handicap",
        "food_money": "un besoin alimentaire ou une urgence financière",
    }
)


def _declare() -> tuple[FeatureSpec, ...]:
    specs: list[FeatureSpec] = []
    add = specs.append
    both, risk = ("router", "risk"), ("risk",)
    # The request itself.
    add(
        FeatureSpec(
            "text",
            "texte de la demande",
            "requests",
            "text",
            "personal",
            ("router",),
            source_column="description",
        )
    )
    add(
        FeatureSpec(
            "channel",
            "demande reçue par {value}",
            "requests",
            "categorical",
            "standard",
            both,
            source_column="channel",
        )
    )
    # Calendar: the hour and weekday help routing (office hours, week-ends) but say nothing
    # of a household's need; the month carries seasonal needs (winter energy).
    for name, sentence, models in (
        ("hour", "demande reçue à {value} h", ("router",)),
        ("weekday", "demande reçue le jour {value} de la semaine", ("router",)),
        ("month", "demande reçue au mois {value}", both),
    ):
        add(
            FeatureSpec(
                name,
                sentence,
                "requests",
                "numeric",
                "standard",
                models,
                source_column="requested_datetime",
            )
        )
    # What the request speaks of (features/signals.py), for the risk model.
    for need, sentence in NEED_SENTENCES.items():
        add(
            FeatureSpec(
                f"need_{need}",
                f"la demande évoque {sentence}",
                "requests",
                "boolean",
                "personal",
                risk,
                source_column="description",
                false_description=f"la demande n'évoque pas {sentence}",
            )
        )
    add(
        FeatureSpec(
            "stated_amount",
            "montant cité dans la demande : {value} €",
            "requests",
            "numeric",
            "personal",
            risk,
            source_column="description",
            unit="€",
        )
    )
    # Request history.
    for days in WINDOWS_DAYS:
        add(
            FeatureSpec(
                f"requests_{days}d",
                f"{{value}} demande(s) {_window_phrase(days)}",
                "requests",
                "numeric",
                "standard",
                both,
                window_days=days,
            )
        )
        for service in SERVICES:
            add(
                FeatureSpec(
                    f"requests_{service}_{days}d",
                    f"{{value}} demande(s) au service {SERVICE_LABELS[service]} "
                    + _window_phrase(days),
                    "requests",
                    "numeric",
                    "standard",
                    both,
                    window_days=days,
                    source_column="initial_service_code",
                )
            )

    def history(name, sentence, source, models, sensitivity, days=None, unit=""):
        add(
            FeatureSpec(
                name, sentence, source, "numeric", sensitivity, models, window_days=days, unit=unit
            )
        )

    year = _window_phrase(365)
    for name, sentence, days, unit in (
        (
            "distinct_services_365d",
            f"{{value}} service(s) différent(s) sollicité(s) {year}",
            365,
            "",
        ),
        ("days_since_last_request", "{value} jour(s) depuis la demande précédente", None, "jours"),
        (
            "repeat_service_30d",
            "{value} nouvelle(s) demande(s) au même service en moins de 30 jours",
            30,
            "",
        ),
        ("open_requests", "{value} demande(s) encore en cours", None, ""),
        ("reassignments_365d", f"{{value}} réorientation(s) de demandes closes {year}", 365, ""),
        ("complaints_365d", f"{{value}} réclamation(s) {year}", 365, ""),
        (
            "median_wait_days",
            "délai médian de {value} jour(s) avant réponse pour les dernières demandes",
            None,
            "jours",
        ),
    ):
        history(name, sentence, "requests", both, "standard", days, unit)
    # What past requests said (their texts, read as for the request itself).
    history(
        "need_requests_90d",
        f"{{value}} demande(s) évoquant une difficulté {_window_phrase(90)}",
        "requests",
        risk,
        "personal",
        90,
    )
    for need, sentence in NEED_SENTENCES.items():
        history(
            f"need_{need}_requests_90d",
            f"{{value}} demande(s) évoquant {sentence} {_window_phrase(90)}",
            "requests",
            risk,
            "personal",
            90,
        )
    history(
        "amount_at_stake",
        "{value} € en jeu dans les difficultés évoquées (dernier montant cité pour chacune, "
        f"compté pour moitié après {AT_STAKE_HALF_LIFE_DAYS} jours)",
        "requests",
        risk,
        "personal",
        365,
        "€",
    )
    history(
        "days_since_need_request",
        "{value} jour(s) depuis la dernière demande évoquant une difficulté",
        "requests",
        risk,
        "personal",
        unit="jours",
    )
    # Accompaniment history.
    add(
        FeatureSpec(
            "follow_up_open",
            "un accompagnement social est en cours",
            "accompaniment_events",
            "boolean",
            "social",
            risk,
            false_description="aucun accompagnement social en cours",
        )
    )
    events = "accompaniment_events"
    history(
        "follow_up_days",
        "accompagnement social ouvert depuis {value} jour(s)",
        events,
        risk,
        "social",
        unit="jours",
    )
    for days in (90, 365):
        phrase = _window_phrase(days)
        history(
            f"appointments_kept_{days}d",
            f"{{value}} rendez-vous honoré(s) {phrase}",
            events,
            risk,
            "social",
            days,
        )
        history(
            f"appointments_missed_{days}d",
            f"{{value}} rendez-vous manqué(s) {phrase}",
            events,
            risk,
            "social",
            days,
        )
        history(
            f"appointments_missed_rate_{days}d",
            f"{{value}} de rendez-vous manqués {phrase} (part)",
            events,
            risk,
            "social",
            days,
        )
    quarter = _window_phrase(90)
    for name, sentence, days, unit in (
        (
            "interviews_90d",
            f"{{value}} entretien(s) avec un travailleur social {quarter}",
            90,
            "",
        ),
        ("aid_granted_amount_90d", f"{{value}} € d'aides accordées {quarter}", 90, "€"),
        ("aid_granted_365d", f"{{value}} aide(s) accordée(s) {year}", 365, ""),
        ("aid_granted_amount_365d", f"{{value}} € d'aides accordées {year}", 365, "€"),
        ("aid_refused_365d", f"{{value}} aide(s) refusée(s) {year}", 365, ""),
        ("aid_refused_amount_365d", f"{{value}} € d'aides refusées {year}", 365, "€"),
        ("orientations_365d", f"{{value}} orientation(s) vers un partenaire {year}", 365, ""),
        (
            "days_since_social_contact",
            "{value} jour(s) depuis le dernier contact avec un travailleur social",
            None,
            "jours",
        ),
        ("crises_365d", f"{{value}} situation(s) de crise {year}", 365, ""),
        ("crises_total", "{value} situation(s) de crise connue(s) au total", None, ""),
    ):
        history(name, sentence, events, risk, "social", days, unit)
    # Household attributes allowed as features.
    for column, sentence in (
        ("composition", "composition du foyer : {value}"),
        ("age_band", "âge du demandeur : {value}"),
        ("housing_status", "logement : {value}"),
        ("income_band", "ressources : {value}"),
        ("digital_access", "accès au numérique : {value}"),
    ):
        add(
            FeatureSpec(
                column,
                sentence,
                "households",
                "categorical",
                "personal",
                both,
                source_column=column,
            )
        )
    add(
        FeatureSpec(
            "n_children",
            "{value} enfant(s) à charge",
            "households",
            "numeric",
            "personal",
            both,
            source_column="n_children",
        )
    )
    for benefit, label in zip(
        BENEFITS, ("le RSA", "l'AAH", "l'APL", "la prime d'activité", "l'ASPA"), strict=True
    ):
        add(
            FeatureSpec(
                f"benefit_{benefit}",
                f"le foyer perçoit {label}",
                "households",
                "boolean",
                "personal",
                both,
                source_column=f"benefit_{benefit}",
                false_description=f"le foyer ne perçoit pas {label}",
            )
        )
    return tuple(specs)


CATEGORY_LABELS = MappingProxyType(
    {
        "channel": dict(CHANNEL_LABELS),
        "composition": {
            "isole": "personne seule",
            "couple": "couple sans enfant",
            "famille_monoparentale": "famille monoparentale",
            "famille": "famille",
        },
        "age_band": {
            "18-24": "18 à 24 ans",
            "25-39": "25 à 39 ans",
            "40-59": "40 à 59 ans",
            "60-74": "60 à 74 ans",
            "75+": "75 ans ou plus",
        },
        "housing_status": {
            "locataire_social": "locataire du parc social",
            "locataire_prive": "locataire du parc privé",
            "proprietaire": "propriétaire",
            "heberge": "hébergé par un tiers",
            "sans_domicile": "sans domicile",
        },
        "income_band": {
            "tres_faible": "très faibles",
            "faible": "faibles",
            "modeste": "modestes",
            "intermediaire": "intermédiaires",
        },
        "digital_access": {"aucun": "aucun", "limite": "limité", "autonome": "autonome"},
    }
)

FEATURES: tuple[FeatureSpec, ...] = _declare()
BY_NAME = MappingProxyType({spec.name: spec for spec in FEATURES})
FEATURE_NAMES: tuple[str, ...] = tuple(BY_NAME)


def features_for(model: str, kinds: tuple[str, ...] = KINDS) -> tuple[str, ...]:
    """Names of the features a model may use, in registry order."""
    return tuple(s.name for s in FEATURES if model in s.models and s.kind in kinds)


def describe(name: str, value: object) -> str:
    return BY_NAME[name].describe(value)
