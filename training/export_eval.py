"""The router on an imported export of real requests, against a plain baseline.

Imported exports (``aiguillage data import``) have no households, so the batch features
(which read each household's history) do not apply. What remains is what one request
says by itself: the registry's router features whose source is the request alone
(``text``, ``channel``, ``hour``, ``weekday``, ``month``), computed here with the same
text normalisation as everywhere else (``features.text.normalise_texts``).

The evaluation:

- keeps the services (``service_code``) with at least ``min_per_class`` requests, counted
  on the whole file;
- splits by arrival time with the project's ``training.data.temporal_split`` (60% train,
  20% validation, 20% test by default);
- fits our router with ``training.router.fit_routers`` (the project's shared inputs and
  candidates, temperature scaling on the first half of the validation period,
  ``choose_thresholds`` on the second half), reading only the router features an export
  has;
- fits a plain baseline in the same run: TF-IDF words (1-2) + characters (2-5) on the
  text only, logistic regression, no calibration, thresholds chosen the same way;
- scores both on the test period with ``training.evaluate.router_metrics``.

The report holds aggregates only: no free text, no identifier.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from features.build import CATEGORY_DTYPES
from features.registry import BY_NAME
from features.text import normalise_texts
from training.config import RouterConfig, SplitConfig
from training.data import Split, temporal_split
from training.evaluate import router_metrics
from training.router import ROUTER_FEATURES, fit_routers, thresholds_and_macro_f1

# The router features one request carries by itself (no household, no history).
REQUEST_SOURCES = ("description", "channel", "requested_datetime")
EXPORT_FEATURES: tuple[str, ...] = tuple(
    n for n in ROUTER_FEATURES if BY_NAME[n].source_column in REQUEST_SOURCES
)
LABEL = "service_code"
BASELINE = "baseline"
DEFAULT_MIN_PER_CLASS = 10
# The open-source reference of the field: Amsterdam's Signalen classification
# (TF-IDF + logistic regression), published macro-F1 on its main categories.
SIGNALEN_MACRO_F1 = 0.88


def router_frame(requests: pd.DataFrame) -> pd.DataFrame:
    """Keys, the request-only router features (registry names and dtypes, as in the batch
    frame) and the label, one row per request, in arrival order."""
    ordered = requests.sort_values(
        ["requested_datetime", "service_request_id"], kind="stable"
    ).reset_index(drop=True)
    times = pd.to_datetime(ordered["requested_datetime"])
    values = {
        "text": pd.array(normalise_texts(ordered["description"].astype(str)), dtype="str"),
        "channel": pd.Categorical(ordered["channel"], dtype=CATEGORY_DTYPES["channel"]),
        "hour": times.dt.hour.astype(np.float64),
        "weekday": times.dt.dayofweek.astype(np.float64),  # Monday = 0, as the registry
        "month": times.dt.month.astype(np.float64),
    }
    missing = set(EXPORT_FEATURES) - set(values)
    if missing:  # the registry declared a new request-only router feature
        raise ValueError(f"no export value for router feature(s) {sorted(missing)}")
    return pd.DataFrame(
        {
            "service_request_id": ordered["service_request_id"].to_numpy(dtype=object),
            "requested_datetime": times.to_numpy(),
            **{name: values[name] for name in EXPORT_FEATURES},
            LABEL: ordered[LABEL].to_numpy(dtype=object),
        }
    )


def keep_frequent(frame: pd.DataFrame, min_per_class: int) -> tuple[pd.DataFrame, pd.Series]:
    """Rows whose service has at least ``min_per_class`` requests in the whole frame, and
    the request count of every service (kept or not), largest first."""
    counts = frame[LABEL].value_counts()
    kept = counts.index[counts >= min_per_class]
    return frame[frame[LABEL].isin(kept)].reset_index(drop=True), counts


def split_periods(frame: pd.DataFrame, config: SplitConfig) -> tuple[Split, np.ndarray]:
    """The project's temporal split of the frame and each row's period."""
    split = temporal_split(frame["requested_datetime"], config)
    return split, split.period(frame["requested_datetime"])


@dataclass
class ExportModel:
    """A fitted model, its per-class thresholds and the columns it reads."""

    kind: str
    model: object  # anything with predict_proba and classes_
    classes: list[str]
    thresholds: dict[str, float]
    validation_macro_f1: float
    columns: tuple[str, ...]
    seconds: float = 0.0  # fitting, calibration and thresholds

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(frame[list(self.columns)])


def _thresholded(
    kind: str,
    model,
    columns: tuple[str, ...],
    config: RouterConfig,
    later: pd.DataFrame,
    y_later: pd.Series,
    started: float,
) -> ExportModel:
    """Thresholds on the later half of validation, as ``fit_router`` chooses them."""
    classes = [str(c) for c in model.classes_]
    thresholds, macro_f1 = thresholds_and_macro_f1(
        model.predict_proba(later[list(columns)]), y_later.to_numpy(), classes, config
    )
    seconds = time.perf_counter() - started
    return ExportModel(kind, model, classes, thresholds, macro_f1, columns, seconds)


def fit_export_routers(
    kinds: Sequence[str],
    config: RouterConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
    columns: Sequence[str] = EXPORT_FEATURES,
) -> list[ExportModel]:
    """``training.router.fit_routers`` on the columns an export has: the same shared
    inputs and candidates, temperature scaling on the first half of validation (every
    service kept), thresholds chosen on the second half."""
    started = time.perf_counter()
    routers = fit_routers(kinds, config, train, y_train, validation, y_validation, columns)
    seconds = (time.perf_counter() - started) / max(len(routers), 1)
    return [
        ExportModel(
            kind,
            router.model,
            router.classes,
            router.thresholds,
            router.validation_macro_f1,
            router.columns,
            seconds,
        )
        for kind, router in routers.items()
    ]


def baseline_pipeline() -> Pipeline:
    """The plain reference: TF-IDF words (1-2) and characters (2-5) of the text, logistic
    regression, library defaults otherwise (the kind of model Amsterdam's Signalen uses)."""
    text = [
        ("words", TfidfVectorizer(ngram_range=(1, 2)), "text"),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)), "text"),
    ]
    return Pipeline(
        [
            ("columns", ColumnTransformer(text, sparse_threshold=1.0)),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )


def fit_baseline(
    config: RouterConfig,
    train: pd.DataFrame,
    y_train: pd.Series,
    validation: pd.DataFrame,
    y_validation: pd.Series,
) -> ExportModel:
    """The baseline on the text only, uncalibrated; thresholds chosen on the same second
    half of validation as our router's, so coverage is compared on equal terms."""
    started = time.perf_counter()
    pipeline = baseline_pipeline().fit(train[["text"]], y_train.to_numpy())
    half = len(validation) // 2
    return _thresholded(
        BASELINE,
        pipeline,
        ("text",),
        config,
        validation.iloc[half:],
        y_validation.iloc[half:],
        started,
    )


HEADLINE = ("accuracy", "macro_f1", "coverage")
METRIC_NAMES = {"accuracy": "accuracy", "macro_f1": "macro-F1", "coverage": "coverage"}
TABLE_HEADER = (
    "| model | accuracy | macro-F1 | coverage at 95% precision | routed precision "
    "| services offered | fit (s) |\n|---|---:|---:|---:|---:|---:|---:|"
)


@dataclass
class ExportEvaluation:
    rows: int  # requests in the table
    services: pd.Series  # request count per service, whole table, largest first
    min_per_class: int
    rows_kept: int
    split: Split
    period_rows: dict[str, int]
    test_services_unseen: int  # services of the test period absent from training
    columns: tuple[str, ...]  # what our router reads
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)  # per model
    seconds: dict[str, float] = field(default_factory=dict)  # fitting time per model
    validation_macro_f1: dict[str, float] = field(default_factory=dict)
    offered: dict[str, int] = field(default_factory=dict)  # services each model can route to
    notes: list[str] = field(default_factory=list)
    total_seconds: float = 0.0

    @property
    def services_kept(self) -> int:
        return int((self.services >= self.min_per_class).sum())

    def beats_baseline(self, kind: str) -> dict[str, bool]:
        """For each headline metric, whether ``kind`` is strictly better than the baseline."""
        ours, base = self.metrics[kind], self.metrics[BASELINE]
        return {m: ours[m] > base[m] for m in HEADLINE}


