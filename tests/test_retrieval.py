"""Retrieval on a temporary Chroma with the real bundled embedder (small subsets, to stay fast)."""

import subprocess
import sys
import threading

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant import kb
from assistant.retrieval import E5Embeddings, ExampleIndex


@pytest.fixture(scope="module")
def subset():
    wanted = {
        "m30-seo-1",
        "m30-social-1",
        "m30-email-1",
        "m30-cs-1",
        "saas-9",
        "m10-7",
        "saas-7",
        "m30-paid-2",
    }
    return tuple(e for e in kb.examples() if e.group in wanted)


@pytest.fixture(scope="module")
def index(tmp_path_factory, subset):
    path = tmp_path_factory.mktemp("chroma")
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    idx = ExampleIndex(client=client, emb=E5Embeddings(), examples=subset)
    idx.build()
    return idx, path


def test_non_english_examples_are_stored_twice(index, subset):
    idx, _ = index
    collection = idx.client.get_collection(idx.name)
    expected = sum(2 if e.language != "en" else 1 for e in subset)
    assert collection.count() == expected


@pytest.mark.parametrize(
    ("query", "group"),
    [
        ("we need more newsletter opens", "m30-email-1"),
        ("Chcemy mieć więcej obserwujących na Instagramie", "m30-social-1"),
        ("ridurre l'abbandono dei clienti", "saas-9"),
        ("more positive reviews from customers", "m10-7"),
    ],
)
def test_cross_lingual_search_finds_the_right_example(index, query, group):
    idx, _ = index
    hits = idx.search(query, k=3)
    assert group in [h.example.group for h in hits]
    assert len({h.example.group for h in hits}) == len(hits)  # one hit per example, translations merged


def test_filters(index):
    idx, _ = index
    assert all(h.example.language == "fa" for h in idx.search("reviews", k=3, language="fa"))
    hits = idx.search("grow sales", k=3, team="sales")
    assert hits[0].example.team == "sales" and len(hits) == 3  # team first, then filled with others


def test_rebuilds_when_the_library_changes(index, subset):
    idx, _ = index
    changed = ExampleIndex(client=idx.client, emb=idx.emb, examples=subset[:2])
    changed.build()
    assert idx.client.get_collection(changed.name).count() == sum(2 for _ in subset[:2])
    idx.build()  # and back
    assert idx.client.get_collection(idx.name).count() > 4


