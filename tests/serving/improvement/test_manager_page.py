"""The managers' page of the console, in process: sign-in with a manager key, charts as
PNG files, CSV downloads, 403 for other roles, and only the manager's territory."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from sqlalchemy import func, select

from tests.serving.conftest import TERRITORY
from tests.serving.console.conftest import sign_in

pytestmark = pytest.mark.xdist_group("serving")
IDS = re.compile(r"\bh_[0-9a-f]{20}\b|\bD\d{8}\b")
HOME = "/console/pilotage"


def _requests_of(store, territory: str | None) -> int:
    from serving import db

    statement = select(func.count()).select_from(
        db.requests.join(db.households, db.households.c.household_id == db.requests.c.household_id)
    )
    if territory:
        statement = statement.where(db.households.c.territory == territory)
    with store.engine.connect() as connection:
        return int(connection.execute(statement).scalar_one())


@pytest.fixture(scope="module")
def site(history_store_file, registry_uri, tmp_path_factory):
    """One in-process service for the module, with a manager of the test territory."""
    import shutil

    from fastapi.testclient import TestClient

    from serving.app import create_app
    from serving.config import Settings
    from serving.security import Role, create_key

    data_dir = tmp_path_factory.mktemp("manager")
    shutil.copy(history_store_file, data_dir / "aiguillage.db")
    settings = Settings(data_dir=data_dir, mlflow_tracking_uri=registry_uri, model_poll_seconds=0)
    with TestClient(create_app(settings)) as client:
        store = client.app.state.service.store
        keys = {
            "manager": create_key(store, Role.manager, TERRITORY),
            "worker": create_key(store, Role.social_worker, TERRITORY),
            "admin": create_key(store, Role.admin),
            "intake": create_key(store, Role.intake),
        }
        manager = TestClient(client.app)
        answer = sign_in(manager, keys["manager"])
        yield client, store, keys, manager, answer


def test_a_manager_lands_on_the_page_with_its_charts(site):
    _, _, _, manager, answer = site
    assert answer.status_code == 200 and answer.url.path == HOME
    sources = re.findall(r'<img src="([^"]+)"', answer.text)
    assert len(sources) >= 7 and all(s.startswith(f"{HOME}/graphiques/") for s in sources)
    for source in sources:
        image = manager.get(source)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Ce que changerait l&#39;aiguillage automatique" in answer.text
    assert IDS.findall(answer.text) == []
    # Its navigation offers its own page, not the social workers' queue it cannot open.
    assert 'href="/console/pilotage">Pilotage</a>' in answer.text
    assert 'href="/console/demandes"' not in answer.text


def test_csv_exports_hold_the_territory_only(site):
    _, store, _, manager, answer = site
    links = re.findall(rf'href="({HOME}/export/[a-z_]+\.csv)"', answer.text)
    assert f"{HOME}/export/delays_by_service.csv" in links and len(links) >= 10
    download = manager.get(f"{HOME}/export/delays_by_service.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(download.content.decode("utf-8-sig")), sep=";", decimal=",")
    ours = _requests_of(store, TERRITORY)
    assert table["demandes"].sum() == ours < _requests_of(store, None)
    # A manager cannot ask for another territory.
    other = manager.get(f"{HOME}/export/delays_by_service.csv?territoire=sud")
    other_table = pd.read_csv(io.StringIO(other.content.decode("utf-8-sig")), sep=";", decimal=",")
    assert other_table["demandes"].sum() == ours
    assert IDS.findall(download.text) == []


def test_an_admin_chooses_the_territory(site):
    from fastapi.testclient import TestClient

    client, store, keys, _, _ = site
    admin = TestClient(client.app)
    assert sign_in(admin, keys["admin"], HOME).url.path == HOME
    download = admin.get(f"{HOME}/export/delays_by_service.csv?territoire=sud")
    table = pd.read_csv(io.StringIO(download.content.decode("utf-8-sig")), sep=";", decimal=",")
    assert table["demandes"].sum() == _requests_of(store, "sud")


def test_other_roles_are_refused(site):
    from fastapi.testclient import TestClient

    client, _, keys, manager, _ = site
    worker = TestClient(client.app)
    assert sign_in(worker, keys["worker"]).url.path == "/console/demandes"
    for path in (HOME, f"{HOME}/graphiques/waits.png", f"{HOME}/export/backlog.csv"):
        assert worker.get(path).status_code == 403
    anonymous = TestClient(client.app)
    assert anonymous.get(HOME, follow_redirects=False).status_code == 303
    intake = TestClient(client.app)
    refused = sign_in(intake, keys["intake"])
    assert refused.status_code == 401 and refused.url.path == "/console/connexion"
    # A manager's session does not open the social workers' queue.
    queue = manager.get("/console/demandes", follow_redirects=True)
    assert queue.url.path == "/console/connexion"


def test_the_routing_period_is_chosen_on_the_page(site):
    _, _, _, manager, answer = site
    assert 'name="du"' in answer.text and 'name="au"' in answer.text
    chosen = manager.get(HOME, params={"du": "2025-03-01", "au": "2025-05-01"})
    assert chosen.status_code == 200
    assert "Du 01/03/2025 au 01/05/2025" in chosen.text
    assert "du=2025-03-01&amp;au=2025-05-01" in chosen.text  # charts and downloads follow
    routing = manager.get(
        f"{HOME}/export/routing.csv", params={"du": "2025-03-01", "au": "2025-05-01"}
    )
    assert routing.status_code == 200 and "réaffectations évitées" in routing.text
    for bad in ({"du": "2025-05-01", "au": "2025-03-01"}, {"du": "hier", "au": "2025-03-01"}):
        assert manager.get(HOME, params=bad).status_code == 422
