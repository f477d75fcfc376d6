"""What a request says, read from its text: the needs it speaks of and the amount it states.

Needs come from the normalised text with plain French lexicons. They let the risk model use
what the resident says (a rent arrear, an energy cut-off) through features a social worker
can read ("la demande évoque une dette de loyer"), without handing free text to the risk
model. Lexicons are generic social-work vocabulary; matching is on word starts of the
normalised text (no accents, lower case).

The amount is read from the raw text (normalisation hides amounts behind ``_montant_``):
the largest sum of euros written in it, "450 €", "1 250 euros", "620e", "80,50 eur".

``read_texts`` reads a batch at once: normalised texts, needs as a bit mask (bit ``k`` for
``NEEDS[k]``) and amounts. Batch and online features both go through it.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.text import ARROW_BATCH, arrow_strings, normalise_arrow, normalise_texts

NEED_LEXICONS = MappingProxyType(
    {
        "housing_debt": (
            "loyer",
            "impaye",
            "expuls",
            "huissier",
            "bailleur",
            "proprio",
            "commandement de payer",
            "arriere",
            "dette",
            "retard de paiement",
            "quitter le logement",
            "a la rue",
        ),
        "energy": (
            "electricite",
            "gaz",
            "chauffage",
            "edf",
            "engie",
            "totalenergies",
            "coupure",
            "energie",
            "fioul",
            "compteur",
            "facture d eau",
        ),
        "income_loss": (
            "emploi",
            "chomage",
            "licenci",
            "france travail",
            "pole emploi",
            "rsa",
            "plus de revenu",
            "sans revenu",
            "ressources",
            "salaire",
            "travail",
            "fin de contrat",
        ),
        "family_rupture": (
            "separation",
            "separe",
            "divorce",
            "quitte",
            "parti",
            "violence",
            "garde des enfants",
            "seule avec",
            "seul avec",
            "pension alimentaire",
        ),
        "health": (
            "malad",
            "hopital",
            "hospitalis",
            "operation",
            "handicap",
            "mdph",
            "soins",
            "medecin",
            "traitement",
            "sante",
            "chimio",
            "accident",
        ),
        "food_money": (
            "manger",
            "aliment",
            "colis",
            "courses",
            "epicerie",
            "restos du coeur",
            "plus rien",
            "urgence",
            "aide financiere",
            "secours",
        ),
    }
)
NEEDS: tuple[str, ...] = tuple(NEED_LEXICONS)

# RE2 patterns (run by Arrow in C++, ten times faster than Python's re on a batch).
PATTERNS = {
    need: r"\b(?:" + "|".join(re.escape(term) for term in terms) + r")"
    for need, terms in NEED_LEXICONS.items()
}


# Below this many texts, Python's re beats Arrow's per-call overhead (a live request).
# The patterns are ASCII-only on ASCII text, where both engines agree.
_SMALL_BATCH = 16
_COMPILED = {need: re.compile(pattern) for need, pattern in PATTERNS.items()}


def need_signals(normalised_texts: np.ndarray) -> dict[str, np.ndarray]:
    """For each need, whether each (normalised) text speaks of it."""
    if len(normalised_texts) < _SMALL_BATCH:
        return {
            need: np.array([bool(rx.search(t)) for t in normalised_texts], dtype=bool)
            for need, rx in _COMPILED.items()
        }
    if isinstance(normalised_texts, pa.Array):
        texts = normalised_texts
    else:
        texts = pa.array(normalised_texts, type=pa.string())
    return {
        need: pc.match_substring_regex(texts, pattern).to_numpy(zero_copy_only=False)
        for need, pattern in PATTERNS.items()
    }


def need_mask(flags: dict[str, np.ndarray]) -> np.ndarray:
    """The needs of each text as a bit mask: bit k is set when it speaks of NEEDS[k]."""
    mask = np.zeros(len(next(iter(flags.values()))), dtype=np.uint8)
    for k, need in enumerate(NEEDS):
        mask |= flags[need].astype(np.uint8) << np.uint8(k)
    return mask


def need_flags(mask: np.ndarray) -> dict[str, np.ndarray]:
    """The inverse of ``need_mask``."""
    return {need: (mask >> np.uint8(k)) & 1 == 1 for k, need in enumerate(NEEDS)}


# Ordinal uses of "12e" ("2e étage", "3e enfant"): not an amount.
_ORDINAL_NOUNS = (
    "etage|étage|arrondissement|arr|classe|annee|année|fois|trimestre|semestre|enfant|mois|"
    "rang|siecle|siècle|jour|semaine|relance|rappel|age|âge|avenue|rue"
)
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<units>[0-9]{1,3}(?:[ \u00a0\u202f.][0-9]{3})+|[0-9]+)"
    r"(?:,(?P<cents>[0-9]{1,2}))?"
    r"(?:\s{0,2}(?:€|euros?\b|eur\b)|(?<=[0-9]{2})e\b(?!\s*(?:" + _ORDINAL_NOUNS + r")\b))",
    re.IGNORECASE,
)
_NOT_DIGIT = re.compile(r"[^0-9]")
# Cheap C++ pre-filter: a digit followed by a euro sign or an "e".
_MAY_STATE_AMOUNT = r"(?i)[0-9](?:,[0-9]{1,2})?\s{0,2}(?:€|eur|e\b)"


def stated_amounts(raw_texts: Sequence[str] | np.ndarray | pa.Array) -> np.ndarray:
    """The largest amount in euros each raw text states, NaN when it states none."""
    if isinstance(raw_texts, pa.Array):  # a large batch already in Arrow
        may = pc.match_substring_regex(raw_texts, _MAY_STATE_AMOUNT)
        candidates = np.flatnonzero(may.to_numpy(zero_copy_only=False))
        out = np.full(len(raw_texts), np.nan)
        out[candidates] = _largest_amounts(raw_texts.take(candidates).to_pylist())
        return out
    texts = np.asarray(raw_texts, dtype=object)
    out = np.full(len(texts), np.nan)
    if not len(texts):
        return out
    if len(texts) < _SMALL_BATCH:
        candidates = np.arange(len(texts))
    else:
        may = pc.match_substring_regex(pa.array(texts, type=pa.string()), _MAY_STATE_AMOUNT)
        candidates = np.flatnonzero(may.to_numpy(zero_copy_only=False))
    out[candidates] = _largest_amounts(texts[candidates])
    return out


_DIGIT = re.compile("[0-9]")


def _amounts_in(text: str) -> list[tuple[str, str | None]]:
    """``_AMOUNT.findall(text)`` (up to None for "" where no cents are written), with the
    pattern tried only at digits, where a match can begin (its look-behind still sees the
    text before): Python's own scan tries every position."""
    found_amounts = []
    find, match = _DIGIT.search, _AMOUNT.match
    found = find(text)
    while found:
        at = found.start()
        amount = match(text, at)
        if amount:  # never empty: it holds digits
            found_amounts.append(amount.groups())
            found = find(text, amount.end())
        else:
            found = find(text, at + 1)
    return found_amounts


