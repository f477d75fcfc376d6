"""The contracts accept generated data and reject each kind of bad row with a named error."""

from __future__ import annotations

import pandas as pd
import pytest

from features.contracts import ContractError, validate
from features.pseudonym import PseudonymSettings, load_key, pseudonymise, pseudonymise_many
from features.tables import read_table, read_tables, write_table


@pytest.fixture(scope="module")
def tables(small_territory) -> dict[str, pd.DataFrame]:
    return {name: frame.head(200).copy() for name, frame in small_territory.tables().items()}


def _broken(tables, table, mutate) -> ContractError:
    frame = tables[table].copy()
    mutate(frame)
    with pytest.raises(ContractError) as caught:
        validate(frame, table)
    assert caught.value.table == table
    return caught.value


def _rule(error: ContractError, column: str) -> str:
    matching = [v for v in error.violations if v.column == column]
    assert matching, f"no violation on {column}: {error}"
    return matching[0].rule


@pytest.mark.parametrize(
    ("table", "column", "value", "rule_part"),
    [
        ("requests", "channel", "pigeon_voyageur", "isin"),
        ("requests", "status", "pending", "isin"),
        ("requests", "service_code", "pompiers", "isin"),
        ("requests", "description", "", "str_length"),
        ("requests", "household_id", "12345", "str_matches"),
        ("requests", "reassignment_count", -1, "greater_than_or_equal_to"),
        ("households", "income_band", "milliardaire", "isin"),
        ("households", "n_children", 40, "in_range"),
        ("accompaniment_events", "kind", "fax", "isin"),
        ("accompaniment_events", "crisis_kind", "tempete", "isin"),
    ],
)
def test_a_bad_value_is_named_with_its_column_rule_and_row(tables, table, column, value, rule_part):
    def mutate(frame):
        frame.loc[frame.index[3], column] = value

    error = _broken(tables, table, mutate)
    violation = next(v for v in error.violations if v.column == column)
    assert rule_part in violation.rule
    assert (3, value) in violation.examples
    assert f"'{column}'" in str(error) and "row 3" in str(error)


def test_a_null_in_a_required_column_is_rejected(tables):
    def mutate(frame):
        frame["requested_datetime"] = frame["requested_datetime"].astype("datetime64[s]")
        frame.loc[frame.index[5], "requested_datetime"] = pd.NaT

    error = _broken(tables, "requests", mutate)
    assert "not_nullable" in _rule(error, "requested_datetime")


def test_duplicate_ids_are_rejected(tables):
    def mutate(frame):
        frame.loc[frame.index[7], "service_request_id"] = frame["service_request_id"].iloc[6]

    error = _broken(tables, "requests", mutate)
    assert "unique" in _rule(error, "service_request_id")


def test_missing_and_unexpected_columns_are_named(tables):
    def mutate(frame):
        frame.drop(columns=["complaint"], inplace=True)
        frame["secret_note"] = "x"

    error = _broken(tables, "requests", mutate)
    rules = {(v.rule, v.examples[0][1]) for v in error.violations if v.column is None}
    assert ("missing column", "complaint") in rules
    assert ("unexpected column", "secret_note") in rules


@pytest.mark.parametrize(
    ("table", "mutate", "rule_words"),
    [
        (
            "requests",
            lambda f: f.__setitem__(
                "closed_datetime", f["requested_datetime"] - pd.Timedelta(days=1)
            ),
            "closed_datetime must not be earlier than requested_datetime",
        ),
        (
            "accompaniment_events",
            lambda f: f.__setitem__("recorded_at", f["occurred_at"] - pd.Timedelta(hours=1)),
            "recorded_at must not be earlier than occurred_at",
        ),
        (
            "accompaniment_events",
            lambda f: f.__setitem__("amount", float("nan")),
            "must carry an amount",
        ),
        (
            "outcomes",
            lambda f: f.__setitem__("crisis_within_90d", True),
            "must carry crisis_datetime and crisis_kind",
        ),
    ],
)
def test_cross_column_rules_name_the_rule_and_rows(tables, table, mutate, rule_words):
    frame = tables[table].copy()
    if table == "accompaniment_events":
        frame = (
            frame[frame["kind"].isin(["aide_accordee", "aide_refusee"])]
            if "amount" in rule_words
            else frame
        )
    if table == "outcomes":
        frame = frame[~frame["crisis_within_90d"]]
    frame = frame.reset_index(drop=True)
    mutate(frame)
    with pytest.raises(ContractError) as caught:
        validate(frame, table)
    violation = next(
        v for v in caught.value.violations if v.rule == rule_words or rule_words in v.rule
    )
    assert violation.count > 0
    assert violation.examples[0][0] == 0


def test_validation_never_drops_or_changes_rows(tables):
    frame = tables["requests"]
    checked = validate(frame, "requests")
    assert checked is frame


def test_tables_round_trip_through_parquet(small_territory_dir, small_territory):
    loaded = read_tables(small_territory_dir)
    for name, frame in small_territory.tables().items():
        assert len(loaded[name]) == len(frame)
        assert list(loaded[name].columns) == list(frame.columns)
    assert loaded["requests"]["description"].equals(small_territory.requests["description"])


def test_write_table_refuses_a_bad_table(tables, tmp_path):
    frame = tables["households"].copy()
    frame.loc[0, "composition"] = "tribu"
    with pytest.raises(ContractError, match="composition"):
        write_table(frame, tmp_path, "households")
    assert not (tmp_path / "households.parquet").exists()


def test_a_csv_with_an_unparseable_date_names_the_row(tables, tmp_path):
    frame = tables["accompaniment_events"].copy()
    frame.to_csv(tmp_path / "accompaniment_events.csv", index=False)
    read_table(tmp_path, "accompaniment_events")  # a clean CSV loads
    text = (tmp_path / "accompaniment_events.csv").read_text().splitlines()
    cells = text[3].split(",")
    cells[2] = "le 31 fevrier"
    text[3] = ",".join(cells)
    (tmp_path / "accompaniment_events.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(ContractError) as caught:
        read_table(tmp_path, "accompaniment_events")
    violation = caught.value.violations[0]
    assert violation.column == "occurred_at"
    assert violation.examples == ((2, "le 31 fevrier"),)


def test_pseudonyms_depend_on_the_key():
    key, other = b"k" * 32, b"o" * 32
    assert pseudonymise("CAF-1234", key) == pseudonymise("CAF-1234", key)
    assert pseudonymise("CAF-1234", key) != pseudonymise("CAF-1234", other)
    assert pseudonymise_many(["CAF-1234", "CAF-9"], key) == [
        pseudonymise("CAF-1234", key),
        pseudonymise("CAF-9", key),
    ]
    assert "1234" not in pseudonymise("CAF-1234", key)


def test_the_key_comes_from_the_environment_or_a_created_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AIGUILLAGE_PSEUDONYM_KEY", "from-the-environment-0123456789")
    assert load_key() == b"from-the-environment-0123456789"
    monkeypatch.delenv("AIGUILLAGE_PSEUDONYM_KEY")
    key_file = tmp_path / "secrets" / "key"
    settings = PseudonymSettings(pseudonym_key_file=key_file)
    created = load_key(settings)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_key(settings) == created
    assert len(created) >= 32
