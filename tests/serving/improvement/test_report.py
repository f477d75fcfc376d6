"""The report: HTML with server-rendered charts, CSV export, no free text or id, the
store and the folders giving the same figures, and the command line."""

from __future__ import annotations

import base64
import html as markup
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from serving.improvement.cases import cases_from_requests, cases_from_store
from serving.improvement.delays import delay_table
from serving.improvement.rendering import render_html
from serving.improvement.report import build_report, write_csv
from serving.improvement.routing import load_champion_router

pytestmark = pytest.mark.xdist_group("serving")
PNG = b"\x89PNG\r\n\x1a\n"
IDS = re.compile(r"\bh_[0-9a-f]{20}\b|\bD\d{8}\b")


@pytest.fixture(scope="module")
def report(small_cases, territory_tables, registry_uri):
    return build_report(
        small_cases, tables=territory_tables, router=load_champion_router(registry_uri)
    )


def _leaks(text: str, requests: pd.DataFrame) -> list[str]:
    """Ids, or 30-character pieces of request texts, found in ``text``."""
    found = IDS.findall(text)
    for description in requests["description"].sample(300, random_state=1):
        words = description.split()
        piece = " ".join(words[len(words) // 2 :])[:30]
        if len(piece) >= 25 and piece in text:
            found.append(piece)
    return found


def test_html_report_has_charts_and_every_section(report, small_requests):
    html = markup.unescape(render_html(report))
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == len(report.charts) >= 7
    assert all(base64.b64decode(image).startswith(PNG) for image in images)
    for title in ("Délais et goulets", "Motifs récurrents", "aiguillage automatique"):
        assert title in html
    assert "Goulets d'étranglement détectés" in html
    assert report.routing is not None and "réaffectations nettes" in html
    assert _leaks(html, small_requests) == []


def test_csv_export_reads_back_with_the_same_figures(report, small_requests, tmp_path):
    paths = write_csv(report, tmp_path)
    assert {p.stem for p in paths} == set(report.tables)
    table = pd.read_csv(tmp_path / "delays_by_service.csv", sep=";", decimal=",")
    assert table["demandes"].sum() == len(small_requests)
    assert "Logement" in set(table["service"])
    assert np.allclose(
        table["1re réponse, médiane (j)"],
        report.tables["delays_by_service"]["first_response_median_days"],
        rtol=1e-3,
    )
    routing = pd.read_csv(tmp_path / "routing.csv", sep=";", decimal=",")
    assert "réaffectations évitées (net)" in set(routing["indicateur"])
    for path in paths:
        assert _leaks(path.read_text(encoding="utf-8-sig"), small_requests) == []


def test_the_store_gives_the_figures_of_the_folder(history_store_file, small_cases):
    from serving.db import make_engine
    from serving.store import Store

    store = Store(make_engine(f"sqlite:///{history_store_file}"))
    stored = cases_from_store(store)
    cutoff = stored.frame["requested"].max()
    folder = replace(small_cases, frame=small_cases.frame[small_cases.frame["requested"] <= cutoff])
    assert len(stored.frame) == len(folder.frame)
    columns = ["requests", "closing_median_days", "reassigned_share", "complaint_share"]
    pd.testing.assert_frame_equal(
        delay_table(stored, "service")[columns], delay_table(folder, "service")[columns]
    )
    north = cases_from_store(store, territory="nord")
    assert len(north.frame) == (folder.frame["territory"] == "nord").sum() > 0


def test_a_priority_band_sets_the_deadline(small_requests):
    requests = small_requests.head(2).copy()
    requests["first_response_datetime"] = requests["requested_datetime"] + pd.Timedelta(hours=30)
    requests["expected_datetime"] = requests["requested_datetime"] + pd.Timedelta(days=5)
    banded = cases_from_requests(requests, source="store", band=pd.Series(["P1", None]))
    assert banded.frame["late"].tolist() == [1.0, 0.0]


def test_command_line_on_the_store(service_dir, registry_uri, monkeypatch, tmp_path):
    from aiguillage import app

    monkeypatch.setenv("AIGUILLAGE_MLFLOW_TRACKING_URI", registry_uri)
    out = tmp_path / "rapport.html"
    args = ["report", "improve", "--store", "--data-dir", str(service_dir), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--csv", str(tmp_path / "csv"), "--clusters", "6"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "base du service" in html and html.count("data:image/png;base64") >= 7
    assert (tmp_path / "csv" / "routing.csv").exists()
    motives = pd.read_csv(tmp_path / "csv" / "motives.csv", sep=";", decimal=",")
    assert (motives["groupe"] >= 0).sum() == 6


def test_command_line_without_a_registry_says_so(small_territory_dir, tmp_path, monkeypatch):
    import html as markup

    from aiguillage import app

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("AIGUILLAGE_MLFLOW_TRACKING_URI", raising=False)
    out = tmp_path / "r.html"
    args = ["--data", str(small_territory_dir), "--data-dir", str(tmp_path), "--out", str(out)]
    result = CliRunner().invoke(app, ["report", "improve", *args, "--clusters", "4"])
    assert result.exit_code == 0, result.output
    page = markup.unescape(out.read_text(encoding="utf-8"))
    assert "aucun modèle d'aiguillage disponible (@champion introuvable" in page
    assert not (tmp_path / "mlflow").exists()  # no empty registry made on the way


def test_command_line_refuses_unclear_inputs(tmp_path, small_territory_dir):
    from aiguillage import app

    out = ["--out", str(tmp_path / "r.html")]
    runner = CliRunner()
    assert runner.invoke(app, ["report", "improve", *out]).exit_code == 2
    both = ["--data", str(small_territory_dir), "--store"]
    assert runner.invoke(app, ["report", "improve", *out, *both]).exit_code == 2
    half = ["--data", str(small_territory_dir), "--from", "2025-01-01"]
    result = runner.invoke(app, ["report", "improve", *out, *half])
    assert result.exit_code == 2 and "--to" in result.output
    assert not (tmp_path / "r.html").exists()


def test_postgresql_store_gives_the_same_figures(territory_tables, history_store_file):
    """The store's reads for the views, on a fresh PostgreSQL database (skips, saying why,
    when no server answers on 127.0.0.1:5432)."""
    from serving.db import make_engine
    from serving.demo import history_before, holdout_start
    from serving.improvement.routing import store_tables
    from serving.migrate import upgrade
    from serving.store import Store
    from tests.serving.test_store import _postgres_database

    databases = _postgres_database()
    url = next(databases)
    try:
        engine = make_engine(url)
        upgrade(engine)
        cutoff = holdout_start(territory_tables["requests"], 30)
        postgres = Store(engine)
        postgres.load_tables(history_before(territory_tables, cutoff))
        sqlite = Store(make_engine(f"sqlite:///{history_store_file}"))
        columns = ["service", "requests", "first_response_median_days", "late_share"]
        pd.testing.assert_frame_equal(
            delay_table(cases_from_store(postgres, "nord"), "service")[columns],
            delay_table(cases_from_store(sqlite, "nord"), "service")[columns],
        )
        tables = store_tables(postgres, "nord")
        assert len(tables["requests"]) == len(store_tables(sqlite, "nord")["requests"])
        engine.dispose()
    finally:
        databases.close()
