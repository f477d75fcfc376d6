"""Importers of real exports: specs, the generic engine, the CLI, and the real files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from features.cli import data_app
from features.importers import (
    EXTRAS_FILE,
    QUARANTINE_FILE,
    ImportFailedError,
    ImportSpec,
    SpecError,
    available_sources,
    import_file,
    import_schema,
    load_spec,
)
from features.tables import read_table
from features.vocabulary import CHANNELS
from tests.support import SHARED_REAL_DATA

FIXTURES = Path(__file__).parent / "fixtures"
BOSTON = FIXTURES / "boston311_sample.csv"
DANSMARUE = FIXTURES / "dansmarue_sample.csv"
OPEN311_JSON = FIXTURES / "open311_sample.json"
OPEN311_CSV = FIXTURES / "open311_sample.csv"
SAMPLES = [("boston311", BOSTON), ("dansmarue", DANSMARUE), ("open311", OPEN311_JSON),
           ("open311", OPEN311_CSV)]  # fmt: skip


def _rows_in(path: Path) -> int:
    return len(pd.read_json(path)) if path.suffix == ".json" else len(pd.read_csv(path))


def _issues(report) -> dict[tuple[str, str], tuple[int, ...]]:
    return {(i.column, i.kind): tuple(row for row, _ in i.examples) for i in report.issues}


# --- specs -------------------------------------------------------------------------------


def test_every_builtin_spec_loads() -> None:
    assert set(available_sources()) >= {"boston311", "dansmarue", "open311"}
    for source in available_sources():
        assert load_spec(source).source == source


def test_parameters_are_substituted_and_checked() -> None:
    assert load_spec("boston311").columns["service_code"].column == "QUEUE"
    assert load_spec("boston311", service_column="SUBJECT").columns["service_code"].column == (
        "SUBJECT"
    )
    with pytest.raises(SpecError, match="must be one of"):
        load_spec("boston311", service_column="CLOSURE_REASON")
    with pytest.raises(SpecError, match="has no parameter"):
        load_spec("dansmarue", service_column="QUEUE")
    with pytest.raises(SpecError, match="unknown source"):
        load_spec("lyon")


def _spec(**changes) -> dict:
    raw = load_spec("dansmarue").model_dump(by_alias=True, exclude_unset=True)
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"forbidden_columns": ["soustype"]}, "forbidden source columns are mapped"),
        ({"extras": {"channel": {"column": "prefixe"}}}, "must not reuse contract column"),
        ({"columns": {"description": {"column": "type"}}}, "required contract columns"),
    ],
)
def test_invalid_specs_are_refused(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ImportSpec.model_validate(_spec(**changes))


def test_spec_refuses_unknown_targets_and_vocabulary() -> None:
    raw = _spec()
    raw["columns"] = {**raw["columns"], "priority": {"constant": "P1"}}
    with pytest.raises(ValueError, match="not in the requests contract"):
        ImportSpec.model_validate(raw)
    raw = _spec()
    raw["columns"] = {**raw["columns"], "channel": {"column": "prefixe", "map": {"X": "fax"}}}
    with pytest.raises(ValueError, match=r"channel values \['fax'\]"):
        ImportSpec.model_validate(raw)
    raw = _spec()
    raw["columns"] = {**raw["columns"], "status": {"column": "type", "constant": "open"}}
    with pytest.raises(ValueError, match="exactly one of"):
        ImportSpec.model_validate(raw)


def test_boston_closure_reason_is_never_read() -> None:
    spec = load_spec("boston311")
    assert "CLOSURE_REASON" in spec.forbidden_columns
    assert "CLOSURE_REASON" not in spec.source_columns()


# --- Boston 311 ----------------------------------------------------------------------------


def test_boston_mapping(tmp_path: Path) -> None:
    result = import_file(BOSTON, load_spec("boston311"), on_error="quarantine", out_dir=tmp_path)
    requests = result.requests.set_index("service_request_id")
    assert list(requests.index) == [
        "101001245404", "101001300001", "101001300002", "101001300003", "101001300007",
    ]  # fmt: skip
    assert requests["channel"].tolist() == [
        "telephone", "application", "interne", "formulaire_web", "formulaire_web",
    ]  # fmt: skip
    # Staff annotations are cut; a title that is only an annotation, or empty, falls back
    # to the case type.
    assert requests["description"].tolist() == [
        "Generic Noise Disturbance", "Street Light Outages", "Street Light Outages",
        "Tree Maintenance Requests", "Street Light Outages",
    ]  # fmt: skip
    assert requests["service_code"].iloc[1] == "PWDx_Street Light Outages"
    assert requests["status"].tolist() == ["open", "closed", "closed", "open", "open"]
    row = requests.loc["101001300001"]
    assert row["requested_datetime"] == pd.Timestamp("2015-03-02 09:05:00")
    assert row["closed_datetime"] == pd.Timestamp("2015-03-04 14:30:10")
    assert row["updated_datetime"] == row["closed_datetime"]
    assert row["expected_datetime"] == pd.Timestamp("2015-03-09 09:05:00")
    assert requests["household_id"].isna().all()
    extras = result.extras.set_index("service_request_id")
    assert extras["on_time_status"].tolist()[:3] == ["ontime", "ontime", "overdue"]
    assert pd.isna(extras.loc["101001300003", "on_time_status"])
    assert extras.loc["101001300007", "source_channel"] == "Twitter"


def test_boston_service_column_option() -> None:
    result = import_file(BOSTON, load_spec("boston311", service_column="SUBJECT"), "quarantine")
    assert result.requests["service_code"].iloc[0] == "Mayor's 24 Hour Hotline"


def test_boston_issues_are_reported_with_row_numbers() -> None:
    report = import_file(BOSTON, load_spec("boston311"), on_error="quarantine").report
    assert (report.rows_in, report.rows_imported, report.rows_quarantined) == (8, 5, 3)
    issues = _issues(report)
    assert issues[("channel", "unknown value")] == (4,)
    assert issues[("requested_datetime", "unparseable datetime")] == (5,)
    assert issues[("updated_datetime", "unparseable datetime")] == (5,)
    rule = "contract: closed_datetime must not be earlier than requested_datetime"
    assert issues[("closed_datetime, requested_datetime", rule)] == (6,)
    unknown = next(i for i in report.issues if i.kind == "unknown value")
    assert unknown.examples == ((4, "Fax"),)
    assert "row 4: 'Fax'" in report.describe()


def test_fail_mode_raises_with_the_report_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ImportFailedError, match="3 of 8 row") as caught:
        import_file(BOSTON, load_spec("boston311"), on_error="fail", out_dir=out)
    assert caught.value.report.rows_quarantined == 3
    assert "row 5: '13/45/2015 10:00:00 AM'" in str(caught.value)
    assert not out.exists()


def test_fail_mode_passes_clean_exports(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    pd.read_csv(BOSTON, dtype=str).iloc[:4].to_csv(clean, index=False)
    result = import_file(clean, load_spec("boston311"), on_error="fail", out_dir=tmp_path / "o")
    assert result.report.ok
    assert len(pd.read_parquet(tmp_path / "o" / QUARANTINE_FILE)) == 0


def test_quarantine_files(tmp_path: Path) -> None:
    import_file(BOSTON, load_spec("boston311"), on_error="quarantine", out_dir=tmp_path)
    requests = read_table(tmp_path, "requests", schema=import_schema())
    extras = pd.read_parquet(tmp_path / EXTRAS_FILE)
    quarantine = pd.read_parquet(tmp_path / QUARANTINE_FILE)
    assert len(requests) + len(quarantine) == 8
    assert extras["service_request_id"].tolist() == requests["service_request_id"].tolist()
    assert quarantine["source_row"].tolist() == [4, 5, 6]
    assert quarantine["CASE_ENQUIRY_ID"].tolist() == [
        "101001300004", "101001300005", "101001300006",
    ]  # fmt: skip
    assert "channel: unknown value ('Fax')" in quarantine["reasons"].iloc[0]
    for frame in (requests, extras, quarantine):
        assert "CLOSURE_REASON" not in frame.columns
        assert not frame.astype(str).apply(lambda c: c.str.contains("Case Resolved")).any().any()


@pytest.mark.parametrize(("source", "path"), SAMPLES)
@pytest.mark.parametrize("on_error", ["quarantine", "fail"])
def test_rows_are_conserved(source: str, path: Path, on_error: str, tmp_path: Path) -> None:
    try:
        result = import_file(path, load_spec(source), on_error=on_error, out_dir=tmp_path)
    except ImportFailedError as exc:
        report = exc.report
        assert on_error == "fail"
        assert not (tmp_path / "requests.parquet").exists()
    else:
        report = result.report
        assert len(result.requests) == report.rows_imported
        assert len(result.quarantine) == report.rows_quarantined
        assert len(pd.read_parquet(tmp_path / "requests.parquet")) == report.rows_imported
        assert len(pd.read_parquet(tmp_path / QUARANTINE_FILE)) == report.rows_quarantined
    assert report.rows_in == _rows_in(path)
    assert report.rows_in == report.rows_imported + report.rows_quarantined


# --- DansMaRue -------------------------------------------------------------------------------


def test_dansmarue_mapping() -> None:
    result = import_file(DANSMARUE, load_spec("dansmarue"), on_error="quarantine")
    requests = result.requests
    assert requests["service_request_id"].tolist() == [
        "G2023K036305", "G2024G081100", "G2024G081101",
    ]  # fmt: skip
    assert requests["description"].tolist() == [
        "Graffitis, tags, affiches et autocollants : "
        "Graffitis et autocollants sur mur, façade sur rue",
        "Objets abandonnés : Encombrant ou dépôt sauvage",
        "Propreté",
    ]
    assert requests["channel"].tolist() == ["application", "application", "formulaire_web"]
    assert requests["service_code"].tolist() == ["graffitis", "Ramen", "DPE-STPP-DT"]
    assert (requests["status"] == "open").all()
    assert requests["closed_datetime"].isna().all()
    assert requests["requested_datetime"].iloc[0] == pd.Timestamp("2023-11-16")
    assert result.extras["status_known"].eq("false").all()
    assert result.extras["arrondissement"].tolist() == ["9", "11", "3"]
    issues = _issues(result.report)
    assert issues[("requested_datetime", "unparseable datetime")] == (3,)
    assert issues[("channel", "unknown value")] == (4,)


# --- Open311 -------------------------------------------------------------------------------


def test_open311_json_mapping() -> None:
    result = import_file(OPEN311_JSON, load_spec("open311"), on_error="quarantine")
    requests = result.requests.set_index("service_request_id")
    assert list(requests.index) == ["638344", "638349"]
    closed = requests.loc["638344"]
    # Offsets are converted to Paris local time (summer: UTC+2, winter: UTC+1).
    assert closed["requested_datetime"] == pd.Timestamp("2024-04-14 16:37:38")
    assert closed["closed_datetime"] == pd.Timestamp("2024-04-15 09:00:00")
    assert closed["expected_datetime"] == pd.Timestamp("2024-04-20 09:00:00")
    assert closed["agency_responsible"] == "Voirie"
    opened = requests.loc["638349"]
    assert opened["requested_datetime"] == pd.Timestamp("2024-01-10 19:00:00")
    assert pd.isna(opened["closed_datetime"])
    assert opened["updated_datetime"] == pd.Timestamp("2024-01-11 09:00:00")
    assert set(requests["channel"]) == {"formulaire_web"}
    assert result.extras["zipcode"].tolist() == ["69003", "69007"]
    issues = _issues(result.report)
    assert issues[("description", "missing value")] == (2,)
    assert issues[("status", "unknown value")] == (3,)
    assert issues[("requested_datetime", "unparseable datetime")] == (4,)
    assert "status_notes" not in result.quarantine.columns


def test_open311_csv_matches_json() -> None:
    from_csv = import_file(OPEN311_CSV, load_spec("open311"), on_error="quarantine")
    from_json = import_file(OPEN311_JSON, load_spec("open311"), on_error="quarantine")
    # The CSV has no agency_responsible nor expected_datetime column: both optional.
    same = ["service_request_id", "channel", "requested_datetime", "description", "status",
            "closed_datetime", "updated_datetime", "service_code"]  # fmt: skip
    pd.testing.assert_frame_equal(from_csv.requests[same], from_json.requests[same])
    assert from_csv.requests["agency_responsible"].isna().all()
    rule = "contract: a closed request must have a closed_datetime"
    assert _issues(from_csv.report)[("status, closed_datetime", rule)] == (2,)


def test_offsets_without_a_timezone_are_reported(tmp_path: Path) -> None:
    raw = load_spec("open311").model_dump(by_alias=True, exclude_unset=True)
    raw["columns"]["requested_datetime"].pop("timezone")
    report = import_file(OPEN311_JSON, ImportSpec.model_validate(raw), "quarantine").report
    kind = "datetime with a UTC offset but no timezone in the spec"
    assert _issues(report)[("requested_datetime", kind)] == (0, 1, 2)


def test_free_text_never_appears_in_reports(tmp_path: Path) -> None:
    secret = "Mon fils Lucas est harcelé, appelez Mme Martin. " * 250  # > 10,000 characters
    records = [
        {"service_request_id": "1", "status": "open", "service_code": "007",
         "description": secret, "requested_datetime": "2024-01-10T18:00:00Z"},
    ]  # fmt: skip
    path = tmp_path / "long.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(ImportFailedError) as caught:
        import_file(path, load_spec("open311"), on_error="fail")
    assert "description: contract: str_length" in str(caught.value)
    assert "<free text withheld>" in str(caught.value)
    assert "Lucas" not in str(caught.value)
    result = import_file(path, load_spec("open311"), on_error="quarantine")
    assert "Lucas" not in result.quarantine["reasons"].iloc[0]


def test_missing_required_source_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "no_status.csv"
    pd.read_csv(OPEN311_CSV).drop(columns="status").to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['status'\]"):
        import_file(path, load_spec("open311"), on_error="quarantine")


# --- CLI -------------------------------------------------------------------------------------


def test_cli_import(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["import", "--source", "boston311", "--in", str(BOSTON), "--out", str(tmp_path)]
    failed = runner.invoke(data_app, args)
    assert failed.exit_code == 1
    assert "Import stopped" in failed.output
    done = runner.invoke(data_app, [*args, "--on-error", "quarantine"])
    assert done.exit_code == 0, done.output
    assert "quarantined" in done.output
    assert (tmp_path / "requests.parquet").exists()
    subject = runner.invoke(
        data_app, [*args, "--on-error", "quarantine", "--service-column", "SUBJECT"]
    )
    assert subject.exit_code == 0
    bad = runner.invoke(data_app, [*args, "--service-column", "NOPE"])
    assert bad.exit_code == 2


# --- real exports ----------------------------------------------------------------------------

REAL_BOSTON = SHARED_REAL_DATA / "boston311_2015.csv.gz"
REAL_DANSMARUE = SHARED_REAL_DATA / "dansmarue_paris_2023_2024.csv.gz"
BOSTON_CHANNELS = load_spec("boston311").columns["channel"].map
DANSMARUE_CHANNELS = load_spec("dansmarue").columns["channel"].map


def _real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(
            f"../shared/data/real is absent: {path} not found (real exports are kept beside "
            "the repository, never in it; see the DESIGN notes)"
        )
    return path


@pytest.fixture(scope="module")
def boston(tmp_path_factory):
    path = _real(REAL_BOSTON)
    out = tmp_path_factory.mktemp("boston311")
    result = import_file(path, load_spec("boston311"), on_error="quarantine", out_dir=out)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return result, raw, out


@pytest.fixture(scope="module")
def dansmarue(tmp_path_factory):
    path = _real(REAL_DANSMARUE)
    out = tmp_path_factory.mktemp("dansmarue")
    result = import_file(path, load_spec("dansmarue"), on_error="quarantine", out_dir=out)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    return result, raw, out


@pytest.mark.real_data
def test_real_boston_rows_conserved(boston) -> None:
    result, raw, out = boston
    report = result.report
    assert report.rows_in == len(raw) == 121_145
    assert report.rows_imported + report.rows_quarantined == len(raw)
    assert len(pd.read_parquet(out / "requests.parquet")) == report.rows_imported
    assert len(pd.read_parquet(out / QUARANTINE_FILE)) == report.rows_quarantined
    # The only rows set aside are cases closed a second or two before they were opened.
    assert report.rows_quarantined < 0.01 * len(raw)
    assert {i.kind for i in report.issues} == {
        "contract: closed_datetime must not be earlier than requested_datetime",
        "contract: updated_datetime must not be earlier than requested_datetime",
    }


@pytest.mark.real_data
def test_real_boston_services_and_channels(boston) -> None:
    result, raw, _ = boston
    kept = raw.drop(index=result.quarantine["source_row"])
    assert result.report.services == kept["QUEUE"].nunique() == raw["QUEUE"].nunique() == 150
    expected = kept["Source"].map(BOSTON_CHANNELS).value_counts().sort_index()
    assert result.requests["channel"].value_counts().sort_index().equals(expected)
    assert set(result.requests["channel"]) <= set(CHANNELS)
    by_source = (
        result.extras["source_channel"]
        .value_counts()
        .add(result.quarantine["Source"].value_counts(), fill_value=0)
    )
    assert by_source.astype(int).sort_index().equals(raw["Source"].value_counts().sort_index())


@pytest.mark.real_data
def test_real_boston_descriptions_carry_no_staff_notes(boston) -> None:
    result, raw, out = boston
    description = result.requests["description"]
    assert not description.str.contains(r"(?i)printed|sent to|issued to|//").any()
    assert description.str.len().gt(0).all()
    kept = raw.drop(index=result.quarantine["source_row"]).reset_index(drop=True)
    assert not description.isin(kept["CLOSURE_REASON"].replace("", None).dropna()).any()
    for name in ("requests.parquet", EXTRAS_FILE, QUARANTINE_FILE):
        assert "CLOSURE_REASON" not in pd.read_parquet(out / name).columns


@pytest.mark.real_data
def test_real_boston_datetimes(boston) -> None:
    result, raw, _ = boston
    requests = result.requests
    assert requests["requested_datetime"].min() >= pd.Timestamp("2015-01-01")
    assert requests["requested_datetime"].max() < pd.Timestamp("2016-01-01")
    closed = requests["status"] == "closed"
    assert requests.loc[closed, "closed_datetime"].notna().all()
    assert requests.loc[~closed, "closed_datetime"].isna().all()
    kept = raw.drop(index=result.quarantine["source_row"])
    assert closed.sum() == (kept["CASE_STATUS"] == "Closed").sum()
    assert requests["expected_datetime"].notna().sum() == (kept["TARGET_DT"] != "").sum()


@pytest.mark.real_data
def test_real_dansmarue(dansmarue) -> None:
    result, raw, _ = dansmarue
    report = result.report
    assert report.rows_in == len(raw) == 10_000
    assert report.rows_imported + report.rows_quarantined == len(raw)
    kept = raw.drop(index=result.quarantine["source_row"])
    assert report.services == kept["intervenant"].nunique()
    expected = kept["prefixe"].map(DANSMARUE_CHANNELS).value_counts().sort_index()
    assert result.requests["channel"].value_counts().sort_index().equals(expected)
    assert (result.requests["status"] == "open").all()
    assert result.requests["description"].str.startswith(tuple(raw["type"].unique())).all()
