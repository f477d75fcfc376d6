"""Point-in-time features on Apache Spark: the very same feature function, per group of
households.

A request's features read its own household's history only. Spark hashes households into
groups, brings each group's requests (with their household's attributes) and accompaniment
events together (``cogroup``), and applies ``features.build.batch_features`` to them in
pandas (``applyInPandas``). Every row of a household lands in the same group, so each group
holds whole histories and the Spark frame equals the single-machine frame row for row. No
feature is written twice: this module only moves tables in and rows out.

Groups hold thousands of households rather than one: ``batch_features`` is vectorised, and
one Python call per household would cost more than the features themselves.

pyspark is an optional dependency (``pip install aiguillage[spark]``); it is imported here
only, and only when a function below is called.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from features.build import CATEGORY_DTYPES, batch_features
from features.history import HOUSEHOLD_CATEGORIES, HOUSEHOLD_FLAGS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

EVENTS = "accompaniment_events"
FEATURE_TABLES = ("households", "requests", EVENTS)
# What the features read of a household; audit attributes never leave the households table.
HOUSEHOLD_COLUMNS = (*HOUSEHOLD_CATEGORIES, "n_children", *HOUSEHOLD_FLAGS)
HOUSEHOLDS_PER_GROUP = 20_000
_GROUP = "_household_group"
_KNOWN = "_household_known"
# pyspark 4.3 warns on import that pandas 3 is not fully supported; the conversions this
# module uses are covered by its tests.
_PANDAS_WARNING = "PySpark does not yet fully support pandas"
warnings.filterwarnings("ignore", message=_PANDAS_WARNING)


class SparkMissingError(ImportError):
    """pyspark is not installed."""


def require_pyspark():
    """pyspark, or a clear error saying how to install it."""
    try:
        import pyspark
    except ImportError as error:
        raise SparkMissingError(
            "pyspark is not installed: pip install 'aiguillage[spark]' (Java 17 is needed too)"
        ) from error
    return pyspark


def session(
    master: str = "local[*]",
    app_name: str = "aiguillage",
    config: dict[str, str] | None = None,
) -> SparkSession:
    """A Spark session (the running one if any) with the settings the feature and scoring
    code relies on: UTC session time zone (times are naive local times, never shifted) and
    Arrow transfers. In local mode the workers run this very interpreter."""
    require_pyspark()
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
        "spark.executorEnv.PYTHONWARNINGS": f"ignore:{_PANDAS_WARNING}:FutureWarning",
        **(config or {}),
    }
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def read_feature_tables(spark: SparkSession, folder: Path | str) -> dict[str, DataFrame]:
    """The tables the features read, as Spark frames of a data folder's Parquet files (a
    file or a folder of files per table). A URI (hdfs://, s3a://...) is read as it is: on a
    cluster the executors read the tables, not the driver."""
    from features.tables import table_path

    tables = {}
    for table in FEATURE_TABLES:
        if "://" in str(folder):
            path = f"{str(folder).rstrip('/')}/{table}.parquet"
        else:
            candidate = Path(folder) / f"{table}.parquet"
            local = candidate if candidate.exists() else table_path(Path(folder), table)
            if local.suffix != ".parquet":
                raise ValueError(f"the Spark engine reads Parquet tables; convert {local} first")
            path = str(local)
        tables[table] = spark.read.parquet(path)
    return tables


def _empty_table(table: str) -> pd.DataFrame:
    """A table with its contract's columns and no row."""
    from features.contracts import SCHEMAS  # pandera: imported by workers only when needed

    columns = SCHEMAS[table]().columns
    dtypes = {name: str(column.dtype) for name, column in columns.items()}
    return pd.DataFrame(
        {name: pd.Series(dtype=object if d == "str" else d) for name, d in dtypes.items()}
    )


def _spark_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A feature frame as Spark takes it back: categories as plain strings (None when
    missing)."""
    columns = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            columns[name] = column.astype(object).where(column.notna(), None)
        else:
            columns[name] = column
    return pd.DataFrame(columns, index=frame.index)


def to_feature_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from Spark with the single-machine frame's dtypes (categories with
    their fixed vocabularies, microsecond times)."""
    columns = {}
    for name, column in frame.items():
        if name in CATEGORY_DTYPES:
            columns[name] = column.astype(object).astype(CATEGORY_DTYPES[name])
        elif name == "requested_datetime":
            columns[name] = column.astype("datetime64[us]")
        else:
            columns[name] = column
    return pd.DataFrame(columns, index=frame.index)


def _group_features(
    start, end, requests: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:  # runs in a Spark worker
    """Features of the requests of one group of households, by ``batch_features``."""
    if requests.empty:
        return _spark_ready(batch_features(_empty_tables()))
    known = requests[_KNOWN].notna()
    households = requests.loc[known, ["household_id", *HOUSEHOLD_COLUMNS]].drop_duplicates(
        "household_id"
    )
    tables = {
        "households": households,
        "requests": requests.drop(columns=[*HOUSEHOLD_COLUMNS, _KNOWN, _GROUP]),
        # A group without events may come as a frame without columns.
        EVENTS: events.drop(columns=[_GROUP]) if len(events.columns) else _empty_table(EVENTS),
    }
    return _spark_ready(batch_features(tables, start, end))


def _empty_tables() -> dict[str, pd.DataFrame]:
    return {table: _empty_table(table) for table in FEATURE_TABLES}


def feature_schema():
    """The Spark schema of the feature frame, from the feature code itself: the frame
    ``batch_features`` makes of no request, converted by Arrow."""
    require_pyspark()
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    empty = _spark_ready(batch_features(_empty_tables()))
    arrow = pa.Schema.from_pandas(empty, preserve_index=False)
    fields = []
    for field in arrow:
        if pa.types.is_null(field.type) or pa.types.is_large_string(field.type):
            field = field.with_type(pa.string())  # all-None strings (categories), large strings
        if pa.types.is_timestamp(field.type):
            field = field.with_type(pa.timestamp("us"))  # naive: TimestampNTZ
        fields.append(field)
    return from_arrow_schema(pa.schema(fields), prefer_timestamp_ntz=True)


def spark_features(
    tables: dict[str, DataFrame],
    start=None,
    end=None,
    groups: int | None = None,
) -> DataFrame:
    """One row per request received in [start, end), each as of its own arrival: the rows
    of ``features.build.batch_features``, computed by Spark (lazily: nothing runs until the
    frame is written or collected). ``groups`` defaults to one per 20,000 households and at
    least one per core of the cluster."""
    require_pyspark()
    from pyspark.sql import functions as sf

    requests = tables["requests"].where(sf.col("household_id").isNotNull())
    events = tables["accompaniment_events"]
    if start is not None or end is not None:
        period = sf.lit(True)
        if start is not None:
            period &= sf.col("requested_datetime") >= sf.lit(pd.Timestamp(start).to_pydatetime())
        if end is not None:
            period &= sf.col("requested_datetime") < sf.lit(pd.Timestamp(end).to_pydatetime())
        # Only households with a request in the period; their whole history all the same.
        wanted = requests.where(period).select("household_id").distinct()
        requests = requests.join(wanted, "household_id", "left_semi")
        events = events.join(wanted, "household_id", "left_semi")
    households = tables["households"].select(
        "household_id", *HOUSEHOLD_COLUMNS, sf.lit(True).alias(_KNOWN)
    )
    if groups is None:
        spark = requests.sparkSession
        groups = max(
            math.ceil(households.count() / HOUSEHOLDS_PER_GROUP),
            spark.sparkContext.defaultParallelism,
        )
    group = sf.pmod(sf.xxhash64("household_id"), sf.lit(groups))
    requests = requests.join(households, "household_id", "left").withColumn(_GROUP, group)
    events = events.withColumn(_GROUP, group)
    return (
        requests.groupBy(_GROUP)
        .cogroup(events.groupBy(_GROUP))
        .applyInPandas(partial(_group_features, start, end), schema=feature_schema())
    )
