"""The router on imported exports (no households), against a plain baseline.

The first tests always run, on the importer's hand-written Boston fixture and on small
synthetic Boston-like exports. The last ones train on the real Boston 311 export and
skip when ``../shared/data/real`` is absent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from features.build import CATEGORY_DTYPES
from features.importers import import_file, load_spec
from features.registry import BY_NAME
from features.text import normalise_texts
from features.vocabulary import CHANNELS
from tests.training.frames import router_frame as router_frame_with_every_feature
from training.cli import train_app
from training.config import RouterConfig, SplitConfig
from training.export_eval import (
    BASELINE,
    EXPORT_FEATURES,
    HEADLINE,
    LABEL,
    SIGNALEN_MACRO_F1,
    evaluate_export,
    fit_export_routers,
    keep_frequent,
    read_export,
    report_markdown,
    router_frame,
    split_periods,
)
from training.router import ROUTER_FEATURES

pytestmark = pytest.mark.xdist_group("boston")

FIXTURE = Path(__file__).resolve().parents[1] / "features" / "fixtures" / "boston311_sample.csv"
REAL_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
REAL_BOSTON = REAL_DATA / "boston311_2015.csv.gz"
BOSTON_FORMAT = "%m/%d/%Y %I:%M:%S %p"
SOURCES = ("Constituent Call", "Citizens Connect App", "Self Service", "City Worker App")

# Synthetic queues: (QUEUE, titles, requests, months when they occur).
QUEUES = (
    ("PWDx_Street Light Outages", ("Street Light Outages", "Street light out"), 260, None),
    ("PARK_Tree Maintenance Request", ("Tree Maintenance Requests", "Tree pruning"), 200, None),
    ("PROP_GRAF_GraffitiRemoval", ("Graffiti Removal", "PWD Graffiti"), 180, None),
    ("ISD_Housing (INTERNAL)", ("Unsatisfactory Living Conditions", "Heat - Excessive"), 160, None),
    ("ISD_Building (INTERNAL)", ("Building Inspection Request", "Unsatisfactory Living Conditions"),
     140, None),
    # Snow in the first months only: trained on, never in the calibration half.
    ("PWDx_Snow Removal", ("Request for Snow Plowing",), 40, (1, 2, 3)),
    ("HS_Rare Queue", ("Rare Request",), 4, None),  # fewer than 10: filtered out
)  # fmt: skip


def _synthetic_boston_csv(path: Path, seed: int = 0) -> Path:
    """A Boston-311-like CSV: a few queues, noisy titles, random times over 2015."""
    rng = np.random.default_rng(seed)
    year = pd.date_range("2015-01-01", "2016-01-01", freq="s")[:-1]
    rows = []
    for queue, titles, count, months in QUEUES:
        for _ in range(count):
            while True:
                when = year[int(rng.integers(len(year)))]
                if months is None or when.month in months:
                    break
            title = titles[int(rng.integers(len(titles)))]
            rows.append(
                {
                    "CASE_ENQUIRY_ID": "",
                    "OPEN_DT": when.strftime(BOSTON_FORMAT),
                    "TARGET_DT": "",
                    "CLOSED_DT": "",
                    "OnTime_Status": "ONTIME",
                    "CASE_STATUS": "Open",
                    "CLOSURE_REASON": "",
                    "CASE_TITLE": title,
                    "SUBJECT": queue.split("_")[0],
                    "REASON": title,
                    "TYPE": title,
                    "QUEUE": queue,
                    "Department": queue.split("_")[0],
                    "Location": "",
                    "neighborhood": "Roxbury",
                    "ward": "Ward 12",
                    "Source": SOURCES[int(rng.integers(len(SOURCES)))],
                }
            )
    rng.shuffle(rows)
    for number, row in enumerate(rows):
        row["CASE_ENQUIRY_ID"] = str(101001400000 + number)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def synthetic_export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic_boston")
    source = _synthetic_boston_csv(out / "boston_like.csv")
    result = import_file(source, load_spec("boston311"), on_error="fail", out_dir=out / "import")
    assert result.report.rows_imported == sum(q[2] for q in QUEUES)
    return out / "import"


# --- the frame, the class filter and the split --------------------------------------------


def test_export_features_are_the_registry_request_features() -> None:
    assert EXPORT_FEATURES == ("text", "channel", "hour", "weekday", "month")
    assert set(EXPORT_FEATURES) <= set(ROUTER_FEATURES)
    assert all("router" in BY_NAME[name].models for name in EXPORT_FEATURES)


def test_router_frame_on_the_importer_fixture(tmp_path: Path) -> None:
    requests = import_file(FIXTURE, load_spec("boston311"), "quarantine", tmp_path).requests
    frame = router_frame(requests)
    assert list(frame.columns) == ["service_request_id", "requested_datetime",
                                   *EXPORT_FEATURES, LABEL]  # fmt: skip
    assert len(frame) == len(requests) == 5
    assert frame["requested_datetime"].is_monotonic_increasing
    by_id = requests.set_index("service_request_id").loc[frame["service_request_id"]]
    assert frame["text"].tolist() == normalise_texts(by_id["description"].tolist())
    assert frame["text"].iloc[0] == "generic noise disturbance"
    times = by_id["requested_datetime"]
    assert frame["hour"].tolist() == times.dt.hour.astype(float).tolist()
    assert frame["weekday"].tolist() == times.dt.dayofweek.astype(float).tolist()
    assert frame["month"].tolist() == times.dt.month.astype(float).tolist()
    # 2015-01-11 00:19 was a Sunday.
    assert frame.iloc[0][["hour", "weekday", "month"]].tolist() == [0.0, 6.0, 1.0]
    assert frame["channel"].dtype == CATEGORY_DTYPES["channel"]
    assert list(frame["channel"].cat.categories) == list(CHANNELS)
    assert frame["channel"].astype(str).tolist() == by_id["channel"].tolist()
    assert frame[LABEL].tolist() == by_id["service_code"].tolist()


def test_class_filter_and_time_split(synthetic_export: Path) -> None:
    frame = router_frame(read_export(synthetic_export))
    kept, counts = keep_frequent(frame, 10)
    assert counts["HS_Rare Queue"] == 4
    assert set(kept[LABEL]) == {q[0] for q in QUEUES if q[2] >= 10}
    assert len(kept) == len(frame) - 4
    assert (counts >= 10).sum() == len(QUEUES) - 1

    split, period = split_periods(kept, SplitConfig())
    times = kept["requested_datetime"]
    train, validation, test = (times[period == p] for p in ("train", "validation", "test"))
    assert train.max() < validation.min() <= validation.max() < test.min()
    assert test.min() >= train.max()  # no test row earlier than a train row
    assert train.max() < split.validation_start <= validation.min()
    shares = np.array([len(train), len(validation), len(test)]) / len(kept)
    np.testing.assert_allclose(shares, [0.6, 0.2, 0.2], atol=0.01)


# --- fitting: the project's router, narrowed to the columns an export has -----------------


def test_export_router_reads_only_the_export_columns() -> None:
    frame, label = router_frame_with_every_feature(600, seed=4)
    label.iloc[:40] = "seasonal"  # only at the start of training: absent from calibration
    frame = frame[list(EXPORT_FEATURES)]
    (model,) = fit_export_routers(
        ("linear",), RouterConfig(), frame.iloc[:360], label.iloc[:360], frame.iloc[360:480],
        label.iloc[360:480],
    )  # fmt: skip
    assert model.columns == EXPORT_FEATURES
    assert list(model.model.named_steps["inputs"].feature_names_in_) == list(EXPORT_FEATURES)
    assert "seasonal" in model.classes  # temperature scaling keeps every service
    assert model.predict_proba(frame.iloc[480:]).shape == (120, len(model.classes))


# --- the whole evaluation and the command ---------------------------------------------------


def test_evaluation_on_a_synthetic_export(synthetic_export: Path) -> None:
    evaluation = evaluate_export(read_export(synthetic_export), kinds=("linear",))
    assert evaluation.services_kept == len(QUEUES) - 1
    assert evaluation.rows_kept == sum(q[2] for q in QUEUES) - 4
    assert sum(evaluation.period_rows.values()) == evaluation.rows_kept
    assert set(evaluation.metrics) == {"linear", BASELINE}
    assert evaluation.offered["linear"] == evaluation.offered[BASELINE] == len(QUEUES) - 1
    for metrics in evaluation.metrics.values():
        assert set(HEADLINE) <= set(metrics)
        assert 0 <= metrics["coverage"] <= 1
        # Titles name the queue here: both models learn it.
        assert metrics["accuracy"] > 0.7
    report = report_markdown(evaluation, "a synthetic export")
    assert "| model | accuracy | macro-F1 | coverage at 95% precision" in report
    assert f"| {SIGNALEN_MACRO_F1:.2f} | n/a | n/a | n/a | n/a |" in report
    assert "street light" not in report.lower()  # aggregates only, no text


def test_cli_evaluate_export(synthetic_export: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "report.md"
    args = ["evaluate-export", "--data", str(synthetic_export), "--out", str(out)]
    result = runner.invoke(train_app, [*args, "--without", "month", "--no-lightgbm"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Our router reads: text, channel, hour, weekday." in text
    assert "plain baseline" in text and "Amsterdam Signalen" in text
    assert "LightGBM router not run" in text
    assert runner.invoke(train_app, [*args, "--without", "text"]).exit_code == 2
    missing = ["evaluate-export", "--data", str(tmp_path / "nowhere"), "--out", str(out)]
    assert runner.invoke(train_app, missing).exit_code == 2


# --- the real Boston 311 export ---------------------------------------------------------------


@pytest.fixture(scope="module")
def boston_evaluation(tmp_path_factory):
    if not REAL_BOSTON.exists():
        pytest.skip(
            f"../shared/data/real is absent: {REAL_BOSTON} not found (real exports are kept "
            "beside the repository, never in it; see the DESIGN notes)"
        )
    out = tmp_path_factory.mktemp("boston311_router")
    import_file(REAL_BOSTON, load_spec("boston311"), on_error="quarantine", out_dir=out)
    return evaluate_export(read_export(out), kinds=("linear",))


@pytest.mark.real_data
@pytest.mark.slow
def test_real_boston_evaluation_runs_as_specified(boston_evaluation) -> None:
    e = boston_evaluation
    assert e.rows == 120_948
    assert len(e.services) == 150
    assert e.services_kept == 124  # the queues with at least 10 requests
    assert e.rows_kept == 120_870
    assert sum(e.period_rows.values()) == e.rows_kept
    assert e.split.validation_start < e.split.test_start
    assert set(e.metrics) == {"linear", BASELINE}
    for metrics in e.metrics.values():
        # Thresholds chosen for 95% precision on validation hold roughly on the test.
        assert metrics["routed_precision"] > 0.9
        assert 0.2 < metrics["coverage"] < 1


@pytest.mark.real_data
@pytest.mark.slow
def test_real_boston_ours_beats_the_plain_baseline(boston_evaluation) -> None:
    beats = boston_evaluation.beats_baseline("linear")
    figures = {
        kind: {m: round(boston_evaluation.metrics[kind][m], 4) for m in HEADLINE}
        for kind in ("linear", BASELINE)
    }
    assert all(beats.values()), figures
