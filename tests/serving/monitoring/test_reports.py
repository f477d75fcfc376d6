"""A full monitoring run: Evidently HTML reports, a JSON summary, rows in the store, alerts;
served on /monitoring to data scientists and exported as Prometheus gauges. Reports hold
no free text and no identifier: the files are scanned for the texts and ids of the data."""

from __future__ import annotations

import json
import re

import pytest

from tests.serving.monitoring.scenario import open_store

pytestmark = pytest.mark.xdist_group("serving")

WORD = re.compile(r"[^\W\d_]{4,}")


@pytest.fixture(scope="module")
def full_run(scored_week, registry_uri, week, tmp_path_factory):
    """One rendered run over the week whose channels moved online."""
    import shutil

    from serving.config import Settings
    from serving.monitoring.run import run_monitor

    source, rows = scored_week("channel_online")
    folder = tmp_path_factory.mktemp("full-run")
    shutil.copy(source / "aiguillage.db", folder / "aiguillage.db")
    store = open_store(folder / "aiguillage.db")
    settings = Settings(data_dir=folder, mlflow_tracking_uri=registry_uri, model_poll_seconds=0)
    return run_monitor(store, settings, *week), store, rows, folder


def test_the_run_writes_reports_summary_row_and_alert(full_run):
    from serving.monitoring.records import open_alerts, runs

    result, store, _, _ = full_run
    drift = result.check("data_drift")
    assert drift.status == "fail" and drift.figures["drifted_columns"] == ["channel"]
    files = {p.name for p in result.report_dir.iterdir()}
    rendered = {f"{c.name}.html" for c in result.checks if c.status != "not_enough_data"}
    assert rendered <= files and "summary.json" in files
    assert {"data_drift.html", "text_drift.html", "prediction_drift.html"} <= rendered
    summary = json.loads((result.report_dir / "summary.json").read_text())
    assert summary["status"] == "fail"
    assert summary["checks"]["data_drift"]["figures"]["drifted_columns"] == ["channel"]
    assert summary["gauges"]["drift_share"] == pytest.approx(1 / drift.figures["columns"])
    (row,) = runs(store)
    assert row["checks"]["data_drift"] == "fail" and row["status"] == "fail"
    (alert,) = open_alerts(store)
    assert alert["check_name"] == "data_drift" and "channel" in alert["message"]


def test_reports_hold_no_text_and_no_id(full_run, week):
    """Every request text of the window and of the text reference, and every id (source,
    stored, household), is looked for in every file the run wrote."""
    from serving.monitoring.window import reference_texts

    result, store, rows, _ = full_run
    contents = "\n".join(p.read_text(errors="replace") for p in result.report_dir.iterdir())
    tokens = set(WORD.findall(contents.lower()))
    lowered = contents.lower()
    ids = {*rows["service_request_id"], *rows["stored_id"], *rows["household_id"]}
    assert not [i for i in ids if i.lower() in lowered]
    import pandas as pd

    texts = [
        *rows["description"],
        *reference_texts(store, pd.Timestamp("2000-01-01"), pd.Timestamp(week[0]), 2_000),
    ]
    leaked = []
    for text in texts:
        words = set(WORD.findall(text.lower()))
        if len(words) >= 3 and words <= tokens:  # every word of the text is in the files
            leaked.append(text)
    assert not leaked, f"{len(leaked)} request texts found in the reports"
    # The scan can fail: a report that did hold a text would be caught.
    sample = rows["description"].iloc[0].lower()
    assert set(WORD.findall(sample)) <= set(WORD.findall((contents + sample).lower()))


def test_monitoring_pages_for_data_scientists(full_run, make_service, monitor_settings):
    result, _, _, folder = full_run
    service = make_service(monitor_settings(folder))
    page = service.client.get("/monitoring", headers=service.headers("data_scientist"))
    assert page.status_code == 200 and "Surveillance des modèles" in page.text
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    link = f"/monitoring/{result.run_id}/data_drift.html"
    assert link in page.text and "Dérive des caractéristiques" in page.text
    report = service.client.get(link, headers=service.headers("data_scientist"))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "script-src 'unsafe-inline'" in report.headers["content-security-policy"]
    assert len(report.content) > 100_000
    for role in ("intake", "social_worker"):
        assert service.client.get(link, headers=service.headers(role)).status_code == 403
    assert service.client.get(link).status_code == 401
    missing = f"/monitoring/{result.run_id}/risk_performance.html"
    assert service.client.get(missing, headers=service.headers("admin")).status_code == 404
    runs = service.client.get("/v1/monitoring/runs", headers=service.headers("data_scientist"))
    assert runs.json()[0]["run_id"] == result.run_id and "report_dir" not in runs.json()[0]
    summary = service.client.get(
        f"/v1/monitoring/runs/{result.run_id}", headers=service.headers("data_scientist")
    )
    assert summary.json()["checks"]["data_drift"]["status"] == "fail"
    alerts = service.client.get("/v1/monitoring/alerts", headers=service.headers("admin"))
    assert [a["check_name"] for a in alerts.json()] == ["data_drift"]

    metrics = service.client.get("/metrics").text
    gauges = dict(re.findall(r"^(aiguillage_monitoring_\w+) (\S+)$", metrics, re.MULTILINE))
    assert float(gauges["aiguillage_monitoring_drift_share"]) == pytest.approx(
        result.check("data_drift").figures["drift_share"]
    )
    assert float(gauges["aiguillage_monitoring_abstention_rate"]) == pytest.approx(
        result.check("prediction_drift").figures["abstention_rate"]
    )
    assert float(gauges["aiguillage_monitoring_open_alerts"]) == 1.0
    assert 0 <= float(gauges["aiguillage_monitoring_seconds_since_last_run"]) < 3600
    assert gauges["aiguillage_monitoring_override_rate"] == "NaN"  # no review yet


def test_a_report_renders_in_chromium_under_its_policy(full_run, make_service, monitor_settings):
    """The report as the service sends it (body and Content-Security-Policy), opened in a
    real Chromium: Evidently's viewer runs, nothing is blocked."""
    import shutil

    from playwright.sync_api import sync_playwright

    result, _, _, folder = full_run
    service = make_service(monitor_settings(folder))
    answer = service.client.get(
        f"/monitoring/{result.run_id}/data_drift.html", headers=service.headers("data_scientist")
    )
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route(
            "http://aiguillage.test/**",
            lambda route: route.fulfill(
                body=answer.content,
                headers={
                    "content-type": answer.headers["content-type"],
                    "content-security-policy": answer.headers["content-security-policy"],
                },
            ),
        )
        page.goto("http://aiguillage.test/report.html")
        page.get_by_text("Drifted Columns").first.wait_for(timeout=15_000)
        text = page.inner_text("body")
        browser.close()
    assert not errors, errors
    assert "Dataset Drift is detected" in text and "of 94" in text  # the column table
