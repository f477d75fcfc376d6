"""Shifts on purpose: changes of the world injected into a synthetic territory from a date,
so that monitoring can be shown to notice them and retraining to recover from them.

Each shift rewrites requests received on or after its start, and only those, with its own
random stream: a shifted territory is byte-identical to the unshifted one before the start.

- ``new_motive``: a new national scheme (a renovation grant) brings requests whose words
  the models never saw; they are handled by the energy service.
- ``channel_online``: counter, phone and letter requests move to the web form and the app.
- ``energy_crisis``: a winter energy crisis; many more energy-debt requests, with bills
  doubled.
- ``reorganisation``: the CCAS takes over the energy service's requests and the employment
  service those of the digital-access service (final routes change, texts do not).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.vocabulary import SERVICE_LABELS

SHIFT_KINDS: tuple[str, ...] = ("new_motive", "channel_online", "energy_crisis", "reorganisation")

# Share of the requests after the start each shift rewrites, unless told otherwise.
DEFAULT_STRENGTH = {
    "new_motive": 0.2,
    "channel_online": 0.6,
    "energy_crisis": 0.3,
    "reorganisation": 1.0,
}
NEW_MOTIVE = "renovation_energetique"
NEW_MOTIVE_SERVICE = "energie_precarite"
ENERGY_SERVICE = "energie_precarite"
OFFICE_CHANNELS = ("guichet", "telephone", "courrier")
ONLINE_CHANNELS = ("formulaire_web", "application")
# Service reorganisation: old final service -> the service that now handles it.
REORGANISATION = {
    "energie_precarite": "action_sociale",
    "acces_droits_numerique": "emploi_insertion",
}
CRISIS_PRICE_FACTOR = 2

# A new scheme, in words no training text used.
_OPENINGS = (
    "Bonjour,",
    "Madame, Monsieur,",
    "Bonsoir",
    "Usager au guichet :",
    "Mme appelle pour",
    "",
)
_REQUESTS = (
    "je voudrais déposer un dossier MaPrimeRénov pour isoler nos combles",
    "comment obtenir la prime pour remplacer notre vieille chaudière fioul par une pompe à chaleur",
    "un artisan RGE nous a fait un devis d'isolation par l'extérieur, quelles subventions",
    "on nous demande un audit énergétique avant les travaux de rénovation",
    "dossier MaPrimeRénov refusé, le conseiller France Rénov ne répond plus",
    "aide pour changer les fenêtres simple vitrage, devis de l'artisan joint",
    "accompagnement Mon Accompagnateur Rénov pour une rénovation d'ampleur",
    "versement de la prime CEE pour l'isolation des combles perdus toujours pas reçu",
)
_CLOSINGS = (
    "Merci d'avance.",
    "Cordialement.",
    "Dans l'attente de votre retour.",
    "Merci de me rappeler.",
    "",
)
# An amount as texts state it: "450 €", "1 250 euros", "35,50 €", "600euros", "80e".
_AMOUNT = re.compile(
    r"(?<![\d,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?=(?:,\d\d)?\s?(?:€|e\b|eur\b|euros\b))"
)


@dataclass(frozen=True)
class Shift:
    kind: str
    start: dt.datetime
    strength: float | None = None  # share of the later requests rewritten

    def __post_init__(self) -> None:
        if self.kind not in SHIFT_KINDS:
            raise ValueError(f"unknown shift {self.kind!r}; expected one of {SHIFT_KINDS}")
        if self.strength is not None and not 0 < self.strength <= 1:
            raise ValueError("a shift's strength is a share in (0, 1]")

    @property
    def share(self) -> float:
        return DEFAULT_STRENGTH[self.kind] if self.strength is None else self.strength


def _new_motive_texts(rng: np.random.Generator, n: int) -> list[str]:
    parts = zip(
        rng.choice(_OPENINGS, n), rng.choice(_REQUESTS, n), rng.choice(_CLOSINGS, n), strict=True
    )
    return [" ".join(p for p in part if p).strip() for part in parts]


def _scaled_amounts(text: str, factor: int) -> str:
    def scale(match: re.Match[str]) -> str:
        return str(int(re.sub(r"\D", "", match.group(1))) * factor)

    return _AMOUNT.sub(scale, text)


def _new_motive(requests: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    requests.loc[rows, "description"] = _new_motive_texts(rng, len(rows))
    requests.loc[rows, "motive"] = NEW_MOTIVE
    for column in ("initial_service_code", "service_code"):
        requests.loc[rows, column] = NEW_MOTIVE_SERVICE


def _channel_online(requests: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> None:
    office = rows[requests.loc[rows, "channel"].isin(OFFICE_CHANNELS).to_numpy()]
    requests.loc[office, "channel"] = rng.choice(ONLINE_CHANNELS, len(office), p=[0.7, 0.3])


def _energy_crisis(
    requests: pd.DataFrame, rows: np.ndarray, rng: np.random.Generator, start: pd.Timestamp
) -> None:
    """Requests replaced by energy-debt requests like those seen before, bills doubled."""
    before = requests[
        (requests["requested_datetime"] < start) & (requests["service_code"] == ENERGY_SERVICE)
    ]
    if before.empty:
        raise ValueError("an energy crisis needs energy requests before its start")
    model = before.iloc[rng.integers(0, len(before), len(rows))]
    requests.loc[rows, "description"] = [
        _scaled_amounts(t, CRISIS_PRICE_FACTOR) for t in model["description"]
    ]
    for column in ("motive", "initial_service_code", "service_code"):
        requests.loc[rows, column] = model[column].to_numpy()


def _reorganisation(requests: pd.DataFrame, rows: np.ndarray) -> None:
    for column in ("initial_service_code", "service_code"):
        requests.loc[rows, column] = requests.loc[rows, column].replace(REORGANISATION)


def apply_shifts(requests: pd.DataFrame, shifts: tuple[Shift, ...], seed: int) -> pd.DataFrame:
    """The requests table with each shift applied, in order, from its start."""
    out = requests.copy()
    for i, shift in enumerate(shifts):
        rng = np.random.default_rng([seed, 0x5F1F7, i])
        start = pd.Timestamp(shift.start)
        after = np.flatnonzero((out["requested_datetime"] >= start).to_numpy())
        rows = out.index[after[rng.random(len(after)) < shift.share]]
        if shift.kind == "new_motive":
            _new_motive(out, rows, rng)
        elif shift.kind == "channel_online":
            _channel_online(out, rows, rng)
        elif shift.kind == "energy_crisis":
            _energy_crisis(out, rows, rng, start)
        else:
            _reorganisation(out, rows)
        if shift.kind in ("new_motive", "energy_crisis", "reorganisation"):
            territory = out.loc[rows, "agency_responsible"].str.split(" — ").str[-1]
            out.loc[rows, "agency_responsible"] = (
                out.loc[rows, "service_code"].map(SERVICE_LABELS) + " — " + territory
            )
    return out
