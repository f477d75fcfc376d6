"""The console's pages in process (the real app, store and champion models): sign-in and
sessions, CSRF, the queue, a case, decisions, the notice, territory isolation, audit."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.serving.conftest import TERRITORY
from tests.serving.console.conftest import csrf_of, sign_in

pytestmark = pytest.mark.xdist_group("serving")


def _audited(service, action: str, subject_id: str) -> int:
    """How many audit rows name this action on this subject."""
    from serving.db import audit_log

    with service.store.engine.connect() as connection:
        return len(
            connection.execute(
                select(audit_log.c.audit_id).where(
                    audit_log.c.action == action, audit_log.c.subject_id == subject_id
                )
            ).all()
        )


def _reviews(service, request_id: str) -> list[dict]:
    from serving.db import reviews

    with service.store.engine.connect() as connection:
        return [
            dict(r)
            for r in connection.execute(
                select(reviews)
                .where(reviews.c.service_request_id == request_id)
                .order_by(reviews.c.review_id)
            ).mappings()
        ]


def _text(answer) -> str:
    return html.unescape(answer.text)


def test_pages_need_a_live_session(console):
    from fastapi.testclient import TestClient

    anonymous = TestClient(console.app)
    request_id = console.ours[0]["request_id"]
    for path in ("/console/demandes", f"/console/demandes/{request_id}/notice"):
        answer = anonymous.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/connexion?suite=")
    posted = anonymous.post(
        f"/console/demandes/{request_id}/decision",
        data={"decision": "accept", "csrf": "x"},
        follow_redirects=False,
    )
    assert posted.status_code == 303 and _reviews(console, request_id) == []
    # After signing in, the worker lands where they were going.
    landed = sign_in(anonymous, console.keys["social_worker"], f"/console/demandes/{request_id}")
    assert landed.url.path == f"/console/demandes/{request_id}"
    assert "Pourquoi cette priorité" in landed.text
    # Never an open redirect.
    elsewhere = TestClient(console.app)
    page = elsewhere.get("/console/connexion?suite=//evil.example/x")
    assert 'name="suite" value="/console/demandes"' in page.text


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("intake", "ne donne pas accès"),
        ("data_scientist", "ne donne pas accès"),
        (None, "inconnue"),
    ],
)
def test_sign_in_refuses_other_roles_and_bad_keys(console, role, message):
    from fastapi.testclient import TestClient

    client = TestClient(console.app)
    key = console.keys[role] if role else "aig_000000000000_nope"
    answer = sign_in(client, key)
    assert answer.status_code == 401 and message in answer.text
    assert client.get("/console/demandes", follow_redirects=False).status_code == 303


def test_sessions_over_for_a_week_are_purged_at_the_next_sign_in(console):
    import datetime as dt

    from fastapi.testclient import TestClient
    from sqlalchemy import func, update

    from serving.db import console_sessions as table

    with console.store.engine.begin() as connection:
        connection.execute(update(table).values(expires_at=dt.datetime(2020, 1, 1)))
    sign_in(TestClient(console.app), console.keys["social_worker"])
    with console.store.engine.connect() as connection:
        left = connection.execute(select(func.count()).select_from(table)).scalar_one()
    assert left == 1  # only the new one
    # The module's signed-in worker was among them: signing in again restores it.
    sign_in(console.worker, console.keys["social_worker"])


def test_sign_in_form_needs_its_token(console):
    from fastapi.testclient import TestClient

    client = TestClient(console.app)
    answer = client.post(
        "/console/connexion", data={"cle": console.keys["social_worker"], "csrf": "forged"}
    )
    assert answer.status_code == 401 and "expiré" in answer.text


def test_sign_out_ends_the_session_and_a_revoked_key_ends_it_too(console):
    from fastapi.testclient import TestClient

    from serving.console.sessions import COOKIE
    from serving.security import Role, create_key

    worker = TestClient(console.app)
    sign_in(worker, console.keys["social_worker"])
    token = worker.cookies.get(COOKIE)
    csrf = csrf_of(worker.get("/console/demandes").text)
    out = worker.post("/console/deconnexion", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    replay = TestClient(console.app, cookies={COOKIE: token})
    assert replay.get("/console/demandes", follow_redirects=False).status_code == 303

    again = TestClient(console.app)
    key = create_key(console.store, Role.social_worker, TERRITORY)
    sign_in(again, key)
    assert again.get("/console/demandes").status_code == 200
    console.store.revoke_key(key.split("_")[1])
    assert again.get("/console/demandes", follow_redirects=False).status_code == 303


def test_queue_lists_the_territory_by_band_then_risk_and_is_audited(console):
    listed_before = {
        a["request_id"]: _audited(console, "list_queue", a["request_id"]) for a in console.ours
    }
    page = console.worker.get("/console/demandes", params={"statut": "toutes"})
    assert page.status_code == 200
    assert "default-src 'none'; style-src 'self'" in page.headers["content-security-policy"]
    rows = re.findall(
        r'data-request="([0-9a-f]+)" data-risk="([^"]*)" data-band="([^"]*)"', page.text
    )
    ours = {a["request_id"]: a for a in console.ours}
    assert {r[0] for r in rows} == set(ours)  # the other territory's requests never show
    ranks = [(band, -float(risk)) for _, risk, band in rows]
    assert ranks == sorted(ranks)
    assert [(float(risk), band) for rid, risk, band in rows] == [
        (ours[rid]["risk"], ours[rid]["band"]) for rid, _, _ in rows
    ]
    for band in ("P1", "P2", "P3", "P4"):
        count = re.search(rf'data-band="{band}">(\d+)<', page.text).group(1)
        assert int(count) == sum(a["band"] == band for a in console.ours)
    assert all(_audited(console, "list_queue", r) == listed_before[r] + 1 for r in ours)

    filtered = console.worker.get(
        "/console/demandes", params={"canal": "guichet", "statut": "toutes"}
    )
    kept = re.findall(r'data-request="([0-9a-f]+)"', filtered.text)
    assert kept and len(kept) < len(rows)
    ignored = console.worker.get("/console/demandes", params={"priorite": "P9", "du": "hier"})
    assert "Niveau de priorité inconnu" in ignored.text and "Date de début invalide" in ignored.text


def test_case_page_explains_and_audits(console):
    answer = console.ours[2]
    page = console.worker.get(f"/console/demandes/{answer['request_id']}")
    assert page.status_code == 200
    text = _text(page)
    for reason in answer["reasons"]:
        assert reason["text"][1:] in text
    assert text.count('class="reason up"') == sum(r["contribution"] > 0 for r in answer["reasons"])
    assert answer["route"]["label"] in text
    assert f"version {answer['model_versions']['risk']}" in text
    assert "Historique du foyer" in text and "(cette demande)" in text
    assert _audited(console, "read_request", answer["request_id"]) == 1
    assert _audited(console, "read_timeline", answer["household_id"]) == 1


def test_override_with_a_reason_is_stored_shown_and_closable(console):
    answer = console.ours[1]
    path = f"/console/demandes/{answer['request_id']}"
    csrf = csrf_of(console.worker.get(path).text)
    other_band = "P1" if answer["band"] != "P1" else "P4"
    form = {"csrf": csrf, "decision": "override", "service": answer["route"]["service"]}
    refused = console.worker.post(f"{path}/decision", data={**form, "priorite": other_band})
    assert refused.status_code == 422 and "motif" in refused.text
    assert _reviews(console, answer["request_id"]) == []
    saved = console.worker.post(
        f"{path}/decision",
        data={
            **form,
            "priorite": other_band,
            "motif": "information_hors_modele",
            "commentaire": "Rendez-vous déjà pris.",
        },
    )
    assert saved.status_code == 200 and "Décision enregistrée" in saved.text
    (review,) = _reviews(console, answer["request_id"])
    assert (review["band"], review["suggested_band"], review["band_overridden"]) == (
        other_band,
        answer["band"],
        True,
    )
    assert review["reviewer"] == console.keys["social_worker"].split("_")[1]
    assert not review["route_overridden"] and _audited(console, "decide", answer["request_id"]) == 1
    reloaded = _text(console.worker.get(path))
    assert f"priorité : {answer['band']} → {other_band}" in reloaded
    assert "Rendez-vous déjà pris." in reloaded

    handled = console.worker.post(f"{path}/traitee", data={"csrf": csrf})
    assert handled.status_code == 200
    latest = _reviews(console, answer["request_id"])[-1]
    assert latest["handled"] and latest["band"] == other_band
    assert console.store.request(answer["request_id"])["status"] == "closed"
    assert answer["request_id"] not in console.worker.get("/console/demandes").text
    # A later decision on a handled request keeps it handled.
    console.worker.post(f"{path}/decision", data={"csrf": csrf, "decision": "accept"})
    last = _reviews(console, answer["request_id"])[-1]
    assert (last["decision"], last["band"], last["handled"]) == ("accept", answer["band"], True)


def test_forms_without_the_session_token_are_refused(console):
    request_id = console.ours[3]["request_id"]
    answer = console.worker.post(
        f"/console/demandes/{request_id}/decision", data={"csrf": "forged", "decision": "accept"}
    )
    assert answer.status_code == 403 and "expiré" in answer.text
    assert _reviews(console, request_id) == []


def test_another_territory_cannot_open_or_decide(console):
    from fastapi.testclient import TestClient

    from serving.security import Role, create_key

    outsider = TestClient(console.app)
    sign_in(outsider, create_key(console.store, Role.social_worker, "sud"))
    theirs = console.ours[4]["request_id"]
    for path in (f"/console/demandes/{theirs}", f"/console/demandes/{theirs}/notice"):
        answer = outsider.get(path)
        assert answer.status_code == 404 and "hors de votre territoire" in answer.text
    csrf = csrf_of(outsider.get("/console/demandes").text)
    posted = outsider.post(
        f"/console/demandes/{theirs}/decision", data={"csrf": csrf, "decision": "accept"}
    )
    assert posted.status_code == 404 and _reviews(console, theirs) == []
    assert _audited(console, "read_request", theirs) == 0
    # Their own territory's requests are theirs to open.
    assert outsider.get(f"/console/demandes/{console.theirs[0]['request_id']}").status_code == 200


def test_notice_tells_the_resident_what_the_algorithm_did(console):
    answer = console.ours[5]
    assert answer["reasons"]
    notice = console.worker.get(f"/console/demandes/{answer['request_id']}/notice")
    assert notice.status_code == 200
    text = _text(notice)
    assert "L311-3-1" in text and "R311-3-1-2" in text
    for heading in (
        "Comment l'algorithme a contribué",
        "Les données utilisées et leur origine",
        "Les éléments qui ont pesé",
        "Les opérations effectuées",
    ):
        assert heading in text
    for reason in answer["reasons"]:
        assert reason["text"][1:] in text
    risk = f"{100 * answer['risk']:.1f}".replace(".", ",")
    assert risk in text and answer["model_versions"]["router"] in text
    assert "pas encore été examinée" in text
    assert "nationalité" in text  # what is never used is said too
    assert _audited(console, "read_notice", answer["request_id"]) == 1
