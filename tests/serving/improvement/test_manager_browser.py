"""The managers' page in a real Chromium against a real uvicorn: sign-in with a manager
key, every chart loaded under the console's content security policy, a CSV download, and
the axe-core accessibility check (WCAG 2.2 AA)."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from tests.serving.conftest import TERRITORY
from tests.serving.console.conftest import browser  # noqa: F401 (the fixture, reused)
from tests.support import REPO_ROOT

pytestmark = [pytest.mark.xdist_group("serving"), pytest.mark.slow]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def manager_site(history_store_file, registry_uri, tmp_path_factory):
    from serving.db import make_engine
    from serving.security import Role, create_key
    from serving.store import Store
    from tests.serving.server import Server

    data_dir = tmp_path_factory.mktemp("manager-site")
    shutil.copy(history_store_file, data_dir / "aiguillage.db")
    engine = make_engine(f"sqlite:///{data_dir / 'aiguillage.db'}")
    key = create_key(Store(engine), Role.manager, TERRITORY)
    engine.dispose()
    server = Server(data_dir, registry_uri, AIGUILLAGE_MODEL_POLL_SECONDS="0").start()
    try:
        yield server, key
    finally:
        server.stop()


def test_the_page_in_a_browser(manager_site, browser):  # noqa: F811 (the fixture)
    server, key = manager_site
    context = browser.new_context(base_url=server.url, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto("/console/pilotage")
    page.get_by_label("Clé d'accès personnelle").fill(key)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/console/pilotage$"), timeout=120_000)
    page.wait_for_load_state("networkidle")

    loaded = page.eval_on_selector_all("img", "xs => xs.map(x => x.complete && x.naturalWidth)")
    assert len(loaded) >= 7 and all(width > 300 for width in loaded)
    assert blocked == []
    assert page.get_by_role("heading", name=re.compile("Délais et goulets")).is_visible()

    page.get_by_text("Télécharger les tableaux (CSV)").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Délais par service", exact=True).click()
    assert download.value.suggested_filename == "delays_by_service.csv"
    table = pd.read_csv(download.value.path(), sep=";", decimal=",", encoding="utf-8-sig")
    assert table["demandes"].sum() > 1_000

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make env` (npm ci installs axe-core)")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
    context.close()
