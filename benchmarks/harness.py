"""Run a Python snippet in a fresh process and measure its wall time and peak memory.

A fresh process per measurement keeps peak RSS honest (nothing left over from an earlier
measurement) and matches how the commands run in real use.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

_RUNNER = """
import json, resource, sys, time
started = time.perf_counter()
{code}
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print("BENCH-RESULT " + json.dumps({{"seconds": elapsed, "peak_bytes": peak,
                                     "extra": globals().get("EXTRA", {{}})}}))
"""


@dataclass
class Measurement:
    name: str
    seconds: float
    peak_gib: float
    extra: dict

    def as_dict(self) -> dict:
        return asdict(self)


def measure(name: str, code: str, env: dict[str, str] | None = None) -> Measurement:
    """Run ``code`` (the timed part) in a new interpreter; setting EXTRA reports more."""
    script = _RUNNER.format(code=textwrap.dedent(code))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"benchmark {name} failed:\n{result.stderr[-3000:]}")
    marker = "BENCH-RESULT "
    line = next((x for x in result.stdout.splitlines() if marker in x), None)
    if line is None:
        raise RuntimeError(f"benchmark {name} printed no result:\n{result.stdout[-2000:]}")
    data = json.loads(line[line.index(marker) + len(marker) :])
    return Measurement(name, data["seconds"], data["peak_bytes"] / 2**30, data["extra"])


def machine() -> dict[str, str]:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
        model = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{memory:.0f}",
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
