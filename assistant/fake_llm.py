"""A deterministic stand-in for a chat model (OKR_LLM=fake): for tests, demos and CI smoke runs.

It reads the prompt the drafter sends and answers with well-formed JSON built from it, so every
stage after the model (parsing, validation, repair, the web chat, batch mode, evals) runs for real
without a model. It is never the default and it says so in every answer's `model` field.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

_METRICS = [
    ("qualified leads per month", 120, 180, "leads"),
    ("trial-to-paid conversion", 8, 12, "%"),
    ("weekly active customers", 2400, 3100, "customers"),
    ("net promoter score", 31, 40, "points"),
    ("repeat purchase rate", 18, 24, "%"),
]


_TITLES = [
    "Win customers who already know us",
    "Make every first week delightful",
    "Turn happy customers into advocates",
    "Build a pipeline sales can trust",
    "Make the product the reason people stay",
]


def _field(text: str, name: str, default: str) -> str:
    match = re.search(rf"^{name}:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else default


def _key_result(n: int, cycle: str) -> dict:
    metric, base, target, unit = _METRICS[n % len(_METRICS)]
    return {"metric": metric, "direction": "increase", "baseline": base, "target": target,
            "unit": "%" if unit == "%" else "", "baseline_source": "assumed"}  # fmt: skip


def scripted_reply(prompt: str) -> str:
    """The JSON the fake model answers to a drafter prompt."""
    cycle = _field(prompt, "Cycle", "2027-Q1").split()[0]
    if "Choose a better metric for this key result" in prompt:
        return json.dumps(_key_result(len(prompt), cycle))
    if "Change request from the team lead" in prompt:
        return _revise(prompt, cycle)
    if prompt.startswith("Write OKRs for this goal:"):  # the zero-shot baseline: plain sentences
        goal = prompt.split(":", 1)[1].splitlines()[0].strip()
        krs = [f"Improve {goal[:40]}", "Increase sales by 20%", "Launch a new campaign"]
        return json.dumps({"objectives": [{"title": f"Achieve: {goal[:60]}", "key_results": krs}]})
    index = int(m.group(1)) - 1 if (m := re.search(r"objective (\d+) of", prompt)) else 0
    return json.dumps({
        "title": _TITLES[index % len(_TITLES)],
        "key_results": [_key_result(index * 3 + j, cycle) for j in range(3)],
        "initiatives": ["Agree owners for each key result", "Review progress every week"],
    })  # fmt: skip


def _revise(prompt: str, cycle: str) -> str:
    """Apply a few change requests the way a model would: fewer objectives, one more key result."""
    current = json.loads(prompt.split("Current OKRs:\n", 1)[1].split("\n\nChange request", 1)[0])
    request = prompt.split('Change request from the team lead: "', 1)[1].split('"', 1)[0].casefold()
    if m := re.search(r"only (\w+) objective", request):
        words = {"one": 1, "two": 2, "three": 3, "1": 1, "2": 2, "3": 3}
        current = current[: words.get(m.group(1), len(current))]
    if "add a key result" in request:
        current[0]["key_results"] = [*current[0]["key_results"][:3], _key_result(4, cycle)]
    for n, obj in enumerate(current):
        obj["key_results"] = [
            {**_key_result(n * 4 + j, cycle), "baseline": kr["baseline"], "target": kr["target"],
             "metric": kr.get("metric") or _METRICS[(n * 4 + j) % len(_METRICS)][0]}
            for j, kr in enumerate(obj["key_results"])
        ]  # fmt: skip
    return json.dumps({"objectives": current})


class ScriptedDraftModel(BaseChatModel):
    """A LangChain chat model that answers drafter prompts deterministically."""

    @property
    def _llm_type(self) -> str:
        return "okr-fake"

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any
    ) -> ChatResult:
        delay = float(os.environ.get("OKR_FAKE_DELAY", "0") or 0)  # to test slow models: progress, kills
        if delay:
            time.sleep(delay)
        prompt = "\n".join(str(m.content) for m in messages)
        text = scripted_reply(prompt)
        usage = {
            "input_tokens": len(prompt) // 4,
            "output_tokens": len(text) // 4,
            "total_tokens": (len(prompt) + len(text)) // 4,
        }
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text, usage_metadata=usage))])
