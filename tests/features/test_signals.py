"""Needs read from the request text: the lexicons catch real-looking phrasings."""

from __future__ import annotations

import numpy as np
import pytest

from features.signals import NEEDS, need_signals
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