def test_collection_reopens_offline_in_a_new_process(index):
    idx, path = index
    code = (
        "import sys, chromadb; from chromadb.config import Settings;"
        "import assistant.retrieval;"
        f"c = chromadb.PersistentClient(path={str(path)!r}, settings=Settings(anonymized_telemetry=False));"
        f"col = c.get_collection({idx.name!r});"
        "r = col.query(query_texts=['newsletter open rate'], n_results=1);"
        "print(r['metadatas'][0][0]['example_id'])"
    )
    env = {"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr[-500:]
    assert res.stdout.strip().startswith("m30-")


def test_rebuild_is_built_aside_and_a_stale_reader_recovers(index, subset):
    """A library change (kb add) builds a new collection beside the old one; a reader still
    holding the old collection keeps answering after the old one is dropped."""
    idx, _ = index
    reader = ExampleIndex(client=idx.client, emb=idx.emb, examples=subset)
    assert reader.search("newsletter opens", k=1)
    smaller = subset[:3]
    writers = [ExampleIndex(client=idx.client, emb=idx.emb, examples=smaller) for _ in range(2)]
    assert writers[0].name == writers[1].name != reader.name  # named by content: no mixing
    errors: list[Exception] = []

    def build(w):
        try:
            w.build()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = {getattr(c, "name", c) for c in idx.client.list_collections()}
    assert writers[0].name in names and reader.name not in names and not any("-tmp-" in n for n in names)
    assert reader.search("newsletter opens", k=1)  # rebuilt its own collection on the next query
    idx.build()


def test_a_metric_is_as_close_as_its_name_and_the_outcome_it_shows(monkeypatch):
    """ "Nobody opens our e-mails" reads like an outcome, not a metric name: a metric whose outcome
    matches the goal outranks one whose name alone is a little closer; the function's own come first."""
    from assistant import catalogue
    from assistant.retrieval import CatalogueIndex

    cat = catalogue.load()
    phrase = cat.objectives["marketing.emails-worth-opening"]
    opened, other = phrase.shown_by[0], "social_media_followers"
    sales = next(m.id for m in cat.movable() if m.function == "sales")
    assert other not in phrase.shown_by

    class Emb:
        def embed_query(self, text):
            return [1.0]

    index = CatalogueIndex(client=object(), emb=Emb(), catalogue=cat)
    scores = {
        "metric": {opened: 0.70, other: 0.80, sales: 0.99},
        "objective": {phrase.id: 0.95},
    }
    monkeypatch.setattr(index, "_scores", lambda vector, kind: dict(scores[kind]))
    assert [m.id for m in index.metrics("Nobody opens our e-mails", 3, "marketing")] == [opened, other, sales]
    assert [m.id for m in index.metrics("Nobody opens our e-mails", 3, "marketing", 1)][1] == sales


def test_goal_words_name_the_function_a_short_goal_is_about(monkeypatch):
    """ "Chcemy zatrudniać szybciej" is about hiring whatever a small embedder thinks; a stem matches
    the start of a word, a phrase anywhere, and only the goal's language counts."""
    from assistant.catalogue import Catalogue
    from assistant.retrieval import CatalogueIndex

    cat = Catalogue(
        goal_words={
            "pl": {"people": ["zatrudni", "rekrut"]},
            "en": {"people": ["hire"], "engineering": ["release", "code review"], "marketing": ["press"]},
        }
    )
    assert cat.functions_named("Chcemy zatrudniać szybciej", "pl") == {"people": 1}
    assert cat.functions_named("Chcemy zatrudniać szybciej", "en") == {}
    assert cat.functions_named("Our code review takes ages", "en") == {"engineering": 1}
    assert cat.functions_named("Unreleased work piles up", "en") == {}  # the start of a word only
    assert cat.functions_named("Hire for releases and press", None) == {
        "people": 1,
        "engineering": 1,
        "marketing": 1,
    }

    index = CatalogueIndex(client=object(), emb=object(), catalogue=cat)
    near = [
        ({"function": "marketing"}, 0.9),
        ({"function": "engineering"}, 0.8),
        ({"function": "people"}, 0.7),
    ]
    monkeypatch.setattr(index, "_nearest", lambda query, k, filters: near)
    assert index.function_for("Chcemy zatrudniać szybciej", "pl") == "people"  # named beats nearer
    assert index.function_for("Release notes for the press", "en") == "marketing"  # a tie: the nearer
    assert index.function_for("Nobody knows us", "en") == "marketing"  # none named: the embedder


def test_a_goal_word_lifts_its_outcome_and_the_metrics_that_show_it(monkeypatch):
    """ "Nuestra web no aparece en Google": the search outcome's goal word beats a phrasing the
    embedder finds a little closer, and carries the metrics that show it."""
    from assistant import catalogue
    from assistant.retrieval import CatalogueIndex

    cat = catalogue.load()
    search = cat.objectives["marketing.found-in-search"].model_copy(update={"goal_words": {"es": ["google"]}})
    social = cat.objectives["marketing.social-audience-to-site"]
    cat = catalogue.Catalogue(
        metrics=cat.metrics, objectives={search.id: search, social.id: social}, teams=cat.teams
    )
    found_by, social_metric = search.shown_by[0], social.shown_by[0]

    class Emb:
        def embed_query(self, text):
            return [1.0]

    index = CatalogueIndex(client=object(), emb=Emb(), catalogue=cat)
    scores = {
        "metric": {found_by: 0.80, social_metric: 0.81},
        "objective": {search.id: 0.80, social.id: 0.82},
    }
    monkeypatch.setattr(index, "_scores", lambda vector, kind: dict(scores[kind]))
    goal = "Nuestra web no aparece en Google"
    assert [o.id for o in index.objectives(goal, 2, "marketing", language="es")] == [search.id, social.id]
    assert [m.id for m in index.metrics(goal, 2, "marketing", language="es")] == [found_by, social_metric]
    assert [o.id for o in index.objectives(goal, 2, "marketing", language="de")] == [social.id, search.id]


def test_a_goal_word_counts_once_however_many_stems_start_it():
    """ "odwiedza" and "odwiedzając" both start "odwiedzających": one word of the goal, not two, so a
    phrasing with many spellings of one word does not outrank one naming two of the goal's words."""
    from assistant.catalogue import words_used

    goal = "Chcemy, żeby więcej odwiedzających kupowało w sklepie"
    assert words_used(goal, ["odwiedza", "odwiedzając", "ruch"]) == 1
    assert words_used(goal, ["kupow", "sklep"]) == 2
    assert words_used(goal, ["w sklepie", "sklep"]) == 2  # a phrase and a word
    assert words_used("sklep sklep", ["sklep"]) == 1  # a repeated word is one word
    # Persian typed on an Arabic keyboard (ي and ك) names the same words as with ی and ک
    assert words_used("سايت ما در گوگل ديده نمي‌شود", ["دیده", "گوگل"]) == 2


def test_a_team_named_like_an_outcome_counts_as_one_more_goal_word(monkeypatch):
    """ "Visitors don't buy" asked by the A/B-testing team is about conversion: the team's name is
    one of the conversion outcome's goal words and breaks the tie with "more visitors"."""
    from assistant import catalogue
    from assistant.retrieval import CatalogueIndex

    cat = catalogue.load()
    tests = cat.objectives["marketing.experiment-driven-conversion"].model_copy(
        update={"goal_words": {"en": ["testing", "buy"]}}
    )
    visits = cat.objectives["marketing.right-visitors"].model_copy(update={"goal_words": {"en": ["visitor"]}})
    cat = catalogue.Catalogue(
        metrics=cat.metrics, objectives={tests.id: tests, visits.id: visits}, teams=cat.teams
    )

    class Emb:
        def embed_query(self, text):
            return [1.0]

    index = CatalogueIndex(client=object(), emb=Emb(), catalogue=cat)
    scores = {"metric": {}, "objective": {tests.id: 0.80, visits.id: 0.84}}
    monkeypatch.setattr(index, "_scores", lambda vector, kind: dict(scores[kind]))
    goal = "Visitors don't buy"
    ranked = [o.id for o in index.objectives(goal, 2, "marketing", language="en", team="ab-testing")]
    assert ranked == [tests.id, visits.id]
    assert [o.id for o in index.objectives(goal, 2, "marketing", language="en")] == [visits.id, tests.id]
    assert [o.id for o in index.objectives(goal, 2, "marketing", language="en", team="sales")] == [
        visits.id,
        tests.id,
    ]


def test_one_draft_embeds_its_goal_once(monkeypatch):
    """The function, the objectives and the metrics are all ranked for the same goal: one vector."""
    from assistant.retrieval import CatalogueIndex

    class Emb:
        name = "counting-embedder"
        calls = 0

        def embed_query(self, text):
            Emb.calls += 1
            return [1.0]

    index = CatalogueIndex(client=object(), emb=Emb())
    monkeypatch.setattr(index, "_query_vector", lambda vector, k, where: [])
    goal = "We want to hire faster, said nobody before"
    index.function_for(goal, "en"), index.objectives(goal, 6), index.metrics(goal, 16)
    assert Emb.calls == 1
    index.metrics(goal + "!", 16)
    assert Emb.calls == 2


def test_one_draft_scans_the_catalogue_once_for_its_goal(monkeypatch):
    """Objectives and metrics are ranked from the same two similarity scans of one goal."""
    from assistant.retrieval import CatalogueIndex

    class Emb:
        name = "scan-counting-embedder"

        def embed_query(self, text):
            return [1.0]

    index = CatalogueIndex(client=object(), emb=Emb())
    scans: list[str] = []
    monkeypatch.setattr(index, "_scores", lambda vector, kind: scans.append(kind) or {})
    goal = "Nobody opens our e-mails"
    index.objectives(goal, 6, "marketing", language="en"), index.metrics(goal, 16, "marketing", language="en")
    assert sorted(scans) == ["metric", "objective"]
    index.metrics(goal, 16, "marketing", language="en", team="email")  # another team: ranked again
    assert len(scans) == 4
