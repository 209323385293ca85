"""The product: goal -> examples -> draft -> findings -> (repair) -> result.

A vague goal is grounded on library examples, drafted through schema-constrained structured output,
checked by the deterministic validator, and key results with errors are rewritten one at a time
(bounded rounds), so a repair can never drop a key result.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from assistant import languages
from assistant.domain import (
    BaselineSource,
    Direction,
    DraftKeyResult,
    DraftObjective,
    DraftRequest,
    DraftResult,
    DraftSet,
    KeyResult,
    Objective,
    OKRSet,
    Severity,
    Timings,
)
from assistant.features import analyse
from assistant.llm import LLMError, ReplyError, Settings, chat_model, structured
from assistant.validator import dedupe_key, validate

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
Progress = Callable[[str], None]


class DraftError(RuntimeError):
    """Drafting could not produce a result; the message is one line for people."""


def _quiet(_: str) -> None:
    return None


@cache
def prompt(name: str) -> str:
    """A prompt template from `prompts/` ($OKR_PROMPTS_DIR to try other wording without code)."""
    import os

    folder = Path(os.environ.get("OKR_PROMPTS_DIR") or PROMPTS_DIR)
    return (folder / f"{name}.md").read_text(encoding="utf-8")


def default_cycle(today: dt.date | None = None) -> str:
    """The quarter being planned: this one while more than half of it is left, else the next."""
    today = today or dt.date.today()
    q = (today.month - 1) // 3 + 1
    start = dt.date(today.year, 3 * q - 2, 1)
    end = dt.date(today.year + (q == 4), (3 * q) % 12 + 1, 1)
    if (today - start) <= (end - today):
        return f"{today.year}-Q{q}"
    return f"{today.year + (q == 4)}-Q{q % 4 + 1}"


def parse_request(**fields) -> DraftRequest:
    """A DraftRequest, or a DraftError naming the bad field in words people use."""
    language = fields.get("language") or "auto"
    if language != "auto" and language not in languages.available():
        raise DraftError(
            f"unknown language {language!r}; available: auto, {', '.join(languages.available())}"
        )
    try:
        return DraftRequest(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"]))
        if where == "goal" and err["type"] == "string_too_long":
            raise DraftError(
                "the goal is over 2,000 characters; shorten it or pass details with --context FILE"
            ) from None
        if where == "goal":
            raise DraftError(
                'the goal is empty; say what you want to achieve, e.g. okr draft "Grow online sales"'
            ) from None
        raise DraftError(f"{where}: {err['msg']}") from None


def _format_examples(hits) -> str:
    lines = []
    for hit in hits:
        ex = hit.example
        lines.append(f"[{ex.id}] team {ex.team}: {ex.objective_en}")
        lines += [f"  - {kr.en}" for kr in ex.key_results]
    return "\n".join(lines) or "(none)"


def _amount(value: float, unit: str) -> str:
    number = (
        f"{value:,.0f}".replace(",", " ")
        if float(value).is_integer() and abs(value) >= 10000
        else f"{value:g}"
    )
    if unit in ("%", "٪"):
        return number + "%"
    if unit in ("$", "€", "£"):
        return unit + number
    return f"{number} {unit}" if unit else number


def complete(draft_kr: DraftKeyResult, lang, cycle: str) -> KeyResult:
    """A domain key result from the model's fields, its sentence composed from the language's templates."""
    metric = " ".join(draft_kr.metric.split()).rstrip(".")
    unit = draft_kr.unit.strip()
    direction = draft_kr.direction
    if draft_kr.baseline is not None and direction != "achieve" and draft_kr.baseline != draft_kr.target:
        direction = "increase" if draft_kr.target > draft_kr.baseline else "decrease"  # the numbers decide
    if direction == "achieve" and draft_kr.baseline:
        direction = "increase" if draft_kr.target >= draft_kr.baseline else "decrease"
    key = (
        "achieve"
        if direction == "achieve"
        else f"{direction}_{'from' if draft_kr.baseline is not None else 'to'}"
    )
    template = lang.kr_templates.get(key) or languages.get("en").kr_templates[key]
    text = template.format(
        metric=metric, cycle=cycle, target=_amount(draft_kr.target, unit),
        baseline=_amount(draft_kr.baseline, unit) if draft_kr.baseline is not None else "",
    )  # fmt: skip
    return KeyResult(
        text=text, metric=metric, baseline=draft_kr.baseline, target=draft_kr.target, unit=unit or None,
        direction=Direction(direction), deadline=f"end of {cycle}", baseline_source=draft_kr.baseline_source,
    )  # fmt: skip


def to_objective(reply: DraftObjective, lang, cycle: str) -> Objective:
    """A domain objective from the model's reply, every key result completed."""
    return Objective(
        title=reply.title, initiatives=reply.initiatives,
        key_results=[complete(kr, lang, cycle) for kr in reply.key_results],
    )  # fmt: skip