def evaluate_export(
    requests: pd.DataFrame,
    kinds: Sequence[str] = ("linear",),
    min_per_class: int = DEFAULT_MIN_PER_CLASS,
    router: RouterConfig | None = None,
    split: SplitConfig | None = None,
    columns: Sequence[str] = EXPORT_FEATURES,
    say: Callable[[str], None] = lambda _message: None,
) -> ExportEvaluation:
    """Our router candidates ``kinds`` (reading ``columns``) and the baseline, fitted on
    the same periods and scored on the same test period."""
    started = time.perf_counter()
    router = router or RouterConfig()
    split = split or SplitConfig()
    unknown = set(columns) - set(EXPORT_FEATURES)
    if unknown:
        raise ValueError(f"an export has no {sorted(unknown)}; choose among {EXPORT_FEATURES}")
    say("Request features…")
    frame = router_frame(requests)
    kept, counts = keep_frequent(frame, min_per_class)
    if kept.empty:
        raise ValueError(f"no service has at least {min_per_class} requests")
    cuts, period = split_periods(kept, split)
    parts = {p: kept[period == p] for p in ("train", "validation", "test")}
    labels = {p: part[LABEL] for p, part in parts.items()}
    evaluation = ExportEvaluation(
        rows=len(frame),
        services=counts,
        min_per_class=min_per_class,
        rows_kept=len(kept),
        split=cuts,
        period_rows={p: len(part) for p, part in parts.items()},
        test_services_unseen=len(set(labels["test"]) - set(labels["train"])),
        columns=tuple(columns),
    )
    say(f"Our router ({', '.join(kinds)})…")
    fitted = fit_export_routers(
        kinds,
        router,
        parts["train"],
        labels["train"],
        parts["validation"],
        labels["validation"],
        columns=columns,
    )
    say("Plain baseline (TF-IDF + logistic regression)…")
    fitted.append(
        fit_baseline(
            router, parts["train"], labels["train"], parts["validation"], labels["validation"]
        )
    )
    say("Scoring the test period…")
    for model in fitted:
        metrics, _, _ = router_metrics(
            labels["test"].to_numpy(),
            model.predict_proba(parts["test"]),
            model.classes,
            model.thresholds,
        )
        evaluation.metrics[model.kind] = metrics
        evaluation.seconds[model.kind] = model.seconds
        evaluation.validation_macro_f1[model.kind] = model.validation_macro_f1
        evaluation.offered[model.kind] = len(model.classes)
    evaluation.total_seconds = time.perf_counter() - started
    return evaluation


