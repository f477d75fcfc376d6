"""Delays, deadlines, backlog, the cost of a reassignment and complaints after long waits.

Every function takes a Cases frame and returns an aggregate frame; nothing here sees a
text or an id. Delays are in days. Medians and 90th percentiles of a delay read only the
requests that reached that step (a request still open has no closing delay yet); the
requests still waiting show in the late share and in the backlog.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from serving.improvement.cases import Cases, month_labels, plain_keys

DIMENSIONS = ("service", "agency", "channel", "motive", "month")
# Below this many requests a group's delays and rates are left empty: too few to mean
# anything, and too close to a single person.
MIN_GROUP = 5
# Waits (days before the answer) against which complaints are counted.
WAIT_BINS = (0.0, 1.0, 3.0, 7.0, 14.0, 30.0, np.inf)
WAIT_LABELS = (
    "moins d'1 jour",
    "1 à 3 jours",
    "3 à 7 jours",
    "7 à 14 jours",
    "14 à 30 jours",
    "plus de 30 jours",
)


def delay_table(cases: Cases, by: str | list[str]) -> pd.DataFrame:
    """Per group: volume, median and 90th percentile of the first response and of the
    closing, share late, reassignment rate and mean reassignments, complaint rate, open."""
    keys = [by] if isinstance(by, str) else list(by)
    frame = cases.frame.assign(reassigned=cases.frame["reassignments"] > 0)
    grouped = frame.groupby(keys, sort=True, observed=True)
    first = grouped["first_response_days"]
    closing = grouped["closing_days"]
    out = pd.DataFrame(
        {
            "requests": grouped.size(),
            "first_response_median_days": first.median(),
            "first_response_p90_days": first.quantile(0.9),
            "closing_median_days": closing.median(),
            "closing_p90_days": closing.quantile(0.9),
            "late_share": grouped["late"].mean(),
            "reassigned_share": grouped["reassigned"].mean(),
            "reassignments_per_request": grouped["reassignments"].mean(),
            "complaint_share": grouped["complaint"].mean(),
            "open": grouped["open"].sum(),
        }
    )
    if not cases.has_first_response:
        out[["first_response_median_days", "first_response_p90_days"]] = np.nan
    if not cases.has_reassignments:
        out[["reassigned_share", "reassignments_per_request"]] = np.nan
    if not cases.has_complaints:
        out["complaint_share"] = np.nan
    small = out["requests"] < MIN_GROUP
    out.loc[small, out.columns.difference(["requests", "open"])] = np.nan
    return plain_keys(out.reset_index())


def backlog(cases: Cases, by: str = "service") -> pd.DataFrame:
    """Requests still open at the end of each month, per group: arrivals so far minus
    closings so far. Columns: month, the group, backlog."""
    frame = cases.frame
    months = [str(m) for m in pd.period_range(frame["requested"].min(), cases.horizon, freq="M")]
    arrived = frame.groupby([by, "month"], observed=True).size()
    closed_at = frame["requested"] + pd.to_timedelta(frame["closing_days"], unit="D")
    closed_month = pd.Series(month_labels(closed_at), index=frame.index)
    closed = frame[by].groupby([frame[by], closed_month], observed=True).size()
    closed = closed.rename_axis([by, "month"])
    table = (
        pd.concat({"arrived": arrived, "closed": closed}, axis=1)
        .fillna(0)
        .unstack(by, fill_value=0)
        .reindex(months, fill_value=0)
        .cumsum()
    )
    open_now = (table["arrived"] - table["closed"]).rename_axis("month")
    out = open_now.stack().rename("backlog").reset_index().astype({"backlog": "int64"})
    return plain_keys(out)


@dataclass(frozen=True)
class ReassignmentCost:
    """Days one reassignment adds to the first answer, compared within the same service
    and month (so that a busy month does not pass for the cost of misrouting)."""

    days: float
    standard_error: float  # heteroscedasticity-robust (HC0)
    requests: int
    reassigned: int
    per_service: pd.DataFrame  # service, days, standard_error, requests, reassigned


def _within_slope(y: np.ndarray, x: np.ndarray, strata: np.ndarray) -> tuple[float, float]:
    """Slope of y on x after removing each stratum's means (the fixed-effects estimator),
    with its HC0 standard error."""
    counts = np.bincount(strata)
    safe = np.maximum(counts, 1)
    y_dev = y - (np.bincount(strata, y) / safe)[strata]
    x_dev = x - (np.bincount(strata, x) / safe)[strata]
    sxx = float(x_dev @ x_dev)
    if sxx <= 0:
        return np.nan, np.nan
    slope = float(x_dev @ y_dev) / sxx
    residual = y_dev - slope * x_dev
    return slope, float(np.sqrt(np.sum(x_dev**2 * residual**2)) / sxx)


def reassignment_cost(cases: Cases) -> ReassignmentCost | None:
    """The delay a reassignment adds, overall and per service; None when the data holds no
    reassignment (an export that does not record them)."""
    if not cases.has_reassignments:
        return None
    frame = cases.frame
    answered = frame[frame["answer_days"].notna()]
    y = answered["answer_days"].to_numpy(np.float64)
    x = answered["reassignments"].to_numpy(np.float64)
    service_codes = answered["service"].cat.categories
    service = answered["service"].cat.codes.to_numpy(np.int64)
    month = answered["month"].cat.codes.to_numpy(np.int64)
    strata = service * (month.max() + 1) + month
    days, error = _within_slope(y, x, np.unique(strata, return_inverse=True)[1])
    rows = []
    for code_index, code in enumerate(service_codes):
        mask = service == code_index
        if not mask.any():
            continue
        slope, se = _within_slope(y[mask], x[mask], np.unique(month[mask], return_inverse=True)[1])
        rows.append(
            {
                "service": code,
                "days": slope,
                "standard_error": se,
                "requests": int(mask.sum()),
                "reassigned": int((x[mask] > 0).sum()),
            }
        )
    return ReassignmentCost(
        days=days,
        standard_error=error,
        requests=len(answered),
        reassigned=int((x > 0).sum()),
        per_service=pd.DataFrame(rows),
    )


def complaints_by_wait(cases: Cases) -> pd.DataFrame | None:
    """Complaint rate by how long the request waited for its answer; None when the data
    records no complaint."""
    if not cases.has_complaints:
        return None
    frame = cases.frame[cases.frame["answer_days"].notna()]
    wait = pd.cut(frame["answer_days"], WAIT_BINS, right=False, labels=list(WAIT_LABELS))
    grouped = frame.groupby(wait, observed=False)
    out = pd.DataFrame(
        {
            "requests": grouped.size(),
            "complaints": grouped["complaint"].sum().astype("int64"),
            "complaint_share": grouped["complaint"].mean(),
            "late_share": grouped["late"].mean(),
        }
    ).rename_axis("wait")
    out.loc[out["requests"] < MIN_GROUP, ["complaint_share", "late_share"]] = np.nan
    return plain_keys(out.reset_index())
