"""French text normalisation, shared by training and serving.

``normalise_text`` is the only text preprocessing of the project: the router learns on its
output and scores live requests with the same function, so there is no skew to chase.

What it does, in order:

1. Unicode compatibility folding (NFKD), ``œ``/``æ`` ligatures, typographic apostrophes and
   quotes, lower case, accents stripped to ASCII; any other non-ASCII character (emoji,
   symbols) becomes a space.
2. Entities become placeholder tokens, most specific first: e-mail addresses
   (``_courriel_``), web links (``_lien_``), French phone numbers (``_telephone_``), amounts
   (``_montant_``), dates (``_date_``), times of day (``_heure_``), then any remaining number
   (``_nombre_``). Housing types such as ``t3`` or ``f2`` are kept: they carry meaning.
3. Punctuation and whitespace collapse to single spaces.
4. Word-level rewrites from a small curated dictionary: SMS forms (``svp``, ``rdv``,
   ``pk``...), titles (``mme``...) and frequent misspellings of the domain (``logment``,
   ``cantinne``...), plus a few phrases (``aujourd'hui``, ``lundi prochain`` -> ``_date_``).
   It is not a spell-checker: only forms seen in residents' messages belong there.

Placeholder format: ``_name_``. scikit-learn's default ``token_pattern``
(``(?u)\\b\\w\\w+\\b``) treats ``_`` as a word character, so ``_montant_`` stays one token
and never collides with the French word ``montant``. Underscores typed by residents are
turned into spaces, so only placeholders carry them.

Privacy: every digit outside a housing type disappears, so phone numbers and identifiers
never survive; e-mail addresses are replaced as a whole (their local part often holds a
name). Names written in a signature are *not* detected (that needs a named-entity model).

The function is idempotent (normalising twice equals normalising once), which the tests
check on arbitrary text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from types import MappingProxyType
from typing import overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PLACEHOLDERS: tuple[str, ...] = (
    "courriel",
    "lien",
    "telephone",
    "montant",
    "date",
    "heure",
    "nombre",
)
EMAIL, LINK, PHONE, AMOUNT, DATE, TIME, NUMBER = (f" _{name}_ " for name in PLACEHOLDERS)

# --- 1. characters -------------------------------------------------------------------------

_CHARACTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "€": " euros ",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "´": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
    }
)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=65_536)
def _fold_char(char: str) -> str:
    """ASCII form of one non-ASCII character (NFKD works character by character)."""
    folded = char.translate(_CHARACTERS)
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return folded if folded.isascii() else _NON_ASCII.sub(" ", folded)


def _fold_match(match: re.Match[str]) -> str:
    return _fold_char(match.group())


def _fold(text: str) -> str:
    """Lower-case ASCII: ligatures expanded, accents stripped, other symbols to spaces."""
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_match, text)
    return text.lower()


# --- 2. entities (on folded ASCII text) ----------------------------------------------------

_A = re.ASCII
_MONTH_FORMS: tuple[str, ...] = (
    "janvier", "janv", "fevrier", "fevr", "fev", "mars", "avril", "avr", "mai", "juin",
    "juillet", "juil", "aout", "septembre", "sept", "octobre", "oct", "novembre", "nov",
    "decembre", "dec",
)  # fmt: skip
_MONTHS = "|".join(_MONTH_FORMS)
_WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
# Ordinal uses of "12e": not an amount in euros.
_ORDINAL_NOUNS = (
    "etage|arrondissement|arr|arrdt|classe|annee|fois|trimestre|semestre|enfant|mois|"
    "rang|siecle|jour|semaine|edition|age|avenue|rue|bd|boulevard|relance|rappel"
)
_AMOUNT_NUMBER = r"[0-9]{1,3}(?:[ .][0-9]{3})+(?:,[0-9]{1,2})?|[0-9]+(?:[.,][0-9]{1,2})?"
# Phone numbers keep one separator throughout (06 12 34 56 78, 06.12.34.56.78, 0612345678),
# so that runs of dates or amounts are not mistaken for one.
_PHONE_TAIL = r"[1-9](?P<{sep}>[\s.\-]?)[0-9]{{2}}(?:(?P={sep})[0-9]{{2}}){{3}}(?![0-9])"

_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}", _A)
_LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+", _A)
# Every entity that starts with a digit or "+", in one pass. At a given position the first
# alternative that matches wins, hence the order: most specific first.
_DIGIT_ENTITIES = re.compile(
    "(?=[0-9+])(?:"
    + "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            (
                "phone_intl",
                r"(?<![0-9+])(?:\+|00)\s?33\s?(?:\(0\)\s?)?" + _PHONE_TAIL.format(sep="s1"),
            ),
            ("phone", r"(?<![0-9])(?<![0-9][./\-])0" + _PHONE_TAIL.format(sep="s2")),
            (
                "amount",
                rf"(?<![a-z0-9.,])(?:{_AMOUNT_NUMBER})\s{{0,2}}k?\s{{0,2}}"
                rf"(?:(?:euros?|eur|eu)\b|e\b(?!\s*(?:{_ORDINAL_NOUNS})\b))",
            ),
            # 2024-03-12
            ("date_iso", r"\b(?:19|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9]\b"),
            # 12/03/2024, 12-03-24, 12.03.2024, 12/03 (a dot needs the year)
            (
                "date_numeric",
                r"\b(?:0?[1-9]|[12][0-9]|3[01])(?:(?P<ds>[/\-])|\.(?=[0-9]{1,2}\.))"
                r"(?:0?[1-9]|1[0-2])(?:(?(ds)[/\-]|\.)(?:19|20)?[0-9]{2})?\b(?![.,/][0-9])",
            ),
            # 15 mars, 1er avril 2024
            (
                "date_day_month",
                rf"\b(?:1er|[0-3]?[0-9])\s+(?:{_MONTHS})\b\.?(?:\s+(?:19|20)[0-9]{{2}}\b)?",
            ),
            # the year of "mars 2024"; the month word joins the placeholder in step 4
            (
                "date_year",
                "(?:" + "|".join(rf"(?<={m}\s)" for m in _MONTH_FORMS) + r")(?:19|20)[0-9]{2}\b",
            ),
            # 14h30, 14 h, 9h, 14:30
            (
                "time",
                r"\b(?:[01]?[0-9]|2[0-3])(?:\s?h(?:\s?[0-5][0-9])?(?:min)?|:[0-5][0-9])\b",
            ),
            # any other number, ordinals (1er, 2eme, 3e) included
            ("number", r"[0-9]+(?:[.,][0-9]+)*(?:(?:er|ere|eme|nd|nde|e)\b)?"),
        )
    )
    + ")",
    _A,
)
_ENTITY_PLACEHOLDERS = {
    "phone_intl": PHONE,
    "phone": PHONE,
    "amount": AMOUNT,
    "date_iso": DATE,
    "date_numeric": DATE,
    "date_day_month": DATE,
    "date_year": DATE,
    "time": TIME,
    "number": NUMBER,
}
_DIGIT = re.compile("[0-9]", _A)


def _is_housing_type(text: str, start: int, end: int) -> bool:
    """t1..t7 and f1..f7 (apartment types) carry meaning and are not numbers to hide."""
    return (
        end - start == 1
        and text[start] in "1234567"
        and start >= 1
        and text[start - 1] in "tf"
        and (start == 1 or not _is_word_char(text[start - 2]))
        and (end == len(text) or not _is_word_char(text[end]))
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _digit_entity(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "number" and _is_housing_type(match.string, match.start(), match.end()):
        return match.group()
    return _ENTITY_PLACEHOLDERS[kind]


def _replace_entities(text: str) -> str:
    typed_underscore = "_" in text  # checked before our own placeholders appear
    if "@" in text:
        text = _EMAIL.sub(EMAIL, text)
    if "://" in text or "www." in text:
        text = _LINK.sub(LINK, text)
    if typed_underscore:
        text = _UNDERSCORE.sub(_underscore, text)
    if _DIGIT.search(text):
        text = _DIGIT_ENTITIES.sub(_digit_entity, text)
    return text


# --- 3. punctuation ------------------------------------------------------------------------

# Every byte outside [a-z0-9_] becomes a space (on folded text's ASCII bytes: twice as fast
# as a str's translate or a regular expression's substitution).
_NON_WORD_TO_SPACE = bytes(c if re.fullmatch(b"[a-z0-9_]", bytes([c])) else 32 for c in range(256))
# Underscores typed by residents become spaces; placeholders keep theirs.
_UNDERSCORE = re.compile(rf"(?<![a-z0-9_])_(?:{'|'.join(PLACEHOLDERS)})_(?![a-z0-9_])|_", _A)


def _words(text: str) -> list[str]:
    """The runs of ``[a-z0-9_]`` of a folded (ASCII) text, as ``str.split`` gives them."""
    return text.encode("ascii").translate(_NON_WORD_TO_SPACE).decode("ascii").split()


def _underscore(match: re.Match[str]) -> str:
    token = match.group()
    return token if len(token) > 1 else " "


# --- 4. words ------------------------------------------------------------------------------

# Keys are folded forms; values are already normalised and are never keys themselves.
WORD_REWRITES = MappingProxyType(
    {
        # SMS forms and abbreviations
        "svp": "s il vous plait",
        "svpl": "s il vous plait",
        "stp": "s il te plait",
        "silvousplait": "s il vous plait",
        "bjr": "bonjour",
        "bjour": "bonjour",
        "bonjours": "bonjour",
        "bsr": "bonsoir",
        "slt": "salut",
        "cdt": "cordialement",
        "cdlt": "cordialement",
        "cordialemen": "cordialement",
        "bcp": "beaucoup",
        "bcq": "beaucoup",
        "qd": "quand",
        "qnd": "quand",
        "kan": "quand",
        "pk": "pourquoi",
        "pq": "pourquoi",
        "pkoi": "pourquoi",
        "pourkoi": "pourquoi",
        "jsp": "je ne sais pas",
        "jsais": "je sais",
        "chui": "je suis",
        "chuis": "je suis",
        "jai": "j ai",
        "rdv": "rendez vous",
        "rdvs": "rendez vous",
        "ds": "dans",
        "tt": "tout",
        "tte": "toute",
        "ttes": "toutes",
        "ts": "tous",
        "tjrs": "toujours",
        "tjr": "toujours",
        "tjs": "toujours",
        "pr": "pour",
        "ns": "nous",
        "vs": "vous",
        "dc": "donc",
        "ke": "que",
        "koi": "quoi",
        "qq": "quelque",
        "qqs": "quelques",
        "qqn": "quelqu un",
        "qqun": "quelqu un",
        "qqch": "quelque chose",
        "mtn": "maintenant",
        "mnt": "maintenant",
        "auj": "aujourdhui",
        "ajd": "aujourdhui",
        "dmain": "demain",
        "msg": "message",
        "dsl": "desole",
        "mci": "merci",
        "mrc": "merci",
        "pb": "probleme",
        "pbm": "probleme",
        "pblm": "probleme",
        "pbl": "probleme",
        "mr": "monsieur",
        "mme": "madame",
        "mmes": "mesdames",
        "mlle": "mademoiselle",
        "melle": "mademoiselle",
        # Frequent misspellings of the domain
        "logemen": "logement",
        "logment": "logement",
        "logemnt": "logement",
        "logemant": "logement",
        "cantinne": "cantine",
        "cantinn": "cantine",
        "factur": "facture",
        "facure": "facture",
        "factue": "facture",
        "loier": "loyer",
        "loye": "loyer",
        "apartement": "appartement",
        "appartemant": "appartement",
        "appart": "appartement",
        "electricte": "electricite",
        "eletricite": "electricite",
        "electriciter": "electricite",
        "expultion": "expulsion",
        "expultions": "expulsions",
        "urgant": "urgent",
        "urgen": "urgent",
        "mairi": "mairie",
        "inscripsion": "inscription",
        "incription": "inscription",
        "crech": "creche",
        "cretche": "creche",
        "periscolair": "periscolaire",
        "alocation": "allocation",
        "allocaton": "allocation",
        "chaufage": "chauffage",
        "chauffag": "chauffage",
        "moisisure": "moisissure",
        "humiditer": "humidite",
        "proprio": "proprietaire",
        "proprietere": "proprietaire",
        "propietaire": "proprietaire",
        "huisier": "huissier",
        "assistente": "assistante",
        "poubel": "poubelle",
        "poubele": "poubelle",
        "trotoir": "trottoir",
        "trottoire": "trottoir",
        "lampadere": "lampadaire",
        "identiter": "identite",
        "passport": "passeport",
        "demenagment": "demenagement",
        "medcin": "medecin",
        "enfent": "enfant",
        "enfents": "enfants",
        "ecolle": "ecole",
        "formullaire": "formulaire",
        "dossie": "dossier",
        "retraitte": "retraite",
    }
)
_AUJOURDHUI = re.compile(r"\baujourd hui\b", _A)
_WEEKDAY_RELATIVE = re.compile(rf"\b(?:{_WEEKDAYS}) (?:prochain|dernier)\b", _A)
# "lundi _date_", "mars _date_" (from "mars 2024") -> one date.
_DATE_WORDS = frozenset((*_WEEKDAYS.split("|"), *_MONTH_FORMS))
_DATE_RUN = re.compile(rf"(?:\b(?:{_WEEKDAYS}|{_MONTHS}) )+_date_\b", _A)


_REWRITE = dict(WORD_REWRITES).get  # a dict's look-up: faster than a mapping proxy's


def _rewrite_words(words: list[str]) -> str:
    """The text of words (``text.split()``), rewritten."""
    return _date_phrases(" ".join(map(_REWRITE, words, words)))


def _date_phrases(text: str) -> str:
    """ "aujourd hui" and the date phrases of a text whose words are rewritten; each
    substitution runs only where the words its matches hold occur."""
    if "aujourd hui" in text:
        text = _AUJOURDHUI.sub("aujourdhui", text)
    if "prochain" in text or "dernier" in text:
        text = _WEEKDAY_RELATIVE.sub("_date_", text)
    if "_date_" in text and not _DATE_WORDS.isdisjoint(text.split()):
        text = _DATE_RUN.sub("_date_", text)
    return text


# --- public API ----------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """The normalised form of one French text (see the module docstring for the steps)."""
    if not isinstance(text, str):
        raise TypeError(f"normalise_text expects a str, got {type(text).__name__}")
    return _rewrite_words(_words(_replace_entities(_fold(text))))


@overload
def normalise_texts(texts: pd.Series) -> pd.Series: ...
@overload
def normalise_texts(texts: Iterable[str]) -> list[str]: ...
def normalise_texts(texts):
    """Normalise a batch: a list for an iterable, a Series (same index) for a Series.

    The result is exactly ``normalise_text`` applied to each element; from ARROW_BATCH
    texts it is computed by ``normalise_arrow``."""
    if not isinstance(texts, pd.Series) and not isinstance(texts, list | tuple):
        texts = list(texts)
    array = arrow_strings(texts) if len(texts) >= ARROW_BATCH else None
    if array is not None:
        normalised = normalise_arrow(array).to_pylist()
    else:
        normalised = [normalise_text(t) for t in texts]
    if isinstance(texts, pd.Series):
        return pd.Series(normalised, index=texts.index, name=texts.name)
    return normalised


# --- the same steps on an Arrow batch ------------------------------------------------------
#
# A large batch (a territory's texts) runs the same steps on Arrow arrays, with the same
# result:
#
# - folding works character by character: each distinct non-ASCII character of the batch
#   is folded once by ``_fold_char``, and its occurrences are replaced on the UTF-8 bytes;
# - entities need Python's regular expressions (look-behinds, back-references): texts
#   holding a digit, "@", a link or an underscore go through ``_replace_entities``, the
#   others are left as they are, as that function leaves them;
# - punctuation is a byte map and word rewrites a dictionary look-up on Arrow's split
#   words; the date phrases are Python's own substitutions, run on the few texts holding
#   one of the words every match contains.
#
# ``normalise_texts`` uses it from ARROW_BATCH texts; the tests compare both paths.

ARROW_BATCH = 500  # from here Arrow is faster (1,000 live texts: ~7% less)
_ARROW_NEEDS_PYTHON_ENTITIES = r"[0-9@_]|://|www\."
_REWRITE_KEYS = pa.array(list(WORD_REWRITES), type=pa.large_string())
_REWRITE_VALUES = pa.array(list(WORD_REWRITES.values()), type=pa.large_string())


_ASCII_LOWER = np.arange(256, dtype=np.uint8)
_ASCII_LOWER[ord("A") : ord("Z") + 1] += 32


def _string_buffers(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (from 0) and bytes of a large_string array."""
    n = len(texts)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + n + 1]
    data = texts.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets - offsets[0], data[offsets[0] : offsets[-1]]


