"""The Arrow reading of a large batch equals the Python reference, text for text.

``features.text.normalise_text`` and the Python regular expressions of ``features.signals``
are the reference; ``normalise_arrow`` (and ``read_texts`` on a large batch) must give the
same normalised texts, needs and amounts, on the synthetic territory's texts and on cases
chosen to break it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import features.text as text_module
from features.signals import _AMOUNT, _COMPILED, NEEDS, _amounts_in, _largest_amounts, read_texts
from features.text import ARROW_BATCH, normalise_arrow, normalise_text, normalise_texts

ADVERSARIAL = [
    "",
    " ",
    "   \t\n  ",
    "a",
    "É",
    "ÉCOLE Élémentaire à Noël, où ça?",
    "e\u0301te\u0301 de\u0301compose\u0301",  # combining accents, decomposed
    "Œuvre, cœur, sœur, Æsir, æ, ß, ø, Ø, ł, Ł, đ, Đ",
    "ﬁnancement, ﬀ, ﬃ, ﬂ, ŉ, Ǆ, ǅ, ǆ, Ĳ",  # compatibility ligatures
    "l’école, l‘avis, l´eau, ʼok, «guillemets», “anglais”, „bas”",
    "İstanbul, ı, ſ, K (kelvin), Å (angström), µ, Ω",
    "x² + y³ = ½, ¼ ⅞ 1⁄2, ①②, ⑴, Ⅻ, ⅻ",
    "１２３ euros en pleine chasse, ＡＢＣ",  # fullwidth: NFKD gives ASCII digits
    "😀 j'ai faim 👍🏽 🇫🇷 👨‍👩‍👧 ❤️ ✔ ★",
    "Ελληνικά, Русский, עִבְרִית, العَرَبِيَّة, 中文, 한국어, ไทย",
    "tab\tnew\nline\rcarriage\x0bvt\x0cff\x1c\x1d\x1e\x1f end",
    "\x00nul\x7fdel",
    "loyer 450 € impayé",
    "loyer 450€ impayé",
    "loyer 450e impayé",
    "loyer 450 euros impayé",
    "loyer 450 euro impayé",
    "loyer 450eur impayé",
    "loyer 450 eu impayé",
    "loyer 1 200,50€ impayé",
    "loyer 1.200 € impayé",
    "loyer 87,60 EUR impayé",
    "dette de 1\u00a0250 € (espace insécable)",
    "dette de 1\u202f250,40€ (espace fine)",
    "dette de 12\u00a0345\u00a0678,9 euros",
    "dette 3 k€ et 3k euros et 12 K€",
    "€450 puis 450 €€ puis 45,5€ puis 45,555 €",
    "2e étage, 3e enfant, 12e arrondissement, 2ème fois, 1er avril, 1ère année, 20e siècle",
    "au 2e étage, 45e rue, 10e avenue, 3e relance, 2e rappel, 18e âge, 90e jour",
    "j'ai 45e de plus, il reste 120e, 3e",
    "le 12/03, le 15/03/2024, le 12-03-24, le 12.03.2024, le 2024-03-12, le 1er avril 2024",
    "lundi prochain, mardi dernier, mars 2024, en janv. 2025, 15 mars, aujourd'hui, auj",
    "mars lundi prochain, vendredi 12/03, juin 2024 ou dec. 2025, mai   2024",  # date runs
    "samedi 12 mars et dimanche 1er avril 2024, lundi14h, mardi-15/03, le 3 juin",
    "à 14h30, 14 h, 9h, 14:30, 25h, 14h75",
    "appelez le 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, "
    "0033 (0)6-12-34-56-78, +33612345678",
    "écrivez à Marie.Durand75@orange.fr ou sur https://www.service-public.fr/x?y=1 ou www.caf.fr",
    "_montant_ _date_ __ _x_ a_b _ _nombre_",
    "T3 au 2e, f2, t1:e, T7, t8, ft3, t3e",
    "bjr jsp pk ma demande de logment est tjrs pas traitée svp, rdv mme",
    "AUJOURD'HUI LUNDI PROCHAIN RDV SVP 450€",
    "12345678901234567890 3,14159 1.2.3.4 1,2,3",
    "+ +33 + 00 0033",
]


def _python_reading(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The reference reading: one text at a time, Python's regular expressions only."""
    normalised = [normalise_text(t) for t in texts]
    needs = np.zeros(len(texts), dtype=np.uint8)
    for k, need in enumerate(NEEDS):
        said = np.array([bool(_COMPILED[need].search(t)) for t in normalised], dtype=bool)
        needs |= said.astype(np.uint8) << np.uint8(k)
    amounts = _largest_amounts(texts, _AMOUNT.findall)
    return normalised, needs, amounts