def known_values(text: str, lang) -> set[float]:
    """The numbers the user actually wrote (goal, context, instruction): the only 'given' baselines."""
    return set(analyse(text, lang).quantities) if text else set()


def honest_baselines(okr: OKRSet, known: set[float]) -> list[str]:
    """No invented baseline presented as fact: 'given' only when the number is in the user's text."""
    notes = []
    for i, obj in enumerate(okr.objectives):
        for j, kr in enumerate(obj.key_results):
            notes += _honest(kr, known, f"O{i + 1} KR{j + 1}")
    return notes


def _honest(kr: KeyResult, known: set[float], label: str) -> list[str]:
    if kr.baseline is None:
        kr.baseline_source = BaselineSource.unknown
        return []
    if kr.baseline_source == BaselineSource.given and kr.baseline not in known:
        kr.baseline_source = BaselineSource.assumed
        return [
            f"{label}: the baseline {kr.baseline:g} is not in your goal, so it is marked assumed; confirm it"
        ]
    if kr.baseline_source is None:
        kr.baseline_source = BaselineSource.assumed
    return []


@dataclass
class Drafter:
    """Drafts OKR sets with one model and one example index, reused across calls."""

    settings: Settings
    index: object | None = None
    chat: object | None = None
    progress: Progress = _quiet
    repair_rounds: int = 2
    _local: threading.local = field(default_factory=threading.local)  # token usage per thread (batch workers)
    _init: threading.Lock = field(default_factory=threading.Lock)  # one index and one model for all threads

    def with_progress(self, progress: Progress) -> Drafter:
        """The same drafter (index, model, locks) reporting to another listener: one per web session."""
        import dataclasses

        self._index()
        return dataclasses.replace(self, progress=progress)

    def _index(self):
        with self._init:
            return self._index_unlocked()

    def _index_unlocked(self):
        if self.index is None:
            from assistant.retrieval import default_index

            self.progress("opening the example library")
            self.index = default_index()
        return self.index

    def _chat(self):
        with self._init:
            if self.chat is None:
                self.chat = chat_model(self.settings, progress=self.progress)
            return self.chat

    def _ask(self, messages: list, schema):
        """One structured call, retried once with the parse error fed back to the model."""
        try:
            result, usage = structured(self._chat(), messages, schema, self.settings)
        except ReplyError as exc:
            self.progress("the reply did not parse; asking again")
            retry = [*messages, ("human", f"Your reply was not valid ({exc}). Reply again with JSON only.")]
            try:
                result, usage = structured(self._chat(), retry, schema, self.settings)
            except ReplyError as again:
                raise DraftError(f"{again}; try again, or use a larger model with OKR_LLM=openai") from None
        self._local.usage.update({k: v for k, v in usage.items() if isinstance(v, int)})
        return result

    def draft(self, request: DraftRequest) -> DraftResult:
        """Draft one request; every model problem surfaces as a one-line DraftError."""
        try:
            return self._draft(request)
        except LLMError as exc:
            raise DraftError(str(exc)) from None

    def refine(self, current: OKRSet, instruction: str, examples: list[str] | None = None) -> DraftResult:
        """Revise the current set as asked ("make KR 2 more ambitious", "in Polish"), then re-validate."""
        instruction = " ".join(instruction.split())
        if not instruction:
            raise DraftError(
                "say what to change, e.g. 'make KR 2 more ambitious' or 'add a key result about churn'"
            )
        try:
            return self._refine(current, instruction, examples or [])
        except LLMError as exc:
            raise DraftError(str(exc)) from None

    def _refine(self, current: OKRSet, instruction: str, examples: list[str]) -> DraftResult:
        start = time.perf_counter()
        self._local.usage = Counter()
        code = languages.mentioned(instruction) or current.language or languages.detect(instruction)
        lang = languages.get(code)
        cycle = current.cycle or default_cycle()
        shown = [
            {"title": o.title, "initiatives": o.initiatives,
             "key_results": [{"text": k.text, "metric": k.metric, "baseline": k.baseline, "target": k.target,
                              "baseline_source": k.baseline_source.value if k.baseline_source else None}
                             for k in o.key_results]}
            for o in current.objectives
        ]  # fmt: skip
        import json

        user = prompt("refine_user").format(
            goal=current.goal or "", cycle=cycle, instruction=instruction, language_name=lang.english_name,
            current=json.dumps(shown, ensure_ascii=False, indent=1),
        )  # fmt: skip
        system = prompt("draft_system").format(language_name=lang.english_name)
        self.progress(f"revising with {self.settings.describe()}")
        t = time.perf_counter()
        revised: DraftSet = self._ask([("system", system), ("human", user)], DraftSet)
        llm_s = time.perf_counter() - t
        objectives = [to_objective(o, lang, cycle) for o in revised.objectives]
        okr = current.model_copy(update={"objectives": objectives, "language": code, "cycle": cycle})
        timings = Timings(llm_s=llm_s)
        t = time.perf_counter()
        hits = (
            self._index().search(current.goal or instruction, k=5, team=current.team) if current.goal else []
        )
        timings.retrieval_s = time.perf_counter() - t
        known = " ".join(filter(None, [current.goal, instruction]))
        result = self._finish(okr, hits, okr.goal or instruction, lang, known, timings, start)
        if not hits:
            result.examples = examples
        return result

    def _finish(
        self, okr: OKRSet, hits, goal: str, lang, known_text: str, timings: Timings, start: float
    ) -> DraftResult:
        """Shared by draft and refine: honest baselines, citations, validate, repair in bounded rounds."""
        known = known_values(known_text, lang)
        notes = honest_baselines(okr, known)
        _cite(okr, hits)
        t = time.perf_counter()
        report = validate(okr, language=lang.code)
        timings.validation_s += time.perf_counter() - t
        rounds = 0
        while _needs_repair(report) and rounds < self.repair_rounds:
            rounds += 1
            t = time.perf_counter()
            notes += self._repair(okr, report, goal, lang, okr.cycle, known, rounds)
            timings.llm_s += time.perf_counter() - t
            t = time.perf_counter()
            report = validate(okr, language=lang.code)
            timings.validation_s += time.perf_counter() - t
        timings.total_s = time.perf_counter() - start
        for name in ("retrieval_s", "llm_s", "validation_s", "total_s"):
            setattr(timings, name, round(getattr(timings, name), 3))
        return DraftResult(
            okr_set=okr, validation=report, examples=[h.example.id for h in hits], timings=timings,
            model=self.settings.describe(), repair_rounds=rounds, tokens=dict(self._local.usage), notes=notes,
        )  # fmt: skip

    def _draft(self, request: DraftRequest) -> DraftResult:
        start = time.perf_counter()
        self._local.usage = Counter()
        code = (
            request.language
            if request.language != "auto"
            else languages.detect(request.goal + " " + (request.context or ""))
        )
        lang = languages.get(code)
        cycle = request.cycle or default_cycle()
        timings = Timings()

        self.progress("retrieving similar examples")
        t = time.perf_counter()
        hits = self._index().search(request.goal, k=5, team=request.team)
        timings.retrieval_s = time.perf_counter() - t
        team = request.team or (Counter(h.example.team for h in hits).most_common(1)[0][0] if hits else None)

        t = time.perf_counter()
        context = f"Context:\n{request.context}\n" if request.context else ""
        objectives: list[Objective] = []
        for index in range(1, request.n_objectives + 1):
            self.progress(
                f"drafting objective {index}/{request.n_objectives} with {self.settings.describe()}"
            )
            objectives.append(self._objective(request, lang, team, cycle, context, hits, objectives, index))
        timings.llm_s += time.perf_counter() - t

        okr = OKRSet(goal=request.goal, language=code, team=team, cycle=cycle, objectives=objectives)
        known = " ".join(filter(None, [request.goal, request.context]))
        return self._finish(okr, hits, request.goal, lang, known, timings, start)

    def _objective(
        self, request, lang, team, cycle, context, hits, done: list[Objective], index: int
    ) -> Objective:
        """One objective per call: short replies, and the model sees what it already wrote."""
        previous = ""
        if done:
            titles = "\n".join(
                f"- {o.title} (metrics: " + "; ".join(kr.metric or kr.text for kr in o.key_results) + ")"
                for o in done
            )
            previous = (
                f"Already written (write a different objective with different key results):\n{titles}\n"
            )
        user = prompt("draft_user").format(
            goal=request.goal, team=team or "any", cycle=cycle, n_objectives=request.n_objectives, index=index,
            language_name=lang.english_name, examples=_format_examples(hits[:3]), context=context, previous=previous,
        )  # fmt: skip
        messages = [
            ("system", prompt("draft_system").format(language_name=lang.english_name)),
            ("human", user),
        ]
        reply: DraftObjective = self._ask(messages, DraftObjective)
        if any(dedupe_key(reply.title) == dedupe_key(o.title) for o in done):
            self.progress(f"objective {index} repeats an earlier one; asking for a different one")
            again = [*messages, ("ai", reply.model_dump_json()),
                     ("human", "That objective repeats one already written. Write a different objective.")]  # fmt: skip
            reply = self._ask(again, DraftObjective)
        written = _written_in(reply, lang.code)
        if written != lang.code:
            self.progress(f"objective {index} came back in {written}; asking again in {lang.english_name}")
            again = [*messages, ("ai", reply.model_dump_json()),
                     ("human", f"That is not in {lang.english_name}. Write the same objective in {lang.english_name}.")]  # fmt: skip
            reply = self._ask(again, DraftObjective)
        return to_objective(reply, lang, cycle)

    def _repair(
        self, okr: OKRSet, report, goal: str, lang, cycle: str, known: set[float], round_no: int
    ) -> list[str]:
        """Rewrite each key result that has errors, in place; a failed rewrite keeps the original."""
        by_path: dict[str, list] = {}
        for f in report.findings:
            if ".key_results[" in f.path and f.severity != Severity.info:
                by_path.setdefault(f.path, []).append(f)
        broken = [p for p, fs in by_path.items() if any(_repairable(f) for f in fs)]
        notes = []
        for n, path in enumerate(broken, 1):
            self.progress(f"repair round {round_no}: key result {n}/{len(broken)}")
            i, j = (int(x.split("]")[0]) for x in path.split("[")[1:])
            kr = okr.objectives[i].key_results[j]
            findings = " ".join(f"{f.message} {f.suggestion}" for f in by_path[path])
            others = "; ".join(
                k.metric or k.text for n2, k in enumerate(okr.objectives[i].key_results) if n2 != j
            )
            user = prompt("repair_user").format(
                goal=goal, objective=okr.objectives[i].title, key_result=kr.text, findings=findings,
                others=others or "none", language_name=lang.english_name,
            )  # fmt: skip
            system = prompt("draft_system").format(language_name=lang.english_name)
            try:
                fixed = complete(
                    self._ask([("system", system), ("human", user)], DraftKeyResult), lang, cycle
                )
            except DraftError as exc:
                notes.append(f"O{i + 1} KR{j + 1}: kept as written; the rewrite failed ({exc})")
                continue
            notes += _honest(fixed, known, f"O{i + 1} KR{j + 1}")
            okr.objectives[i].key_results[j] = fixed
        return notes


