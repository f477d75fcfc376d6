"""Where a report's data comes from: a folder of contract files or the service's store,
optionally one territory of it. Both give a Cases frame, and, when the source has
households, the contract tables the routing view computes features from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from serving.improvement.cases import Cases, cases_from_folder, cases_from_store, read_folder
from serving.improvement.routing import TABLES, store_tables
from serving.store import Store


@dataclass(frozen=True)
class Inputs:
    cases: Cases
    tables: dict[str, pd.DataFrame] | None  # None: no households (an imported export)


def restrict(cases: Cases, territory: str) -> Cases:
    frame = cases.frame[cases.frame["territory"] == territory].reset_index(drop=True)
    return replace(cases, frame=frame)


def from_folder(folder: Path | str, territory: str | None = None, tables: bool = True) -> Inputs:
    frames = read_folder(folder, TABLES if tables else ("requests", "households"))
    cases = cases_from_folder(folder, frames=frames)
    if territory is not None:
        cases = restrict(cases, territory)
    if not tables or cases.source == "export" or set(frames) != set(TABLES):
        return Inputs(cases, None)
    if territory is not None:
        households = frames["households"]
        frames["households"] = households[households["territory"] == territory]
        ids = frames["households"]["household_id"]
        for name in ("requests", "accompaniment_events"):
            frames[name] = frames[name][frames[name]["household_id"].isin(ids)]
    return Inputs(cases, frames)


def from_store(store: Store, territory: str | None = None, tables: bool = True) -> Inputs:
    cases = cases_from_store(store, territory)
    return Inputs(cases, store_tables(store, territory) if tables else None)
