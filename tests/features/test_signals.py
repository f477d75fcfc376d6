"""What a request says: the lexicons catch real-looking phrasings, amounts are read back."""

from __future__ import annotations

import numpy as np
import pytest

from features.signals import (
    NEEDS,
    need_flags,
    need_mask,
    need_signals,
    read_texts,
    stated_amounts,
)
from features.text import normalise_text

EXAMPLES = [
    ("J'ai reçu un commandement de payer de mon bailleur", "housing_debt"),
    ("Risque d'expulsion, l'huissier est passé hier", "housing_debt"),
    ("EDF menace de couper l'électricité", "energy"),
    ("On n'a plus de chauffage depuis une semaine", "energy"),
    ("J'ai été licencié le mois dernier", "income_loss"),
    ("Inscrit à France Travail, plus de revenus", "income_loss"),
    ("Je suis séparée et seule avec mes trois enfants", "family_rupture"),
    ("Mon fils est hospitalisé, je dois faire un dossier MDPH", "health"),
    ("Nous n'avons plus rien à manger, besoin d'un colis alimentaire", "food_money"),
]


@pytest.mark.parametrize(("text", "need"), EXAMPLES)
def test_a_phrasing_raises_its_need(text, need):
    flags = need_signals(np.array([normalise_text(text)], dtype=object))
    assert flags[need][0]


def test_ordinary_requests_raise_no_need():
    texts = [
        "Je voudrais renouveler ma carte d'identité",
        "Un lampadaire ne marche plus rue Haute",
        "Inscription de ma fille à l'école maternelle",
    ]
    flags = need_signals(np.array([normalise_text(t) for t in texts], dtype=object))
    assert not any(flags[n].any() for n in NEEDS)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("J'ai une dette de loyer de 1 250 € et 45 euros de frais", 1250.0),
        ("dette de 620e chez EDF", 620.0),
        ("il me manque 80,50 eur par mois", 80.5),
        ("facture de 1250,5€", 1250.5),
        ("loyer 650 EUROS", 650.0),
        ("j'habite au 2e étage, rdv le 12/03 à 14h, tél 06 12 34 56 78", None),
        ("Je voudrais renouveler ma carte d'identité", None),
    ],
)
def test_the_stated_amount_is_the_largest_sum_in_euros(text, amount):
    got = stated_amounts([text])[0]
    assert np.isnan(got) if amount is None else got == amount


def test_reading_a_batch_gives_normalised_texts_needs_and_amounts():
    texts = ["Je dois 450 € de loyer, j'ai perdu mon emploi", "Un lampadaire est éteint"]
    normalised, mask, amounts = read_texts(texts)
    assert list(normalised) == [normalise_text(t) for t in texts]
    flags = need_flags(mask)
    assert flags["housing_debt"][0] and flags["income_loss"][0] and not flags["energy"][0]
    assert not any(flags[n][1] for n in NEEDS)
    assert need_mask(flags).tolist() == mask.tolist()
    assert amounts[0] == 450.0 and np.isnan(amounts[1])
