"""The risk label from the store's accompaniment events: a crisis within 91 days after a
request (the horizon training uses), known only when the whole window is on record."""

from __future__ import annotations

import pandas as pd

HORIZON = pd.Timedelta(days=91)
CRISIS = "crise"


def outcomes(requests: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per request, in the order given: the outcomes contract's columns."""
    known_until = events["recorded_at"].max() if len(events) else pd.NaT
    times = pd.to_datetime(requests["requested_datetime"]).reset_index(drop=True)
    out = pd.DataFrame(
        {
            "service_request_id": requests["service_request_id"].to_numpy(),
            "crisis_within_90d": False,
            "crisis_datetime": pd.Series(pd.NaT, index=times.index, dtype="datetime64[us]"),
            "crisis_kind": pd.Series(None, index=times.index, dtype=object),
            "window_complete": (times + HORIZON <= known_until).to_numpy()
            if pd.notna(known_until)
            else False,
        }
    )
    crises = events.loc[events["kind"] == CRISIS, ["household_id", "occurred_at", "crisis_kind"]]
    if crises.empty:
        return out
    pairs = (
        pd.DataFrame({"row": times.index, "household_id": requests["household_id"].to_numpy()})
        .assign(at=times)
        .merge(crises, on="household_id")
    )
    pairs = pairs[
        (pairs["occurred_at"] > pairs["at"]) & (pairs["occurred_at"] <= pairs["at"] + HORIZON)
    ]
    first = pairs.sort_values("occurred_at").drop_duplicates("row")
    out.loc[first["row"], "crisis_within_90d"] = True
    out.loc[first["row"], "crisis_datetime"] = first["occurred_at"].to_numpy()
    out.loc[first["row"], "crisis_kind"] = first["crisis_kind"].to_numpy()
    return out


def risk_labels(requests: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """1.0 / 0.0 where the outcome is known, NaN where its window is still open."""
    frame = outcomes(requests, events)
    return (
        frame["crisis_within_90d"]
        .astype(float)
        .where(frame["window_complete"])
        .set_axis(requests.index)
    )
