"""Synthetic territory generation: demo scale and 1,000,000 requests (issue targets:
under 30 s for the demo; under 60 s and 4 GiB for 1,000,000 requests, on 2 cores)."""

from __future__ import annotations

from benchmarks.harness import Measurement, measure
from benchmarks.territory import HOUSEHOLDS_FOR_1M_REQUESTS

_CODE = """
import tempfile
from features.synth.config import SynthConfig
from features.synth.generator import generate, write
with tempfile.TemporaryDirectory() as out:
    territory = generate(SynthConfig(households={households}, years=3, seed=1), b"b" * 32)
    card = write(territory, out)
EXTRA = {{"requests": card["counts"]["requests"],
          "events": card["counts"]["accompaniment_events"]}}
"""


def run(quick: bool = False) -> list[Measurement]:
    sizes = [("synth demo (20,000 households)", 20_000)]
    if not quick:
        sizes.append(("synth 1M requests", HOUSEHOLDS_FOR_1M_REQUESTS))
    return [measure(name, _CODE.format(households=h)) for name, h in sizes]
