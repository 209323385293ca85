"""The product: goal -> examples -> candidates -> choice -> sentences -> findings -> result.

A vague goal is grounded on library examples and on the metric catalogue. The model *chooses*:
an objective phrasing and metrics, by id, from short lists of retrieved candidates (a JSON-schema
enum), and fills baseline and target. Code writes every word from the catalogue and the language's
grammar (compose.py), direction comes from the metric's polarity, and the validator checks the
result; a key result that still has errors gets the next unused candidate metric.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from assistant import catalogue as cat
from assistant import compose, config, languages
from assistant.domain import (
    BaselineSource,
    DraftRequest,
    DraftResult,
    HealthMetric,
    KeyResult,
    Metric,
    Objective,
    ObjectivePhrase,
    OKRSet,
    Severity,
    Timings,
)
from assistant.errors import ServiceUnavailable
from assistant.features import analyse
from assistant.llm import LLMError, ReplyError, Settings, ask, chat_model
from assistant.resources import data_dir
from assistant.validator import validate

Progress = Callable[[str], None]
N_CANDIDATE_METRICS = 16  # retrieved: the offer, then fall-backs for repeats and repairs
N_CANDIDATE_OBJECTIVES = 6
# Metrics offered to the model for a draft (4 per objective when more are asked for). Over the 82
# gold cases, any 3 of the first 8 candidates cover 0.38 of the reference metrics on average and the
# best 3 cover 0.75; of 16, 0.23 and 0.80. The small model chooses closer to chance than to the best,
# so a shorter, closer list serves it better, and costs a stronger model little.
N_OFFERED_METRICS = 8
UNIT_WORDS = {
    "count": "count",
    "percent": "%",
    "currency": "money",
    "seconds": "seconds",
    "minutes": "minutes",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
}


N_SLOT_METRICS = 5  # candidates offered for each plan key result in a cascade
MAX_SLOTS = 4  # a cascade gives a team one key result per plan key result up to this many
MAX_INSTRUCTION = 1000  # a change to a draft is a sentence or two, not a document


class DraftError(RuntimeError):
    """Drafting could not produce a result; the message is one line for people."""


class ModelError(DraftError):
    """The model failed (unreachable, timed out, answered nonsense), not the request: worth a retry,
    and worded for whoever runs the model (the web chat rewords it for the person typing)."""


def _quiet(_: str) -> None:
    return None


@cache
def prompt(name: str):
    """A prompt template from the shipped `prompts/` folder ($OKR_PROMPTS_DIR to try other wording)."""
    from langchain_core.prompts import PromptTemplate

    folder = config.settings().prompts_dir or data_dir("prompts")
    return PromptTemplate.from_template((folder / f"{name}.md").read_text(encoding="utf-8"))


def render(name: str, **values: object) -> str:
    """A prompt with every variable filled and every value used: a renamed placeholder or a value
    the template no longer asks for fails here, in tests, not as a quietly worse prompt."""
    template = prompt(name)
    expected, given = set(template.input_variables), set(values)
    if expected != given:
        raise ValueError(
            f"prompt {name}: missing {sorted(expected - given)}, unused {sorted(given - expected)}"
        )
    return template.format(**values)


_PROMPT_TAGS = re.compile(r"<\s*(/?)\s*(goal|team|context|instruction|current)\s*>", re.IGNORECASE)


def user_field(text: str | None, single_line: bool = True) -> str:
    """User text for a tagged field of a prompt (<goal>...</goal>). In a single-line field a newline
    cannot start a forged prompt line ("\nIgnore the list above"), and in any field a tag cannot
    close the field early: the user's words stay inside the user's field."""
    text = text or ""
    if single_line:
        text = " ".join(text.split())
    return _PROMPT_TAGS.sub(lambda m: f"({m.group(1)}{m.group(2)})", text)


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
        if err["type"] == "string_too_long":
            limit = err.get("ctx", {}).get("max_length")
            raise DraftError(f"the {where} is over {limit:,} characters; shorten it") from None
        raise DraftError(f"{where}: {err['msg']}") from None


def known_values(text: str, lang) -> set[float]:
    """The numbers the user actually wrote (goal, context, instruction): the only 'given' baselines."""
    return set(analyse(text, lang).quantities) if text else set()


def digits_for(text: str, lang) -> str:
    """Persian digits when the user wrote them (or wrote none and the language uses them)."""
    if any("۰" <= c <= "۹" for c in text):
        return "persian"
    if any(c.isascii() and c.isdigit() for c in text):
        return "latin"
    return lang.compose.get("digits", "latin")


# --- what the model is asked for: ids from the candidates, and numbers -----------------------------
def selection_schema(
    objective_ids: list[str],
    metric_ids: list[str],
    n_objectives: tuple[int, int],
    n_key_results: tuple[int, int],
    parents: list[str] | None = None,
) -> type[BaseModel]:
    """A schema whose ids are enums of the candidates: the model cannot name anything else. With
    `parents` (a cascade), each key result also names the company key result it feeds."""
    # The enums are built at run time from the candidates, which a static checker cannot follow.
    fields: dict[str, Any] = {
        "metric": (Literal[tuple(metric_ids)], Field(description="id of a candidate metric")),
    }
    if parents:
        fields["feeds"] = (Literal[tuple(parents)], Field(description="the company key result it feeds"))
    fields["baseline"] = (float, Field(description="current value"))
    fields["target"] = (float, Field(description="value to reach by the end of the cycle"))
    pick: Any = create_model("KeyResultPick", **fields)
    # Key results first: the model then names the objective those metrics prove (it writes in order).
    objective: Any = create_model(
        "ObjectivePick",
        key_results=(list[pick], Field(min_length=n_key_results[0], max_length=n_key_results[1])),
        objective=(Literal[tuple(objective_ids)], Field(description="id of a candidate objective")),  # type: ignore[arg-type]
    )
    return create_model(
        "Selection",
        objectives=(list[objective], Field(min_length=n_objectives[0], max_length=n_objectives[1])),
    )


def slot_schema(objective_ids: list[str], slots: dict[str, list[str]]) -> type[BaseModel]:
    """A cascade with few plan key results: one key result per plan key result, each slot named by
    the plan line it feeds ('O1_KR2') and offering the team's metrics nearest to that line. The model
    picks the metric for a given line (an easier choice for a small model than naming the line a
    metric feeds); code records the link."""
    fields: dict[str, Any] = {}
    for where, metric_ids in slots.items():
        enum: Any = Literal[tuple(metric_ids)]  # built at run time from the candidates
        pick = create_model(
            f"Feeds{slot_name(where)}",
            metric=(enum, Field(description="id of a candidate metric")),
            baseline=(float, Field(description="current value")),
            target=(float, Field(description="value to reach by the end of the cycle")),
        )
        fields[slot_name(where)] = (pick, Field(description=f"feeds {where}"))
    fields["objective"] = (Literal[tuple(objective_ids)], Field(description="id of a candidate objective"))
    return create_model("TeamPick", **fields)


def slot_name(where: str) -> str:
    """'O1 KR2' -> 'O1_KR2': a JSON key the prompt and the schema share."""
    return where.replace(" ", "_")


def _metric_lines(metrics: list[Metric], code: str) -> str:
    better = {"higher": "higher is better", "lower": "lower is better"}
    return "\n".join(
        f"- {m.id}: {cat.name(m, code)} ({UNIT_WORDS[m.unit]}; {better[m.polarity]}; "
        f"e.g. {m.typical[0]:g} -> {m.typical[1]:g})"
        for m in metrics
    )


def _objective_lines(phrases: list[ObjectivePhrase], code: str) -> str:
    return "\n".join(f"- {o.id}: {cat.phrase(o, code)}" for o in phrases)


@dataclass
class Candidates:
    """What the model may choose from for one goal, closest first."""

    objectives: list[ObjectivePhrase]
    metrics: list[Metric]

    def next_metric(self, used: set[str]) -> Metric | None:
        return next((m for m in self.metrics if m.id not in used), None)

    def next_objective(self, used: set[str]) -> ObjectivePhrase | None:
        return next((o for o in self.objectives if o.id not in used), None)


@dataclass
class Writer:
    """Turns the model's choice into an OKR set in one language: every word from data."""

    catalogue: cat.Catalogue
    lang: languages.Language
    cycle: str
    digits: str
    known: set[float]

    def key_result(self, metric: Metric, baseline: float | None, target: float | None) -> KeyResult:
        base, goal = compose.fit_numbers(
            metric, baseline, target, stated=baseline in self.known, target_stated=target in self.known
        )
        kr = compose.key_result(
            metric, cat.name(metric, self.lang.code), base, goal, self.lang, self.cycle, self.digits
        )
        kr.baseline_source = BaselineSource.given if base in self.known else BaselineSource.assumed
        return kr

    def objectives(
        self,
        selection,
        candidates: Candidates,
        extra: dict[str, Objective] | None = None,
        extra_krs: dict[str, KeyResult] | None = None,
    ) -> list[Objective]:
        """Objectives from a selection; a repeated objective or metric becomes the next unused one."""
        used_o: set[str] = set()
        used_m: set[str] = set()
        out = []
        for pick in selection.objectives:
            oid = pick.objective
            if oid in used_o:
                nxt = candidates.next_objective(used_o)
                if nxt is None:
                    continue
                oid = nxt.id
            used_o.add(oid)
            krs = []
            for kp in pick.key_results:
                if extra_krs and kp.metric in extra_krs:
                    if kp.metric not in used_m:
                        krs.append(extra_krs[kp.metric])
                        used_m.add(kp.metric)
                    continue
                metric = self.catalogue.metrics.get(kp.metric)
                baseline, target = kp.baseline, kp.target
                if metric is None or kp.metric in used_m:
                    metric = candidates.next_metric(used_m)
                    baseline = target = None  # the model's numbers were for another metric
                if metric is None:
                    continue
                used_m.add(metric.id)
                kr = self.key_result(metric, baseline, target)
                kr.parent = getattr(kp, "feeds", None)
                krs.append(kr)
            if extra and oid in extra:
                title = extra[oid].title
            else:
                title = cat.phrase(self.catalogue.objectives[oid], self.lang.code)
            out.append(Objective(title=title, key_results=krs, examples=[], objective_id=oid))
        return out

    def fit_objectives(self, okr: OKRSet, candidates: Candidates) -> None:
        """Give each drafted objective the phrasing its key results show best. A small model picks
        the objective loosely (an e-mail objective over search rankings), so the catalogue says which
        metrics show each objective (`shown_by`) and code keeps the model's pick unless another
        phrasing retrieved for the goal covers more of the key results (the model's pick wins a tie,
        then the one closer to the goal). Only when no retrieved phrasing covers any key result is
        the whole catalogue searched: a phrasing far from the goal that happens to cover two stray
        key results would make the set about the strays. A phrasing without `shown_by` (a user's own
        file) or a title a person wrote is kept as it is."""
        phrases = self.catalogue.objectives
        used = {o.objective_id for o in okr.objectives}
        for obj in okr.objectives:
            chosen = phrases.get(obj.objective_id or "")
            shown = {kr.metric_id for kr in obj.key_results if kr.metric_id}
            if chosen is None or not chosen.shown_by or not shown:
                continue
            best = self._best_phrase(chosen, shown, candidates.objectives, used)
            if best.shows(shown) == 0:
                best = self._best_phrase(chosen, shown, list(phrases.values()), used)
            if best is not chosen:
                used.discard(chosen.id)
                used.add(best.id)
                obj.objective_id, obj.title = best.id, cat.phrase(best, self.lang.code)

    def _best_phrase(
        self, chosen: ObjectivePhrase, shown: set[str], pool: list[ObjectivePhrase], used: set[str | None]
    ) -> ObjectivePhrase:
        """The phrasing of `pool` that covers most of `shown`; `chosen` wins a tie, then pool order."""
        free = [o for o in pool if o.id not in used and self.lang.code in o.text]
        return max([chosen, *free], key=lambda o: o.shows(shown))

    def health(self, okr: OKRSet) -> list[HealthMetric]:
        """The set's health metrics: at most one per objective, the counter-metric of the first of its
        key results whose catalogue metric names one that is neither a key result of the set nor held
        already ("more leads" -> "keep lead-to-opportunity rate above 8%"). Health a person wrote (no
        catalogue id) is kept as written; the drafter's own is written again from the objectives, so a
        revision in another language or with other metrics gets matching ones. No model call."""
        metrics = self.catalogue.metrics
        out = [h for h in okr.health if h.metric_id not in metrics]
        in_krs = {kr.metric_id for obj in okr.objectives for kr in obj.key_results if kr.metric_id}
        held = {h.metric_id for h in out}
        for obj in okr.objectives:
            for kr in obj.key_results:
                metric = metrics.get(kr.metric_id or "")
                counter = metrics.get(metric.counter) if metric and metric.counter else None
                if counter is None or counter.id in in_krs or counter.id in held:
                    continue
                name = cat.name(counter, self.lang.code)
                level = compose.hold_level(counter)
                out.append(compose.health_metric(counter, name, level, self.lang, self.digits))
                held.add(counter.id)
                break
        return out


