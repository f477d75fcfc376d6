"""Controlled vocabularies of the domain, declared once.

Codes are stable ASCII identifiers; French labels are what users read.
"""

from __future__ import annotations

from types import MappingProxyType

# Services (routing classes), close to the data·inclusion themes.
SERVICE_LABELS = MappingProxyType(
    {
        "action_sociale": "Action sociale / CCAS",
        "logement": "Logement",
        "petite_enfance": "Petite enfance",
        "education_periscolaire": "Éducation et périscolaire",
        "etat_civil_citoyennete": "État civil et citoyenneté",
        "emploi_insertion": "Emploi et insertion",
        "seniors_autonomie": "Seniors et autonomie",
        "sante_handicap": "Santé et handicap",
        "energie_precarite": "Énergie et précarité énergétique",
        "cadre_de_vie": "Cadre de vie (voirie, propreté)",
        "mediation_tranquillite": "Médiation et tranquillité",
        "acces_droits_numerique": "Accès aux droits et numérique",
    }
)
SERVICES: tuple[str, ...] = tuple(SERVICE_LABELS)
# The human queue that receives every abstention of the router.
GENERAL_DESK = "accueil_general"
GENERAL_DESK_LABEL = "Accueil général"
ROUTES: tuple[str, ...] = (*SERVICES, GENERAL_DESK)

CHANNEL_LABELS = MappingProxyType(
    {
        "guichet": "Guichet",
        "telephone": "Téléphone",
        "courriel": "Courriel",
        "formulaire_web": "Formulaire web",
        "application": "Application mobile",
        "courrier": "Courrier",
        # Reports made by the authority's own staff (street agents, partner software).
        "interne": "Signalement interne",
    }
)
CHANNELS: tuple[str, ...] = tuple(CHANNEL_LABELS)
# The channels residents use; the synthetic territory only generates these.
RESIDENT_CHANNELS: tuple[str, ...] = CHANNELS[:6]

# Open311 GeoReport v2 statuses.
REQUEST_STATUSES: tuple[str, ...] = ("open", "closed")

EVENT_KIND_LABELS = MappingProxyType(
    {
        "entretien": "Entretien avec un travailleur social",
        "rdv_honore": "Rendez-vous honoré",
        "rdv_manque": "Rendez-vous manqué",
        "aide_accordee": "Aide accordée",
        "aide_refusee": "Aide refusée",
        "orientation": "Orientation vers un partenaire",
        "ouverture_accompagnement": "Ouverture d'un accompagnement",
        "cloture_accompagnement": "Clôture d'un accompagnement",
        "crise": "Situation de crise",
    }
)
EVENT_KINDS: tuple[str, ...] = tuple(EVENT_KIND_LABELS)
AID_KINDS: tuple[str, ...] = ("aide_accordee", "aide_refusee")

CRISIS_KIND_LABELS = MappingProxyType(
    {
        "expulsion": "Expulsion locative",
        "coupure_energie": "Coupure d'énergie",
        "hebergement_urgence": "Hébergement d'urgence",
        "information_preoccupante": "Information préoccupante (protection de l'enfance)",
        "hospitalisation": "Hospitalisation",
    }
)
CRISIS_KINDS: tuple[str, ...] = tuple(CRISIS_KIND_LABELS)

# Household attributes.
COMPOSITIONS: tuple[str, ...] = ("isole", "couple", "famille_monoparentale", "famille")
AGE_BANDS: tuple[str, ...] = ("18-24", "25-39", "40-59", "60-74", "75+")
HOUSING_STATUSES: tuple[str, ...] = (
    "locataire_social",
    "locataire_prive",
    "proprietaire",
    "heberge",
    "sans_domicile",
)
INCOME_BANDS: tuple[str, ...] = ("tres_faible", "faible", "modeste", "intermediaire")
DIGITAL_ACCESS_LEVELS: tuple[str, ...] = ("aucun", "limite", "autonome")
BENEFITS: tuple[str, ...] = ("rsa", "aah", "apl", "prime_activite", "aspa")

# Attributes kept only for fairness audits: they never become model features.
LANGUAGES: tuple[str, ...] = ("francais", "arabe", "anglais", "portugais", "turc", "autre")
NATIONALITIES: tuple[str, ...] = ("francaise", "ue", "hors_ue")
AUDIT_ONLY_ATTRIBUTES: frozenset[str] = frozenset({"language", "disability", "nationality", "qpv"})
