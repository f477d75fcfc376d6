"""Renders the French free text of the synthetic territory's requests.

``render_descriptions`` turns, for each request, a motive (or none, for a vague request), an
optional second motive and an intake channel into the description a resident or a front-desk
agent would have written. The channel decides the writing style:

===============  ==========================================================================
``note_agent``   an agent's note (guichet, téléphone): "Mme appelle pour dde de colis..."
``courriel``     greeting, body and signature over several lines (courriel)
``formulaire``   a short resident text typed in a web or mobile form
``sms``          texting style, abbreviations ("bjr", "rdv", "pr"), often lower case
``courrier``     a formal letter: salutation, formal opening, body, formal closing
===============  ==========================================================================

A request may also state the life shock behind it (``cause``): a clause from
``phrasebank.SHOCK_CLAUSES`` (agents: ``AGENT_SHOCK_CLAUSES``) follows the need, and when the
request gives an ``amount`` it fills the clause and every ``{montant}`` of the text.

Resident-written texts carry noise drawn per row: keyboard typos (AZERTY neighbours, dropped,
doubled or swapped letters), stripped accents, case and punctuation variation. Agents' notes
are cleaner but abbreviated.

Speed: every random draw is made up front as a numpy array, per chunk of rows, and every
template is pre-processed at import (slots turned positional, SMS and agent abbreviations
applied), so the per-row Python loop only formats, joins and adds noise. Only numpy's
Generator is used: the same seed gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from features.synth import phrasebank as pb
from features.synth.motives import MOTIVE_CODES, SHOCKS
from features.vocabulary import CHANNELS

STYLES: tuple[str, ...] = ("note_agent", "courriel", "formulaire", "sms", "courrier")
NOTE_AGENT, COURRIEL, FORMULAIRE, SMS, COURRIER = range(len(STYLES))

_CHUNK = 1 << 15

# --------------------------------------------------------------------------------------------
# Style of each channel (rows: channel, columns: STYLES)
# --------------------------------------------------------------------------------------------

_STYLE_BY_CHANNEL: dict[str, tuple[float, ...]] = {
    "guichet": (0.88, 0.0, 0.12, 0.0, 0.0),
    "telephone": (0.96, 0.0, 0.04, 0.0, 0.0),
    "courriel": (0.0, 1.0, 0.0, 0.0, 0.0),
    "formulaire_web": (0.0, 0.0, 0.88, 0.12, 0.0),
    "application": (0.0, 0.0, 0.4, 0.6, 0.0),
    "courrier": (0.0, 0.0, 0.0, 0.0, 1.0),
    "interne": (1.0, 0.0, 0.0, 0.0, 0.0),
}
_AGENT_ONLY = (1.0, 0.0, 0.0, 0.0, 0.0)  # any channel not listed above: staff-written
_STYLE_CDF = np.cumsum(np.array([_STYLE_BY_CHANNEL.get(c, _AGENT_ONLY) for c in CHANNELS]), axis=1)
_STYLE_CDF[:, -1] = 1.0
# Which agent openings suit a channel: 0 desk, 1 phone, 2 internal report.
_OPENING_KIND = np.array(
    [1 if c == "telephone" else 0 if c in _STYLE_BY_CHANNEL and c != "interne" else 2
     for c in CHANNELS],
    dtype=np.int8,
)  # fmt: skip

# Noise, per style (indexed like STYLES).
_P_TYPO = np.array([0.03, 0.16, 0.22, 0.28, 0.08])
_P_SECOND_TYPO = 0.25
_P_STRIP = np.array([0.06, 0.34, 0.48, 0.6, 0.14])
_P_LOWER_ALL = np.array([0.0, 0.03, 0.1, 0.5, 0.0])
_P_UPPER_ALL = np.array([0.005, 0.01, 0.025, 0.02, 0.005])
_P_CAP_FIRST = np.array([0.0, 0.85, 0.6, 0.25, 1.0])
_P_LOWER_FIRST = np.array([0.0, 0.05, 0.15, 0.4, 0.0])
_P_NO_SPACE = np.array([0.3, 0.4, 0.6, 0.8, 0.2])
_P_CONTEXT = np.array([0.0, 0.25, 0.15, 0.1, 0.3])
_PUNCT: tuple[tuple[str, ...], ...] = (
    ("", ".", "."),
    (".", ".", ".", "", "!"),
    ("", ".", ".", "!", "...", " !"),
    ("", "", "", "!", "..", "?"),
    (".",),
)

# --------------------------------------------------------------------------------------------
# Template banks, pre-processed at import
# --------------------------------------------------------------------------------------------

_SLOT_INDEX = {name: i for i, name in enumerate(pb.SLOTS)}
_SLOT_RE = re.compile(r"\{(\w+)\}")


def _positional(template: str) -> str:
    """Turn named slots into positional ones ("{montant}" -> "{0}").

    Rows then format with one list of values, and abbreviations never touch slot names.
    """
    return _SLOT_RE.sub(lambda m: "{" + str(_SLOT_INDEX[m.group(1)]) + "}", template)


def _abbreviator(table: Mapping[str, str], drop_ne: bool = False):
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w'])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w'-])", re.IGNORECASE
    )
    lowered = {k.lower(): v for k, v in table.items()}

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        out = lowered[word.lower()]
        if word[:1].isupper() and out[:1].islower():
            out = out[:1].upper() + out[1:]
        return out

    def apply(text: str) -> str:
        text = pattern.sub(replace, text)
        if drop_ne:  # spoken French drops the "ne" of negations
            text = re.sub(r"\b([Nn])e (?=[bcdfgjklmnpqrstvwxzç])", "", text)
        return text

    return apply


_SMS_LIGHT = _abbreviator(pb.SMS_ABBREVIATIONS_LIGHT)
_SMS_HEAVY = _abbreviator(pb.SMS_ABBREVIATIONS_HEAVY, drop_ne=True)
_AGENT_ABBR = _abbreviator(pb.AGENT_ABBREVIATIONS)

_N_MOTIVES = len(MOTIVE_CODES)
_VAGUE = _N_MOTIVES  # pseudo-motive of vague requests
_RES, _RES_SMS_LIGHT, _RES_SMS_HEAVY, _AGENT, _AGENT_SHORT = range(5)


def _banks() -> list[list[list[str]]]:
    resident = [[_positional(t) for t in pb.PHRASES[c]] for c in MOTIVE_CODES]
    resident.append([_positional(t) for t in pb.VAGUE_PHRASES])
    agent = [[_positional(t) for t in pb.AGENT_PHRASES[c]] for c in MOTIVE_CODES]
    agent.append([_positional(t) for t in pb.VAGUE_AGENT_PHRASES])
    return [
        resident,
        [[_SMS_LIGHT(t) for t in ts] for ts in resident],
        [[_SMS_HEAVY(t) for t in ts] for ts in resident],
        agent,
        [[_AGENT_ABBR(t) for t in ts] for ts in agent],
    ]


def _flatten(banks: list[list[list[str]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flat: list[str] = []
    offsets = np.zeros((len(banks), _N_MOTIVES + 1), dtype=np.int64)
    counts = np.zeros_like(offsets)
    for b, bank in enumerate(banks):
        for t, templates in enumerate(bank):
            offsets[b, t] = len(flat)
            counts[b, t] = len(templates)
            flat.extend(templates)
    return np.array(flat, dtype=object), offsets, counts


_TEMPLATES, _OFFSETS, _COUNTS = _flatten(_banks())
_NEEDS_FORMAT = np.array(["{" in t for t in _TEMPLATES], dtype=bool)
# The same templates without a leading "Bonjour," or "Madame, Monsieur,": used when the text
# already opens with a greeting or an agent's formula, and for the second need of a request.
_ADDRESS_RE = re.compile(
    r"^(?:bonjour|bjr|bonsoir|madame, monsieur|madame|monsieur)\b[ ,.]*", re.IGNORECASE
)
_TEMPLATES_BARE = np.array([_ADDRESS_RE.sub("", t) or t for t in _TEMPLATES], dtype=object)


def _lower_first(text: str) -> str:
    """Lower-case the first letter, except in acronyms ("AAH") and "France Travail"."""
    if text[1:2].isupper() or text.startswith("France"):
        return text
    return text[:1].lower() + text[1:]


# A second need follows a connector ("et aussi je voudrais..."): no greeting, lower case.
_TEMPLATES_SECOND = np.array([_lower_first(t) for t in _TEMPLATES_BARE], dtype=object)


def _arr(values: Sequence[str]) -> np.ndarray:
    return np.array(list(values), dtype=object)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_SLOT_POOLS = [_arr(pb.SLOT_POOLS[name]) for name in pb.SLOTS]
_CONTEXT = _arr(_positional(t) for t in pb.CONTEXT_SNIPPETS)
_CONTEXT_CAP = _arr(_capitalise(t) for t in _CONTEXT)

# Joiners of two needs: separator + connector, precomputed.
_RES_SEPS = (", ", ". ", " ", " - ")
_AGENT_SEPS = (". ", ", ", " / ")


def _joiners(seps: Sequence[str]) -> np.ndarray:
    out = []
    for sep in seps:
        for conn in pb.CONNECTORS:
            c = _capitalise(conn) if sep.startswith(".") else conn
            out.append(f"{sep}{c} ")
    return _arr(out)


_JOIN_RES = _joiners(_RES_SEPS)
_JOIN_AGENT = _joiners(_AGENT_SEPS)

_PHONE_OPEN = _arr(o + " " for o in pb.AGENT_PHONE_OPENINGS)
_DESK_OPEN = _arr(o + " " for o in pb.AGENT_DESK_OPENINGS)
_INTERNAL_OPEN = _arr(o + " " for o in pb.AGENT_INTERNAL_OPENINGS)
_REPORTED_OPEN = _arr(o + " " for o in pb.AGENT_REPORTED_OPENINGS)
_AGENT_CLOSE = _arr(" " + c for c in pb.AGENT_CLOSINGS)
_TIMESTAMPS = _arr(t + sep for t in pb.AGENT_TIMESTAMPS for sep in (" - ", " ", " : "))
_GREETINGS = _arr(g + sep for g in pb.EMAIL_GREETINGS for sep in ("\n\n", "\n\n", "\n"))
_POLITE = _arr(sep + p for p in pb.EMAIL_POLITE for sep in (" ", "\n", "\n\n"))
_CLOSINGS = _arr("\n\n" + c for c in pb.EMAIL_CLOSINGS)
_SIGN_SEPS = _arr((",\n", "\n", ", ", ",\n"))
_NAMES = _arr(pb.SIGNATURE_NAMES)
_FOOTERS = _arr("\n\n" + f for f in pb.EMAIL_FOOTERS)
_LETTER_HEADERS = _arr(
    f"{pb.TOWN}, {d}\n\n" for d in pb.DATES if d.startswith("le ") and len(d) > 5
)
_SUBJECTS = _arr(s + "\n\n" for s in pb.LETTER_SUBJECTS)
_SALUTATIONS = _arr(s + "\n\n" for s in pb.LETTER_SALUTATIONS)
_LETTER_OPEN = _arr(o + " " for o in pb.LETTER_OPENINGS)
_LETTER_CLOSE = _arr("\n\n" + c + sep for c in pb.LETTER_CLOSINGS for sep in ("\n\n", "\n"))
_FORM_PREFIX = _arr(pb.FORM_PREFIXES)
_FORM_SUFFIX = _arr(pb.FORM_SUFFIXES)
_SMS_GREET = _arr(pb.SMS_GREETINGS)
_SMS_SUFFIX = _arr(pb.SMS_SUFFIXES)
_PUNCT_ARR = [_arr(p) for p in _PUNCT]


def _cause_banks() -> dict[tuple[int, int, bool], np.ndarray]:
    """Shock clauses by (bank, shock, with an amount): banks 0 resident, 1 SMS, 2 agent."""
    out = {}
    for j, shock in enumerate(SHOCKS):
        for with_amount in (True, False):
            resident = [_positional(t) for t in pb.SHOCK_CLAUSES[shock][0 if with_amount else 1]]
            agent = [_positional(t) for t in pb.AGENT_SHOCK_CLAUSES[shock][0 if with_amount else 1]]
            out[0, j, with_amount] = _arr(resident)
            out[1, j, with_amount] = _arr(_SMS_LIGHT(t) for t in resident)
            out[2, j, with_amount] = _arr(agent)
    return out


_CAUSES = _cause_banks()
_MONTANT = _SLOT_INDEX["montant"]


def _amount_text(euros: float, u: float) -> str:
    """An amount written as people write it: "450 €", "450e", "1 250 euros"..."""
    value = int(euros)
    k = int(u * (len(pb.AMOUNT_FORMATS) + 2))
    if k < len(pb.AMOUNT_FORMATS):
        return pb.AMOUNT_FORMATS[k].format(value)
    grouped = f"{value:,}".replace(",", " ")
    return f"{grouped} €" if k == len(pb.AMOUNT_FORMATS) else f"{grouped} euros"


# --------------------------------------------------------------------------------------------
# Noise
# --------------------------------------------------------------------------------------------

_ACCENTS = str.maketrans(
    {
        **dict.fromkeys("àâäá", "a"),
        **dict.fromkeys("éèêë", "e"),
        **dict.fromkeys("îïí", "i"),
        **dict.fromkeys("ôöó", "o"),
        **dict.fromkeys("ùûüú", "u"),
        **dict.fromkeys("ÀÂÄ", "A"),
        **dict.fromkeys("ÉÈÊË", "E"),
        **dict.fromkeys("ÎÏ", "I"),
        **dict.fromkeys("ÔÖ", "O"),
        **dict.fromkeys("ÙÛÜ", "U"),
        "ç": "c",
        "Ç": "C",
        "ÿ": "y",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)


def _azerty_neighbours() -> dict[str, str]:
    rows = ("azertyuiop", "qsdfghjklm", "wxcvbn")
    out: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            near = []
            for rr, cc in ((r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1),
                           (r + 1, c)):  # fmt: skip
                if 0 <= rr < len(rows) and 0 <= cc < len(rows[rr]):
                    near.append(rows[rr][cc])
            out[ch] = "".join(near)
    return out


_NEIGHBOURS = _azerty_neighbours()


def _typo(text: str, kind: int, u_pos: float, u_key: float) -> str:
    """One keyboard slip on a letter: 0 neighbour key, 1 dropped, 2 doubled, 3 swapped."""
    n = len(text)
    if n < 3:
        return text
    p = int(u_pos * n)
    for _ in range(n):
        if text[p].isalpha():
            break
        p = p + 1 if p + 1 < n else 0
    else:
        return text
    ch = text[p]
    if kind == 0:
        near = _NEIGHBOURS.get(ch.lower())
        if near:
            new = near[int(u_key * len(near))]
            return text[:p] + (new.upper() if ch.isupper() else new) + text[p + 1 :]
        kind = 2
    if kind == 1:
        return text[:p] + text[p + 1 :]
    if kind == 2:
        return text[:p] + ch + text[p:]
    if p + 1 < n and text[p + 1] != ch and text[p + 1].isalpha():
        return text[:p] + text[p + 1] + ch + text[p + 2 :]
    return text[:p] + text[p + 1 :]


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _pick(pool: np.ndarray, u: np.ndarray) -> np.ndarray:
    return pool[(u * len(pool)).astype(np.int64)]


class _Draws:
    """Hands out independent uniform columns of one (rows, k) block, in a fixed order."""

    def __init__(self, block: np.ndarray) -> None:
        self._block = block
        self._next = 0

    def __call__(self) -> np.ndarray:
        if self._next >= self._block.shape[1]:
            raise RuntimeError("more draws than _N_DRAWS: raise the constant")
        col = self._block[:, self._next]
        self._next += 1
        return col


_N_DRAWS = 52


def _render_chunk(
    motive: np.ndarray,
    second: np.ndarray,
    vague: np.ndarray,
    channel: np.ndarray,
    cause: np.ndarray,
    amount: np.ndarray,
    rng: np.random.Generator,
) -> tuple[list[str], np.ndarray, list[bool], list[bool]]:
    m = len(motive)
    u = _Draws(rng.random((m, _N_DRAWS)))  # every random number of the chunk, drawn at once

    # Style, from the channel.
    style = (_STYLE_CDF[channel] <= u()[:, None]).sum(axis=1).clip(0, len(STYLES) - 1)
    agent = style == NOTE_AGENT
    is_sms = style == SMS

    # Template bank: agents write their own notes, or report the resident's words; SMS
    # writers abbreviate more or less.
    ub = u()
    opening_kind = _OPENING_KIND[channel]
    reported = agent & (ub < 0.2) & (opening_kind < 2)  # internal reports are never quotes
    bank = np.full(m, _RES, dtype=np.int64)
    bank[agent & ~reported] = _AGENT
    bank[agent & (ub >= 0.6)] = _AGENT_SHORT
    bank[is_sms & (ub >= 0.15)] = _RES_SMS_LIGHT
    bank[is_sms & (ub >= 0.6)] = _RES_SMS_HEAVY

    text_motive = np.where(vague, _VAGUE, motive)
    idx1 = _OFFSETS[bank, text_motive] + (u() * _COUNTS[bank, text_motive]).astype(np.int64)
    two = ~vague & (second >= 0)
    second_motive = np.where(two, second, 0)
    idx2 = _OFFSETS[bank, second_motive] + (u() * _COUNTS[bank, second_motive]).astype(np.int64)
    swap = two & (u() < 0.5)
    idx1, idx2 = np.where(swap, idx2, idx1), np.where(swap, idx1, idx2)
    f1 = _NEEDS_FORMAT[idx1]
    t2 = np.where(two, _TEMPLATES_SECOND[idx2], None)
    f2 = _NEEDS_FORMAT[idx2]
    uj = u()
    joiner = np.where(agent, _pick(_JOIN_AGENT, uj), _pick(_JOIN_RES, uj))
    joiner = np.where(two, joiner, None)

    # Slot values, one draw per slot and row; a second phrase uses the previous row's.
    values = np.empty((m, len(_SLOT_POOLS)), dtype=object)
    for j, pool in enumerate(_SLOT_POOLS):
        values[:, j] = _pick(pool, u())

    # Noise.
    typo_on = u() < _P_TYPO[style]
    typo_kind = np.where(typo_on, (u() * 4).astype(np.int64), -1)
    typo_pos, typo_key = u(), u()
    typo2_on = typo_on & (u() < _P_SECOND_TYPO)
    typo2_kind = np.where(typo2_on, (u() * 4).astype(np.int64), -1)
    typo2_pos, typo2_key = u(), u()
    strip = u() < _P_STRIP[style]
    uc = u()
    case = np.where(uc < _P_LOWER_ALL[style], 1, 0)
    case[(uc >= _P_LOWER_ALL[style]) & (uc < _P_LOWER_ALL[style] + _P_UPPER_ALL[style])] = 2
    uf = u()
    cap = np.where(uf < _P_CAP_FIRST[style], 1, 0)
    cap[(uf >= _P_CAP_FIRST[style]) & (uf < _P_CAP_FIRST[style] + _P_LOWER_FIRST[style])] = 2
    no_space = u() < _P_NO_SPACE[style]
    ctx_on = u() < _P_CONTEXT[style]
    uctx, usep = u(), u()
    ctx = np.where(usep < 0.6, ". " + _pick(_CONTEXT_CAP, uctx), ", " + _pick(_CONTEXT, uctx))
    ctx = np.where(ctx_on, ctx, None)

    # The shock behind the request, stated after the need (in place of a context snippet),
    # with its amount in the clause and in every {montant} of the text.
    ucause, uamount = u(), u()
    stated = cause >= 0
    with_amount = stated & ~np.isnan(amount)
    for r in np.flatnonzero(with_amount):
        values[r, _MONTANT] = _amount_text(amount[r], uamount[r])
    cause_bank = np.where(agent, 2, np.where(is_sms, 1, 0))
    clause = np.full(m, None, dtype=object)
    for (b, j, w), pool in _CAUSES.items():
        sel = stated & (cause_bank == b) & (cause == j) & (with_amount == w)
        if sel.any():
            clause[sel] = _pick(pool, ucause[sel])
    if stated.any():
        full_stop = usep[stated] < 0.6
        text = clause[stated]
        ctx[stated] = np.where(
            full_stop,
            [". " + _capitalise(c) for c in text],
            [", " + c for c in text],
        )
    upunct = u()
    punct = np.empty(m, dtype=object)
    for s, pool in enumerate(_PUNCT_ARR):
        sel = style == s
        punct[sel] = _pick(pool, upunct[sel])

    # Head and tail of each style; draws are made for every row, used where the style applies.
    head = np.full(m, "", dtype=object)
    tail = np.full(m, "", dtype=object)
    h1, h2, h3, h4, h5, h6, h7 = (u() for _ in range(7))
    t1u, t2u, t3u, t4u, t5u, t6u, t7u, t8u = (u() for _ in range(8))

    sel = agent
    if sel.any():
        opening = np.where(opening_kind == 1, _pick(_PHONE_OPEN, h1), _pick(_DESK_OPEN, h1))
        opening = np.where(opening_kind == 2, _pick(_INTERNAL_OPEN, h1), opening)
        opening = np.where(reported, _pick(_REPORTED_OPEN, h2), opening)
        stamp = np.where(h3 < 0.15, _pick(_TIMESTAMPS, h4), "")
        head[sel] = (stamp + opening)[sel]
        tail[sel] = np.where(t1u < 0.45, _pick(_AGENT_CLOSE, t2u), "")[sel]

    sel = style == COURRIEL
    if sel.any():
        head[sel] = _pick(_GREETINGS, h1[sel])
        polite = np.where(t1u[sel] < 0.5, _pick(_POLITE, t2u[sel]), "")
        signature = np.where(
            t4u[sel] < 0.85, _pick(_SIGN_SEPS, t5u[sel]) + _pick(_NAMES, t6u[sel]), ""
        )
        footer = np.where(t7u[sel] < 0.08, _pick(_FOOTERS, t8u[sel]), "")
        tail[sel] = polite + _pick(_CLOSINGS, t3u[sel]) + signature + footer

    sel = style == FORMULAIRE
    if sel.any():
        head[sel] = np.where(h1[sel] < 0.25, _pick(_FORM_PREFIX, h2[sel]), "")
        tail[sel] = np.where(t1u[sel] < 0.25, _pick(_FORM_SUFFIX, t2u[sel]), "")

    sel = is_sms
    if sel.any():
        head[sel] = np.where(h1[sel] < 0.35, _pick(_SMS_GREET, h2[sel]), "")
        tail[sel] = np.where(t1u[sel] < 0.4, _pick(_SMS_SUFFIX, t2u[sel]), "")

    sel = style == COURRIER
    if sel.any():
        header = np.where(h1[sel] < 0.4, _pick(_LETTER_HEADERS, h2[sel]), "")
        subject = np.where(h3[sel] < 0.35, _pick(_SUBJECTS, h4[sel]), "")
        opening = np.where(h5[sel] < 0.6, _pick(_LETTER_OPEN, h6[sel]), "")
        head[sel] = header + subject + _pick(_SALUTATIONS, h7[sel]) + opening
        tail[sel] = _pick(_LETTER_CLOSE, t1u[sel]) + _pick(_NAMES, t2u[sel])

    # An agent's closing formula follows a full stop.
    punct[agent & (tail != "")] = "."
    t1 = np.where(head == "", _TEMPLATES[idx1], _TEMPLATES_BARE[idx1])

    # The per-row loop: format, join, add noise.
    rows = values.tolist()
    texts: list[str] = []
    has_typo = [False] * m
    stripped = [False] * m
    append = texts.append
    t1l, f1l, t2l, f2l, jl = t1.tolist(), f1.tolist(), t2.tolist(), f2.tolist(), joiner.tolist()
    capl, tkl, tpl, tkyl = cap.tolist(), typo_kind.tolist(), typo_pos.tolist(), typo_key.tolist()
    tk2l, tp2l, tky2l = typo2_kind.tolist(), typo2_pos.tolist(), typo2_key.tolist()
    ctxl, punctl, headl, taill = ctx.tolist(), punct.tolist(), head.tolist(), tail.tolist()
    nsl, stl, casel = no_space.tolist(), strip.tolist(), case.tolist()
    accents, typo = _ACCENTS, _typo
    for r in range(m):
        body = t1l[r].format(*rows[r]) if f1l[r] else t1l[r]
        c = capl[r]
        if c == 1:
            body = body[:1].upper() + body[1:]
        elif c == 2 and not body[1:2].isupper():
            body = body[:1].lower() + body[1:]
        k = tkl[r]
        if k >= 0:
            noisy = typo(body, k, tpl[r], tkyl[r])
            if tk2l[r] >= 0:
                noisy = typo(noisy, tk2l[r], tp2l[r], tky2l[r])
            if noisy != body:
                has_typo[r] = True
                body = noisy
        second_t = t2l[r]
        if second_t is not None:
            j = jl[r]
            if j[0] in ".," and body[-1] in "?!.":
                j = j[1:]
            body = body + j + (second_t.format(*rows[r - 1]) if f2l[r] else second_t)
        cx = ctxl[r]
        if cx is not None:
            if body[-1] in "?!.":
                cx = cx[1:]
            body = body + cx.format(*rows[r])
        if body[-1] not in ".?!:":
            body += punctl[r]
        text = headl[r] + body + taill[r]
        if nsl[r]:
            text = text.replace(" ?", "?").replace(" !", "!")
        if stl[r]:
            plain = text.translate(accents)
            if plain != text:
                stripped[r] = True
                text = plain
        cm = casel[r]
        if cm == 1:
            text = text.lower()
        elif cm == 2:
            text = text.upper()
        append(text)
    return texts, style.astype(np.int8), has_typo, stripped


def _as_int_array(name: str, values: np.ndarray, low: int, high: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < low or arr.max() > high):
        raise ValueError(f"{name} out of range [{low}, {high}]")
    return arr


def render_descriptions(
    motive: np.ndarray,
    second_motive: np.ndarray,
    vague: np.ndarray,
    channel: np.ndarray,
    rng: np.random.Generator,
    cause: np.ndarray | None = None,
    amount: np.ndarray | None = None,
) -> pd.DataFrame:
    """Render one French description per request.

    Args:
        motive: index into ``MOTIVES`` of each request's motive, shape (n,).
        second_motive: index into ``MOTIVES`` of a second need mentioned in the same request,
            or -1. Ignored on vague rows.
        vague: True when the text carries no motive (it is drawn from ``VAGUE_PHRASES``;
            ``motive`` then only stands for the ground truth, not the text).
        channel: index into ``vocabulary.CHANNELS`` of the intake channel; it decides the style.
        rng: the only source of randomness; the same generator state gives the same output.
        cause: index into ``motives.SHOCKS`` of the life shock the text states, or -1 (the
            default for every row). Ignored on vague rows.
        amount: euros the text gives for that shock, NaN for none (the default).

    Returns:
        A DataFrame with one row per request: ``description`` (str), ``style`` (categorical of
        ``STYLES``), ``has_typo`` (a keyboard typo changed the text) and ``accents_stripped``
        (accents were removed from a text that had some).
    """
    n_motives = len(MOTIVE_CODES)
    motive = _as_int_array("motive", motive, 0, n_motives - 1)
    second = _as_int_array("second_motive", second_motive, -1, n_motives - 1)
    channel = _as_int_array("channel", channel, 0, len(CHANNELS) - 1)
    vague = np.asarray(vague, dtype=bool)
    n = len(motive)
    cause = np.full(n, -1) if cause is None else _as_int_array("cause", cause, -1, len(SHOCKS) - 1)
    cause = np.where(vague, -1, cause)
    amount = np.full(n, np.nan) if amount is None else np.asarray(amount, dtype=np.float64)
    if not (len(second) == len(channel) == len(vague) == len(cause) == len(amount) == n):
        raise ValueError("every per-request array must have the same length")
    if vague.ndim != 1:
        raise ValueError("vague must be one-dimensional")

    # Each chunk's texts become a pandas string array at once: the Python strings of the
    # whole frame never live in memory together.
    texts: list[pd.Series] = []
    styles: list[np.ndarray] = []
    typos: list[np.ndarray] = []
    stripped: list[np.ndarray] = []
    for start in range(0, n, _CHUNK):
        end = min(start + _CHUNK, n)
        t, s, ty, st = _render_chunk(
            motive[start:end],
            second[start:end],
            vague[start:end],
            channel[start:end],
            cause[start:end],
            amount[start:end],
            rng,
        )
        texts.append(pd.Series(t, dtype=str))
        styles.append(s)
        typos.append(np.array(ty, dtype=bool))
        stripped.append(np.array(st, dtype=bool))
    description = pd.concat(texts, ignore_index=True) if texts else pd.Series([], dtype=str)
    codes = np.concatenate(styles) if styles else np.zeros(0, dtype=np.int8)
    has_typo = np.concatenate(typos) if typos else np.zeros(0, dtype=bool)
    accents_stripped = np.concatenate(stripped) if stripped else np.zeros(0, dtype=bool)
    return pd.DataFrame(
        {
            "description": description,
            "style": pd.Categorical.from_codes(codes, categories=list(STYLES)),
            "has_typo": has_typo,
            "accents_stripped": accents_stripped,
        }
    )