def _assert_same_reading(texts: list[str]) -> None:
    assert len(texts) >= ARROW_BATCH  # the Arrow path
    normalised, needs, amounts = read_texts(np.asarray(texts, dtype=object))
    ref_normalised, ref_needs, ref_amounts = _python_reading(texts)
    diff = [(t, a, b) for t, a, b in zip(texts, normalised, ref_normalised, strict=True) if a != b]
    assert not diff, diff[:5]
    assert needs.tolist() == ref_needs.tolist()
    np.testing.assert_array_equal(amounts, ref_amounts)  # NaN where both state none


def test_arrow_reading_equals_python_on_the_small_territory(small_territory):
    texts = small_territory.requests["description"].dropna().unique().tolist()
    _assert_same_reading(texts)
    # Enough to matter: amounts, needs and every entity kind occur.
    normalised = normalise_arrow(pa.array(texts)).to_pylist()
    for placeholder in ("_montant_", "_date_", "_heure_", "_nombre_"):
        assert any(placeholder in t for t in normalised)


def test_arrow_reading_equals_python_on_adversarial_texts(monkeypatch):
    monkeypatch.setattr(text_module, "ARROW_CHUNK", 7)  # many chunks, on two threads
    texts = ADVERSARIAL * (ARROW_BATCH // len(ADVERSARIAL) + 1)
    _assert_same_reading(texts)
    assert normalise_texts(texts) == [normalise_text(t) for t in texts]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_each_adversarial_text_alone(text):
    assert normalise_arrow(pa.array([text])).to_pylist() == [normalise_text(text)]


def test_amounts_of_the_adversarial_texts():
    got = read_texts(np.asarray(ADVERSARIAL * 50, dtype=object))[2][: len(ADVERSARIAL)]
    stated = dict(zip(ADVERSARIAL, got, strict=True))
    assert stated["dette de 1\u00a0250 € (espace insécable)"] == 1250.0
    assert stated["dette de 1\u202f250,40€ (espace fine)"] == 1250.4
    assert stated["loyer 87,60 EUR impayé"] == 87.6
    assert stated["j'ai 45e de plus, il reste 120e, 3e"] == 120.0
    assert np.isnan(
        stated["au 2e étage, 45e rue, 10e avenue, 3e relance, 2e rappel, 18e âge, 90e jour"]
    )


def test_every_character_folds_as_in_python():
    """Each code point alone and inside a word (surrogates cannot be Arrow strings)."""
    points = [*range(0x80, 0xD800), *range(0xE000, 0x32000), *range(0xE0000, 0xE0080)]
    texts = [chr(p) for p in points] + [f"a{chr(p)}b1" for p in points[::7]]
    got = normalise_arrow(pa.array(texts)).to_pylist()
    diff = [(t, a) for t, a in zip(texts, got, strict=True) if a != normalise_text(t)]
    assert not diff, diff[:5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=30))
def test_arrow_equals_python_on_arbitrary_text(texts):
    assert normalise_arrow(pa.array(texts)).to_pylist() == [normalise_text(t) for t in texts]


def test_texts_arrow_cannot_hold_take_the_python_path():
    lone = ["caf\udce9 450 €"] * ARROW_BATCH  # a lone surrogate: not valid UTF-8
    assert normalise_texts(lone) == [normalise_text(lone[0])] * ARROW_BATCH
    with pytest.raises(TypeError):
        normalise_texts(["ok"] * ARROW_BATCH + [None])


AMOUNT_PIECES = st.sampled_from(
    ["1", "12", "450", "1 250", "1\u00a0250", "1\u202f250", "1.250", ",5", ",50", ",555", " ",
     "  ", "€", "e", "E", "eur", "EUROS", "euro", "k", "é", "étage", "2e", "a", "_", ".", ",",
     "x", "3e enfant", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNT_PIECES, max_size=25).map("".join))
def test_amounts_found_at_digits_equal_python_findall(text):
    found = [(units, cents or "") for units, cents in _amounts_in(text)]
    assert found == _AMOUNT.findall(text)