@dataclass
class Drafter:
    """Drafts OKR sets with one model, one example index and one catalogue, reused across calls."""

    settings: Settings
    index: object | None = None
    chat: object | None = None
    progress: Progress = _quiet
    repair_rounds: int = 2
    catalogue_index: object | None = None
    _local: threading.local = field(default_factory=threading.local)  # token usage per thread (batch workers)
    _init: threading.Lock = field(default_factory=threading.Lock)  # one index and one model for all threads

    def with_progress(self, progress: Progress) -> Drafter:
        """The same drafter (index, model, locks) reporting to another listener: one per web session."""
        self._index()
        return dataclasses.replace(self, progress=progress)

    def _once(self, attr: str, make: Callable[[], object], note: str | None = None):
        """The shared index, catalogue or model, made on first use under one lock (batch threads)."""
        with self._init:
            if getattr(self, attr) is None:
                if note:
                    self.progress(note)
                setattr(self, attr, make())
            return getattr(self, attr)

    def _index(self):
        return self._once("index", lambda: _retrieval().default_index(), "opening the example library")

    def _catalogue(self):
        return self._once(
            "catalogue_index", lambda: _retrieval().catalogue_index(), "opening the metric catalogue"
        )

    def _chat(self):
        return self._once("chat", lambda: chat_model(self.settings, progress=self.progress))

    def usage(self) -> Counter:
        """Tokens used by this thread's current draft (summed over retries)."""
        if not hasattr(self._local, "usage"):
            self._local.usage = Counter()
        return self._local.usage

    def ask(self, messages: list, schema):
        """One structured call through the shared re-ask loop; a reply that never parses is a DraftError."""
        try:
            result, used = ask(
                self._chat(),
                messages,
                schema,
                self.settings,
                on_retry=lambda _: self.progress("the reply did not parse; asking again"),
            )
        except ReplyError as exc:
            self.usage().update({k: v for k, v in (exc.usage or {}).items() if isinstance(v, int)})
            raise ModelError(f"{exc}; try again, or use a larger model with OKR_LLM=openai") from None
        self.usage().update(used)
        return result

    def draft(self, request: DraftRequest) -> DraftResult:
        """Draft one request; every model or index-server problem surfaces as a one-line ModelError."""
        try:
            return self._draft(request)
        except (LLMError, ServiceUnavailable) as exc:
            raise ModelError(str(exc)) from None

    def refine(self, current: OKRSet, instruction: str, examples: list[str] | None = None) -> DraftResult:
        """Revise the current set as asked ("make KR 2 more ambitious", "in Polish"), then re-validate."""
        instruction = " ".join(instruction.split())
        if not instruction:
            raise DraftError(
                "say what to change, e.g. 'make KR 2 more ambitious' or 'add a key result about churn'"
            )
        if len(instruction) > MAX_INSTRUCTION:
            raise DraftError(
                f"the change asked for is over {MAX_INSTRUCTION:,} characters; say it in a sentence"
            )
        try:
            return self._refine(current, instruction, examples or [])
        except (LLMError, ServiceUnavailable) as exc:
            raise ModelError(str(exc)) from None

    def _candidates(
        self, query: str, team: str | None, timings: Timings, language: str | None = None
    ) -> Candidates:
        """Objective phrasings and metrics of the team's function first. With no team, the function
        the goal is most about leads and the nearest of any function fill a third of the list.

        The metrics the closest library examples measure are not put first: with each gold case's
        own example held out of the library, that ordering offered the reference's metrics less
        often than the catalogue's own ranking (first three: 0.15 against 0.27 of them)."""
        t = time.perf_counter()
        index = self._catalogue()
        function = index.catalogue.function_of(team)
        share = None
        if function is None:
            function = index.function_for(query, language)
            share = 2 / 3
        n_o, n_m = N_CANDIDATE_OBJECTIVES, N_CANDIDATE_METRICS
        objectives = index.objectives(
            query, n_o, function, round(n_o * share) if share else None, language, team
        )
        metrics = index.metrics(query, n_m, function, round(n_m * share) if share else None, language, team)
        timings.retrieval_s += time.perf_counter() - t
        if not metrics or not objectives:
            raise DraftError(
                "the metric catalogue is empty; reinstall the package or check $OKR_HOME/metrics"
            )
        return Candidates(objectives=objectives, metrics=metrics)

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
        self.progress("retrieving similar examples and candidate metrics")
        t = time.perf_counter()
        hits = self._index().search(request.goal, k=5, team=request.team)
        timings.retrieval_s = time.perf_counter() - t
        candidates = self._candidates(request.goal, request.team, timings, code)

        n = request.n_objectives
        offered = candidates.metrics[: max(N_OFFERED_METRICS, 4 * n)]
        schema = selection_schema(
            [o.id for o in candidates.objectives], [m.id for m in offered], (n, n), (3, 3)
        )
        user = render(
            "select_user",
            goal=user_field(request.goal),
            team=user_field(request.team) or "not given",
            cycle=cycle,
            context=user_field(request.context, single_line=False) or "not given",
            objectives=_objective_lines(candidates.objectives, code),
            metrics=_metric_lines(offered, code),
            n_objectives=n,
            n_key_results=3,
        )
        self.progress(f"choosing objectives and metrics with {self.settings.describe()}")
        t = time.perf_counter()
        selection = self.ask([("system", render("select_system")), ("human", user)], schema)
        timings.llm_s += time.perf_counter() - t

        known_text = " ".join(filter(None, [request.goal, request.context]))
        writer = Writer(
            self._catalogue().catalogue,
            lang,
            cycle,
            digits_for(known_text, lang),
            known_values(known_text, lang),
        )
        okr = OKRSet(
            goal=request.goal,
            language=code,
            team=request.team,
            cycle=cycle,
            objectives=writer.objectives(selection, candidates),
        )
        return self._finish(okr, hits, writer, candidates, timings, start)

    def _refine(self, current: OKRSet, instruction: str, examples: list[str]) -> DraftResult:
        start = time.perf_counter()
        self._local.usage = Counter()
        code = languages.mentioned(instruction) or current.language or languages.detect(instruction)
        lang = languages.get(code)
        cycle = current.cycle or default_cycle()
        timings = Timings()
        catalogue = self._catalogue().catalogue
        query = " ".join(filter(None, [current.goal, instruction]))
        candidates = self._candidates(query, current.team, timings, code)
        # What is in the set now joins the candidates: catalogue items by id, hand-written ones by a
        # stand-in id whose text is kept as written.
        extra_o: dict[str, Objective] = {}
        extra_k: dict[str, KeyResult] = {}
        shown = []
        for i, obj in enumerate(current.objectives, 1):
            oid = obj.objective_id or ""
            oid = oid if oid in catalogue.objectives else f"current_objective_{i}"
            if oid not in catalogue.objectives:
                extra_o[oid] = obj
            elif all(o.id != oid for o in candidates.objectives):
                candidates.objectives.insert(0, catalogue.objectives[oid])
            krs = []
            for j, kr in enumerate(obj.key_results, 1):
                mid = kr.metric_id or ""
                mid = mid if mid in catalogue.metrics else f"current_kr_{i}_{j}"
                if mid not in catalogue.metrics:
                    extra_k[mid] = kr
                elif all(m.id != mid for m in candidates.metrics):
                    candidates.metrics.insert(0, catalogue.metrics[mid])
                krs.append({"metric": mid, "baseline": kr.baseline, "target": kr.target})
            shown.append({"objective": oid, "key_results": krs})
        schema = selection_schema(
            [o.id for o in candidates.objectives] + list(extra_o),
            [m.id for m in candidates.metrics] + list(extra_k),
            (1, 5),
            (2, 5),  # at least two key results per objective, even when a request removes one
        )
        listed_o = _objective_lines(candidates.objectives, code) + "".join(
            f"\n- {k}: {user_field(o.title)}" for k, o in extra_o.items()
        )
        listed_m = _metric_lines(candidates.metrics, code) + "".join(
            f"\n- {k}: {user_field(kr.text)}" for k, kr in extra_k.items()
        )
        user = render(
            "refine_select_user",
            goal=user_field(current.goal),
            cycle=cycle,
            instruction=user_field(instruction),
            current=json.dumps(shown, ensure_ascii=False),
            objectives=listed_o,
            metrics=listed_m,
        )
        self.progress(f"revising with {self.settings.describe()}")
        t = time.perf_counter()
        selection = self.ask([("system", render("select_system")), ("human", user)], schema)
        timings.llm_s += time.perf_counter() - t
        known_text = " ".join(filter(None, [current.goal, instruction]))
        writer = Writer(catalogue, lang, cycle, digits_for(known_text, lang), known_values(known_text, lang))
        objectives = writer.objectives(selection, candidates, extra_o, extra_k)
        okr = current.model_copy(update={"objectives": objectives, "language": code, "cycle": cycle})
        t = time.perf_counter()
        hits = (
            self._index().search(current.goal or instruction, k=5, team=current.team) if current.goal else []
        )
        timings.retrieval_s += time.perf_counter() - t
        result = self._finish(okr, hits, writer, candidates, timings, start)
        if not hits:
            result.examples = examples
        return result

    def cascade_team(self, plan: OKRSet, team: str, n_key_results: int = 3) -> DraftResult:
        """One team's objective under a company plan: the model chooses a phrasing and metrics of the
        team's function and, for each key result, the plan's key result it feeds (an enum of labels);
        the validator then checks the links as well as the sentences."""
        try:
            return self._cascade_team(plan, team, n_key_results)
        except (LLMError, ServiceUnavailable) as exc:
            raise ModelError(str(exc)) from None

    def _cascade_team(self, plan: OKRSet, team: str, n_key_results: int) -> DraftResult:
        start = time.perf_counter()
        self._local.usage = Counter()
        code = plan.language or "en"
        lang = languages.get(code)
        cycle = plan.cycle or default_cycle()
        timings = Timings()
        parents = plan_places(plan)
        query = " ".join(
            [o.title for o in plan.objectives] + [k.text for o in plan.objectives for k in o.key_results]
        )
        self.progress(f"{team}: retrieving examples and candidate metrics")
        t = time.perf_counter()
        hits = self._index().search(query, k=5, team=team)
        timings.retrieval_s = time.perf_counter() - t
        candidates = self._candidates(query, team, timings, code)
        o_ids, m_ids = [o.id for o in candidates.objectives], [m.id for m in candidates.metrics]
        # One key result per plan key result when there are a few; otherwise the model names the line.
        slots = list(parents) if 2 <= len(parents) <= MAX_SLOTS and " KR" in next(iter(parents)) else []
        values = {
            "plan": "\n".join(f"{slot_name(where)}: {user_field(text)}" for where, text in parents.items()),
            "team": user_field(team),
            "cycle": cycle,
            "objectives": _objective_lines(candidates.objectives, code),
            "metrics": _metric_lines(candidates.metrics, code),
        }
        if slots:
            per_slot = self._slot_metrics(parents, slots, team, candidates)
            schema = slot_schema(o_ids, {w: [m.id for m in ms] for w, ms in per_slot.items()})
            values["plan"] = "\n\n".join(
                f"{slot_name(w)}: {user_field(parents[w])}\n{_metric_lines(ms, code)}"
                for w, ms in per_slot.items()
            )
            del values["metrics"]
            user = render("cascade_slots_user", **values)
        else:
            schema = selection_schema(
                o_ids, m_ids, (1, 1), (n_key_results, n_key_results), parents=[slot_name(p) for p in parents]
            )
            user = render("cascade_user", **values, n_key_results=n_key_results)
        self.progress(f"{team}: choosing an objective and metrics with {self.settings.describe()}")
        t = time.perf_counter()
        picked = self.ask([("system", render("select_system")), ("human", user)], schema)
        timings.llm_s += time.perf_counter() - t
        selection = _as_selection(picked, slots)
        # The plan's numbers are the company's, not this team's metrics: every team baseline is an
        # estimate to confirm (the digits still follow the plan's).
        plan_text = " ".join(parents.values())
        writer = Writer(self._catalogue().catalogue, lang, cycle, digits_for(plan_text, lang), set())
        okr = OKRSet(  # no `goal`: the team answers the plan, checked by the align.* rules instead
            language=code,
            team=team,
            cycle=cycle,
            objectives=writer.objectives(selection, candidates),
        )
        return self._finish(okr, hits, writer, candidates, timings, start, parent=plan)

    def _slot_metrics(
        self, parents: dict[str, str], slots: list[str], team: str, candidates: Candidates
    ) -> dict[str, list[Metric]]:
        """For each plan key result, the team's metrics nearest to it; all of them join the
        candidates, so a repeated pick can fall back on the next one."""
        index = self._catalogue()
        function = index.catalogue.function_of(team) or index.function_for(" ".join(parents.values()))
        per_slot = {where: index.metrics(parents[where], N_SLOT_METRICS, function) for where in slots}
        for metrics in per_slot.values():
            known = {m.id for m in candidates.metrics}
            candidates.metrics += [m for m in metrics if m.id not in known]
        return per_slot

    def _finish(
        self,
        okr: OKRSet,
        hits,
        writer: Writer,
        candidates: Candidates,
        timings: Timings,
        start: float,
        parent: OKRSet | None = None,
    ) -> DraftResult:
        """Shared by draft, refine and cascade: citations, validate, swap metrics that still have errors,
        then the health metrics that guard the key results as they finally are."""
        writer.fit_objectives(okr, candidates)
        _cite(okr, hits)
        t = time.perf_counter()
        report = validate(okr, language=writer.lang.code, parent=parent)
        timings.validation_s += time.perf_counter() - t
        rounds = 0
        notes: list[str] = []
        while _needs_repair(report, okr) and rounds < self.repair_rounds:
            rounds += 1
            notes += self._swap(okr, report, writer, candidates)
            writer.fit_objectives(okr, candidates)
            t = time.perf_counter()
            report = validate(okr, language=writer.lang.code, parent=parent)
            timings.validation_s += time.perf_counter() - t
        okr.health = writer.health(okr)  # from the final key results (the validator does not score them)
        timings.total_s = time.perf_counter() - start
        for name in ("retrieval_s", "llm_s", "validation_s", "total_s"):
            setattr(timings, name, round(getattr(timings, name), 3))
        return DraftResult(
            okr_set=okr,
            validation=report,
            examples=[h.example.id for h in hits],
            timings=timings,
            model=self.settings.describe(),
            repair_rounds=rounds,
            tokens=dict(self.usage()),
            notes=notes,
        )

    def _swap(self, okr: OKRSet, report, writer: Writer, candidates: Candidates) -> list[str]:
        """Give each key result that has errors the next unused candidate metric (no model call)."""
        used = {kr.metric_id for o in okr.objectives for kr in o.key_results if kr.metric_id}
        notes = []
        for f in report.findings:
            if f.key_result is None or f.objective is None or not _repairable(f):
                continue
            old = okr.objectives[f.objective].key_results[f.key_result]
            if not old.metric_id:
                continue  # written by a person: findings say what to fix, nothing replaces it
            metric = candidates.next_metric(used)
            if metric is None:
                break
            used.add(metric.id)
            new = writer.key_result(metric, None, None)
            new.parent = old.parent  # a cascaded key result keeps the company key result it feeds
            okr.objectives[f.objective].key_results[f.key_result] = new
            notes.append(f"O{f.objective + 1} KR{f.key_result + 1}: replaced “{old.text}” ({f.rule})")
        return notes


