"""Domain types shared by every stage: goal -> examples -> draft -> findings -> result.

They live in one module so the validator, the drafter, the web chat, batch mode and the evals all
speak the same language, and so the JSON schema handed to an LLM for structured output is the
schema the validator checks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

CYCLE_RE = re.compile(r"^\d{4}-(Q[1-4]|H[12]|FY)$")


class DomainModel(BaseModel):
    """Base of every domain type. Validators are built on first use, not at import: `okr check`
    imports this module and should not pay for the drafting, batch and web-chat types."""

    model_config = ConfigDict(defer_build=True)


def normalise_cycle(value: str | None) -> str | None:
    """'2026-q1' -> '2026-Q1'; blank -> None; anything else is an error people can read."""
    if value is None or not value.strip():
        return None
    value = value.strip().upper().replace(" ", "-")
    if not CYCLE_RE.match(value):
        raise ValueError(f"cycle {value!r} is not like 2026-Q1, 2026-H2 or 2026-FY")
    return value


class Direction(StrEnum):
    """Which way the key result's metric should move."""

    increase = "increase"
    decrease = "decrease"
    stay = "stay"  # keep above/below a level: a health metric (KPI) more than a key result
    achieve = "achieve"  # reach a level or count from nothing


class BaselineSource(StrEnum):
    """Where the baseline came from: drafts must never present an invented figure as fact."""

    given = "given"
    assumed = "assumed"
    unknown = "unknown"


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class KeyResult(DomainModel):
    """One measurable outcome. Only `text` is required: people paste plain sentences."""

    model_config = ConfigDict(extra="ignore")

    text: str = Field(
        description="The key result as one sentence, e.g. 'Raise activation from 30% to 45% by Q2'."
    )
    metric: str | None = Field(default=None, description="What is measured, e.g. 'activation rate'.")
    baseline: float | None = Field(default=None, description="Current value of the metric, if known.")
    target: float | None = Field(default=None, description="Value to reach by the deadline.")
    unit: str | None = Field(default=None, description="Unit of baseline and target: %, EUR, users, days...")
    direction: Direction | None = Field(default=None, description="increase, decrease, stay or achieve.")
    deadline: str | None = Field(default=None, description="When, e.g. '2026-06-30' or 'end of Q2'.")
    baseline_source: BaselineSource | None = Field(
        default=None, description="given (stated by the user), assumed (an estimate to confirm) or unknown."
    )
    metric_id: str | None = Field(
        default=None, description="The metric catalogue id this key result measures, when drafted from it."
    )
    # What a team's own document says about the key result (parsing.read_document); empty for drafts.
    status: Literal["open", "done"] | None = Field(
        default=None, description="open or done, when the source tracks it (a task-list checkbox)."
    )
    owner: str | None = Field(default=None, description="Who owns the key result, as the source names them.")
    priority: str | None = Field(default=None, description="Priority as the source writes it, e.g. P0.")
    score: float | None = Field(default=None, ge=0, le=1, description="Progress or end-of-cycle score, 0-1.")
    confidence: float | None = Field(default=None, ge=0, le=1, description="Confidence of reaching it, 0-1.")
    line: int | None = Field(
        default=None, description="Line (or spreadsheet row) of the source it was read from."
    )
    parent: str | None = Field(
        default=None,
        max_length=40,
        description="In a team set cascaded from a company plan: the plan's key result (or objective) "
        "this one feeds, as people say it: 'O1 KR2' or 'O1'.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_line(cls, data: Any) -> Any:
        """A key result a person wrote as a bare line ('- Raise NPS from 30 to 45') is its text."""
        return {"text": data} if isinstance(data, str) else data

    @field_validator("text")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class Objective(DomainModel):
    """A short, qualitative destination with the key results that prove it was reached."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(
        description="Short, motivating, qualitative; no numbers.",
        validation_alias=AliasChoices("title", "objective", "name"),
    )
    why: str | None = Field(default=None, description="Why this matters now, in one sentence.")
    key_results: list[KeyResult] = Field(
        default_factory=list,
        description="3-5 measurable outcomes.",
        validation_alias=AliasChoices("key_results", "krs", "key results", "keyResults"),
    )
    initiatives: list[str] = Field(
        default_factory=list, description="Actions planned to move the key results."
    )
    examples: list[str] = Field(default_factory=list, description="Ids of library examples that inspired it.")
    objective_id: str | None = Field(
        default=None, description="The catalogue phrasing this objective was drafted from, if any."
    )
    parent: int | None = Field(
        default=None, ge=0, description="Index of the parent objective in the same set (a cascade), if any."
    )
    owner: str | None = Field(default=None, description="Who owns the objective, as the source names them.")
    line: int | None = Field(
        default=None, description="Line (or spreadsheet row) of the source it was read from."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_outline(cls, data: Any) -> Any:
        """Objectives as people type them in YAML: a bare title, or the title as the key of its key
        results ('- Make buying simple: [..., ...]')."""
        if isinstance(data, str):
            return {"title": data}
        if isinstance(data, dict) and len(data) == 1:
            ((title, krs),) = data.items()
            if isinstance(title, str) and isinstance(krs, list) and title not in cls.model_fields:
                return {"title": title, "key_results": krs}
        return data

    @field_validator("title")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class CheckIn(DomainModel):
    """A key result's value on a day, with how confident the team is of reaching the target."""

    date: dt.date
    key_result: str = Field(description="Which key result, as people say it: 'O1 KR2'.")
    value: float
    confidence: int | None = Field(default=None, ge=1, le=10, description="1-10 (low 3, medium 6, high 9).")
    note: str | None = None


class HealthMetric(DomainModel):
    """A number to hold, not to move (a KPI): watched beside the OKRs and never scored."""

    text: str = Field(description="e.g. 'Lead-to-opportunity rate stays above 20%'.")
    metric_id: str | None = None
    keep: Literal["above", "below"] | None = None
    threshold: float | None = None


class OKRSet(DomainModel):
    """The objectives one team commits to for one cycle."""

    model_config = ConfigDict(extra="ignore")

    goal: str | None = Field(default=None, description="The vague goal this set answers.")
    name: str | None = Field(default=None, description="The document's title, when read from one.")
    language: str | None = Field(default=None, description="ISO 639-1 code: en, it, pl, fa...")
    team: str | None = Field(default=None, description="Team or function, e.g. marketing, seo, product.")
    cycle: str | None = Field(default=None, description="Cycle such as 2026-Q1, 2026-H2 or 2026-FY.")
    objectives: list[Objective] = Field(default_factory=list)
    health: list[HealthMetric] = Field(default_factory=list, description="KPIs to hold, not scored.")
    checkins: list[CheckIn] = Field(default_factory=list, description="Values over the cycle, for scoring.")
    teams: list[OKRSet] = Field(
        default_factory=list,
        description="Team sets cascaded from this one; their key results name the `parent` they feed here.",
    )

    @field_validator("cycle")
    @classmethod
    def _cycle(cls, value: str | None) -> str | None:
        return normalise_cycle(value)


class Finding(DomainModel):
    """One thing the validator says: what is wrong, where, and how to fix it."""

    rule: str
    severity: Severity
    path: str = Field(description="objectives[i], objectives[i].key_results[j], or '' for the whole set.")
    objective: int | None = Field(default=None, description="Index of the objective, None for the set.")
    key_result: int | None = Field(
        default=None, description="Index of the key result, None for an objective."
    )
    message: str
    suggestion: str


class SubScores(DomainModel):
    measurable: int
    time_bound: int
    outcome_focused: int
    baseline_ambition: int
    structure: int


class Report(DomainModel):
    """The validator's verdict on one OKR set."""

    passed: bool
    score: int = Field(ge=0, le=100)
    sub_scores: SubScores
    findings: list[Finding]
    language: str
    counts: dict[str, int] = Field(default_factory=dict, description="errors, warnings, infos")

    def at(self, objective: int | None = None, key_result: int | None = None) -> list[Finding]:
        """The findings about one place: the set (no index), an objective, or one of its key results."""
        return [f for f in self.findings if f.objective == objective and f.key_result == key_result]


# --- the example library -------------------------------------------------------------------------


class ExampleKeyResult(DomainModel):
    """A key result from the library, with its English rendering and the findings we expect."""

    model_config = ConfigDict(extra="forbid")

    text: str
    en: str
    expect: list[str] = Field(default_factory=list)
    team: str | None = None  # set when a cascaded key result belongs to another team
    metric: str | None = Field(
        default=None,
        description="The catalogue metric this key result moves, labelled by a person; none for an "
        "activity or a measure the catalogue lacks.",
    )


class ExampleInitiative(DomainModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    en: str


class Example(DomainModel):
    """One objective with its key results, as found in a source article."""

    model_config = ConfigDict(extra="forbid")

    id: str
    group: str = Field(description="Shared by translations of the same example.")
    team: str
    objective: str
    objective_en: str
    expect: list[str] = Field(default_factory=list)
    key_results: list[ExampleKeyResult]
    initiatives: list[ExampleInitiative] = Field(default_factory=list)
    parent_objective_en: str | None = None
    language: str = ""
    source: str = ""


class LabelledItem(DomainModel):
    """A single objective, key result or action labelled good or bad by a source article."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str
    language: str
    kind: str = Field(pattern="^(objective|key_result|action)$")
    text: str
    en: str
    label: str = Field(pattern="^(good|bad)$")
    reason: str
    expect: list[str] = Field(default_factory=list)


# --- the metric catalogue ------------------------------------------------------------------------
Unit = Literal["count", "percent", "currency", "seconds", "minutes", "hours", "days", "weeks"]


class Metric(DomainModel):
    """One measurable thing a key result can move, named in every language the drafter writes.

    The model only picks the id and the numbers; the sentence is written from `name` with the
    language's grammar, and which way is better comes from `polarity`, never from the model."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    function: str = ""
    unit: Unit
    polarity: Literal["higher", "lower"]
    kpi: bool = False
    range: tuple[float, float]
    typical: tuple[float, float]
    counter: str | None = None
    name: dict[str, str]


class ObjectivePhrase(DomainModel):
    """An outcome a team wants, as people write it, in every language: chosen, never generated."""

    model_config = ConfigDict(extra="forbid")
    id: str
    function: str = ""
    text: dict[str, str]
    # The catalogue metrics that would show this outcome reached: an objective is only offered over
    # key results it is about ("be found in search" over organic sessions, not over e-mail opens).
    shown_by: list[str] = Field(default_factory=list)
    # Stems that name this outcome in a goal, per language ("google" -> be found in search): what a
    # small embedder misses. Matched like the function's goal words (`Catalogue.words_used`).
    goal_words: dict[str, list[str]] = Field(default_factory=dict)

    def shows(self, metric_ids: Iterable[str | None]) -> int:
        """How many of these metrics show this outcome reached (the drafter and the eval count alike)."""
        return sum(1 for m in metric_ids if m in self.shown_by)


# --- what the LLM is asked to return --------------------------------------------------------------
# Small on purpose: every generated token costs ~0.1 s on the embedded model. The model chooses what
# needs judgement (the metric, the numbers, where the baseline comes from); the sentence itself is
# composed from the language's templates (languages/*.yaml: kr_templates), so every drafted key result
# reads "verb + metric + from baseline + to target + by deadline". Constrained decoding makes every
# field appear, so even a small model states a baseline and its source.


class DraftKeyResult(DomainModel):
    metric: str = Field(
        description="The measurable metric as a short noun phrase, e.g. 'trial-to-paid conversion rate'."
    )
    direction: Literal["increase", "decrease", "achieve"] = Field(
        description="increase or decrease a level; achieve a count from zero (e.g. 500 sign-ups)."
    )
    baseline: float | None = Field(description="Current value; null when the goal does not say.")
    target: float = Field(description="Value to reach by the end of the cycle.")
    unit: str = Field(max_length=8, description="'%', a currency such as 'EUR', or '' for a plain count.")
    baseline_source: BaselineSource = Field(
        description="given: stated in the goal; assumed: your estimate, to confirm; unknown: to measure first."
    )


class DraftObjective(DomainModel):
    title: str = Field(description="Short, inspiring, qualitative: no numbers.")
    key_results: list[DraftKeyResult] = Field(min_length=3, max_length=4)
    initiatives: list[str] = Field(description="2-3 actions that will move the key results.", max_length=3)


class DraftSet(DomainModel):
    """A revised set, when the team lead asks for a change in the web chat."""

    objectives: list[DraftObjective] = Field(min_length=1, max_length=5)


class DraftRequest(DomainModel):
    """What a person asks for. Validated here so the CLI, the web chat and batch mode agree."""

    goal: str = Field(min_length=1, max_length=2000)
    team: str | None = Field(default=None, max_length=80)
    language: str = "auto"
    n_objectives: int = Field(default=1, ge=1, le=5)
    cycle: str | None = None
    context: str | None = Field(default=None, max_length=8000)

    @field_validator("goal")
    @classmethod
    def _goal(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("the goal is empty")
        return value

    @field_validator("cycle")
    @classmethod
    def _cycle(cls, value: str | None) -> str | None:
        return normalise_cycle(value)


class Timings(DomainModel):
    retrieval_s: float = 0.0
    llm_s: float = 0.0
    validation_s: float = 0.0
    total_s: float = 0.0


class DraftResult(DomainModel):
    """What `okr draft --json` prints: the set, its report, the examples used, timings, the model."""

    okr_set: OKRSet
    validation: Report
    examples: list[str]
    timings: Timings
    model: str
    repair_rounds: int = 0
    tokens: dict[str, int] = Field(default_factory=dict)
    notes: list[str] = Field(
        default_factory=list, description="What the assistant changed or assumed, for people."
    )


class CascadeResult(DomainModel):
    """What `okr cascade` gives: the plan with one aligned set per team in `plan.teams`."""

    plan: OKRSet
    validation: Report = Field(description="The plan's own report, with the key results no team feeds.")
    team_reports: list[Report] = Field(description="One per team, in the order of plan.teams.")
    model: str
    seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every team set passes (the plan is the user's own: its findings are advice)."""
        return all(r.passed for r in self.team_reports)


# --- batch mode ----------------------------------------------------------------------------------


class BatchItem(DomainModel):
    """One input row of `okr rewrite`."""

    id: str
    goal: str
    team: str | None = None
    context: str | None = None


class Diagnosis(DomainModel):
    """Why a goal is vague, in the validator's terms (triage before drafting)."""

    vague: bool
    reasons: list[str] = Field(default_factory=list)


class BatchOutcome(DomainModel):
    """One output row: never dropped, errors included."""

    id: str
    goal: str
    diagnosis: Diagnosis | None = None
    okr_set: OKRSet | None = None
    validation: Report | None = None
    status: str = Field(pattern="^(ok|error)$")
    error: str | None = None
    seconds: float = 0.0
