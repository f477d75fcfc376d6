"""`make bench`: run every benchmark and print the figures as a Markdown table.

Usage: python -m benchmarks [--quick] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console

from benchmarks import features, improvement, monitoring, serving, spark, synth, training
from benchmarks.harness import machine

SUITES = {
    "synth": synth.run,
    "features": features.run,
    "training": training.run,
    "serving": serving.run,
    "spark": spark.run,
    "monitoring": monitoring.run,
    "improvement": improvement.run,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--only", nargs="*", choices=sorted(SUITES), help="suites to run")
    args = parser.parse_args()
    console = Console()
    facts = machine()
    console.print("Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()))
    results = []
    for name in args.only or SUITES:
        with console.status(f"Benchmark {name}…"):
            results += SUITES[name](quick=args.quick)
    lines = ["| benchmark | seconds | peak memory (GiB) | details |", "|---|---:|---:|---|"]
    for r in results:
        details = ", ".join(
            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in r.extra.items()
        )
        lines.append(f"| {r.name} | {r.seconds:.2f} | {r.peak_gib:.2f} | {details} |")
    print("\n".join(lines))
    out = Path(".bench")
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(
        json.dumps({"machine": facts, "results": [r.as_dict() for r in results]}, indent=2)
    )


if __name__ == "__main__":
    main()
