"""How often the validator agrees with the labels in the example library.

Every library objective and key result carries `expect`: the judged rules a careful reader says
should fire. Each (item, judged rule) pair is one decision; accuracy is the share of decisions the
validator gets right. Items are checked in their own language and again as their English rendering.
One group in five (by a hash of its id, so translations stay together) is a held-out slice that is
never used to tune the language files; it is reported separately.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant import kb
from assistant.domain import KeyResult, Objective, OKRSet
from assistant.validator import check_text, validate

JUDGED = (
    "kr.no-number",
    "kr.placeholder",
    "kr.vague-metric",
    "kr.activity",
    "kr.no-baseline",
    "kr.no-timeframe",
    "kr.kpi",
    "obj.has-metric",
    "obj.vague",
    "obj.too-long",
    "obj.bau",
)


@dataclass
class Case:
    """One labelled item and what the validator said about it."""

    id: str
    language: str
    kind: str
    text: str
    expected: frozenset[str]
    fired: frozenset[str]
    holdout: bool

    @property
    def correct(self) -> bool:
        return self.expected == self.fired


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    per_rule: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def is_holdout(group: str) -> bool:
    return int(hashlib.sha1(group.encode()).hexdigest(), 16) % 5 == 0


def _judged(rules: set[str], kind: str) -> frozenset[str]:
    prefix = "obj." if kind == "objective" else "kr."
    return frozenset(r for r in rules if r in JUDGED and r.startswith(prefix))


def _example_cases(ex, english: bool) -> list[Case]:
    lang = "en" if english else ex.language
    title = ex.objective_en if english else ex.objective
    krs = [KeyResult(text=kr.en if english else kr.text) for kr in ex.key_results]
    report = validate(OKRSet(objectives=[Objective(title=title, key_results=krs)]), language=lang)

    def fired(j: int | None = None) -> set[str]:
        return {f.rule for f in report.at(0, j)}

    hold = is_holdout(ex.group)
    cases = [
        Case(
            ex.id,
            lang,
            "objective",
            title,
            frozenset(ex.expect),
            _judged(fired(), "objective"),
            hold,
        )
    ]
    for j, (kr, spec) in enumerate(zip(krs, ex.key_results, strict=True)):
        got = _judged(fired(j), "key_result")
        cases.append(
            Case(f"{ex.id}#kr{j + 1}", lang, "key_result", kr.text, frozenset(spec.expect), got, hold)
        )
    return cases


def _labelled_cases(item, english: bool) -> list[Case]:
    lang = "en" if english else item.language
    text = item.en if english else item.text
    kind = "objective" if item.kind == "objective" else "key_result"
    fired = {f.rule for f in check_text(text, kind=kind, language=lang)}
    return [
        Case(item.id, lang, kind, text, frozenset(item.expect), _judged(fired, kind), is_holdout(item.id))
    ]


OWN_CASES = Path(__file__).resolve().parent.parent / "evals" / "validator" / "cases.yaml"


def own_cases(path: Path = OWN_CASES) -> list[Case]:
    """Hand-written cases beyond the seeds (evals/validator/cases.yaml), checked on their own."""
    if not path.exists():
        return []
    out = []
    for n, (lang, kind, text, expect) in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
        fired = {f.rule for f in check_text(text, kind=kind, language=lang)}
        out.append(Case(f"own-{n + 1}", lang, kind, text, frozenset(expect), _judged(fired, kind), False))
    return out


def cases() -> list[Case]:
    """Every labelled decision in the library, in the original language and in English."""
    examples, labelled = kb.load()
    out: list[Case] = []
    for english in (False, True):
        for ex in examples:
            if english and ex.language == "pl":
                continue  # 000 and 001 share English renderings: count them once
            out += _example_cases(ex, english)
        for item in labelled:
            out += _labelled_cases(item, english)
    return out


def tally(selected: list[Case], judged: tuple[str, ...] = JUDGED) -> Tally:
    """Decision accuracy, and per rule [true pos, false pos, false neg, true neg]."""
    t = Tally()
    for case in selected:
        prefix = "obj." if case.kind == "objective" else "kr."
        for rule in (r for r in judged if r.startswith(prefix)):
            exp, got = rule in case.expected, rule in case.fired
            t.total += 1
            t.right += exp == got
            t.per_rule[rule][(0 if got else 2) if exp else (1 if got else 3)] += 1
    return t


def summary(all_cases: list[Case] | None = None) -> dict:
    """Accuracy overall, on the tuned and held-out slices, per language and per rule."""
    all_cases = all_cases if all_cases is not None else cases()
    own = own_cases()
    slices = {
        "all": all_cases,
        "tuned": [c for c in all_cases if not c.holdout],
        "holdout": [c for c in all_cases if c.holdout],
        "own": own,
    }
    out: dict = {name: _slice(cs) for name, cs in slices.items()}
    out["per_language"] = {
        lang: _slice([c for c in all_cases if c.language == lang])
        for lang in sorted({c.language for c in all_cases})
    }
    out["per_rule"] = per_rule(tally(all_cases))
    return out


def per_rule(t: Tally) -> dict:
    """True/false positives and negatives and accuracy for each rule of a tally."""
    return {
        rule: {
            "tp": v[0],
            "fp": v[1],
            "fn": v[2],
            "tn": v[3],
            "accuracy": round((v[0] + v[3]) / max(1, sum(v)), 4),
        }
        for rule, v in sorted(t.per_rule.items())
    }


def _slice(selected: list[Case], judged: tuple[str, ...] = JUDGED) -> dict:
    t = tally(selected, judged)
    items = len(selected)
    exact = sum(c.correct for c in selected)
    return {
        "items": items,
        "decisions": t.total,
        "accuracy": round(t.accuracy, 4),
        "exact_match": round(exact / items, 4) if items else 0.0,
    }


# --- the rules that read meaning (identifiers, other languages, direction, problems, repeats) -------
MEANING = (
    "kr.identifier",
    "obj.identifier",
    "kr.mixed-language",
    "obj.mixed-language",
    "kr.wrong-direction",
    "kr.zero-target",
    "kr.no-change",
    "kr.two-targets",
    "obj.problem",
    "obj.copies-goal",
    "kr.duplicate",
    "obj.duplicate",
)
MEANING_CASES = Path(__file__).resolve().parent.parent / "evals" / "validator" / "meaning.yaml"


def meaning_cases(path: Path = MEANING_CASES) -> list[Case]:
    """The labelled meaning set: natural sentences in six languages, with look-alikes that must not
    fire; `split: holdout` items were never looked at while tuning the language files."""
    out = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
        kind = item["kind"]
        found = check_text(
            item["text"],
            kind=kind,
            language=item["lang"],
            goal=item.get("goal"),
            siblings=item.get("siblings") or (),
        )
        prefix = "obj." if kind == "objective" else "kr."
        fired = frozenset(f.rule for f in found if f.rule in MEANING and f.rule.startswith(prefix))
        out.append(
            Case(
                item["id"],
                item["lang"],
                kind,
                item["text"],
                frozenset(item["expect"]),
                fired,
                item.get("split") == "holdout",
            )
        )
    return out


def meaning_summary(selected: list[Case] | None = None) -> dict:
    """Accuracy of the meaning rules: tuned and untouched slices, per language and per rule."""
    selected = selected if selected is not None else meaning_cases()
    out: dict = {
        "all": _slice(selected, MEANING),
        "tuned": _slice([c for c in selected if not c.holdout], MEANING),
        "holdout": _slice([c for c in selected if c.holdout], MEANING),
        "per_language": {
            lang: _slice([c for c in selected if c.language == lang], MEANING)
            for lang in sorted({c.language for c in selected})
        },
    }
    out["per_rule"] = per_rule(tally(selected, MEANING))
    return out