def _arrow_fold(texts: pa.Array) -> pa.Array:
    """``_fold`` on the UTF-8 bytes: each distinct non-ASCII character is folded once by
    ``_fold_char`` itself, and every occurrence is replaced by that fold; ASCII bytes are
    lower-cased (folds are ASCII, so lower-casing them first is the same)."""
    if not len(texts):
        return texts
    offsets, data = _string_buffers(texts)
    if not len(data) or data.max() < 0x80:
        return pa.LargeStringArray.from_buffers(
            len(texts), pa.py_buffer(offsets), pa.py_buffer(_ASCII_LOWER[data])
        )
    # Code points of the characters that start at each lead byte (2 to 4 bytes long).
    lead = np.flatnonzero(data >= 0xC0)
    first = data[lead].astype(np.int32)
    width = 2 + (first >= 0xE0).astype(np.int32) + (first >= 0xF0)
    point = first & np.where(width == 2, 0x1F, np.where(width == 3, 0x0F, 0x07))
    for k in range(1, 4):
        following = data[np.minimum(lead + k, len(data) - 1)].astype(np.int32) & 0x3F
        point = np.where(width > k, (point << 6) | following, point)
    distinct, which = np.unique(point, return_inverse=True)
    folds = [_fold_char(chr(p)).lower().encode("ascii") for p in distinct.tolist()]
    table = np.zeros((len(folds), max(1, *(len(f) for f in folds))), dtype=np.uint8)
    for i, fold in enumerate(folds):
        table[i, : len(fold)] = np.frombuffer(fold, dtype=np.uint8)
    fold_width = np.array([len(f) for f in folds], dtype=np.int64)[which]
    # ASCII bytes lower-cased, then each character's fold inserted where it stood.
    kept = _ASCII_LOWER[data[data < 0x80]]
    consumed = np.concatenate([[0], np.cumsum(width, dtype=np.int64)])  # before each lead
    written = np.concatenate([[0], np.cumsum(fold_width)])
    at = np.repeat(lead - consumed[:-1], fold_width)
    fold_bytes = table[which][np.arange(table.shape[1]) < fold_width[:, None]]
    out = np.insert(kept, at, fold_bytes)
    leads_before = np.searchsorted(lead, offsets)
    offsets = offsets - consumed[leads_before] + written[leads_before]
    return pa.LargeStringArray.from_buffers(len(texts), pa.py_buffer(offsets), pa.py_buffer(out))