def _written_in(reply: DraftObjective, default: str) -> str:
    """The language the model wrote in, read from its metrics and initiatives (titles may echo the goal)."""
    return languages.detect(
        " ".join([kr.metric for kr in reply.key_results] + reply.initiatives), default=default
    )


def _repairable(finding) -> bool:
    """Errors, and duplicates: a repeated key result wastes one of the 3-5 slots."""
    return finding.severity == Severity.error or finding.rule == "kr.duplicate"


def _needs_repair(report) -> bool:
    return any(_repairable(f) for f in report.findings)


def _cite(okr: OKRSet, hits) -> None:
    """Keep only citations of retrieved examples; an objective citing none gets its closest example."""
    retrieved = {h.example.id: h for h in hits}
    for obj in okr.objectives:
        obj.examples = [e for e in obj.examples if e in retrieved]
        if not obj.examples and hits:
            words = set(obj.title.casefold().split()) | {
                w for kr in obj.key_results for w in kr.text.casefold().split()
            }
            best = max(hits, key=lambda h: (len(words & set(_example_words(h.example))), h.score))
            obj.examples = [best.example.id]


def _example_words(example) -> list[str]:
    texts = [example.objective, example.objective_en] + [kr.text for kr in example.key_results]
    return " ".join(texts).casefold().split()


def draft(goal: str, settings: Settings | None = None, progress: Progress = _quiet, **fields) -> DraftResult:
    """One-shot convenience: validate the request, draft, and translate model errors to DraftError."""
    request = parse_request(goal=goal, **fields)
    return Drafter(settings or Settings(), progress=progress).draft(request)
