"""Test doubles: scripted chat replies, an in-memory example index and catalogue (no Chroma, no embedder)."""

from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import catalogue, kb
from assistant.retrieval import Hit


def pick(objective: str, *key_results: tuple[str, float, float]) -> dict:
    """One objective of a selection reply: a catalogue objective id and (metric id, baseline, target)."""
    return {
        "objective": objective,
        "key_results": [{"metric": m, "baseline": b, "target": t} for m, b, t in key_results],
    }


def selection(*objectives: dict) -> str:
    """The JSON a model answers to the drafter's selection request."""
    return json.dumps({"objectives": list(objectives)})


def scripted(*replies: str) -> FakeListChatModel:
    """A LangChain fake chat model that answers with `replies` in order."""
    return FakeListChatModel(responses=list(replies))


class ListIndex:
    """Retrieval stand-in: the first k library examples of a team (or any), all with score 0.5."""

    def __init__(self):
        self.examples = kb.examples()
        self.queries: list[str] = []

    def search(self, query, k=5, language=None, team=None):
        self.queries.append(query)
        pool = [e for e in self.examples if (team is None or e.team == team)] or list(self.examples)
        return [Hit(e, 0.5, "orig") for e in pool[:k]]


class ListCatalogue:
    """Catalogue retrieval stand-in: fixed candidate ids, in order (no embeddings)."""

    def __init__(self, metrics: list[str], objectives: list[str], cat: catalogue.Catalogue | None = None):
        self.catalogue = cat or catalogue.load()
        self.metric_ids, self.objective_ids = metrics, objectives
        self.queries: list[str] = []

    def function_for(self, query, language=None):
        return None

    def metrics(self, query, k=12, function=None, from_function=None, language=None, team=None):
        self.queries.append(query)
        return [self.catalogue.metrics[i] for i in self.metric_ids[:k]]

    def objectives(self, query, k=6, function=None, from_function=None, language=None, team=None):
        return [self.catalogue.objectives[i] for i in self.objective_ids[:k]]

    def match(self, text, k=3):
        words = set(text.casefold().split())
        scored = sorted(
            self.catalogue.metrics.values(),
            key=lambda m: -len(words & set(catalogue.name(m, "en").casefold().split())),
        )
        return [m.id for m in scored[:k]]
