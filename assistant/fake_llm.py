"""A deterministic stand-in for a chat model (OKR_LLM=fake): for demos and CI smoke runs.

It answers by the *schema* it is asked for, not by the prompt's wording: every enum gets its
first unused values in order, numbers count up, arrays get their minimum length. So every stage
after the model (composition, validation, the web chat, batch mode, evals) runs for real without a
model, and rewording a prompt cannot break it. A request without a schema (the zero-shot baseline
in evals) gets plain sentences. It is never the default and says so in every answer's `model`.
"""

from __future__ import annotations

import json
import re
import time
from itertools import count
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant import config


class _Filler:
    """Builds one instance of a JSON schema: distinct enum values, rising numbers."""

    def __init__(self, schema: dict):
        self.defs = schema.get("$defs", {})
        self.used: dict[tuple, int] = {}
        self.numbers = count(10, 7)

    def value(self, node: dict) -> Any:
        if "$ref" in node:
            return self.value(self.defs[node["$ref"].rsplit("/", 1)[-1]])
        if "anyOf" in node:
            return self.value(next(n for n in node["anyOf"] if n.get("type") != "null"))
        if "enum" in node or "const" in node:
            options = tuple(node.get("enum") or [node["const"]])
            n = self.used.get(options, 0)
            self.used[options] = n + 1
            return options[n % len(options)]
        kind = node.get("type")
        if kind == "object":
            return {k: self.value(v) for k, v in node.get("properties", {}).items()}
        if kind == "array":
            return [self.value(node.get("items", {})) for _ in range(max(1, node.get("minItems", 1)))]
        if kind in ("number", "integer"):
            return next(self.numbers)
        if kind == "boolean":
            return False
        return "text"


def from_schema(schema: dict) -> str:
    """The JSON the fake model answers for a JSON schema."""
    return json.dumps(_Filler(schema).value(schema))


def baseline_reply(prompt: str) -> str:
    """The zero-shot baseline's plain sentences (no schema enums to choose from)."""
    tagged = re.search(r"<goal>(.*?)</goal>", prompt, re.DOTALL)
    goal = tagged.group(1).strip() if tagged else prompt[:40]
    krs = [f"Improve {goal[:40]}", "Increase sales by 20%", "Launch a new campaign"]
    return json.dumps({"objectives": [{"title": f"Achieve: {goal[:60]}", "key_results": krs}]})


class ScriptedDraftModel(BaseChatModel):
    """A LangChain chat model that answers any structured request deterministically."""

    @property
    def _llm_type(self) -> str:
        return "okr-fake"

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any
    ) -> ChatResult:
        delay = config.settings().fake_delay  # to test slow models: progress, kills
        if delay:
            time.sleep(delay)
        prompt = "\n".join(str(m.content) for m in messages)
        schema = (kwargs.get("response_format") or {}).get("schema") or {}
        has_enum = "enum" in json.dumps(schema)
        text = from_schema(schema) if has_enum else baseline_reply(prompt)
        usage = {
            "input_tokens": len(prompt) // 4,
            "output_tokens": len(text) // 4,
            "total_tokens": (len(prompt) + len(text)) // 4,
        }
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text, usage_metadata=usage))])
