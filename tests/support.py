"""Constants and helpers shared by tests (importable as ``tests.support``)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "real"
TEST_KEY = b"aiguillage-test-key-not-a-secret-0123456789"
