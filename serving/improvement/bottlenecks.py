"""Bottlenecks: the services and months whose delays jump beyond their usual level.

A service's usual level in a month is the median of its monthly median waits over the
months before (a rolling window). A month is a jump when its median wait is at least
``min_ratio`` times the usual level and at least ``min_days`` more (a jump that matters),
on at least ``min_requests`` requests, and when chance cannot explain it: under the usual
level, half of the month's requests would wait longer than it; the sign test's z (the
excess of requests waiting longer, in binomial standard deviations) must reach ``min_z``.
Consecutive jumping months of a service form one episode, reported with its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from serving.improvement.cases import Cases, plain_keys


@dataclass(frozen=True)
class BottleneckRule:
    window_months: int = 6
    min_history: int = 3
    min_ratio: float = 1.5
    min_days: float = 1.0
    min_z: float = 3.0
    min_requests: int = 20


def monthly_waits(cases: Cases, by: str = "service") -> pd.DataFrame:
    """Per group and month: requests, median wait for the answer (days), share late."""
    frame = cases.frame
    grouped = frame.groupby([by, "month"], observed=True)
    waits = pd.DataFrame(
        {
            "requests": grouped.size(),
            "median_days": grouped["answer_days"].median(),
            "late_share": grouped["late"].mean(),
        }
    ).reset_index()
    return plain_keys(waits)


def _usual(series: pd.Series, rule: BottleneckRule) -> pd.Series:
    return series.shift(1).rolling(rule.window_months, min_periods=rule.min_history).median()


def flag_months(cases: Cases, rule: BottleneckRule, by: str = "service") -> pd.DataFrame:
    """Each group-month with its usual level, ratio, sign-test z and whether it jumps."""
    waits = monthly_waits(cases, by).sort_values([by, "month"]).reset_index(drop=True)
    # Thin months neither count towards the usual level nor get flagged.
    enough = waits["requests"] >= rule.min_requests
    median = waits["median_days"].where(enough)
    waits["usual_days"] = median.groupby(waits[by]).transform(lambda s: _usual(s, rule))
    waits["usual_late_share"] = (
        waits["late_share"].where(enough).groupby(waits[by]).transform(lambda s: _usual(s, rule))
    )
    frame = cases.frame[[by, "month", "answer_days"]].dropna()
    usual = frame.merge(waits[[by, "month", "usual_days"]], on=[by, "month"], how="left")
    longer = (usual["answer_days"] > usual["usual_days"]).groupby([usual[by], usual["month"]])
    counted = pd.DataFrame({"longer": longer.mean(), "answered": longer.size()}).reset_index()
    waits = waits.merge(counted, on=[by, "month"], how="left")
    waits["ratio"] = median / waits["usual_days"]
    waits["z"] = (waits["longer"] - 0.5) * 2 * np.sqrt(waits["answered"])
    waits["jump"] = (
        enough
        & (waits["ratio"] >= rule.min_ratio)
        & (median - waits["usual_days"] >= rule.min_days)
        & (waits["z"] >= rule.min_z)
    )
    return waits.drop(columns=["longer", "answered"])


def detect_bottlenecks(
    cases: Cases, rule: BottleneckRule | None = None, by: str = "service"
) -> pd.DataFrame:
    """Episodes of consecutive jumping months per group, largest jump first. Columns: the
    group, first_month, last_month, months, requests, median_days (the worst month's),
    usual_days, ratio (the worst), extra_days, late_share, usual_late_share, z."""
    rule = rule or BottleneckRule()
    flagged = flag_months(cases, rule, by)
    jumps = flagged[flagged["jump"]].copy()
    columns = [
        by,
        "first_month",
        "last_month",
        "months",
        "requests",
        "median_days",
        "usual_days",
        "ratio",
        "extra_days",
        "late_share",
        "usual_late_share",
        "z",
    ]
    if jumps.empty:
        return pd.DataFrame(columns=columns)
    index = pd.PeriodIndex(jumps["month"], freq="M")
    ordinal = index.year * 12 + index.month
    new_episode = (jumps[by] != jumps[by].shift()) | (
        ordinal.to_numpy() - np.roll(ordinal.to_numpy(), 1) != 1
    )
    jumps["episode"] = np.cumsum(new_episode.to_numpy())
    worst = jumps.loc[jumps.groupby("episode")["ratio"].idxmax()].set_index("episode")
    grouped = jumps.groupby("episode")
    out = pd.DataFrame(
        {
            by: worst[by],
            "first_month": grouped["month"].min(),
            "last_month": grouped["month"].max(),
            "months": grouped.size(),
            "requests": grouped["requests"].sum(),
            "median_days": worst["median_days"],
            "usual_days": worst["usual_days"],
            "ratio": worst["ratio"],
            "extra_days": worst["median_days"] - worst["usual_days"],
            "late_share": worst["late_share"],
            "usual_late_share": worst["usual_late_share"],
            "z": worst["z"],
        }
    )
    return out.sort_values("ratio", ascending=False).reset_index(drop=True)[columns]
