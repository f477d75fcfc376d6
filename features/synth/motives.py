"""The catalogue of request motives of the synthetic territory.

Each motive belongs to one service and says what makes it happen: a background rate,
a season, who is eligible, and which life shocks make it more frequent. The French
phrasings of each motive live in ``phrasebank.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from features.vocabulary import SERVICES

# Life shocks that move a household's latent fragility.
SHOCKS: tuple[str, ...] = ("perte_emploi", "separation", "maladie", "impaye_loyer", "dette_energie")

# Month multipliers (index 0 = January).
FLAT = (1.0,) * 12
WINTER = (1.9, 1.7, 1.3, 1.0, 0.8, 0.6, 0.6, 0.6, 0.8, 1.0, 1.4, 1.8)
RENTREE = (0.8, 0.7, 0.8, 0.9, 1.1, 1.4, 1.0, 1.4, 2.6, 1.1, 0.8, 0.7)
SPRING = (0.6, 0.7, 1.0, 1.3, 1.4, 1.3, 1.1, 0.9, 1.0, 1.0, 0.8, 0.6)
SUMMER_OUTDOOR = (0.7, 0.7, 0.9, 1.1, 1.2, 1.4, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7)
HEATWAVE = (1.0, 0.9, 0.9, 0.9, 1.0, 1.3, 1.6, 1.4, 1.0, 0.9, 1.0, 1.1)
# Front-desk activity as a whole: summer lull in August, busy September and January.
ACTIVITY = (1.15, 1.0, 1.0, 1.0, 0.95, 0.95, 0.8, 0.55, 1.2, 1.05, 1.0, 0.9)


@dataclass(frozen=True)
class Motive:
    code: str
    service: str
    label: str
    base: float
    season: tuple[float, ...] = FLAT
    shocks: dict[str, float] = field(default_factory=dict)
    needs_children: bool = False
    min_age_band: int = 0  # index into vocabulary.AGE_BANDS
    max_age_band: int = 4
    # Relative propensity to use a digital channel (1 = neutral).
    digital_tilt: float = 1.0
    # How much the motive speaks of social need (drives social-worker follow-up).
    social: float = 0.0


MOTIVES: tuple[Motive, ...] = (
    # Action sociale / CCAS
    Motive(
        "aide_alimentaire",
        "action_sociale",
        "Aide alimentaire",
        0.25,
        WINTER,
        {"perte_emploi": 3.0, "separation": 1.5, "dette_energie": 1.0},
        social=1.0,
    ),
    Motive(
        "aide_financiere_urgence",
        "action_sociale",
        "Aide financière d'urgence",
        0.2,
        FLAT,
        {"perte_emploi": 2.5, "impaye_loyer": 2.0, "maladie": 1.0},
        social=1.0,
    ),
    Motive(
        "domiciliation",
        "action_sociale",
        "Domiciliation administrative",
        0.05,
        FLAT,
        {"separation": 2.0, "impaye_loyer": 1.5},
        social=0.8,
    ),
    # Logement
    Motive(
        "demande_logement_social",
        "logement",
        "Demande de logement social",
        0.35,
        FLAT,
        {"separation": 3.0, "impaye_loyer": 1.0},
        social=0.4,
    ),
    Motive(
        "impaye_loyer",
        "logement",
        "Impayé de loyer",
        0.08,
        FLAT,
        {"impaye_loyer": 5.0, "perte_emploi": 1.0},
        social=1.0,
    ),
    Motive(
        "menace_expulsion",
        "logement",
        "Menace d'expulsion",
        0.02,
        FLAT,
        {"impaye_loyer": 4.0},
        social=1.0,
        digital_tilt=0.6,
    ),
    Motive(
        "logement_insalubre",
        "logement",
        "Logement insalubre ou dégradé",
        0.12,
        WINTER,
        {"maladie": 0.5},
        social=0.3,
    ),
    # Petite enfance
    Motive(
        "inscription_creche",
        "petite_enfance",
        "Inscription en crèche",
        0.35,
        SPRING,
        needs_children=True,
        max_age_band=2,
        digital_tilt=1.4,
    ),
    Motive(
        "assistante_maternelle",
        "petite_enfance",
        "Recherche d'assistante maternelle",
        0.2,
        RENTREE,
        needs_children=True,
        max_age_band=2,
    ),
    # Éducation et périscolaire
    Motive(
        "inscription_scolaire",
        "education_periscolaire",
        "Inscription scolaire",
        0.35,
        RENTREE,
        needs_children=True,
        max_age_band=3,
        digital_tilt=1.3,
    ),
    Motive(
        "tarif_cantine",
        "education_periscolaire",
        "Tarif de la cantine",
        0.2,
        RENTREE,
        {"perte_emploi": 2.0, "separation": 1.0},
        needs_children=True,
        max_age_band=3,
        social=0.4,
    ),
    Motive(
        "centre_loisirs",
        "education_periscolaire",
        "Accueil de loisirs et périscolaire",
        0.25,
        SUMMER_OUTDOOR,
        needs_children=True,
        max_age_band=3,
        digital_tilt=1.3,
    ),
    # État civil et citoyenneté
    Motive(
        "carte_identite_passeport",
        "etat_civil_citoyennete",
        "Carte d'identité ou passeport",
        0.55,
        SPRING,
        digital_tilt=1.5,
    ),
    Motive(
        "acte_etat_civil",
        "etat_civil_citoyennete",
        "Acte de naissance, mariage ou décès",
        0.4,
        FLAT,
        digital_tilt=1.4,
    ),
    Motive(
        "listes_electorales",
        "etat_civil_citoyennete",
        "Inscription sur les listes électorales",
        0.12,
        FLAT,
        digital_tilt=1.3,
    ),
    # Emploi et insertion
    Motive(
        "recherche_emploi",
        "emploi_insertion",
        "Accompagnement vers l'emploi",
        0.2,
        FLAT,
        {"perte_emploi": 4.0},
        max_age_band=3,
        social=0.5,
    ),
    Motive(
        "rsa_orientation",
        "emploi_insertion",
        "RSA et parcours d'insertion",
        0.1,
        FLAT,
        {"perte_emploi": 3.0, "separation": 1.0},
        max_age_band=3,
        social=0.8,
    ),
    Motive(
        "formation",
        "emploi_insertion",
        "Formation et qualification",
        0.12,
        RENTREE,
        {"perte_emploi": 1.5},
        max_age_band=3,
        digital_tilt=1.3,
    ),
    # Seniors et autonomie
    Motive(
        "portage_repas",
        "seniors_autonomie",
        "Portage de repas à domicile",
        0.15,
        FLAT,
        {"maladie": 2.0},
        min_age_band=3,
        digital_tilt=0.4,
        social=0.5,
    ),
    Motive(
        "aide_domicile_apa",
        "seniors_autonomie",
        "Aide à domicile et APA",
        0.2,
        FLAT,
        {"maladie": 3.0},
        min_age_band=3,
        digital_tilt=0.4,
        social=0.6,
    ),
    Motive(
        "teleassistance",
        "seniors_autonomie",
        "Téléassistance",
        0.08,
        HEATWAVE,
        {"maladie": 1.0},
        min_age_band=3,
        digital_tilt=0.4,
    ),
    # Santé et handicap
    Motive(
        "dossier_mdph", "sante_handicap", "Dossier MDPH", 0.12, FLAT, {"maladie": 3.0}, social=0.6
    ),
    Motive(
        "acces_soins",
        "sante_handicap",
        "Accès aux soins et complémentaire santé",
        0.12,
        FLAT,
        {"maladie": 3.0, "perte_emploi": 1.0},
        social=0.6,
    ),
    # Énergie et précarité énergétique
    Motive(
        "impaye_energie",
        "energie_precarite",
        "Impayé d'énergie",
        0.06,
        WINTER,
        {"dette_energie": 5.0},
        social=1.0,
    ),
    Motive(
        "cheque_energie",
        "energie_precarite",
        "Chèque énergie",
        0.1,
        WINTER,
        {"dette_energie": 1.5, "perte_emploi": 0.5},
        social=0.3,
    ),
    Motive(
        "coupure_chauffage",
        "energie_precarite",
        "Coupure ou panne de chauffage",
        0.05,
        WINTER,
        {"dette_energie": 3.0},
        social=0.8,
        digital_tilt=0.7,
    ),
    # Cadre de vie
    Motive("voirie", "cadre_de_vie", "Voirie et trottoirs", 0.35, WINTER, digital_tilt=1.8),
    Motive(
        "proprete",
        "cadre_de_vie",
        "Propreté et dépôts sauvages",
        0.4,
        SUMMER_OUTDOOR,
        digital_tilt=1.8,
    ),
    Motive("eclairage_public", "cadre_de_vie", "Éclairage public", 0.15, WINTER, digital_tilt=1.6),
    # Médiation et tranquillité
    Motive(
        "conflit_voisinage",
        "mediation_tranquillite",
        "Conflit de voisinage",
        0.15,
        SUMMER_OUTDOOR,
        {"separation": 0.5},
    ),
    Motive(
        "nuisances_sonores",
        "mediation_tranquillite",
        "Nuisances sonores",
        0.15,
        SUMMER_OUTDOOR,
        digital_tilt=1.2,
    ),
    # Accès aux droits et numérique
    Motive(
        "aide_demarches_en_ligne",
        "acces_droits_numerique",
        "Aide aux démarches en ligne",
        0.2,
        FLAT,
        {"perte_emploi": 1.0},
        digital_tilt=0.3,
        social=0.3,
    ),
    Motive(
        "ouverture_droits_caf",
        "acces_droits_numerique",
        "Ouverture de droits CAF",
        0.15,
        FLAT,
        {"perte_emploi": 2.0, "separation": 2.0},
        social=0.5,
    ),
    Motive(
        "retraite_dossier",
        "acces_droits_numerique",
        "Dossier de retraite",
        0.08,
        FLAT,
        min_age_band=2,
        digital_tilt=0.6,
    ),
)

MOTIVE_CODES: tuple[str, ...] = tuple(m.code for m in MOTIVES)
MOTIVE_INDEX = {m.code: i for i, m in enumerate(MOTIVES)}
MOTIVE_SERVICE: np.ndarray = np.array([SERVICES.index(m.service) for m in MOTIVES], dtype=np.int8)


def shock_affinity_matrix() -> np.ndarray:
    """(n_motives, n_shocks) weights: how much each shock raises each motive's rate."""
    out = np.zeros((len(MOTIVES), len(SHOCKS)), dtype=np.float32)
    for i, motive in enumerate(MOTIVES):
        for shock, weight in motive.shocks.items():
            out[i, SHOCKS.index(shock)] = weight
    return out


def season_matrix() -> np.ndarray:
    """(n_motives, 12) month multipliers."""
    return np.array([m.season for m in MOTIVES], dtype=np.float32)
