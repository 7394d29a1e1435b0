"""Fast inference of the learned layer: the same probabilities as scikit-learn's own."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.text import layout
from newsroom.text.artifacts import detect, detect_many, detect_rules
from newsroom.text.artifacts import model as learned
from newsroom.text.artifacts.document import Document
from newsroom.text.artifacts.features import FEATURE_NAMES, _character_counts, line_rows
from newsroom.text.artifacts.inference import Forest, HashedLinear
from tests.text.heldout_articles import ARTICLES, CLEAN


def _data(seed: int, n: int = 600):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5))
    kind = rng.integers(0, 6, n).astype(float)  # a categorical column, as rule_kind
    x = np.column_stack([x[:, :2], kind, x[:, 2:]])
    y = ((x[:, 0] + (kind == 3) * 2 - x[:, 3] * 0.5 + rng.normal(0, 0.5, n)) > 0.5).astype(int)
    return x, y


def _boosted(**params):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=25, random_state=0, **params)


@pytest.mark.parametrize("categorical", [[2], None])
def test_forest_gives_sklearns_probabilities(categorical) -> None:
    x, y = _data(1)
    model = _boosted(categorical_features=categorical).fit(x, y)
    probe, _ = _data(2, 400)
    probe[::7, 2] = 9  # a category the model never saw
    probe[::11, 0] = np.nan  # missing values
    probe[::13, 2] = np.nan
    forest = Forest(model)
    assert np.abs(forest.predict_proba(probe) - model.predict_proba(probe)[:, 1]).max() < 1e-12


def test_forest_follows_the_missing_value_branches_learned_in_training() -> None:
    x, y = _data(3)
    x[::5, 1] = np.nan
    model = _boosted(categorical_features=[2]).fit(x, y)
    probe, _ = _data(4, 300)
    probe[::3, 1] = np.nan
    got = Forest(model).predict_proba(probe)
    assert np.abs(got - model.predict_proba(probe)[:, 1]).max() < 1e-12


def test_forest_refuses_a_matrix_of_the_wrong_width() -> None:
    x, y = _data(5)
    forest = Forest(_boosted().fit(x, y))
    with pytest.raises(ValueError, match="expected 6 features"):
        forest.decision(np.zeros((3, 4)))
    assert forest.predict_proba(np.zeros((0, 6))).shape == (0,)


def _pipeline(n_features: int):
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    from newsroom.text.artifacts.features import line_head

    vectorizer = HashingVectorizer(
        ngram_range=(1, 2),
        preprocessor=line_head,
        n_features=n_features,
        alternate_sign=False,
        norm="l2",
    )
    texts = [
        "Advertisement",
        "Share this article on Facebook",
        "The council voted on Tuesday to approve the plan.",
        "Related: more news from the harbour",
        "Photo: Reuters",
        "Officials said the cost would be covered by the state.",
    ] * 5
    y = [1, 1, 0, 1, 1, 0] * 5
    classifier = SGDClassifier(loss="log_loss", max_iter=20, tol=None, random_state=0)
    return make_pipeline(vectorizer, classifier).fit(texts, y)


@pytest.mark.parametrize("n_features", [2**17, 8])  # 8 columns: tokens collide
def test_hashed_linear_gives_the_pipelines_probabilities(n_features: int) -> None:
    pipeline = _pipeline(n_features)
    texts = [
        "Advertisement",
        "",
        "!!!",
        "Share this: the council voted, officials said.",
        "ÉCOLE İstanbul straße 2026 ÖFFNUNGSZEITEN",
        "word " * 80,
    ]
    fast = HashedLinear(pipeline)
    assert np.abs(fast.predict_proba(texts) - pipeline.predict_proba(texts)[:, 1]).max() < 1e-12
    # Twice: the second call reads the cached columns.
    assert np.abs(fast.predict_proba(texts) - pipeline.predict_proba(texts)[:, 1]).max() < 1e-12


def test_hashed_linear_refuses_settings_it_does_not_reproduce() -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    pipeline = _pipeline(64)
    pipeline.steps[0] = ("hashingvectorizer", HashingVectorizer(alternate_sign=True))
    with pytest.raises(ValueError):
        HashedLinear(pipeline)


def _shipped() -> learned.DetectorModel:
    model = learned.load(learned.DEFAULT_PATH)
    assert isinstance(model, learned.DetectorModel)
    return model


def test_shipped_model_scores_every_line_as_sklearn_does() -> None:
    model = _shipped()
    reference = learned.load(learned.DEFAULT_PATH)
    reference.__dict__["_compiled"] = (None, None)  # scikit-learn's own predict_proba
    batches = []
    for article in ARTICLES + CLEAN:
        doc, findings = detect_rules(article["text"], layout.parse(article["text"]))
        batches.append(line_rows(doc, findings))
    fast = model.probabilities_many(batches)
    slow = reference.probabilities_many(batches)
    flat_fast = [p for batch in fast for p in batch]
    flat_slow = [p for batch in slow for p in batch]
    assert len(flat_fast) > 100
    assert np.abs(np.array(flat_fast) - np.array(flat_slow)).max() < 1e-9


def test_kind_classifier_names_the_kinds_scikit_learn_names() -> None:
    kind = _shipped().kind
    rows = []
    for article in ARTICLES + CLEAN:
        doc, findings = detect_rules(article["text"], layout.parse(article["text"]))
        rows.extend(line_rows(doc, findings))
    assert len(rows) > 100
    expected = [str(k) for k in kind.classifier.predict(kind.matrix(rows))]
    assert kind.predict(rows) == expected
    assert len(set(expected)) > 1
    assert [kind.predict([row])[0] for row in rows[:20]] == expected[:20]


def test_detect_many_finds_what_detect_finds_one_by_one() -> None:
    model = _shipped()
    items = [(a["text"], layout.parse(a["text"])) for a in ARTICLES + CLEAN]
    items.insert(3, ("", None))
    one_by_one = [detect(text, parsed, model=model) for text, parsed in items]
    assert detect_many(items, model=model) == one_by_one
    assert detect_many(items, model=None) == [detect(t, p, model=None) for t, p in items]
    assert any(one_by_one)


def _naive_counts(text: str) -> list[tuple[int, ...]]:
    doc = Document.parse(text)
    out = []
    for i in doc.content:
        line = doc.lines[i].text
        words = line.split()
        out.append(
            (
                sum(map(str.isalpha, line)),
                sum(map(str.isupper, line)),
                sum(map(str.isdigit, line)),
                line.count(" "),
                sum(map(str.isascii, line)),
                len(words),
                sum(w[0].isupper() for w in words),
            )
        )
    return out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=["Cs"]), max_size=300))
def test_character_counts_equal_str_methods_on_any_text(text: str) -> None:
    doc = Document.parse(text)
    content = [doc.lines[i] for i in doc.content]
    assert _character_counts(text, content) == _naive_counts(text)


def test_character_counts_handle_astral_and_surrogate_characters() -> None:
    text = "\U0001d400x \U0001f600 A\ud800b Ⅻ ² ٣ ǅ\nÉé\u00a0DEF\n"
    doc = Document.parse(text)
    content = [doc.lines[i] for i in doc.content]
    assert _character_counts(text, content) == _naive_counts(text)
    assert len(line_rows(doc, [])[0].values) == len(FEATURE_NAMES)


@pytest.mark.parametrize("lowercase", [True, False])
def test_hashed_linear_follows_the_vectorizers_own_casing(lowercase: bool) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    texts = ["Advertisement SHARE", "The Council voted", "share this", "Photo: AP"] * 4
    pipeline = make_pipeline(
        HashingVectorizer(lowercase=lowercase, alternate_sign=False, n_features=64),
        SGDClassifier(loss="log_loss", random_state=0),
    ).fit(texts, [1, 0, 1, 1] * 4)
    fast = HashedLinear(pipeline)
    assert np.abs(fast.predict_proba(texts) - pipeline.predict_proba(texts)[:, 1]).max() < 1e-12
