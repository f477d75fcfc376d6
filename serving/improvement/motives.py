"""Recurring and emerging motives: clusters of request texts (TF-IDF and NMF), labelled in
French with their top terms, counted per month; growing clusters are flagged as emerging.

No text leaves this module, only terms shared by many requests: a term enters the
vocabulary only when at least ``min_requests`` requests (and ``min_share`` of them) use
it, digits never form terms, and words written with a capital letter most of the time
(names of people, places, companies) are left out (see ``proper_nouns``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from stop_words import get_stop_words

from serving.improvement.cases import Cases

# Letters only, three or more: numbers, amounts and dates never become terms.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"
UNASSIGNED = -1
UNASSIGNED_LABEL = "non classé"
# Words of letters and intake notes: they say how a request was written or taken, not
# what it is about (accent-free, lower case, as the vectorizer sees them).
FORMULAS = frozenset(
    """bonjour bonsoir madame monsieur mesdames messieurs salutations cordialement cordiales
    sinceres respectueuses distinguees agreer veuillez prie remercie remerciements merci
    avance objet demande demander demandes voudrais souhaite souhaiterais aimerais
    possible svp usager usagere appel appelle guichet accueil presente recue recu physique
    explique propos dit mme mlle equipe toute maire concernant sollicitation urgent
    rapidement repondre pouvez""".split()  # noqa: SIM905 (a word list reads better as text)
)


@dataclass(frozen=True)
class MotiveSettings:
    clusters: int = 12
    fit_sample: int = 20_000  # texts the vocabulary and the clusters are learnt on
    # Texts assigned to a cluster: all of them up to this many, else a uniform sample
    # (monthly shares are then estimates; the report says so).
    count_sample: int = 60_000
    min_requests: int = 25  # a term is kept only if this many requests use it...
    min_share: float = 0.002  # ...and this share of the fitted texts
    max_share: float = 0.3
    max_terms: int = 4_000
    proper_noun_share: float = 0.6  # written capitalised this often: a name, left out
    label_terms: int = 3
    recent_months: int = 3
    baseline_months: int = 9
    emerging_ratio: float = 1.5
    emerging_z: float = 3.0
    emerging_min_requests: int = 30
    seed: int = 0


@dataclass(frozen=True)
class Motives:
    clusters: pd.DataFrame  # cluster, label, terms, requests, share, emerging, ratio, z
    monthly: pd.DataFrame  # month, cluster, label, requests, share
    counted: np.ndarray  # the case rows that were assigned (all, or a uniform sample)
    assignments: np.ndarray  # the cluster of each counted row (UNASSIGNED: no term)

    @property
    def sampled(self) -> bool:
        return bool(self.clusters.attrs.get("sampled", False))


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stop_words() -> tuple[str, ...]:
    """French and English stop words and the formulas, as the vectorizer tokenises them."""
    words = {*get_stop_words("french"), *get_stop_words("english"), *FORMULAS}
    pattern = re.compile(TOKEN_PATTERN)
    return tuple(sorted({t for w in words for t in pattern.findall(_strip_accents(w.lower()))}))


def fold(texts: np.ndarray) -> np.ndarray:
    """Lower case without accents, in Arrow's compute kernels (Python's unicodedata per
    character would dominate the whole report on a million texts)."""
    array = pa.array(texts, type=pa.large_string(), from_pandas=True).fill_null("")
    array = pc.replace_substring_regex(pc.utf8_normalize(array, "NFKD"), r"\p{Mn}+", "")
    return np.asarray(pc.utf8_lower(array).to_pylist(), dtype=object)


def _surface_forms(texts: np.ndarray, keep: set[str], settings: MotiveSettings):
    """For each kept (accent-free, lower-case) term: its most frequent written form with
    accents, and the share of its occurrences written with a capital first letter."""
    counter = CountVectorizer(lowercase=False, token_pattern=TOKEN_PATTERN)
    counts = np.asarray(counter.fit_transform(texts).sum(axis=0)).ravel()
    forms = pd.DataFrame({"form": counter.get_feature_names_out(), "count": counts})
    forms["term"] = forms["form"].str.lower().map(_strip_accents)
    forms = forms[forms["term"].isin(keep)]
    forms["capital"] = forms["form"].str[0].str.isupper()
    capital_share = (
        forms.assign(c=forms["count"] * forms["capital"]).groupby("term")["c"].sum()
        / forms.groupby("term")["count"].sum()
    )
    lower = forms.assign(form=forms["form"].str.lower()).groupby(["term", "form"])["count"].sum()
    written = lower.reset_index().sort_values("count").drop_duplicates("term", keep="last")
    return dict(zip(written["term"], written["form"], strict=True)), capital_share


def proper_nouns(capital_share: pd.Series, threshold: float) -> pd.Index:
    """Terms written with a capital letter at least ``threshold`` of the time, when the
    texts are in sentence case. In title-case texts (most words capitalised, as Boston's
    case titles) capitals say nothing: there, only the minimum frequency keeps names out."""
    if capital_share.median() >= 0.5:
        return capital_share.index[:0]
    return capital_share.index[capital_share >= threshold]


def _vectorizer(
    settings: MotiveSettings, n_texts: int, vocabulary=None, norm: str | None = "l2"
) -> TfidfVectorizer:
    """TF-IDF over folded texts (see ``fold``)."""
    return TfidfVectorizer(
        norm=norm,
        lowercase=False,
        token_pattern=TOKEN_PATTERN,
        stop_words=list(_stop_words()),
        min_df=1
        if vocabulary is not None
        else max(settings.min_requests, int(np.ceil(settings.min_share * n_texts))),
        max_df=1.0 if vocabulary is not None else settings.max_share,
        max_features=None if vocabulary is not None else settings.max_terms,
        sublinear_tf=True,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _emerging(monthly_counts: pd.DataFrame, totals: pd.Series, settings: MotiveSettings):
    """Ratio of a cluster's share in the recent months to its share in the months before,
    and the two-proportion z statistic of the difference."""
    months = sorted(totals.index)
    recent = months[-settings.recent_months :]
    baseline = months[
        -(settings.recent_months + settings.baseline_months) : -settings.recent_months
    ]
    r_n, b_n = totals[recent].sum(), totals[baseline].sum()
    r_k = monthly_counts[recent].sum(axis=1)
    b_k = monthly_counts[baseline].sum(axis=1) if baseline else r_k * 0
    if not baseline or r_n == 0 or b_n == 0:
        nan = pd.Series(np.nan, index=monthly_counts.index)
        return nan, nan, r_k
    p_r, p_b = r_k / r_n, b_k / b_n
    pooled = (r_k + b_k) / (r_n + b_n)
    se = np.sqrt(pooled * (1 - pooled) * (1 / r_n + 1 / b_n))
    z = (p_r - p_b) / se.where(se > 0)
    ratio = p_r / p_b.where(b_k > 0, 0.5 / b_n)  # an absent cluster: half a request
    return ratio, z, r_k


def cluster_motives(cases: Cases, settings: MotiveSettings | None = None) -> Motives:
    """Clusters of the cases' texts; every case gets its dominant cluster."""
    settings = settings or MotiveSettings()
    frame = cases.frame
    texts = frame["text"]
    rng = np.random.default_rng(settings.seed)

    def pick(size: int) -> np.ndarray:
        if len(texts) <= size:
            return np.arange(len(texts))
        return np.sort(rng.choice(len(texts), size, replace=False))

    fitted_rows, counted = pick(settings.fit_sample), pick(settings.count_sample)
    raw = texts.iloc[fitted_rows].fillna("").to_numpy(dtype=object)
    fitted = fold(raw)
    first = _vectorizer(settings, len(fitted), norm=None)
    unnormalised = first.fit_transform(fitted)
    written, capital_share = _surface_forms(raw, set(first.vocabulary_), settings)
    names = proper_nouns(capital_share, settings.proper_noun_share)
    vocabulary = sorted(set(first.vocabulary_) - set(names))
    vectorizer = _vectorizer(settings, len(fitted), vocabulary=vocabulary)
    vectorizer.fit(fitted[:1])
    # Inverse document frequencies of the whole fitted sample, for the kept terms only.
    kept = [first.vocabulary_[t] for t in vocabulary]
    vectorizer.idf_ = first.idf_[kept]
    n_clusters = min(settings.clusters, max(1, len(vocabulary) - 1))
    model = NMF(n_components=n_clusters, init="nndsvda", random_state=settings.seed, max_iter=300)
    model.fit(normalize(unnormalised[:, kept]))  # = vectorizer.transform(fitted), untokenised
    weights = model.transform(
        vectorizer.transform(fold(texts.iloc[counted].fillna("").to_numpy(dtype=object)))
    )
    assignments = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), UNASSIGNED)

    terms = np.asarray(vocabulary, dtype=object)
    rows = []
    for k, component in enumerate(model.components_):
        top = terms[np.argsort(-component)[: settings.label_terms]]
        words = [written.get(t, t) for t in top]
        rows.append({"cluster": k, "label": ", ".join(words), "terms": " ".join(words)})
    clusters = pd.DataFrame(rows)
    label_of = dict(zip(clusters["cluster"], clusters["label"], strict=True)) | {
        UNASSIGNED: UNASSIGNED_LABEL
    }

    counts = (
        pd.DataFrame({"month": frame["month"].to_numpy()[counted], "cluster": assignments})
        .groupby(["cluster", "month"])
        .size()
        .unstack("month", fill_value=0)
    )
    totals = counts.sum(axis=0)
    ratio, z, recent = _emerging(counts, totals, settings)
    sizes = counts.sum(axis=1)
    summary = pd.DataFrame(
        {
            "requests": sizes,
            "share": sizes / max(int(sizes.sum()), 1),
            "recent_requests": recent,
            "ratio": ratio,
            "z": z,
        }
    ).rename_axis("cluster")
    summary["emerging"] = (
        (summary.index != UNASSIGNED)
        & (summary["ratio"] >= settings.emerging_ratio)
        & (summary["z"] >= settings.emerging_z)
        & (summary["recent_requests"] >= settings.emerging_min_requests)
    )
    clusters = (
        pd.concat(
            [
                clusters,
                pd.DataFrame({"cluster": [UNASSIGNED], "label": [UNASSIGNED_LABEL], "terms": [""]}),
            ]
        )
        .merge(summary.reset_index(), on="cluster", how="inner")
        .sort_values("requests", ascending=False)
        .reset_index(drop=True)
    )
    monthly = counts.stack().rename("requests").reset_index()
    monthly["share"] = monthly["requests"] / monthly["month"].map(totals)
    monthly["label"] = monthly["cluster"].map(label_of)
    clusters.attrs["sampled"] = len(counted) < len(texts)
    return Motives(
        clusters=clusters,
        monthly=monthly[["month", "cluster", "label", "requests", "share"]],
        counted=counted,
        assignments=assignments,
    )
