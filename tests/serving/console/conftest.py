"""Console fixtures: scored requests in two territories, signed-in clients (in process), and
for the browser tests a real uvicorn and a real Chromium, each started once per module."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import httpx
import pytest

from tests.serving.conftest import TERRITORY

OTHER_TERRITORY = "sud"
# Texts that give a spread of routes and bands; some urgent (P2 at least).
TEXTS = (
    "C'est urgent : coupure d'électricité demain, je ne peux plus payer la facture.",
    "Bonjour, je voudrais inscrire mon fils à la cantine de l'école.",
    "Je suis menacé d'expulsion, l'huissier est passé, j'ai une dette de loyer de 2400 euros.",
    "Un lampadaire ne fonctionne plus dans ma rue depuis une semaine.",
    "Je viens de perdre mon emploi et je n'arrive plus à payer les courses.",
    "Je souhaite un rendez-vous pour renouveler ma carte d'identité.",
    "Ma mère âgée ne peut plus vivre seule, nous cherchons une aide à domicile.",
    "Demande d'aide pour remplir mon dossier en ligne, je n'ai pas d'ordinateur.",
    "Nous sommes hébergés chez un ami et devons partir à la fin du mois.",
    "Bruit la nuit dans l'immeuble, voisins qui crient.",
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def households_of(engine, territory: str, n: int) -> list[str]:
    from sqlalchemy import select

    from serving.db import households

    with engine.connect() as connection:
        return list(
            connection.execute(
                select(households.c.household_id)
                .where(households.c.territory == territory)
                .order_by(households.c.household_id)
                .limit(n)
            ).scalars()
        )


def triage_bodies(households: list[str], now: dt.datetime) -> list[dict]:
    """One request per household, received 1 hour to 15 days ago (some past their band's
    deadline)."""
    return [
        {
            "household_id": h,
            "channel": ("formulaire_web", "guichet", "telephone", "courriel")[i % 4],
            "description": TEXTS[i % len(TEXTS)],
            "received_at": (now - dt.timedelta(hours=1 + 37 * i)).isoformat(timespec="seconds"),
        }
        for i, h in enumerate(households)
    ]


def sign_in(client, key: str, target: str = "/console/demandes"):
    """Sign in through the form, as a browser would; returns the last answer."""
    page = client.get("/console/connexion")
    csrf = CSRF.search(page.text).group(1)
    return client.post(
        "/console/connexion",
        data={"cle": key, "csrf": csrf, "suite": target},
        follow_redirects=True,
    )


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


@pytest.fixture(scope="module")
def console(history_store_file, registry_uri, tmp_path_factory):
    """An in-process service (one per test module: tests touch distinct requests) with 8
    scored requests in the worker's territory and 3 in another; ``console.worker`` is a
    client signed in as the worker."""
    from fastapi.testclient import TestClient

    from serving.app import create_app
    from serving.config import Settings
    from serving.schemas import local_now
    from tests.serving.conftest import Service
    from tests.support import TEST_KEY

    data_dir = tmp_path_factory.mktemp("console")
    shutil.copy(history_store_file, data_dir / "aiguillage.db")
    settings = Settings(data_dir=data_dir, mlflow_tracking_uri=registry_uri, model_poll_seconds=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIGUILLAGE_PSEUDONYM_KEY", TEST_KEY.decode())
        client = TestClient(create_app(settings))
    with client:
        service = Service(client, client.app)
        engine = service.store.engine
        ours = households_of(engine, TERRITORY, 8)
        theirs = households_of(engine, OTHER_TERRITORY, 3)
        answers = client.post(
            "/v1/triage/batch",
            json={"requests": triage_bodies(ours + theirs, local_now())},
            headers=service.headers("intake"),
        ).json()["results"]
        service.ours = [a for a in answers if a["household_id"] in ours]
        service.theirs = [a for a in answers if a["household_id"] in theirs]
        service.worker = TestClient(service.app)
        sign_in(service.worker, service.keys["social_worker"])
        yield service


# -- a real server and a real browser, once per module (closed before other tests run) --
class ConsoleSite:
    """A uvicorn serving the console over a store with scored requests in two territories."""

    def __init__(self, server, keys: dict[str, str], ours: list[dict], theirs: list[dict]):
        self.server, self.url, self.keys = server, server.url, keys
        self.ours, self.theirs = ours, theirs
        self.store_path = server.env["AIGUILLAGE_DATA_DIR"] + "/aiguillage.db"


@pytest.fixture(scope="module")
def site(history_store_file, registry_uri, tmp_path_factory):
    from serving.db import make_engine
    from serving.schemas import local_now
    from serving.security import Role, create_key
    from serving.store import Store
    from tests.serving.server import Server

    data_dir = tmp_path_factory.mktemp("console-site")
    shutil.copy(history_store_file, data_dir / "aiguillage.db")
    engine = make_engine(f"sqlite:///{data_dir / 'aiguillage.db'}")
    store = Store(engine)
    keys = {
        "worker": create_key(store, Role.social_worker, TERRITORY),
        "other_worker": create_key(store, Role.social_worker, OTHER_TERRITORY),
        "intake": create_key(store, Role.intake),
    }
    ours, theirs = households_of(engine, TERRITORY, 12), households_of(engine, OTHER_TERRITORY, 3)
    engine.dispose()
    server = Server(data_dir, registry_uri, AIGUILLAGE_MODEL_POLL_SECONDS="0").start()
    try:
        answers = httpx.post(
            f"{server.url}/v1/triage/batch",
            json={"requests": triage_bodies(ours + theirs, local_now())},
            headers={"X-API-Key": keys["intake"]},
            timeout=60,
        ).json()["results"]
        yield ConsoleSite(
            server,
            keys,
            [a for a in answers if a["household_id"] in ours],
            [a for a in answers if a["household_id"] in theirs],
        )
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable)
        yield launched
        launched.close()
