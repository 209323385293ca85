"""Test doubles: scripted chat replies and an in-memory example index (no Chroma, no embedder)."""

from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant import kb
from assistant.retrieval import Hit


def kr(metric, baseline=None, target=10, source="assumed", unit="", direction="increase"):
    return {"metric": metric, "direction": direction, "baseline": baseline, "target": target, "unit": unit,
            "baseline_source": source}  # fmt: skip


def objective(title, krs, initiatives=("Weekly review",)):
    return json.dumps({"title": title, "key_results": krs, "initiatives": list(initiatives)})


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
