"""Realism, ground truth and determinism of the synthetic territory.

Every check here can fail: each compares a measured property of the generated data with
a band that a realistic territory falls in.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from features.contracts import validate
from features.synth.config import SynthConfig
from features.synth.generator import generate, write
from features.vocabulary import SERVICES
from tests.support import TEST_KEY


def test_generated_tables_satisfy_their_contracts(small_territory):
    for table, frame in small_territory.tables().items():
        validate(frame, table)


def test_every_service_is_present_and_the_class_balance_is_long_tailed(small_territory):
    shares = small_territory.requests["service_code"].value_counts(normalize=True)
    assert set(shares.index) == set(SERVICES)
    assert shares.iloc[0] / shares.iloc[-1] >= 4.0
    assert shares.iloc[:3].sum() >= 0.4


def test_texts_are_diverse_and_noisy(small_territory):
    descriptions = small_territory.requests["description"]
    truth = small_territory.request_truth
    assert descriptions.nunique() / len(descriptions) > 0.5
    assert 0.08 <= truth["has_typo"].mean() <= 0.35
    assert truth["style"].nunique() >= 4
    # Emails carry a greeting; agents' notes come from the counter and the phone.
    requests = small_territory.requests
    email = requests["channel"] == "courriel"
    assert (truth.loc[email, "style"] == "courriel").mean() > 0.9


def test_ambiguous_and_vague_requests_have_their_share(small_territory):
    kinds = small_territory.request_truth["route_kind"].value_counts(normalize=True)
    assert 0.03 <= kinds["ambigu"] <= 0.10
    assert 0.01 <= kinds["vague"] <= 0.08
    ambiguous = small_territory.request_truth["route_kind"] == "ambigu"
    assert small_territory.request_truth.loc[ambiguous, "secondary_motive"].notna().all()


def test_delays_are_heavy_tailed_and_reassignments_add_delay(small_territory):
    requests = small_territory.requests
    days = (
        requests["first_response_datetime"] - requests["requested_datetime"]
    ).dt.total_seconds().dropna() / 86_400
    assert days.quantile(0.99) / days.median() > 5
    assert days.max() > 60
    wait = (requests["first_response_datetime"] - requests["requested_datetime"]).dt.total_seconds()
    reassigned = requests["reassignment_count"] > 0
    assert wait[reassigned].median() > 1.3 * wait[~reassigned].median()
    assert 0.05 <= reassigned.mean() <= 0.3


def test_complaints_follow_long_waits(small_territory):
    requests = small_territory.requests
    wait = (requests["first_response_datetime"] - requests["requested_datetime"]).dt.days
    long_wait = wait > wait.quantile(0.9)
    assert (
        requests.loc[long_wait, "complaint"].mean()
        > 3 * requests.loc[~long_wait, "complaint"].mean()
    )


def test_some_events_are_recorded_late(small_territory):
    events = small_territory.accompaniment_events
    lag = events["recorded_at"] - events["occurred_at"]
    late = lag > pd.Timedelta(days=1)
    assert 0.1 <= late.mean() <= 0.4
    assert (lag >= pd.Timedelta(0)).all()


def test_seasonality_is_visible(small_territory):
    requests = small_territory.requests
    month = requests["requested_datetime"].dt.month
    monthly = month.value_counts()
    assert monthly[8] < 0.8 * monthly.mean()  # summer lull
    energy = requests["service_code"] == "energie_precarite"
    winter = month.isin([12, 1, 2])
    summer = month.isin([6, 7, 8])
    assert energy[winter].sum() > 1.8 * energy[summer].sum()
    school = requests["motive"] == "inscription_scolaire"
    assert school[month == 9].sum() > 2 * school.sum() / 12


def test_channels_depend_on_digital_access(small_territory):
    merged = small_territory.requests.merge(small_territory.households, on="household_id")
    digital = merged["channel"].isin(["courriel", "formulaire_web", "application"])
    by_access = digital.groupby(merged["digital_access"]).mean()
    assert by_access["aucun"] < 0.5 * by_access["autonome"]


def test_oracle_auc_is_neither_trivial_nor_hopeless(small_territory):
    outcomes, truth = small_territory.outcomes, small_territory.request_truth
    complete = outcomes["window_complete"]
    auc = roc_auc_score(
        outcomes.loc[complete, "crisis_within_90d"], truth.loc[complete, "p_crisis_90d"]
    )
    assert 0.75 <= auc <= 0.92


def test_the_oracle_probability_is_calibrated(small_territory):
    """The true probability is exact, so outcomes match it decile by decile."""
    outcomes, truth = small_territory.outcomes, small_territory.request_truth
    complete = outcomes["window_complete"].to_numpy()
    y = outcomes["crisis_within_90d"].to_numpy()[complete].astype(float)
    p = truth["p_crisis_90d"].to_numpy()[complete]
    se = np.sqrt((p * (1 - p)).sum()) / len(p)
    assert abs(y.mean() - p.mean()) < 4 * se
    deciles = pd.qcut(p, 10, labels=False, duplicates="drop")
    for d in np.unique(deciles):
        in_d = deciles == d
        se_d = np.sqrt((p[in_d] * (1 - p[in_d])).sum()) / in_d.sum()
        assert abs(y[in_d].mean() - p[in_d].mean()) < 4 * se_d + 0.005


def test_oracle_routing_accuracy_is_below_one_and_matches_ambiguity(small_territory):
    truth = small_territory.request_truth
    accuracy = truth["oracle_route_confidence"].mean()
    assert 0.9 <= accuracy < 0.99
    clear = truth["route_kind"] == "clair"
    assert (truth.loc[clear, "oracle_route_confidence"] == 1.0).all()
    assert (truth.loc[~clear, "oracle_route_confidence"] < 1.0).all()


def test_the_final_service_of_a_clear_request_is_its_motives_service(small_territory):
    from features.synth.motives import MOTIVES

    service_of = {m.code: m.service for m in MOTIVES}
    requests, truth = small_territory.requests, small_territory.request_truth
    clear = truth["route_kind"] == "clair"
    expected = truth.loc[clear, "primary_motive"].map(service_of)
    assert (requests.loc[clear, "service_code"] == expected).all()


def _file_digests(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


@pytest.fixture(scope="module")
def tiny_config() -> SynthConfig:
    return SynthConfig(households=300, years=1.0, seed=11)


def test_same_seed_gives_the_same_bytes(tiny_config, tmp_path):
    write(generate(tiny_config, TEST_KEY), tmp_path / "a")
    write(generate(tiny_config, TEST_KEY), tmp_path / "b")
    a, b = _file_digests(tmp_path / "a"), _file_digests(tmp_path / "b")
    assert len(a) == 6
    assert a == b
    assert (tmp_path / "a" / "data_card.json").read_bytes() == (
        tmp_path / "b" / "data_card.json"
    ).read_bytes()


def test_another_seed_gives_another_territory(tiny_config):
    one = generate(tiny_config, TEST_KEY).requests
    other = generate(tiny_config.model_copy(update={"seed": 12}), TEST_KEY).requests
    assert not one["description"].equals(other["description"])


def test_households_ids_are_keyed_pseudonyms(tiny_config):
    same = generate(tiny_config, TEST_KEY).households["household_id"]
    again = generate(tiny_config, TEST_KEY).households["household_id"]
    other = generate(tiny_config, b"another-key-of-enough-length-00000").households["household_id"]
    assert same.equals(again)
    assert not set(same) & set(other)
    assert same.str.fullmatch(r"h_[0-9a-f]{20}").all()


def test_vulnerable_households_have_lower_incomes_and_more_crises(small_territory):
    """Attributes are signals of the latent vulnerability, in the right direction."""
    from features.vocabulary import INCOME_BANDS

    households = small_territory.households.merge(small_territory.household_truth)
    mean_u = households.groupby("income_band")["latent_vulnerability"].mean()
    ordered = [mean_u[band] for band in INCOME_BANDS]
    assert ordered == sorted(ordered, reverse=True)  # tres_faible is the most vulnerable
    assert (
        households.loc[households["benefit_rsa"], "income_band"]
        .isin(["tres_faible", "faible"])
        .all()
    )
    merged = small_territory.requests.merge(small_territory.households)[
        ["service_request_id", "income_band"]
    ]
    merged = merged.merge(small_territory.outcomes)
    merged = merged[merged["window_complete"]]
    rate = merged.groupby("income_band")["crisis_within_90d"].mean()
    assert rate["tres_faible"] > 2 * rate["intermediaire"]


def test_shocks_show_in_the_requests_they_bring(small_territory):
    """Nearly every shock is declared by a request whose text states it, with an amount
    that grows with the shock's stock and that the feature code reads back."""
    from features.signals import need_flags, read_texts

    truth, requests = small_territory.request_truth, small_territory.requests
    declared = truth["declared_shock"].notna()
    assert 0.2 <= declared.mean() <= 0.6
    vague = truth["route_kind"] == "vague"
    assert (truth.loc[declared & ~vague, "stated_shock"].notna()).mean() > 0.95
    stated = truth["stated_amount"].notna().to_numpy()
    _, needs, amounts = read_texts(requests["description"].to_numpy(dtype=object))
    written = truth["stated_amount"].to_numpy()[stated]
    read = amounts[stated]
    # The largest amount of the text: the stated one, or another the phrasing also holds.
    assert (read >= written).mean() > 0.99
    assert (np.isclose(read, written) | np.isclose(read, written + 0.5)).mean() > 0.9
    # The text speaks of the need its shock makes.
    need_of = {
        "perte_emploi": "income_loss",
        "separation": "family_rupture",
        "maladie": "health",
        "impaye_loyer": "housing_debt",
        "dette_energie": "energy",
    }
    flags = need_flags(needs)
    for shock, need in need_of.items():
        rows = (truth["stated_shock"] == shock).to_numpy()
        assert flags[need][rows].mean() > 0.9, shock


def test_stated_amounts_follow_the_crisis_risk(small_territory):
    truth, outcomes = small_territory.request_truth, small_territory.outcomes
    complete = outcomes["window_complete"].to_numpy()
    amount = truth["stated_amount"].fillna(0.0).to_numpy()[complete]
    p = truth["p_crisis_90d"].to_numpy()[complete]
    assert np.corrcoef(amount, p)[0, 1] > 0.4