def _largest_amounts(texts, findall=_amounts_in) -> np.ndarray:
    """The largest amount each text states (NaN for none)."""
    digits_only = _NOT_DIGIT.sub
    out = np.full(len(texts), np.nan)
    for i, text in enumerate(texts):
        values = [
            int(digits_only("", units)) + (int(cents.ljust(2, "0")) / 100 if cents else 0.0)
            for units, cents in findall(text)
        ]
        if values:
            out[i] = max(values)
    return out


def read_texts(
    raw_texts: Sequence[str] | np.ndarray, arrow: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised texts (object array), needs (bit masks) and stated amounts of raw texts.

    A large batch is read in Arrow (``features.text.normalise_arrow``), with the same
    result; with ``arrow`` its normalised texts then come as an Arrow string array
    (pandas ``str``) rather than Python strings."""
    array = arrow_strings(raw_texts) if len(raw_texts) >= ARROW_BATCH else None
    if array is None:
        normalised = np.asarray(normalise_texts(list(raw_texts)), dtype=object)
        if not len(normalised):
            return normalised, np.zeros(0, dtype=np.uint8), np.zeros(0)
        return normalised, need_mask(need_signals(normalised)), stated_amounts(raw_texts)
    # Sequential: Python's amounts in a thread beside Arrow's work gained nothing measurable
    # (2,000 to 40,000 texts), and a thread costs ~0.5 ms to start.
    amounts = stated_amounts(array)
    normalised = normalise_arrow(array)
    needs = need_mask(need_signals(normalised))
    if arrow:
        return pd.array(normalised, dtype="str"), needs, amounts
    return np.asarray(normalised.to_pylist(), dtype=object), needs, amounts


def _reading_version() -> str:
    """The identity of the reading code: a digest of the two modules that read texts.

    A reading kept with a stored request (by the scoring service) is reused only while the
    code that made it is unchanged; any edit to normalisation, lexicons or amounts makes
    stored readings stale, and their texts are read again."""
    from features import text

    digest = hashlib.sha256()
    for module in (text, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


READING_VERSION = _reading_version()
