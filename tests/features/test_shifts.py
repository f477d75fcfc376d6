"""Shifts on purpose: nothing changes before the start, and each shift changes what it says."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from features.synth.config import SynthConfig
from features.synth.generator import generate
from features.synth.shifts import (
    NEW_MOTIVE,
    OFFICE_CHANNELS,
    REORGANISATION,
    SHIFT_KINDS,
    Shift,
)
from features.tables import read_tables
from tests.support import TEST_KEY

CONFIG = SynthConfig(households=600, years=1.0, seed=11)
START = dt.datetime(2023, 7, 3)


@pytest.fixture(scope="module")
def unshifted() -> pd.DataFrame:
    return generate(CONFIG, TEST_KEY).requests


@pytest.fixture(scope="module")
def shifted() -> dict[str, pd.DataFrame]:
    return {k: generate(CONFIG, TEST_KEY, shifts=(Shift(k, START),)).requests for k in SHIFT_KINDS}


def _after(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["requested_datetime"] >= START]


@pytest.mark.parametrize("kind", SHIFT_KINDS)
def test_nothing_changes_before_the_start(kind, unshifted, shifted):
    before = unshifted["requested_datetime"] < START
    pd.testing.assert_frame_equal(shifted[kind][before], unshifted[before])
    assert len(shifted[kind]) == len(unshifted)


def test_new_motive_brings_unseen_words(unshifted, shifted):
    after = _after(shifted["new_motive"])
    new = after[after["motive"] == NEW_MOTIVE]
    assert 0.12 < len(new) / len(after) < 0.28
    assert (new["service_code"] == "energie_precarite").all()
    seen = " ".join(unshifted["description"]).lower()
    assert "maprimerénov" not in seen and "combles" not in seen
    assert new["description"].str.contains("MaPrimeRénov|combles|pompe à chaleur|RGE|Rénov").any()


def test_channels_move_online(unshifted, shifted):
    before = _after(unshifted)["channel"].isin(OFFICE_CHANNELS).mean()
    after = _after(shifted["channel_online"])["channel"].isin(OFFICE_CHANNELS).mean()
    assert after < 0.6 * before
    assert (
        _after(shifted["channel_online"])["description"] == _after(unshifted)["description"]
    ).all()


def test_energy_crisis_brings_energy_debts_with_bills_doubled(unshifted, shifted):
    share = lambda frame: (_after(frame)["service_code"] == "energie_precarite").mean()  # noqa: E731
    assert share(shifted["energy_crisis"]) > share(unshifted) + 0.15

    def energy_amounts(frame: pd.DataFrame) -> pd.Series:
        energy = frame[frame["service_code"] == "energie_precarite"]["description"]
        found = energy.str.extract(r"(?<![\d,])(\d[\d\s]*?)(?:,\d\d)?\s?(?:€|euros)")[0]
        return found.dropna().str.replace(r"\s", "", regex=True).astype(int)

    crisis = energy_amounts(_after(shifted["energy_crisis"]))
    usual = energy_amounts(unshifted[unshifted["requested_datetime"] < START])
    assert crisis.median() >= 1.5 * usual.median()


def test_reorganisation_changes_routes_not_texts(unshifted, shifted):
    after, before = _after(shifted["reorganisation"]), _after(unshifted)
    assert not after["service_code"].isin(list(REORGANISATION)).any()
    moved = before["service_code"].isin(list(REORGANISATION))
    assert moved.any()
    expected = before["service_code"].replace(REORGANISATION)
    assert (after["service_code"] == expected).all()
    assert (after["description"] == before["description"]).all()


def test_unknown_shift_is_refused():
    with pytest.raises(ValueError, match="unknown shift"):
        Shift("tempete", START)


def test_synth_command_injects_a_shift(tmp_path):
    from features.cli import data_app

    out = tmp_path / "shifted"
    runner = CliRunner()
    args = ["synth", "--households", "200", "--years", "1", "--seed", "3", "--out", str(out)]
    result = runner.invoke(data_app, [*args, "--shift", "channel_online"])
    assert result.exit_code != 0  # a shift without a start date
    result = runner.invoke(
        data_app, [*args, "--shift", "reorganisation", "--shift-from", "2023-06-01"]
    )
    assert result.exit_code == 0, result.output
    requests = read_tables(out, ("requests",))["requests"]
    late = requests[requests["requested_datetime"] >= "2023-06-01"]
    assert len(late) and not late["service_code"].isin(list(REORGANISATION)).any()
