"""The console in a real Chromium (Debian's package, driven by Playwright) against a real
uvicorn: the review journey, territory isolation by link and by form, keyboard use, and an
axe-core accessibility check of the queue, a case and a notice.

Screenshots of the three pages go to a temporary folder, or to docs/ when
AIGUILLAGE_CONSOLE_SCREENSHOTS=docs (how docs/console-*.png are made)."""

from __future__ import annotations

import itertools
import os
import re
import sqlite3

import pytest

from tests.support import REPO_ROOT

pytestmark = [pytest.mark.xdist_group("serving"), pytest.mark.slow]

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BAND_ORDER = {"P1": 0, "P2": 1, "P3": 2, "P4": 3, None: 4}


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    if os.environ.get("AIGUILLAGE_CONSOLE_SCREENSHOTS") == "docs":
        return REPO_ROOT / "docs"
    return tmp_path_factory.mktemp("screenshots")


def _signed_in(browser, site, key: str):
    context = browser.new_context(
        base_url=site.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto("/console/demandes")
    page.get_by_label("Clé d'accès personnelle").fill(key)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/console/demandes$"))
    return context, page


def _reviews_of(site, request_id: str) -> list[tuple]:
    with sqlite3.connect(site.store_path) as connection:
        return connection.execute(
            "SELECT decision, band, suggested_band, reason_code FROM reviews "
            "WHERE service_request_id = ?",
            (request_id,),
        ).fetchall()


def _expected_order(answers: list[dict]) -> list[str]:
    ranked = sorted(
        answers, key=lambda a: (BAND_ORDER[a["band"]], -(a["risk"] or 0.0), a["received_at"])
    )
    return [a["request_id"] for a in ranked]


def test_sign_in_queue_case_override_reload_and_notice(site, browser, shots):
    from playwright.sync_api import expect

    context, page = _signed_in(browser, site, site.keys["worker"])
    try:
        rows = page.locator("table.queue tbody tr")
        listed = rows.evaluate_all("rows => rows.map(r => r.dataset.request)")
        assert listed == _expected_order(site.ours)  # the order the scores give
        late = rows.evaluate_all("rows => rows.filter(r => r.classList.contains('late')).length")
        assert late == page.get_by_text("En retard", exact=True).count() and late >= 1
        page.screenshot(path=shots / "console-queue.png", full_page=True)

        by_id = {a["request_id"]: a for a in site.ours}
        top = by_id[listed[0]]
        rows.first.get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Demande du")
        shown = page.locator(".reasons .reason-text").all_inner_texts()
        assert [s.lower() for s in shown] == [r["text"].lower() for r in top["reasons"]]
        directions = page.locator(".reasons .reason").evaluate_all(
            "items => items.map(i => i.classList.contains('up'))"
        )
        assert directions == [r["contribution"] > 0 for r in top["reasons"]]
        page.screenshot(path=shots / "console-case.png", full_page=True)

        new_band = "P4" if top["band"] != "P4" else "P3"
        page.get_by_label("Modifier le service, la priorité ou les deux").check()
        page.get_by_role("combobox", name="Priorité", exact=True).select_option(new_band)
        page.get_by_label("Motif de la modification").select_option("urgence_surestimee")
        page.get_by_label("Commentaire").fill("Situation réglée avec le bailleur hier.")
        page.get_by_role("button", name="Enregistrer la décision").click()
        expect(page.get_by_role("status")).to_have_text("Décision enregistrée.")
        page.reload()
        history = page.locator("ul.decisions")
        expect(history).to_contain_text(f"priorité : {top['band']} → {new_band}")
        expect(history).to_contain_text("La situation est moins urgente")
        assert _reviews_of(site, top["request_id"]) == [
            ("override", new_band, top["band"], "urgence_surestimee")
        ]

        page.get_by_role("link", name=re.compile("Information individuelle")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Information sur l'utilisation d'un algorithme pour votre demande"
        )
        expect(page.locator("article.notice")).to_contain_text("Proposition modifiée")
        page.screenshot(path=shots / "console-notice.png", full_page=True)
        page.emulate_media(media="print")
        expect(page.locator("header.site nav")).to_be_hidden()
        expect(page.get_by_role("button", name=re.compile("Imprimer"))).to_be_hidden()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        assert all(
            (shots / f"console-{n}.png").stat().st_size > 10_000
            for n in ("queue", "case", "notice")
        )
    finally:
        context.close()


def test_another_territory_cannot_open_the_case_by_link_or_by_form(site, browser):
    context, page = _signed_in(browser, site, site.keys["other_worker"])
    try:
        listed = page.locator("table.queue tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.request)"
        )
        assert sorted(listed) == sorted(a["request_id"] for a in site.theirs)
        target = site.ours[-1]["request_id"]
        answer = page.goto(f"/console/demandes/{target}")
        assert answer.status == 404
        assert "hors de votre territoire" in page.locator("main").inner_text()
        csrf = page.locator("input[name=csrf]").first.get_attribute("value")
        posted = context.request.post(
            f"{site.url}/console/demandes/{target}/decision",
            form={"csrf": csrf, "decision": "accept"},
        )
        assert posted.status == 404
        assert _reviews_of(site, target) == []
        assert page.goto(f"/console/demandes/{target}/notice").status == 404
    finally:
        context.close()


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def test_sign_in_queue_case_and_notice_pass_the_accessibility_check(site, browser):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make env` (npm ci installs axe-core)")
    signed_out = browser.new_context(base_url=site.url, locale="fr-FR")
    try:
        page = signed_out.new_page()
        # The check is not vacuous: it finds an image without text and an unlabelled field.
        page.set_content('<html lang="fr"><title>t</title><main><img src="x.png"><input></main>')
        assert {"image-alt", "label"} <= {v["id"] for v in _axe(page)}
        page.goto("/console/connexion")
        page.get_by_label("Clé d'accès personnelle").fill("aig_not_a_key")
        page.get_by_role("button", name="Se connecter").click()
        assert page.get_by_role("alert").is_visible()  # the sign-in page with its error
        assert _axe(page) == []
    finally:
        signed_out.close()
    context, page = _signed_in(browser, site, site.keys["worker"])
    try:
        # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "contenu"
        case = site.ours[1]["request_id"]
        for path in (
            "/console/demandes",
            f"/console/demandes/{case}",
            f"/console/demandes/{case}/notice",
            "/console/demandes?priorite=P9",  # with an error message shown
        ):
            page.goto(path)
            assert _axe(page) == [], path
            levels = page.locator("h1, h2, h3").evaluate_all(
                "hs => hs.map(h => Number(h.tagName[1]))"
            )
            assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), path
    finally:
        context.close()
