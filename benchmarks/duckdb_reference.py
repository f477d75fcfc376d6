"""The point-in-time features written as DuckDB SQL (range joins, ASOF-style look-ups and
window functions): the reference our numpy pipeline is timed against, and an independent
second implementation that the tests compare value by value.

Text normalisation and household attributes are not included: they are not history
features, and SQL has no French normaliser. The calendar features are. What each request's
text says (needs as a bit mask, stated amount) is read by ``features.signals.read_texts``
and handed to SQL as two columns; the windows over them are SQL's.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from features.registry import AT_STAKE_HALF_LIFE_DAYS
from features.signals import NEEDS, read_texts
from features.vocabulary import SERVICES

_DAY = 86_400


def _sql() -> str:
    per_service = ",\n".join(
        f"count(*) FILTER (WHERE q.t - r.arrived <= {days * _DAY} AND r.assigned < q.t"
        f" AND r.service = '{s}')"
        f" AS requests_{s}_{days}d"
        for days in (30, 90, 365)
        for s in SERVICES
    )
    repeat = " + ".join(f"greatest(requests_{s}_30d - 1, 0)" for s in SERVICES)
    distinct = " + ".join(f"(requests_{s}_365d > 0)::INT" for s in SERVICES)
    per_need = ",\n".join(
        f"count(*) FILTER (WHERE q.t - r.arrived <= {90 * _DAY} AND r.needs & {1 << k} != 0)"
        f" AS need_{need}_requests_90d"
        for k, need in enumerate(NEEDS)
    )
    # The latest statement of an amount for each need: (time, amount, table position).
    latest = ",\n".join(
        f"max({{'t': r.arrived, 'a': r.amount, 'p': r.pos}})"
        f" FILTER (WHERE r.needs & {1 << k} != 0 AND r.amount > 0) AS latest_{k}"
        for k in range(len(NEEDS))
    )
    latest_rows = " UNION ALL ".join(
        f"SELECT id, t, latest_{k} AS s FROM stated"
        f" WHERE NOT (now_needs & {1 << k} != 0 AND now_amount > 0)"
        for k in range(len(NEEDS))
    )
    return f"""
