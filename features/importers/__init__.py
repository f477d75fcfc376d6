"""Importers of real exports (Boston 311, Paris DansMaRue, Open311 GeoReport v2).

One generic engine applies a declarative spec per source (``specs/*.yaml``) and maps the
export onto the ``requests`` contract. See docs/importers.md.
"""

from features.importers.engine import (
    EXTRAS_FILE,
    QUARANTINE_FILE,
    ImportResult,
    apply_spec,
    import_file,
    import_schema,
    write_result,
)
from features.importers.readers import SourceError, read_source
from features.importers.report import ImportFailedError, ImportReport, IssueSummary
from features.importers.spec import ImportSpec, SpecError, available_sources, load_spec

__all__ = [
    "EXTRAS_FILE",
    "QUARANTINE_FILE",
    "ImportFailedError",
    "ImportReport",
    "ImportResult",
    "ImportSpec",
    "IssueSummary",
    "SourceError",
    "SpecError",
    "apply_spec",
    "available_sources",
    "import_file",
    "import_schema",
    "load_spec",
    "read_source",
    "write_result",
]
