"""Text drift without text: each description reduced to two descriptors before any report
sees it.

Evidently's own text drift (a domain classifier) shows characteristic words and whole
example texts in its report, which must never hold free text. So each description becomes,
in memory, against the vocabulary of the reference texts:

- ``words``: its length in words (a number);
- ``unknown_words``: how many of its distinct words fewer than two reference texts use (for
  a reference text, not counting itself), as a category 0, 1, 2, 3 or 4+. It rises when
  residents write about something the models never read.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

NUMERICAL = ("words",)
CATEGORICAL = ("unknown_words",)
MIN_DOCUMENTS = 2  # a word is known when at least this many reference texts use it
CAP = 4  # "4+"


def text_descriptors(reference: pd.Series, current: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    vectorizer = CountVectorizer(binary=True, strip_accents="unicode", lowercase=True)
    counts = vectorizer.fit_transform(reference.fillna("").tolist())
    documents = np.asarray(counts.sum(axis=0)).ravel()
    vocabulary = vectorizer.vocabulary_
    analyse = vectorizer.build_analyzer()

    def describe(texts: pd.Series, own: int) -> pd.DataFrame:
        words, unknown = [], []
        for text in texts.fillna("").tolist():
            tokens = analyse(text)
            rare = sum(
                1
                for token in set(tokens)
                if token not in vocabulary or documents[vocabulary[token]] - own < MIN_DOCUMENTS
            )
            words.append(float(len(tokens)))
            unknown.append(f"{CAP}+" if rare >= CAP else str(rare))
        return pd.DataFrame({"words": words, "unknown_words": unknown})

    return describe(reference, own=1), describe(current, own=0)
