"""The French request-text generator of the synthetic territory (phrasebank + renderer)."""

from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
import pandas as pd
import pytest

from features.synth import phrasebank as pb
from features.synth.motives import MOTIVE_CODES, MOTIVES
from features.synth.texts import STYLES, render_descriptions
from features.vocabulary import CHANNELS

N_ROWS = 20_000


def normalise(text: str) -> str:
    """Case-folded, accent-free, single-spaced, no space before ? ! : ; (the renderer's
    noise varies exactly these)."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = text.encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([?!:;])", r"\1", text).strip()


def keyword_pattern(keywords) -> re.Pattern[str]:
    """Whole-word match of any keyword, with an optional e/s/es/x ending."""
    alternatives = "|".join(re.escape(normalise(k)) for k in keywords)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e|s|es|x)?(?!\w)")


ALL_KEYWORDS = keyword_pattern(k for ks in pb.MOTIVE_KEYWORDS.values() for k in ks)


def _inputs(n: int, seed: int, *, p_vague: float = 0.1, p_second: float = 0.15):
    g = np.random.default_rng(seed)
    motive = g.integers(0, len(MOTIVES), n)
    vague = g.random(n) < p_vague
    second = np.where((g.random(n) < p_second) & ~vague, g.integers(0, len(MOTIVES), n), -1)
    channel = g.integers(0, len(CHANNELS), n)
    return motive, second, vague, channel


@pytest.fixture(scope="module")
def rendered():
    motive, second, vague, channel = _inputs(N_ROWS, seed=2024)
    df = render_descriptions(motive, second, vague, channel, np.random.default_rng(42))
    inputs = pd.DataFrame({"motive": motive, "second": second, "vague": vague, "channel": channel})
    return inputs, df


# --- phrasebank --------------------------------------------------------------------------------


def _all_templates() -> list[str]:
    out = [t for ts in pb.PHRASES.values() for t in ts]
    out += [t for ts in pb.AGENT_PHRASES.values() for t in ts]
    return out + list(pb.VAGUE_PHRASES) + list(pb.VAGUE_AGENT_PHRASES) + list(pb.CONTEXT_SNIPPETS)


def test_every_motive_has_at_least_12_distinct_phrasings():
    assert set(pb.PHRASES) == set(MOTIVE_CODES)
    assert set(pb.AGENT_PHRASES) == set(MOTIVE_CODES)
    assert set(pb.MOTIVE_KEYWORDS) == set(MOTIVE_CODES)
    for code in MOTIVE_CODES:
        assert len(set(pb.PHRASES[code])) >= 12, code
        assert len(set(pb.PHRASES[code])) == len(pb.PHRASES[code]), f"duplicate in {code}"
        assert pb.AGENT_PHRASES[code], code
    assert len(set(pb.VAGUE_PHRASES)) >= 15
    assert len(pb.CONNECTORS) >= 3


def test_every_slot_used_in_a_phrasing_is_fillable():
    formatter = string.Formatter()
    used: set[str] = set()
    for template in _all_templates():
        for _, field, spec, conversion in formatter.parse(template):
            if field is None:
                continue
            assert field in pb.SLOT_POOLS, f"unknown slot {{{field}}} in {template!r}"
            assert not spec and not conversion, template
            used.add(field)
        filled = template.format(**{k: v[0] for k, v in pb.SLOT_POOLS.items()})
        assert "{" not in filled and "}" not in filled
    for name, pool in pb.SLOT_POOLS.items():
        assert pool, name
        assert all(v and "{" not in v and "}" not in v for v in pool), name
    assert used == set(pb.SLOT_POOLS), f"pools never used: {set(pb.SLOT_POOLS) - used}"


def test_amounts_are_written_in_several_ways():
    forms = " | ".join(pb.MONTANTS)
    for form in ("450 €", "450e", "450 euros", "450,50 €"):
        assert form in forms


def test_vague_material_carries_no_motive_keyword():
    neutral = (
        *pb.VAGUE_PHRASES, *pb.VAGUE_AGENT_PHRASES, *pb.CONTEXT_SNIPPETS, *pb.SIGNATURE_NAMES,
        *pb.EMAIL_GREETINGS, *pb.EMAIL_POLITE, *pb.EMAIL_CLOSINGS, *pb.AGENT_PHONE_OPENINGS,
        *pb.AGENT_DESK_OPENINGS, *pb.AGENT_REPORTED_OPENINGS, *pb.AGENT_CLOSINGS,
        *pb.LETTER_SALUTATIONS, *pb.LETTER_SUBJECTS, *pb.LETTER_OPENINGS, *pb.LETTER_CLOSINGS,
        *pb.FORM_PREFIXES, *pb.FORM_SUFFIXES, *pb.SMS_GREETINGS, *pb.SMS_SUFFIXES, *pb.DATES,
    )  # fmt: skip
    for text in neutral:
        hit = ALL_KEYWORDS.search(normalise(text))
        assert hit is None, f"{text!r} contains keyword {hit.group(0)!r}"


# --- renderer: contract ------------------------------------------------------------------------


def test_output_columns_and_types(rendered):
    _, df = rendered
    assert list(df.columns) == ["description", "style", "has_typo", "accents_stripped"]
    assert len(df) == N_ROWS
    assert isinstance(df["style"].dtype, pd.CategoricalDtype)
    assert tuple(df["style"].cat.categories) == STYLES
    assert df["has_typo"].dtype == bool and df["accents_stripped"].dtype == bool
    assert all(isinstance(d, str) and d.strip() for d in df["description"])


def test_rendering_is_deterministic_for_a_seed_and_varies_across_seeds():
    motive, second, vague, channel = _inputs(3_000, seed=5)
    first = render_descriptions(motive, second, vague, channel, np.random.default_rng(9))
    again = render_descriptions(motive, second, vague, channel, np.random.default_rng(9))
    other = render_descriptions(motive, second, vague, channel, np.random.default_rng(10))
    pd.testing.assert_frame_equal(first, again)
    assert "\x00".join(first["description"]).encode() == "\x00".join(again["description"]).encode()
    assert (first["description"] != other["description"]).mean() > 0.5


def test_second_motive_is_ignored_on_vague_rows():
    motive, _, _, channel = _inputs(2_000, seed=6)
    vague = np.ones(len(motive), dtype=bool)
    second = np.random.default_rng(3).integers(0, len(MOTIVES), len(motive))
    with_second = render_descriptions(motive, second, vague, channel, np.random.default_rng(1))
    without = render_descriptions(
        motive, np.full(len(motive), -1), vague, channel, np.random.default_rng(1)
    )
    pd.testing.assert_frame_equal(with_second, without)


def test_empty_input_gives_an_empty_frame():
    empty = np.zeros(0, dtype=np.int64)
    df = render_descriptions(empty, empty, empty.astype(bool), empty, np.random.default_rng(0))
    assert len(df) == 0
    assert list(df.columns) == ["description", "style", "has_typo", "accents_stripped"]


@pytest.mark.parametrize(
    "motive, second, channel",
    [
        ([0, 1], [-1], [0, 0]),  # lengths differ
        ([0, len(MOTIVES)], [-1, -1], [0, 0]),  # motive out of range
        ([0, 1], [-2, -1], [0, 0]),  # second motive out of range
        ([0, 1], [-1, -1], [0, len(CHANNELS)]),  # channel out of range
    ],
)
def test_invalid_inputs_are_rejected(motive, second, channel):
    with pytest.raises(ValueError):
        render_descriptions(
            np.array(motive),
            np.array(second),
            np.zeros(len(motive), dtype=bool),
            np.array(channel),
            np.random.default_rng(0),
        )


# --- renderer: content -------------------------------------------------------------------------


def test_no_slot_left_unfilled(rendered):
    _, df = rendered
    assert not df["description"].str.contains(r"[{}]", regex=True).any()


def test_descriptions_are_mostly_distinct(rendered):
    _, df = rendered
    assert df["description"].nunique() / len(df) > 0.5


def test_noise_rates(rendered):
    _, df = rendered
    assert 0.08 <= df["has_typo"].mean() <= 0.35
    assert 0.15 <= df["accents_stripped"].mean() <= 0.5
    resident = df["style"] != "note_agent"
    # Agents write cleaner notes than residents.
    assert df.loc[resident, "has_typo"].mean() > 2 * df.loc[~resident, "has_typo"].mean()
    assert (
        df.loc[resident, "accents_stripped"].mean()
        > 2 * df.loc[~resident, "accents_stripped"].mean()
    )


def test_style_follows_channel(rendered):
    inputs, df = rendered
    channel = inputs["channel"].map(dict(enumerate(CHANNELS)))
    by_channel = pd.crosstab(channel, df["style"], normalize="index")
    assert by_channel.loc["courriel", "courriel"] == 1.0
    assert by_channel.loc["courrier", "courrier"] == 1.0
    assert by_channel.loc["guichet", "note_agent"] > 0.8
    assert by_channel.loc["telephone", "note_agent"] > 0.8
    assert by_channel.loc["formulaire_web", "formulaire"] > 0.7
    assert by_channel.loc["application", "sms"] > 0.4
    # Letters and e-mails span several lines; form and SMS texts do not.
    lines = df["description"].str.count("\n")
    assert (lines[df["style"].isin(["courriel", "courrier"])] >= 2).all()
    assert (lines[df["style"].isin(["formulaire", "sms", "note_agent"])] == 0).all()


def test_every_courriel_row_opens_with_a_greeting(rendered):
    inputs, df = rendered
    greetings = {normalise(g) for g in pb.EMAIL_GREETINGS}
    emails = df.loc[inputs["channel"] == CHANNELS.index("courriel"), "description"]
    assert len(emails) > 1000
    first_lines = emails.str.split("\n").str[0].map(normalise)
    assert first_lines.isin(greetings).all(), first_lines[~first_lines.isin(greetings)].head()


def test_letters_close_formally(rendered):
    _, df = rendered
    closings = [normalise(c) for c in pb.LETTER_CLOSINGS]
    letters = df.loc[df["style"] == "courrier", "description"].map(normalise)
    assert letters.map(lambda t: any(c in t for c in closings)).all()


def test_agent_notes_use_agent_formulas(rendered):
    _, df = rendered
    openings = [
        normalise(o)
        for o in (
            *pb.AGENT_PHONE_OPENINGS,
            *pb.AGENT_DESK_OPENINGS,
            *pb.AGENT_REPORTED_OPENINGS,
            *pb.AGENT_INTERNAL_OPENINGS,
        )
    ]
    notes = df.loc[df["style"] == "note_agent", "description"].map(normalise)
    assert notes.map(lambda t: any(o in t for o in openings)).all()


def test_sms_texts_are_abbreviated(rendered):
    _, df = rendered
    short = re.compile(
        r"(?<!\w)(?:svp|stp|bjr|slt|bsr|pr|rdv|mrc|bcp|ds|jai|jsp|qd|pk|tt|vs)(?!\w)"
    )
    sms = df.loc[df["style"] == "sms", "description"].map(normalise)
    assert sms.map(lambda t: bool(short.search(t))).mean() > 0.4


def test_two_need_rows_contain_a_connector(rendered):
    inputs, df = rendered
    connectors = [normalise(c) for c in pb.CONNECTORS]
    two = df.loc[inputs["second"] >= 0, "description"].map(normalise)
    assert len(two) > 1000
    missing = two[~two.map(lambda t: any(c in t for c in connectors))]
    assert missing.empty, missing.head().tolist()


def test_two_need_rows_mention_both_motives(rendered):
    inputs, df = rendered
    patterns = [keyword_pattern(pb.MOTIVE_KEYWORDS[c]) for c in MOTIVE_CODES]
    two = inputs["second"] >= 0
    texts = df.loc[two, "description"].map(normalise)
    both = [
        bool(patterns[m].search(t)) and bool(patterns[s].search(t))
        for m, s, t in zip(inputs.loc[two, "motive"], inputs.loc[two, "second"], texts, strict=True)
    ]
    assert np.mean(both) > 0.6


def test_vague_rows_carry_no_motive_keyword(rendered):
    inputs, df = rendered
    # A typo can forge a keyword by accident ("m'adresser" -> "m'adresse"): only clean rows.
    vague = inputs["vague"] & ~df["has_typo"]
    assert vague.sum() > 1000
    texts = df.loc[vague, "description"].map(normalise)
    hits = texts[texts.map(lambda t: ALL_KEYWORDS.search(t) is not None)]
    assert hits.empty, hits.head().tolist()


def test_motive_texts_carry_their_motive_keywords(rendered):
    inputs, df = rendered
    single = ~inputs["vague"] & (inputs["second"] < 0)
    texts = df["description"].map(normalise)
    for i, code in enumerate(MOTIVE_CODES):
        pattern = keyword_pattern(pb.MOTIVE_KEYWORDS[code])
        rows = texts[single & (inputs["motive"] == i)]
        assert len(rows) > 200, code
        share = rows.map(lambda t, p=pattern: p.search(t) is not None).mean()
        assert share > 0.7, f"{code}: only {share:.0%} of its texts carry one of its keywords"


def test_no_contact_details_leak(rendered):
    _, df = rendered
    text = "\n".join(df["description"])
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), "e-mail address in output"
    assert not re.search(r"(?<!\d)0[1-9](?:[ .]?\d{2}){4}(?!\d)", text), "phone number in output"
