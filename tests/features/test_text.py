"""French text normalisation: real-looking messages, properties, privacy."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from features.text import (
    PLACEHOLDERS,
    WORD_REWRITES,
    _fold,
    _words,
    normalise_text,
    normalise_texts,
)

# scikit-learn's default TfidfVectorizer token_pattern.
TFIDF_TOKENS = re.compile(r"(?u)\b\w\w+\b")


def tokens(text: str) -> list[str]:
    return TFIDF_TOKENS.findall(normalise_text(text))


# --- real-looking messages -------------------------------------------------------------------


def test_email_with_greeting_and_signature() -> None:
    text = (
        "Bonjour Madame,\n\n"
        "Je me permets de vous écrire car j’ai reçu une facture de cantinne de 87,60 € pour "
        "mon fils (CM1) alors que j'avais signalé son absence du 12/03 au 15/03/2024.\n"
        "Pouvez-vous me rappeler au 06 12 34 56 78 ou m’écrire à marie.durand75@orange.fr ?\n\n"
        "Bien cordialement,\nMarie Durand\n12 rue des Lilas, 69003 Lyon"
    )
    assert normalise_text(text) == (
        "bonjour madame je me permets de vous ecrire car j ai recu une facture de cantine de "
        "_montant_ pour mon fils cm _nombre_ alors que j avais signale son absence du _date_ "
        "au _date_ pouvez vous me rappeler au _telephone_ ou m ecrire a _courriel_ "
        "bien cordialement marie durand _nombre_ rue des lilas _nombre_ lyon"
    )


def test_sms_style_message() -> None:
    text = "bjr jsp pk ma demande de logment est tjrs pas traitée, rdv lundi prochain 14h30 svp"
    assert normalise_text(text) == (
        "bonjour je ne sais pas pourquoi ma demande de logement est toujours pas traitee "
        "rendez vous _date_ _heure_ s il vous plait"
    )


def test_agent_note() -> None:
    text = (
        "RDV honoré le 3 février avec Mme D. : dette EDF 1 250,40€, FSL à monter, "
        "relance bailleur le 10/02. Famille de 4 enfants, T3 au 2e étage, humiditer."
    )
    assert normalise_text(text) == (
        "rendez vous honore le _date_ avec madame d dette edf _montant_ fsl a monter relance "
        "bailleur le _date_ famille de _nombre_ enfants t3 au _nombre_ etage humidite"
    )


@pytest.mark.parametrize(
    "text",
    [
        "450 €",
        "450€",
        "450e",
        "450 euros",
        "450 euro",
        "450eur",
        "1 200,50€",
        "1.200 €",
        "87,60 EUR",
    ],
)
def test_amounts(text: str) -> None:
    assert normalise_text(f"loyer {text} impayé") == "loyer _montant_ impaye"


@pytest.mark.parametrize(
    "text",
    ["12/03", "12/03/2024", "12-03-24", "12.03.2024", "2024-03-12", "15 mars", "1er avril 2024",
     "15 Février", "mars 2024", "lundi 15 mars", "lundi prochain", "vendredi dernier"],
)  # fmt: skip
def test_dates(text: str) -> None:
    assert normalise_text(f"depuis le {text} rien") == "depuis le _date_ rien"


@pytest.mark.parametrize("text", ["14h30", "14h", "9 h 15", "14:30"])
def test_times(text: str) -> None:
    assert normalise_text(f"passage à {text} demain") == "passage a _heure_ demain"


def test_ordinals_and_durations_are_numbers_not_amounts() -> None:
    assert normalise_text("12e arrondissement, 3e étage, 2ème enfant, 1er") == (
        "_nombre_ arrondissement _nombre_ etage _nombre_ enfant _nombre_"
    )
    assert normalise_text("sous 48h") == "sous _nombre_ h"


def test_case_accents_ligatures_quotes() -> None:
    assert normalise_text("ŒUVRE Cœur «Ça» l’école AUJOURD’HUI Ægis") == (
        "oeuvre coeur ca l ecole aujourdhui aegis"
    )


def test_links_are_replaced() -> None:
    assert normalise_text("voir https://www.caf.fr/x?id=12 ou www.ameli.fr.") == (
        "voir _lien_ ou _lien_"
    )


def test_placeholders_survive_the_tfidf_tokenizer_without_colliding() -> None:
    found = tokens("Montant : 450 € le 12/03 à 14h, tel 0612345678, a@b.fr, 7 fois")
    assert found == [
        "montant", "_montant_", "le", "_date_", "_heure_", "tel", "_telephone_", "_courriel_",
        "_nombre_", "fois",
    ]  # fmt: skip


def test_typed_underscores_do_not_forge_tokens() -> None:
    assert normalise_text("mon_dossier x_montant_") == "mon dossier x montant"


def test_word_rewrites_are_normalised_fixed_points() -> None:
    for source, target in WORD_REWRITES.items():
        assert normalise_text(source) == target, source
        assert normalise_text(target) == target, target


@settings(max_examples=300)
@given(st.one_of(st.text(st.characters(max_codepoint=127), max_size=80), st.text(max_size=80)))
@example("Loyer: 450_€ (t3), l'été!\t\n__ _date_ a--b")
def test_words_are_the_runs_a_punctuation_pattern_leaves(text: str) -> None:
    folded = _fold(text)
    assert _words(folded) == re.sub(r"[^a-z0-9_]+", " ", folded, flags=re.ASCII).split()


def test_non_str_is_rejected() -> None:
    with pytest.raises(TypeError):
        normalise_text(None)  # type: ignore[arg-type]


# --- properties --------------------------------------------------------------------------

FRENCH_ISH = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzéèêàçùôœ ÉÀ0123456789 ,.;:/-_'’@+()€h\n")
    ),
    max_size=120,
)
WORDS = st.sampled_from(
    ["mars", "lundi", "prochain", "rdv", "svp", "le", "_date_", "_montant_", "euros", "h", "t3",
     "aujourd'hui", "12", "06", "+33", "1er", "e", "www.", "://", "@", "_", "2024", "450€", "t1",
     ":", "k", "15", "/", "-", "03", "2", "f7", "00"]
)  # fmt: skip
SENTENCES = st.lists(WORDS, max_size=15).map(" ".join)


@settings(max_examples=400)
@given(st.one_of(st.text(max_size=80), FRENCH_ISH, SENTENCES))
@example("T1:E")  # a housing type followed by "e" once became an amount on the second pass
def test_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.lists(st.one_of(FRENCH_ISH, SENTENCES), max_size=20))
def test_batch_equals_single(texts: list[str]) -> None:
    single = [normalise_text(t) for t in texts]
    assert normalise_texts(texts) == single
    series = pd.Series(texts, index=range(100, 100 + len(texts)), name="description")
    out = normalise_texts(series)
    assert out.tolist() == single
    assert out.index.equals(series.index)
    assert out.name == "description"


def _phone(digits: list[int], style: int) -> str:
    pairs = [f"{digits[i]}{digits[i + 1]}" for i in range(0, 8, 2)]
    lead = digits[8] % 9 + 1
    if style == 0:
        return f"0{lead} " + " ".join(pairs)
    if style == 1:
        return f"0{lead}." + ".".join(pairs)
    if style == 2:
        return f"0{lead}" + "".join(pairs)
    if style == 3:
        return f"+33 {lead} " + " ".join(pairs)
    if style == 4:
        return f"+33{lead}" + "".join(pairs)
    return f"0033 (0){lead}-" + "-".join(pairs)


@given(
    st.lists(st.integers(0, 9), min_size=9, max_size=9),
    st.integers(0, 5),
    st.sampled_from(["appelez le", "tel:", "mon numéro", "(", "joignable au"]),
    st.sampled_from(["", ".", " merci", ")", " ou le soir"]),
)
def test_phone_numbers_never_survive(digits: list[int], style: int, before: str, after: str):
    out = normalise_text(f"{before} {_phone(digits, style)}{after}")
    assert "_telephone_" in out.split()
    assert not re.search(r"[0-9]", out)


LOCAL = st.from_regex(r"[a-z][a-z0-9._\-]{0,15}[a-z0-9]", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9\-]{0,10}\.(fr|com|org|gouv\.fr)", fullmatch=True)


@given(LOCAL, DOMAIN, st.booleans())
def test_email_addresses_never_survive(local: str, domain: str, upper: bool) -> None:
    address = f"{local}@{domain}"
    text = f"écrivez-moi à {address.upper() if upper else address}, merci"
    out = normalise_text(text)
    assert out == "ecrivez moi a _courriel_ merci"


def test_every_placeholder_is_one_tfidf_token() -> None:
    for name in PLACEHOLDERS:
        assert TFIDF_TOKENS.findall(f"_{name}_") == [f"_{name}_"]


def test_fast_enough() -> None:
    text = (
        "Bonjour Madame, j'ai une facture de 450 € à payer avant le 12/03/2024, appelez-moi au "
        "06 12 34 56 78 ou jean.dupont75@free.fr. slt jsp pk ma demande de logemen est tjrs pas"
    )
    texts = [f"{text} {i}" for i in range(20_000)]
    start = time.perf_counter()
    normalise_texts(texts)
    # About 0.5 s on a laptop; the bound only catches a pathological regression.
    assert time.perf_counter() - start < 5