def _arrow_python_step(texts: pa.Array, mask: pa.Array, step) -> pa.Array:
    """``step`` (a Python function of one string) applied to the texts under ``mask``."""
    if not pc.any(mask).as_py():
        return texts
    chosen = pc.filter(texts, mask).to_pylist()
    done = pa.array([step(t) for t in chosen], type=pa.large_string())
    return pc.replace_with_mask(texts, mask, done)


_WORD_BYTES = np.frombuffer(_NON_WORD_TO_SPACE, dtype=np.uint8)


def _ascii_punctuation(texts: pa.Array) -> pa.Array:
    """Punctuation on ASCII texts' bytes: every byte outside ``[a-z0-9_]`` becomes a space
    and runs of spaces within a text collapse to one."""
    n = len(texts)
    if not n:
        return texts
    offsets, data = _string_buffers(texts)
    data = _WORD_BYTES[data]
    space = data == ord(" ")
    follows_space = np.zeros(len(data), dtype=bool)
    follows_space[1:] = space[:-1]
    follows_space[offsets[:-1][offsets[:-1] < len(data)]] = False  # a text's first byte
    dropped = space & follows_space
    offsets = offsets - np.searchsorted(np.flatnonzero(dropped), offsets)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data[~dropped]))


# Every match of the date phrases' substitutions holds one of these: a run of date words
# ends with one before "_date_", unless "_date_" comes from "lundi prochain" (or dernier).
_DATE_PHRASE_LITERALS = rf"aujourd hui|prochain|dernier|(?:{_WEEKDAYS}|{_MONTHS}) _date_"


