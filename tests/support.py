"""Constants and helpers shared by tests (importable as ``tests.support``)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_REAL_DATA = REPO_ROOT.parent / "shared" / "data" / "real"
TEST_KEY = b"aiguillage-test-key-not-a-secret-0123456789"


def live_requests(frame) -> list:
    """Contract request rows (a frame) as live requests, with their own ids."""
    from features.build import LiveRequest

    return [
        LiveRequest(
            r.household_id,
            r.requested_datetime.to_pydatetime(),
            r.channel,
            r.description,
            r.service_request_id,
        )
        for r in frame.itertuples()
    ]
