"""Cascade: a company plan in, one aligned OKR set per team out (seed 003's worked example, seed
004's top-down steps from the company objective to each department).

The plan is what people already have: an OKR file in any format `okr check` reads, or one company
objective typed as a sentence. Each team's set is drafted like any other (the model chooses a
phrasing and metrics of the team's function, code writes the words) with one more choice: the plan
key result each team key result feeds. The validator then checks the links (align.* rules).
"""

from __future__ import annotations

import time
from pathlib import Path

from assistant import languages
from assistant.domain import CascadeResult, Objective, OKRSet, normalise_cycle
from assistant.validator import language_of, validate

MAX_TEAMS = 12
DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml", ".md", ".markdown", ".txt", ".csv", ".xlsx")


class CascadeError(ValueError):
    """A plan or team list that cannot be cascaded; the message names the fix."""


def parse_teams(text: str) -> list[str]:
    """'marketing, sales,customer-success' -> three teams, in order, each once."""
    teams: list[str] = []
    for raw in text.split(","):
        team = " ".join(raw.split())
        if team and team.casefold() not in {t.casefold() for t in teams}:
            teams.append(team)
    if not teams:
        raise CascadeError("no teams given; name them, e.g. --teams marketing,sales,customer-success")
    if len(teams) > MAX_TEAMS:
        raise CascadeError(f"{len(teams)} teams; cascade to at most {MAX_TEAMS} at a time")
    too_long = next((t for t in teams if len(t) > 80), None)
    if too_long:
        raise CascadeError(f"the team name {too_long[:40]!r}… is over 80 characters; shorten it")
    return teams


def read_plan(source: str, language: str | None = None, cycle: str | None = None) -> OKRSet:
    """The company plan: a file (any format `okr check` reads) or one objective as a sentence."""
    from assistant.parsing import InputError, read, read_document

    path = Path(source)
    if source == "-" or path.is_file():
        try:
            text, name = read(source)
            plan = read_document(text, name, cycle=cycle).okr_set
        except InputError as exc:
            raise CascadeError(str(exc)) from None
    elif path.suffix.casefold() in DOCUMENT_SUFFIXES and "\n" not in source and len(source) < 300:
        raise CascadeError(f"no such file: {source}; give a plan file or the company objective in quotes")
    else:
        title = " ".join(source.split())
        if not title:
            raise CascadeError(
                'the plan is empty; give a file or an objective, e.g. "Grow expansion revenue"'
            )
        plan = OKRSet(objectives=[Objective(title=title)])
    if not plan.objectives:
        raise CascadeError(
            f"{source}: no objectives found to cascade; run `okr check {source}` to see how it reads"
        )
    if language and language != "auto":
        if language not in languages.available():
            raise CascadeError(
                f"unknown language {language!r}; available: auto, {', '.join(languages.available())}"
            )
        plan.language = language
    plan.language = plan.language if plan.language in languages.available() else language_of(plan)
    plan.cycle = normalise_cycle(cycle) or plan.cycle
    plan.teams = []
    return plan


def cascade(drafter, plan: OKRSet, teams: list[str]) -> CascadeResult:
    """Draft one aligned set per team under `plan` (filled into plan.teams) and check everything.
    `drafter` is a drafting.Drafter (the shared index, catalogue and model)."""
    from assistant.drafting import default_cycle

    start = time.perf_counter()
    plan.cycle = plan.cycle or default_cycle()
    reports, notes = [], []
    for n, team in enumerate(teams, 1):
        drafter.progress(f"team {n} of {len(teams)}: {team}")
        result = drafter.cascade_team(plan, team)
        plan.teams.append(result.okr_set)
        reports.append(result.validation)
        notes += [f"{team}: {note}" for note in result.notes]
    return CascadeResult(
        plan=plan,
        validation=validate(plan),
        team_reports=reports,
        model=drafter.settings.describe(),
        seconds=round(time.perf_counter() - start, 1),
        notes=notes,
    )
