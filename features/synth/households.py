"""Households of the synthetic territory and their latent vulnerability.

Every household has a latent vulnerability ``u`` (standard normal). Its observable
attributes (income, housing, composition, benefits, digital access) are noisy signals of
``u``: a model can partly recover it from them, never entirely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.pseudonym import pseudonymise_many
from features.synth.config import SynthConfig
from features.vocabulary import (
    AGE_BANDS,
    COMPOSITIONS,
    DIGITAL_ACCESS_LEVELS,
    HOUSING_STATUSES,
    INCOME_BANDS,
    LANGUAGES,
    NATIONALITIES,
)

COMMUNES_BY_TERRITORY = {
    "nord": ("Saint-Aubin-des-Prés", "Valmont", "Les Tilleuls"),
    "centre": ("Montferrand-sur-Loue", "Bellecombe"),
    "sud": ("Roche-Blanche", "Le Vernay", "Sainte-Colombe"),
}


@dataclass
class HouseholdDraw:
    """Households as a table plus the hidden quantities the simulation needs."""

    table: pd.DataFrame
    u: np.ndarray  # latent vulnerability, float32
    age_band: np.ndarray  # index into AGE_BANDS
    has_children: np.ndarray  # bool
    digital: np.ndarray  # index into DIGITAL_ACCESS_LEVELS
    propensity: np.ndarray  # lognormal propensity to contact the authority, mean 1


def _categorical(rng: np.random.Generator, logits: np.ndarray) -> np.ndarray:
    """One draw per row from softmax(logits), vectorised with the Gumbel trick."""
    gumbel = -np.log(-np.log(rng.random(logits.shape)))
    return np.argmax(logits + gumbel, axis=1)


def _banded(score: np.ndarray, cuts: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(cuts), score)


def draw_households(config: SynthConfig, rng: np.random.Generator, key: bytes) -> HouseholdDraw:
    n = config.households
    u = rng.standard_normal(n).astype(np.float32)

    age = _categorical(rng, np.tile(np.log([0.08, 0.3, 0.3, 0.18, 0.14]), (n, 1)))
    young, senior = age <= 1, age >= 3
    # Composition: single parents are more vulnerable on average.
    comp_logits = np.stack(
        [
            np.log(0.36) + 0.2 * u + 0.8 * senior,
            np.log(0.24) - 0.3 * u + 0.6 * senior,
            np.log(0.12) + 0.6 * u - 2.5 * senior,
            np.log(0.28) - 0.1 * u - 2.5 * senior,
        ],
        axis=1,
    )
    composition = _categorical(rng, comp_logits)
    family = np.isin(
        composition, [COMPOSITIONS.index("famille"), COMPOSITIONS.index("famille_monoparentale")]
    )
    n_children = np.where(family, 1 + rng.poisson(0.9 + 0.15 * np.clip(u, 0, None)), 0)

    # Index into INCOME_BANDS: high vulnerability -> low score -> tres_faible (0).
    income = _banded(-u + rng.normal(0, 0.8, n), (-1.2, -0.3, 0.7))
    housing_logits = np.stack(
        [
            np.log(0.22) + 0.6 * u,  # locataire_social
            np.log(0.30) + 0.1 * u,  # locataire_prive
            np.log(0.40) - 0.9 * u + 0.7 * senior - 1.0 * young,  # proprietaire
            np.log(0.05) + 0.8 * u + 0.8 * young,  # heberge
            np.log(0.006) + 1.4 * u,  # sans_domicile
        ],
        axis=1,
    )
    housing = _categorical(rng, housing_logits)
    digital_logits = np.stack(
        [
            np.log(0.12) + 1.5 * (age == 4) + 0.3 * u,
            np.log(0.3) + 0.7 * (age == 3) + 0.2 * u,
            np.log(0.58) - 0.8 * (age >= 3),
        ],
        axis=1,
    )
    digital = _categorical(rng, digital_logits)

    low_income = income <= 1
    working_age = age <= 2
    rsa = low_income & working_age & (rng.random(n) < 0.25 + 0.15 * np.clip(u, 0, 2))
    disability = rng.random(n) < 0.06 + 0.03 * np.clip(u, 0, 2)
    aah = disability & (rng.random(n) < 0.5)
    apl = np.isin(housing, [0, 1]) & (income <= 2) & (rng.random(n) < 0.75)
    prime = (income >= 1) & (income <= 2) & working_age & ~rsa & (rng.random(n) < 0.35)
    aspa = senior & low_income & (rng.random(n) < 0.3)

    territory_idx = rng.integers(0, len(config.territories), n)
    territories = np.asarray(config.territories)[territory_idx]
    communes = np.empty(n, dtype=object)
    for t, name in enumerate(config.territories):
        mask = territory_idx == t
        options = COMMUNES_BY_TERRITORY.get(name, (f"Commune {name}",))
        communes[mask] = np.asarray(options, dtype=object)[
            rng.integers(0, len(options), mask.sum())
        ]

    # Audit-only attributes: correlated with vulnerability as in real territories, so
    # fairness audits have something to find; they never enter the features.
    language = _categorical(
        rng,
        np.tile(np.log([0.82, 0.07, 0.02, 0.03, 0.02, 0.04]), (n, 1))
        + np.outer(0.25 * u, [0, 1, 0, 1, 1, 1]),
    )
    nationality = _categorical(
        rng, np.tile(np.log([0.88, 0.05, 0.07]), (n, 1)) + np.outer(0.3 * u, [0, 0, 1])
    )
    qpv = rng.random(n) < 1 / (1 + np.exp(-(-1.8 + 0.7 * u)))

    source_ids = [f"SYN-{config.seed}-{i:08d}" for i in range(n)]
    table = pd.DataFrame(
        {
            "household_id": pseudonymise_many(source_ids, key),
            "territory": territories.astype(object),
            "commune": communes,
            "composition": np.asarray(COMPOSITIONS, dtype=object)[composition],
            "n_children": n_children.astype("int64"),
            "age_band": np.asarray(AGE_BANDS, dtype=object)[age],
            "housing_status": np.asarray(HOUSING_STATUSES, dtype=object)[housing],
            "income_band": np.asarray(INCOME_BANDS, dtype=object)[income],
            "benefit_rsa": rsa,
            "benefit_aah": aah,
            "benefit_apl": apl,
            "benefit_prime_activite": prime,
            "benefit_aspa": aspa,
            "digital_access": np.asarray(DIGITAL_ACCESS_LEVELS, dtype=object)[digital],
            "language": np.asarray(LANGUAGES, dtype=object)[language],
            "disability": disability,
            "nationality": np.asarray(NATIONALITIES, dtype=object)[nationality],
            "qpv": qpv,
        }
    )
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].astype(str)
    return HouseholdDraw(
        table=table,
        u=u,
        age_band=age.astype(np.int8),
        has_children=n_children > 0,
        digital=digital.astype(np.int8),
        propensity=rng.lognormal(
            -(config.contact_propensity_sigma**2) / 2, config.contact_propensity_sigma, n
        ).astype(np.float32),
    )