def _as_selection(picked, slots: list[str]) -> SimpleNamespace:
    """A cascade's reply in the shape Writer.objectives reads, each key result with the plan line it
    feeds ('O1 KR2', written as people say it)."""
    if not slots:
        for obj in picked.objectives:
            for kp in obj.key_results:
                kp.feeds = kp.feeds.replace("_", " ")
        return picked
    krs = []
    for where in slots:
        pick = getattr(picked, slot_name(where))
        krs.append(
            SimpleNamespace(metric=pick.metric, baseline=pick.baseline, target=pick.target, feeds=where)
        )
    return SimpleNamespace(objectives=[SimpleNamespace(objective=picked.objective, key_results=krs)])


def plan_places(plan: OKRSet) -> dict[str, str]:
    """What a team key result may feed: each of the plan's key results by label ('O1 KR2'), or the
    objective itself ('O1') when it has none yet (a company objective given as one sentence)."""
    places: dict[str, str] = {}
    for i, obj in enumerate(plan.objectives):
        if not obj.key_results:
            places[f"O{i + 1}"] = obj.title
        for j, kr in enumerate(obj.key_results):
            places[f"O{i + 1} KR{j + 1}"] = kr.text
    return places


def _retrieval():
    """The retrieval module, imported only when an index is first needed (it loads Chroma)."""
    from assistant import retrieval

    return retrieval


def _repairable(finding) -> bool:
    """Errors, and duplicates: a repeated key result wastes one of the 3-5 slots."""
    return finding.severity == Severity.error or finding.rule == "kr.duplicate"


def _needs_repair(report, okr: OKRSet) -> bool:
    """A drafted key result (one with a catalogue metric) still has an error or repeats another."""
    return any(
        _repairable(f)
        and f.key_result is not None
        and okr.objectives[f.objective].key_results[f.key_result].metric_id
        for f in report.findings
    )


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
