"""What a chat message means for the draft on screen, and what a revision changed.

A person who has a draft and types "Reduce churn in our mobile app" has started over; one who types
"make KR 2 more ambitious" wants a change. Guessing wrong either way loses work, so: a message that
names a part of the draft, a language, or starts with an editing word (per-language data,
`chat_instructions`) is a change; with no draft it is a goal; anything else is asked.
"""

from __future__ import annotations

import re
from typing import Literal

from assistant import languages
from assistant.domain import KeyResult, OKRSet
from assistant.validator import label

Intent = Literal["new", "refine", "ask"]

_PART = re.compile(r"(?<!\w)(?:kr|o)\s*\d{1,2}(?!\w)", re.IGNORECASE)


def _mentions(low: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}", low) is not None


def intent(message: str, has_draft: bool) -> Intent:
    """New goal, change to the draft, or a question back to the person."""
    if not has_draft:
        return "new"
    low = " ".join(message.casefold().split())
    if _PART.search(low):
        return "refine"
    for code in languages.available():
        lang = languages.get(code)
        if any(_mentions(low, w) for w in lang.chat_instructions):
            return "refine"
        if low.removeprefix("in ").strip(" .!") in lang.aliases:  # "in Polish", "po polsku"
            return "refine"
    return "ask"


def _value(v: float | None) -> str:
    return "none" if v is None else f"{v:g}"


def _number_change(was: KeyResult, now: KeyResult) -> str:
    """'target 450 (was 400)', for each of baseline and target that moved; '' when none did."""
    return ", ".join(
        f"{name} {_value(getattr(now, name))} (was {_value(getattr(was, name))})"
        for name in ("baseline", "target")
        if getattr(was, name) != getattr(now, name)
    )


def changes(old: OKRSet, new: OKRSet) -> list[str]:
    """What a revision changed, in a few lines a person can check against the draft."""
    out: list[str] = []
    if old.language != new.language:
        out.append(f"language: {old.language} → {new.language}")
    if len(old.objectives) != len(new.objectives):
        out.append(f"{len(new.objectives)} objective(s) instead of {len(old.objectives)}")
    for i, obj in enumerate(new.objectives):
        before = old.objectives[i] if i < len(old.objectives) else None
        if before is None:
            out.append(f"{label(i)} added: “{obj.title}”")
            continue
        if before.title != obj.title and old.language == new.language:
            out.append(f"{label(i)} now reads “{obj.title}”")
        out += _kr_changes(i, before.key_results, obj.key_results, same_language=old.language == new.language)
    return out or [
        "nothing changed: the model kept the same choices; try naming the key result (e.g. “KR 2”)"
    ]


def _kr_changes(i: int, before: list[KeyResult], after: list[KeyResult], same_language: bool) -> list[str]:
    out = []
    old_by_metric = {kr.metric_id or kr.text: kr for kr in before}
    new_keys = {kr.metric_id or kr.text for kr in after}
    for j, kr in enumerate(after):
        was = old_by_metric.get(kr.metric_id or kr.text)
        if was is None:
            out.append(f"{label(i, j)} added: “{kr.text}”")
        elif moved := _number_change(was, kr):
            out.append(f"{label(i, j)}: {moved}")
        elif was.text != kr.text and same_language:
            out.append(f"{label(i, j)} reworded: “{kr.text}”")
    removed = [kr for kr in before if (kr.metric_id or kr.text) not in new_keys]
    out += [f"{label(i)}: removed “{kr.text}”" for kr in removed]
    return out
