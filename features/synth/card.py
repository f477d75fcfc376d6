"""The data card of a synthetic territory: what it holds and the oracle figures.

The oracle figures are ceilings: the risk oracle ranks requests by their true probability
of a crisis (AUC on requests whose 90-day window is complete), the routing oracle picks
the most likely final service knowing the generator's hidden state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import roc_auc_score

if TYPE_CHECKING:
    from features.synth.generator import Territory


def _shares(series) -> dict[str, float]:
    return {str(k): round(float(v), 4) for k, v in series.value_counts(normalize=True).items()}


def data_card(territory: Territory) -> dict:
    config = territory.config
    requests, outcomes, truth = territory.requests, territory.outcomes, territory.request_truth
    events = territory.accompaniment_events
    complete = outcomes["window_complete"].to_numpy()
    label = outcomes["crisis_within_90d"].to_numpy()[complete]
    p_true = truth["p_crisis_90d"].to_numpy()[complete]
    oracle_auc = float(roc_auc_score(label, p_true)) if 0 < label.sum() < len(label) else None
    waited = (
        requests["first_response_datetime"] - requests["requested_datetime"]
    ).dt.total_seconds()
    waited = waited.dropna() / 86_400
    late = (events["recorded_at"] - events["occurred_at"]) > np.timedelta64(1, "D")
    return {
        "generator": {
            "seed": config.seed,
            "households": config.households,
            "years": config.years,
            "start": config.start.isoformat(),
            "end": config.end.isoformat(),
        },
        "counts": {
            "households": len(territory.households),
            "requests": len(requests),
            "accompaniment_events": len(events),
            "requests_with_complete_window": int(complete.sum()),
        },
        "oracle": {
            "risk_auc": None if oracle_auc is None else round(oracle_auc, 4),
            "routing_accuracy": round(float(truth["oracle_route_confidence"].mean()), 4),
            "mean_true_crisis_probability": round(float(p_true.mean()), 4),
        },
        "crisis_rate_90d": round(float(label.mean()), 4) if len(label) else None,
        "class_balance": _shares(requests["service_code"]),
        "channel_mix": _shares(requests["channel"]),
        "route_kinds": _shares(truth["route_kind"]),
        "text_styles": _shares(truth["style"]),
        "typo_share": round(float(truth["has_typo"].mean()), 4),
        "distinct_text_share": round(float(requests["description"].nunique() / len(requests)), 4),
        "reassignment_rate": round(float((requests["reassignment_count"] > 0).mean()), 4),
        "complaint_rate": round(float(requests["complaint"].mean()), 4),
        "first_response_days": {
            "median": round(float(waited.median()), 2),
            "p90": round(float(waited.quantile(0.9)), 2),
            "p99": round(float(waited.quantile(0.99)), 2),
        },
        "open_requests": int((requests["status"] == "open").sum()),
        "event_kinds": {str(k): int(v) for k, v in events["kind"].value_counts().items()},
        "late_recorded_event_share": round(float(late.mean()), 4),
    }


def _table(rows: dict[str, float], header: tuple[str, str]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {k} | {v:.1%} |" for k, v in rows.items()]
    return "\n".join(lines)


def render_card_markdown(card: dict) -> str:
    gen, counts, oracle = card["generator"], card["counts"], card["oracle"]
    waits = card["first_response_days"]
    return f"""# Data card — synthetic territory (seed {gen["seed"]})

Synthetic data made by `aiguillage data synth`; no real person is described. Period
{gen["start"]} to {gen["end"]} ({gen["years"]} years), {counts["households"]:,} households,
{counts["requests"]:,} requests, {counts["accompaniment_events"]:,} accompaniment events.

## Oracle figures (ceilings no model can pass)

- Risk: AUC of the true crisis probability = **{oracle["risk_auc"]}** on the
  {counts["requests_with_complete_window"]:,} requests whose 90-day window is complete;
  crisis rate within 90 days {card["crisis_rate_90d"]:.1%}.
- Routing: oracle accuracy = **{oracle["routing_accuracy"]}** (ambiguous and vague requests
  cannot all be routed right).

## Handling

Reassigned {card["reassignment_rate"]:.1%}, complaints {card["complaint_rate"]:.1%},
days to first response: median {waits["median"]}, p90 {waits["p90"]}, p99 {waits["p99"]};
{card["open_requests"]:,} requests still open at the end; late-recorded events
{card["late_recorded_event_share"]:.1%}.

## Class balance (final service)

{_table(card["class_balance"], ("service", "share"))}

## Channels

{_table(card["channel_mix"], ("channel", "share"))}

## Texts

Typo share {card["typo_share"]:.1%}, distinct texts {card["distinct_text_share"]:.1%}.

{_table(card["route_kinds"], ("route kind", "share"))}
"""
