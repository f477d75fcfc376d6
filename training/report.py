"""The evaluation report of a training run, in Markdown (aggregates only, no personal data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from training.data import Split


def _metric_lines(metrics: dict[str, float], prefix: str) -> str:
    rows = [
        f"| {k.removeprefix(prefix)} | {v:.4f} |"
        for k, v in metrics.items()
        if k.startswith(prefix)
    ]
    return "\n".join(["| metric | value |", "|---|---:|", *rows])


def write_report(
    path: Path,
    metrics: dict[str, float],
    per_class: pd.DataFrame,
    fairness: pd.DataFrame,
    gaps: list[dict],
    chosen_router: str,
    candidates: dict[str, float],
    split: Split,
) -> Path:
    oracle = ""
    if "oracle_risk_auc" in metrics:
        oracle = (
            f"\n## Against the oracle (synthetic ground truth)\n\n"
            f"- Routing: oracle accuracy {metrics['oracle_routing_accuracy']:.4f}; router "
            f"accuracy {metrics['router_accuracy']:.4f}, macro-F1 {metrics['router_macro_f1']:.4f}"
            f" (gap {metrics['oracle_routing_accuracy'] - metrics['router_macro_f1']:+.4f}).\n"
            f"- Risk: oracle AUC {metrics['oracle_risk_auc']:.4f}; model AUC "
            f"{metrics['risk_auc']:.4f} "
            f"(gap {metrics['oracle_risk_auc'] - metrics['risk_auc']:+.4f}).\n"
        )
    flagged = "\n".join(
        f"- {g['attribute']} / {g['metric']}: gap {g['gap']:.3f} "
        f"(highest: {g['highest']}, lowest: {g['lowest']})"
        for g in gaps[:6]
    )
    candidates_text = ", ".join(f"{k} {v:.4f}" for k, v in candidates.items())
    text = f"""# Evaluation report

Temporal split: train before {split.validation_start:%Y-%m-%d}, validation until
{split.test_start:%Y-%m-%d}, test until {split.end:%Y-%m-%d}. Risk rows are used for
fitting only when their 90-day window closed before the next period.

## Router (chosen: {chosen_router}; validation macro-F1: {candidates_text})

{_metric_lines(metrics, "router_")}

### Per service

{per_class.round(4).to_markdown()}

## Risk

{_metric_lines(metrics, "risk_")}
{oracle}
## Fairness of the risk model (test period)

Largest gaps across groups:

{flagged}

{fairness.round(4).to_markdown(index=False)}

Plots: `router_confusion.png`, `router_coverage.png`, `risk_reliability.png`,
`risk_shap_summary.png`.
"""
    path.write_text(text)
    return path
