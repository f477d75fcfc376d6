"""Small frames for the router tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.build import CATEGORY_DTYPES
from features.registry import BY_NAME
from training.router import ROUTER_FEATURES

SERVICES = ("cadre_de_vie", "logement", "etat_civil_citoyennete")
WORDS = {
    "cadre_de_vie": ["trottoir", "eclairage", "voirie", "dechets"],
    "logement": ["loyer", "logement", "bailleur", "humidite"],
    "etat_civil_citoyennete": ["passeport", "carte", "identite", "naissance"],
}


def router_frame(rows: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Every router feature; the service is spelt out in the text 80% of the time."""
    rng = np.random.default_rng(seed)
    label = np.asarray(SERVICES, dtype=object)[rng.integers(3, size=rows)]
    frame = {}
    for name in ROUTER_FEATURES:
        kind = BY_NAME[name].kind
        if kind == "text":
            frame[name] = [
                " ".join(rng.choice(WORDS[s if rng.random() < 0.8 else "logement"], size=3))
                for s in label
            ]
        elif kind == "categorical":
            dtype = CATEGORY_DTYPES[name]
            frame[name] = pd.Categorical(rng.choice(list(dtype.categories), size=rows), dtype=dtype)
        elif kind == "boolean":
            frame[name] = rng.random(rows) < 0.3
        else:
            frame[name] = np.where(rng.random(rows) < 0.1, np.nan, rng.poisson(2.0, rows))
    frame["hour"] = rng.integers(8, 18, rows).astype(float)
    frame["weekday"] = rng.integers(0, 5, rows).astype(float)
    frame["month"] = rng.integers(1, 9, rows).astype(float)
    return pd.DataFrame(frame), pd.Series(label, name="service")