def read_export(data_dir: Path | str) -> pd.DataFrame:
    """The ``requests`` table that ``aiguillage data import`` wrote in ``data_dir``."""
    from features.importers import import_schema
    from features.tables import read_table

    return read_table(data_dir, "requests", schema=import_schema())


def export_title(data_dir: Path | str) -> str:
    """A title for the report: the importer's source name when the extras carry it."""
    from features.importers import EXTRAS_FILE

    extras = Path(data_dir) / EXTRAS_FILE
    if extras.exists():
        source = pd.read_parquet(extras, columns=["source"])["source"].dropna()
        if len(source):
            return f"the {source.iloc[0]} export ({Path(data_dir).name})"
    return f"the export in {Path(data_dir).name}"


MODEL_LABELS = {
    "linear": "ours: linear router (TF-IDF + categories, LR, temperature-scaled)",
    "lightgbm": "ours: LightGBM router (TF-IDF + categories, GBM, temperature-scaled)",
    BASELINE: "plain baseline: TF-IDF words + chars, LR, text only, uncalibrated",
}


def _cell(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None or np.isnan(value) else f"{value:.{digits}f}"


def report_markdown(evaluation: ExportEvaluation, title: str = "an imported export") -> str:
    """The evaluation as Markdown: aggregates only (no text, no identifier)."""
    e = evaluation
    rows = [
        f"| {MODEL_LABELS.get(kind, kind)} | {_cell(m['accuracy'])} | {_cell(m['macro_f1'])} "
        f"| {_cell(m['coverage'])} | {_cell(m['routed_precision'])} | {e.offered[kind]} "
        f"| {e.seconds[kind]:.0f} |"
        for kind, m in e.metrics.items()
    ]
    rows.append(
        f"| reference: Amsterdam Signalen (published, its main categories) | n/a "
        f"| {SIGNALEN_MACRO_F1:.2f} | n/a | n/a | n/a | n/a |"
    )
    period, split = e.period_rows, e.split
    head = [
        f"Requests: {e.rows:,}; services: {len(e.services)}; kept the {e.services_kept} "
        f"services with at least {e.min_per_class} requests on the whole table "
        f"({e.rows_kept:,} requests).",
        f"Temporal split: train {period['train']:,} requests before "
        f"{split.validation_start:%Y-%m-%d %H:%M}; validation {period['validation']:,} until "
        f"{split.test_start:%Y-%m-%d %H:%M} (our router calibrates on its first half; every "
        f"model chooses its thresholds on its second half); test {period['test']:,} until "
        f"{split.end:%Y-%m-%d %H:%M}. Test services never seen in training: "
        f"{e.test_services_unseen}.",
        f"Our router reads: {', '.join(e.columns)}. The baseline reads the same normalised text.",
        "Coverage: share of test requests routed (not abstained), with per-service thresholds "
        "chosen for 95% precision on validation; routed precision: the precision reached on "
        "them.",
    ]
    notes = []
    for kind in e.metrics:
        if kind == BASELINE or BASELINE not in e.metrics:
            continue
        lost = [METRIC_NAMES[m] for m, ok in e.beats_baseline(kind).items() if not ok]
        notes.append(
            f"**{kind}** beats the plain baseline on accuracy, macro-F1 and coverage."
            if not lost
            else f"**{kind}** does **not** beat the plain baseline on {', '.join(lost)}."
        )
    validation = ", ".join(f"{k} {v:.4f}" for k, v in e.validation_macro_f1.items())
    notes += [
        *e.notes,
        f"Validation macro-F1 (threshold half): {validation}.",
        f"Total time: {e.total_seconds:.0f} s.",
    ]
    return "\n".join(
        [
            f"# Router on {title}, against a plain baseline",
            "",
            *(f"- {line}" for line in head),
            "",
            TABLE_HEADER,
            *rows,
            "",
            *(f"- {line}" for line in notes),
            "",
        ]
    )


def write_report(
    evaluation: ExportEvaluation, path: Path | str, title: str = "an imported export"
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_markdown(evaluation, title), encoding="utf-8")
    return path
