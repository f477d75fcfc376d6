"""Motive clusters: coherent with the services that handled the requests, labelled with
shared words only (no name, no number), and an injected new motive flagged as emerging."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from serving.improvement.motives import UNASSIGNED, cluster_motives

NAME = "Bertrandeau"  # a surname, frequent enough to pass the minimum document frequency
RARE = "Zorglubovitch"
THEME = [
    "Une trottinette électrique abandonnée bloque le trottoir devant l'immeuble. {n}",
    "Trottinettes électriques garées en travers du trottoir, impossible de passer. {n}",
    "Encore une trottinette électrique couchée sur le trottoir de la rue. {n}",
]


@pytest.fixture(scope="module")
def injected(small_cases):
    """The small territory plus 400 requests of a new motive in its last three months,
    each signed with the same surname, and a rare surname in 10 other texts."""
    frame = small_cases.frame
    months = sorted(frame["month"].unique())[-3:]
    rng = np.random.default_rng(5)
    recent = frame.index[frame["month"].isin(months)]
    chosen = rng.choice(recent, 400, replace=False)
    texts = frame["text"].astype(object).to_numpy().copy()
    for i, row in enumerate(chosen):
        texts[row] = THEME[i % 3].format(n=f"Signé : M. {NAME}, le {i % 28 + 1}/11.")
    others = rng.choice(frame.index.difference(chosen), 10, replace=False)
    texts[others] = [f"{t} {RARE}" for t in texts[others]]
    cases = replace(small_cases, frame=frame.assign(text=pd.Series(texts, index=frame.index)))
    return cases, chosen, cluster_motives(cases)


def test_a_new_motive_is_flagged_emerging(injected):
    _, chosen, motives = injected
    clusters = motives.clusters.set_index("cluster")
    theme = clusters[clusters["label"].str.contains("trottinette")]
    assert len(theme) == 1
    row = theme.iloc[0]
    assert row["emerging"] and row["ratio"] > 3
    assigned = pd.Series(motives.assignments, index=motives.counted)
    assert (assigned.loc[np.sort(chosen)] == theme.index[0]).mean() > 0.9
    # The territory's own motives are steady: nothing else emerges.
    assert clusters["emerging"].sum() == 1


def test_labels_hold_no_name_and_no_number(injected):
    _, _, motives = injected
    words = " ".join(motives.clusters["terms"]).lower().split()
    assert NAME.lower() not in words and RARE.lower() not in words
    assert not any(ch.isdigit() for ch in "".join(words))
    assert all(len(w) >= 3 for w in words)


def test_clusters_follow_the_services(small_cases):
    """Requests of a cluster go mostly to the same services: far purer than chance."""
    motives = cluster_motives(small_cases)
    assigned = motives.assignments != UNASSIGNED
    cluster = motives.assignments[assigned]
    service = small_cases.frame["service"].to_numpy()[motives.counted][assigned]

    def purity(labels) -> float:
        table = pd.crosstab(labels, service)
        return table.max(axis=1).sum() / table.to_numpy().sum()

    shuffled = np.random.default_rng(0).permutation(cluster)
    assert purity(cluster) > 1.5 * purity(shuffled)
    assert (motives.assignments == UNASSIGNED).mean() < 0.05
    months = motives.monthly.groupby("month")["share"].sum()
    assert np.allclose(months, 1.0)
