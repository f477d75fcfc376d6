"""The router's direct path over a batch: the text and one-hot blocks read many rows at
once and must give, to the last bit, what the per-row reading gave (kept here as the
reference), and each row the same probabilities alone as in a batch."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from serving.models import (
    AGREEMENT,
    RouterModel,
    _analyser,
    _direct_plan,
    _linear_sums,
    _OneHotBlock,
    _row_norms,
    _TextBlock,
)

# The direct path hands fitted transformers plain arrays, on purpose (see serving.models).
pytestmark = pytest.mark.filterwarnings("ignore:X does not have valid feature names")

WORDS = [f"mot{i}" for i in range(40)] + ["loyer", "impayé", "Électricité", "aide", "CAF"]
CATEGORIES = {"channel": ["guichet", "telephone", "courriel"], "housing": ["locataire", "heberge"]}
SERVICES = ["logement", "action_sociale", "energie_precarite"]


def _texts(rng, n: int) -> list[str]:
    """Texts of 0 to 90 words (so 0 to over 100 distinct terms), some in unknown words."""
    out = []
    for _ in range(n):
        words = rng.choice(WORDS, size=rng.integers(0, 90))
        text = " ".join(words)
        if rng.random() < 0.1:
            text = "inconnu jamais vu"
        out.append(text)
    return out


def _reference_text(vectorizer, texts):
    """The per-text reading the batch form replaced: Counter, then numpy per text."""
    analyse, lookup = vectorizer.build_analyzer(), vectorizer.vocabulary_.get
    idf, dtype = np.asarray(vectorizer.idf_, dtype=np.float64), vectorizer.dtype
    rows, columns, values = [], [], []
    for i, text in enumerate(texts):
        counts = Counter(j for j in map(lookup, analyse(text)) if j is not None)
        found = np.fromiter(counts.keys(), np.int64, len(counts))
        weights = np.fromiter(counts.values(), dtype, len(counts))
        if vectorizer.sublinear_tf:
            weights = np.log(weights) + dtype(1)
        weights = (weights * idf[found]).astype(dtype)
        norm = np.sqrt(np.dot(weights, weights))
        rows.append(np.full(len(found), i))
        columns.append(found)
        values.append(weights / norm if norm > 0 else weights)
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(values)


def _reference_one_hot(block: _OneHotBlock, matrix: np.ndarray):
    """The per-row reading the batch form replaced."""
    rows, columns = [], []
    for i, values in enumerate(matrix):
        lit = [c for c in (block.column(j, v) for j, v in enumerate(values)) if c >= 0]
        rows.append(np.full(len(lit), i))
        columns.append(np.array(lit, dtype=np.int64))
    return np.concatenate(rows), np.concatenate(columns)


def _equal(left, right) -> None:
    for a, b in zip(left, right, strict=True):
        assert a.dtype == b.dtype or a.dtype.kind == b.dtype.kind == "i"
        np.testing.assert_array_equal(a, b, strict=False)


@pytest.mark.parametrize("sublinear", [True, False])
def test_text_block_gives_the_per_text_reading_exactly(sublinear):
    rng = np.random.default_rng(0)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=sublinear, dtype=np.float32)
    vectorizer.fit(_texts(rng, 300))
    texts = _texts(rng, 400)
    block = _TextBlock(vectorizer)
    batch = block.triplets(texts)
    assert batch[2].dtype == np.float32
    _equal(batch, _reference_text(vectorizer, texts))
    lengths = np.bincount(batch[0], minlength=len(texts))
    assert lengths.max() > 64 and (lengths == 0).any()  # long texts and texts without terms
    # A text alone reads as in a batch.
    for i in (0, 1, 2, int(np.argmax(lengths)), int(np.argmin(lengths))):
        rows, columns, values = block.triplets(texts[i : i + 1])
        assert (rows == 0).all()
        np.testing.assert_array_equal(columns, batch[1][batch[0] == i])
        np.testing.assert_array_equal(values, batch[2][batch[0] == i])
    # And it is the vectoriser's transform (up to float32 rounding of the norm).
    rows, columns, values = batch
    mine = sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), len(vectorizer.idf_)))
    np.testing.assert_allclose(mine.toarray(), vectorizer.transform(texts).toarray(), atol=1e-6)
    assert [len(x) for x in block.triplets([])] == [0, 0, 0]


@pytest.mark.parametrize(
    "settings",
    [
        {"ngram_range": (1, 1)},
        {"ngram_range": (1, 2)},
        {"ngram_range": (2, 3)},
        {"ngram_range": (1, 3), "lowercase": False},
        {"ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b", "strip_accents": "unicode"},
        {"ngram_range": (1, 2), "stop_words": ["aide", "loyer"]},
        {"analyzer": "char_wb", "ngram_range": (2, 4)},
    ],
)
def test_the_analyser_reads_texts_as_the_vectoriser_does(settings):
    rng = np.random.default_rng(1)
    texts = [*_texts(rng, 50), "", "Un", "Loyer impayé, aide CAF : 450 €"]
    vectorizer = TfidfVectorizer(**settings).fit(texts)
    reference = vectorizer.build_analyzer()
    analyse = _analyser(vectorizer)
    assert [analyse(t) for t in texts] == [reference(t) for t in texts]


def test_row_norms_are_numpys_dot_of_each_row():
    """numpy's dot (BLAS) sums a row in an order that depends on its length: each norm must
    be the very float32 a per-row dot gives, at every length."""
    rng = np.random.default_rng(2)
    lengths = np.concatenate([np.arange(0, 130), rng.integers(0, 130, 300)])
    values = rng.random(lengths.sum()) * 10.0 ** rng.integers(-3, 3, lengths.sum())
    values = values.astype(np.float32)
    norms = _row_norms(values, lengths)
    starts = np.cumsum(lengths) - lengths
    expected = [np.sqrt(np.dot(values[s : s + k], values[s : s + k]))
                for s, k in zip(starts, lengths, strict=True)]  # fmt: skip
    assert norms.dtype == np.float32
    np.testing.assert_array_equal(norms, np.array(expected, dtype=np.float32))
    for s, k in zip(starts[125:135], lengths[125:135], strict=True):
        assert _row_norms(values[s : s + k], np.array([k]))[0] == np.sqrt(
            np.dot(values[s : s + k], values[s : s + k])
        )
    # A float32 sum in another order would not give these norms.
    flat = np.sqrt(np.bincount(np.repeat(np.arange(len(lengths)), lengths), values**2))
    assert (flat.astype(np.float32) != norms).any()


def _categories(rng, n: int) -> np.ndarray:
    known = {k: [*v, None, "rare"] for k, v in CATEGORIES.items()}
    return np.column_stack([rng.choice(np.array(v, dtype=object), n) for v in known.values()])


def test_one_hot_block_gives_the_per_row_reading_exactly():
    rng = np.random.default_rng(3)
    train = _categories(rng, 300)
    train[:2, 0] = "unique"  # below min_frequency: infrequent
    encoder = OneHotEncoder(handle_unknown="ignore", min_frequency=3).fit(train)
    matrix = _categories(rng, 200)
    matrix[:5, 1] = "never seen"  # ignored: no column
    block = _OneHotBlock(encoder)
    rows, columns, values = block.triplets([matrix[:, 0], matrix[:, 1]])
    _equal((rows, columns), _reference_one_hot(_OneHotBlock(encoder), matrix))
    assert (values == 1).all() and len(rows) < matrix.size  # some values light nothing
    np.testing.assert_array_equal(
        sparse.csr_matrix(
            (values, (rows, columns)), shape=(200, encoder.transform(matrix).shape[1])
        ).toarray(),
        encoder.transform(matrix).toarray(),
    )


def _frame(rng, n: int) -> pd.DataFrame:
    categories = _categories(rng, n)
    return pd.DataFrame(
        {
            "text": _texts(rng, n),
            "channel": categories[:, 0],
            "housing": categories[:, 1],
            "requests": rng.integers(0, 5, n).astype(float),
        }
    )


@pytest.fixture(scope="module")
def router() -> RouterModel:
    """A small router of the logged shape (inputs, select, multinomial model)."""
    rng = np.random.default_rng(4)
    train = _frame(rng, 400)
    labels = rng.choice(SERVICES, len(train))
    inputs = ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32),
             "text"),
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["channel", "housing"]),
            ("numbers", StandardScaler(), ["requests"]),
        ],
        sparse_threshold=1.0,
    )  # fmt: skip
    matrix = inputs.fit_transform(train).tocsr()
    keep = np.arange(inputs.output_indices_["numbers"].start)  # words and categories
    select = ColumnTransformer([("keep", "passthrough", keep)], sparse_threshold=1.0)
    select.fit(matrix)
    model = LogisticRegression(max_iter=500).fit(matrix[:, keep], labels)
    pipeline = Pipeline([("inputs", inputs), ("select", select), ("model", model)])
    features = ["text", "channel", "housing", "requests"]
    return RouterModel(pipeline, "1", list(model.classes_), {}, features, **_direct_plan(pipeline))


def _reference_probabilities(router: RouterModel, inputs) -> np.ndarray:
    """The per-row blocks and np.add.at's sum the batch form replaced."""
    text, categories = router.blocks[0], router.blocks[1]
    n = len(inputs["text"])
    parts = [
        _reference_text(text.transformer, inputs["text"]),
        (*_reference_one_hot(categories.fast, np.column_stack([inputs["channel"],
                                                                inputs["housing"]])), None),
    ]  # fmt: skip
    rows = np.concatenate([parts[0][0], parts[1][0]])
    columns = np.concatenate([parts[0][1] + text.offset, parts[1][1] + categories.offset])
    values = np.concatenate([parts[0][2], np.ones(len(parts[1][0]))])
    logits = np.zeros((n, len(router.intercepts)))
    np.add.at(logits, rows, values[:, None] * router.coefficients[columns])
    logits += router.intercepts
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def test_router_probabilities_equal_the_per_row_path_and_a_row_alone(router):
    assert router.direct and router.coefficients is not None
    assert router.blocks[2].transformer is None  # the numbers are not read
    frame = _frame(np.random.default_rng(5), 300)
    inputs = {name: frame[name].to_numpy(dtype=object) for name in router.read_features}
    batch = router.predict_proba(inputs)
    np.testing.assert_array_equal(batch, _reference_probabilities(router, inputs))
    np.testing.assert_allclose(batch, router.estimator.predict_proba(frame), atol=AGREEMENT)
    for i in (0, 7, 123):
        alone = router.predict_proba({name: column[i : i + 1] for name, column in inputs.items()})
        np.testing.assert_array_equal(alone, batch[i : i + 1])


@pytest.mark.parametrize("entries", [0, 1, 50, 3_000, 20_000])
def test_linear_sums_add_each_cells_terms_in_order_as_add_at(entries):
    """In one pass (few entries) or one per class, the sums are np.add.at's to the bit."""
    rng = np.random.default_rng(6)
    n, classes, width = 40, 7, 500
    coefficients = rng.normal(size=(width, classes)) * 10.0 ** rng.integers(-8, 8, (width, classes))
    rows = rng.integers(0, n, entries)
    columns = rng.integers(0, width, entries)
    values = rng.random(entries).astype(np.float32).astype(np.float64)
    expected = np.zeros((n, classes))
    np.add.at(expected, rows, values[:, None] * coefficients[columns])
    sums = _linear_sums(
        coefficients, np.ascontiguousarray(coefficients.T), rows, columns, values, n
    )
    np.testing.assert_array_equal(sums, expected)
    if entries > 1:  # the order matters: summed otherwise, some sums differ
        otherwise = np.zeros((n, classes))
        np.add.at(otherwise, rows[::-1], (values[:, None] * coefficients[columns])[::-1])
        assert (otherwise != expected).any()
