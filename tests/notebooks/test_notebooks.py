"""The analysis notebooks run end to end on a small synthetic territory.

Each notebook is executed with nbclient in a kernel of this very interpreter (a kernelspec
written to a temporary folder, so a user-level `python3` kernel pointing elsewhere is never
picked), with `AIGUILLAGE_DATA` pointing at the session's small territory. A notebook ends
with a cell that asserts the figures it computed and prints them as one `CHECKS {json}`
line; the test checks that no cell errored, reads that line and checks the figures again.
Notebooks are executed in memory: the committed files keep no outputs, and the run must
write nothing in the notebooks folder or in the data folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.support import REPO_ROOT

# One worker runs the whole module (each notebook already uses both cores).
pytestmark = pytest.mark.xdist_group("notebooks")

NOTEBOOKS = REPO_ROOT / "notebooks"
KERNEL_NAME = "aiguillage-notebooks"
CELL_TIMEOUT_SECONDS = 300
AUDIT_ATTRIBUTES = ["age_band", "disability", "language", "nationality", "qpv", "single_parent"]


@pytest.fixture(scope="session")
def kernel_dir(tmp_path_factory) -> Path:
    """A kernelspec whose argv is this interpreter (the venv's), in a temporary folder."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL_NAME, prefix=str(prefix))
    kernels = prefix / "share" / "jupyter" / "kernels"
    spec = json.loads((kernels / KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    return kernels


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def _stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def run_notebook(name: str, data_dir: Path, kernels: Path, monkeypatch) -> dict:
    """Execute a notebook from notebooks/ and return the figures of its CHECKS line."""
    path = NOTEBOOKS / name
    committed = nbformat.read(path, as_version=4)
    code_cells = [c for c in committed.cells if c.cell_type == "code"]
    assert code_cells, f"{name} has no code"
    assert all(not c.outputs and c.execution_count is None for c in code_cells), (
        f"{name} was committed with outputs; clear them before saving"
    )
    monkeypatch.setenv("AIGUILLAGE_DATA", str(data_dir))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugger warning
    before = {"notebooks": _files(NOTEBOOKS), "data": _files(data_dir)}

    manager = KernelManager(
        kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    client = NotebookClient(
        committed,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # run from notebooks/, as a user
    )
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails

    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    last = _stream_text(code_cells[-1])
    lines = [line for line in last.splitlines() if line.startswith("CHECKS ")]
    assert len(lines) == 1, f"{name}: the last cell printed no CHECKS line:\n{last}"
    assert f"notebook {name[:2]}: all checks passed" in last, last
    assert _files(NOTEBOOKS) == before["notebooks"], "the notebook wrote into notebooks/"
    assert _files(data_dir) == before["data"], "the notebook wrote into its data folder"
    return json.loads(lines[0].removeprefix("CHECKS "))


def test_the_committed_notebooks_are_the_four_analyses():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert names == [
        "01_explore_territory.ipynb",
        "02_router_errors.ipynb",
        "03_risk_explanations.ipynb",
        "04_fairness.ipynb",
    ]
    for name in names:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(notebook)
        assert notebook.cells[0].cell_type == "markdown"
        assert "AIGUILLAGE_DATA" in "".join(c.source for c in notebook.cells)


def test_01_explore_territory(small_territory_dir, kernel_dir, monkeypatch):
    checks = run_notebook(
        "01_explore_territory.ipynb", small_territory_dir, kernel_dir, monkeypatch
    )
    card = json.loads((small_territory_dir / "data_card.json").read_text())
    assert checks["requests"] == card["counts"]["requests"]
    assert checks["card_compared"] is True and checks["figures_compared"] > 20
    assert checks["crisis_rate_90d"] == pytest.approx(card["crisis_rate_90d"], abs=1e-4)
    assert checks["oracle_risk_auc"] == pytest.approx(card["oracle"]["risk_auc"], abs=1e-4)
    assert checks["p99_over_median_delay"] > 3


def test_02_router_errors(small_territory_dir, kernel_dir, monkeypatch):
    checks = run_notebook("02_router_errors.ipynb", small_territory_dir, kernel_dir, monkeypatch)
    assert checks["macro_f1"] > 0.8
    assert checks["routed_precision"] > 0.85 and checks["coverage"] > 0.3
    assert checks["accuracy"] <= checks["oracle_accuracy"] + 0.02
    by_kind = checks["abstention_rate_by_kind"]
    assert set(by_kind) == {"clair", "ambigu", "vague"}
    assert by_kind["clair"] < by_kind["ambigu"] < by_kind["vague"]


def test_03_risk_explanations(small_territory_dir, kernel_dir, monkeypatch):
    checks = run_notebook(
        "03_risk_explanations.ipynb", small_territory_dir, kernel_dir, monkeypatch
    )
    assert 0.6 < checks["auc"] <= checks["oracle_auc"] + 0.02
    assert checks["ece"] < 0.08
    assert checks["additivity_error"] < 1e-6
    assert checks["reasons"] >= 1


def test_04_fairness(small_territory_dir, kernel_dir, monkeypatch):
    checks = run_notebook("04_fairness.ipynb", small_territory_dir, kernel_dir, monkeypatch)
    assert checks["attributes"] == AUDIT_ATTRIBUTES
    assert checks["groups"] >= 2 * len(AUDIT_ATTRIBUTES)
    assert checks["auc"] > 0.6
    assert checks["largest_gap"]["attribute"] in AUDIT_ATTRIBUTES