def _arrow_rewrite_words(texts: pa.Array) -> pa.Array:
    texts = pc.utf8_trim(texts, characters=" ")
    words = pc.split_pattern(texts, " ")
    flat = pc.list_flatten(words)
    found = pc.index_in(flat, value_set=_REWRITE_KEYS)
    rewritten = pc.if_else(pc.is_null(found), flat, pc.take(_REWRITE_VALUES, found))
    words = type(words).from_arrays(words.offsets, rewritten)
    texts = pc.binary_join(words, pa.scalar(" ", type=pa.large_string()))
    # The date phrases, on the few texts where one may occur (Python's substitutions).
    phrases = pc.match_substring_regex(texts, _DATE_PHRASE_LITERALS)
    return _arrow_python_step(texts, phrases, _date_phrases)


def _normalise_arrow_chunk(texts: pa.Array) -> pa.Array:
    texts = _arrow_fold(texts)
    entities = pc.match_substring_regex(texts, _ARROW_NEEDS_PYTHON_ENTITIES)
    texts = _arrow_python_step(texts, entities, _replace_entities)
    return _arrow_rewrite_words(_ascii_punctuation(texts))


ARROW_CHUNK = 50_000  # texts per task: Arrow's kernels release the GIL, two tasks overlap


def normalise_arrow(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """``normalise_text`` of each string of an Arrow string array, as a large_string array.
    Nulls are refused, as ``normalise_text`` refuses a non-str."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if texts.null_count:
        raise TypeError("normalise_text expects a str, got NoneType")
    texts = texts.cast(pa.large_string())
    if len(texts) <= ARROW_CHUNK:
        return _normalise_arrow_chunk(texts)
    chunks = [texts.slice(lo, ARROW_CHUNK) for lo in range(0, len(texts), ARROW_CHUNK)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return pa.concat_arrays(list(pool.map(_normalise_arrow_chunk, chunks)))


def arrow_strings(texts) -> pa.Array | None:
    """Texts as an Arrow large_string array, or None when some are not str (the Python
    path then reports them) or cannot be encoded in UTF-8 (lone surrogates)."""
    if isinstance(texts, pa.Array | pa.ChunkedArray):
        array = texts
    elif isinstance(texts, pd.Series | pd.api.extensions.ExtensionArray | pd.Index):
        try:
            array = pa.array(texts)
        except (pa.ArrowException, TypeError, ValueError):
            return None
    else:
        if not all(type(t) is str for t in texts):
            return None
        try:
            array = pa.array(texts, type=pa.large_string())
        except (pa.ArrowException, UnicodeError):
            return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        return None
    if array.null_count:
        return None
    return array.cast(pa.large_string())