WITH q AS (
    SELECT service_request_id AS id, household_id AS hh,
           epoch(requested_datetime)::BIGINT AS t, needs AS now_needs, amount AS now_amount
    FROM requests WHERE household_id IS NOT NULL
),
r AS (
    SELECT household_id AS hh, epoch(requested_datetime)::BIGINT AS arrived,
           needs, amount, pos,
           coalesce(epoch(assigned_datetime)::BIGINT, 9223372036854775807) AS assigned,
           initial_service_code AS service,
           epoch(closed_datetime)::BIGINT AS closed,
           epoch(first_response_datetime)::BIGINT AS answered,
           reassignment_count AS reassignments, complaint::INT AS complaint
    FROM requests WHERE household_id IS NOT NULL
),
e AS (
    SELECT household_id AS hh, epoch(occurred_at)::BIGINT AS occurred,
           epoch(recorded_at)::BIGINT AS recorded, kind, amount
    FROM accompaniment_events
),
windowed AS (
    SELECT q.id, q.t,
        count(*) FILTER (WHERE q.t - r.arrived <= {30 * _DAY}) AS requests_30d,
        count(*) FILTER (WHERE q.t - r.arrived <= {90 * _DAY}) AS requests_90d,
        count(*) AS requests_365d,
        {per_service},
        count(*) FILTER (WHERE q.t - r.arrived <= {90 * _DAY} AND r.needs > 0)
            AS need_requests_90d,
        {per_need}
    FROM q JOIN r ON r.hh = q.hh AND r.arrived < q.t AND r.arrived >= q.t - {365 * _DAY}
    GROUP BY q.id, q.t
),
stated AS (
    SELECT q.id, q.t, q.now_needs, q.now_amount,
        {latest}
    FROM q JOIN r ON r.hh = q.hh AND r.arrived < q.t AND r.arrived >= q.t - {365 * _DAY}
    GROUP BY q.id, q.t, q.now_needs, q.now_amount
),
at_stake AS (
    SELECT id, sum(s.a * pow(0.5, (t - s.t) / {AT_STAKE_HALF_LIFE_DAYS * _DAY})) AS past
    FROM (SELECT DISTINCT * FROM ({latest_rows}) WHERE s IS NOT NULL)
    GROUP BY id
),
unbounded AS (
    SELECT q.id,
        (q.t - max(r.arrived)) / {_DAY} AS days_since_last_request,
        (q.t - max(r.arrived) FILTER (WHERE r.needs > 0)) / {_DAY} AS days_since_need_request,
        count(*) FILTER (WHERE r.closed IS NULL OR r.closed >= q.t) AS open_requests
    FROM q JOIN r ON r.hh = q.hh AND r.arrived < q.t
    GROUP BY q.id, q.t
),
closings AS (
    SELECT q.id, sum(r.reassignments) AS reassignments_365d, sum(r.complaint) AS complaints_365d
    FROM q JOIN r ON r.hh = q.hh AND r.closed < q.t AND r.closed >= q.t - {365 * _DAY}
    GROUP BY q.id
),
answers AS (
    SELECT id, median(wait) AS median_wait_days FROM (
        SELECT q.id, (r.answered - r.arrived) / {_DAY} AS wait,
               row_number() OVER (PARTITION BY q.id ORDER BY r.answered DESC, r.arrived DESC) AS k
        FROM q JOIN r ON r.hh = q.hh AND r.answered < q.t
    ) WHERE k <= 5 GROUP BY id
),
events AS (
    SELECT q.id,
        count(*) FILTER (WHERE kind = 'rdv_honore' AND q.t - occurred <= {90 * _DAY})
            AS appointments_kept_90d,
        count(*) FILTER (WHERE kind = 'rdv_manque' AND q.t - occurred <= {90 * _DAY})
            AS appointments_missed_90d,
        count(*) FILTER (WHERE kind = 'rdv_honore') AS appointments_kept_365d,
        count(*) FILTER (WHERE kind = 'rdv_manque') AS appointments_missed_365d,
        count(*) FILTER (WHERE kind = 'entretien' AND q.t - occurred <= {90 * _DAY})
            AS interviews_90d,
        coalesce(sum(amount) FILTER (WHERE kind = 'aide_accordee'
                                     AND q.t - occurred <= {90 * _DAY}), 0)
            AS aid_granted_amount_90d,
        count(*) FILTER (WHERE kind = 'aide_accordee') AS aid_granted_365d,
        coalesce(sum(amount) FILTER (WHERE kind = 'aide_accordee'), 0) AS aid_granted_amount_365d,
        count(*) FILTER (WHERE kind = 'aide_refusee') AS aid_refused_365d,
        coalesce(sum(amount) FILTER (WHERE kind = 'aide_refusee'), 0) AS aid_refused_amount_365d,
        count(*) FILTER (WHERE kind = 'orientation') AS orientations_365d,
        count(*) FILTER (WHERE kind = 'crise') AS crises_365d
    FROM q JOIN e ON e.hh = q.hh AND e.occurred < q.t AND e.occurred >= q.t - {365 * _DAY}
        AND e.recorded < q.t
    GROUP BY q.id
),
known AS (
    SELECT q.id,
        count(*) FILTER (WHERE kind = 'crise') AS crises_total,
        arg_max(kind = 'ouverture_accompagnement',
                occurred * 16 + CASE kind WHEN 'ouverture_accompagnement' THEN 6 ELSE 7 END)
            FILTER (WHERE kind IN ('ouverture_accompagnement', 'cloture_accompagnement'))
            AS follow_up_open,
        max(occurred) FILTER (WHERE kind IN ('ouverture_accompagnement',
                                             'cloture_accompagnement')) AS last_status,
        (q.t - max(occurred) FILTER (WHERE kind IN ('entretien', 'rdv_honore'))) / {_DAY}
            AS days_since_social_contact
    FROM q JOIN e ON e.hh = q.hh AND e.occurred < q.t AND e.recorded < q.t
    GROUP BY q.id, q.t
)
SELECT q.id AS service_request_id,
    (q.t % {_DAY}) // 3600 AS hour,
    ((q.t // {_DAY}) + 3) % 7 AS weekday,
    month(to_timestamp(q.t)::TIMESTAMP) AS month,
    w.* EXCLUDE (id, t),
    coalesce(({distinct}), 0) AS distinct_services_365d,
    ({repeat}) AS repeat_service_30d,
    u.days_since_last_request, coalesce(u.open_requests, 0) AS open_requests,
    u.days_since_need_request,
    coalesce(s.past, 0)
        + CASE WHEN q.now_needs > 0 AND q.now_amount > 0 THEN q.now_amount ELSE 0 END
        AS amount_at_stake,
    coalesce(c.reassignments_365d, 0) AS reassignments_365d,
    coalesce(c.complaints_365d, 0) AS complaints_365d,
    a.median_wait_days,
    coalesce(k.follow_up_open, false) AS follow_up_open,
    CASE WHEN k.follow_up_open THEN (q.t - k.last_status) / {_DAY} ELSE 0 END AS follow_up_days,
    ev.* EXCLUDE (id),
    coalesce(k.crises_total, 0) AS crises_total,
    k.days_since_social_contact
FROM q
LEFT JOIN windowed w USING (id)
LEFT JOIN unbounded u USING (id)
LEFT JOIN at_stake s USING (id)
LEFT JOIN closings c USING (id)
LEFT JOIN answers a USING (id)
LEFT JOIN events ev USING (id)
LEFT JOIN known k USING (id)
ORDER BY q.id
"""


def duckdb_features(
    tables: dict[str, pd.DataFrame], threads: int | None = None, read=read_texts
) -> pd.DataFrame:
    """Every history feature of every request. ``read`` reads the texts (the benchmark of
    history features alone passes a stub, as it does to ours)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    requests = tables["requests"]
    _, needs, amount = read(requests["description"].to_numpy(dtype=object))
    requests = requests.assign(
        needs=needs.astype(np.int32), amount=np.nan_to_num(amount), pos=np.arange(len(requests))
    )
    con.register("requests", requests)
    con.register("accompaniment_events", tables["accompaniment_events"])
    frame = con.execute(_sql()).df()
    con.close()
    counts = [
        c
        for c in frame.columns
        if c.startswith(
            ("requests_", "appointments_", "aid_", "orientations", "crises", "need_", "interviews")
        )
    ]
    frame[counts] = frame[counts].fillna(0)
    kept, missed = frame["appointments_kept_90d"], frame["appointments_missed_90d"]
    frame["appointments_missed_rate_90d"] = (missed / (kept + missed)).where(kept + missed > 0)
    kept, missed = frame["appointments_kept_365d"], frame["appointments_missed_365d"]
    frame["appointments_missed_rate_365d"] = (missed / (kept + missed)).where(kept + missed > 0)
    return frame
