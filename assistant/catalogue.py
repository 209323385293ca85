"""The metric catalogue: metrics and objective phrasings per business function, in every language.

Data, not code: `examples_kb/metrics/<function>.yaml` (shipped) plus any `*.yaml` a team puts in
`$OKR_HOME/metrics/`. The drafter lets the model choose among these ids and writes the words from
them; the validator reads a drafted key result's polarity from here. A broken file is reported as
`file: what is wrong`, like the example library.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant import config
from assistant.domain import Metric, ObjectivePhrase
from assistant.languages import normalise
from assistant.resources import data_dir

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WORD = re.compile(r"[\w\u200c]+")  # Persian keeps the zero-width non-joiner inside a word


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Catalogue:
    """Every metric and objective phrasing, with the team names that point at each function."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    objectives: dict[str, ObjectivePhrase] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)  # team name -> function
    goal_words: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # language -> function -> stems

    def function_of(self, team: str | None) -> str | None:
        """The function a team belongs to ("seo" -> marketing), or None when nobody said."""
        if not team:
            return None
        key = team.casefold().strip().replace(" ", "-").replace("_", "-")
        return self.teams.get(key) or (key if key in {m.function for m in self.metrics.values()} else None)

    def functions_named(self, goal: str, language: str | None = None) -> Counter[str]:
        """How many of each function's goal words a goal uses ("zatrudniać" -> people). A short goal
        says its function in one word that a small embedder misses. Only `language`'s words, when given."""
        words, found = _GoalText(goal), Counter[str]()
        for code, by_function in self.goal_words.items():
            if language and code != language:
                continue
            for function, stems in by_function.items():
                found[function] += words.named(stems)
        return +found

    def outcomes_named(self, goal: str, language: str | None = None) -> Counter[str]:
        """How many of each objective phrasing's goal words a goal uses ("Google" -> found in search)."""
        words, found = _GoalText(goal), Counter[str]()
        for phrase in self.objectives.values():
            for code, stems in phrase.goal_words.items():
                if not language or code == language:
                    found[phrase.id] += words.named(stems)
        return +found

    def movable(self) -> list[Metric]:
        """Metrics a key result can move (health metrics are kept in range, not moved)."""
        return [m for m in self.metrics.values() if not m.kpi]


def shipped_dir() -> Path:
    """The shipped catalogue ($OKR_CATALOGUE_DIR replaces it, e.g. a small one for tests)."""
    return config.settings().catalogue_dir or data_dir("examples_kb") / "metrics"


def user_dir() -> Path:
    """Where a company keeps its own metrics ($OKR_HOME/metrics)."""
    return config.settings().home_dir / "metrics"


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise CatalogueError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read it ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics", []), list):
        raise CatalogueError(f"{path}: expected a mapping with function, teams, objectives and metrics")
    return data


def _parse(path: Path, data: dict, cat: Catalogue) -> None:
    function = str(data.get("function") or path.stem)
    for team in data.get("teams", []) or []:
        cat.teams.setdefault(str(team).casefold(), function)
    try:
        for code, raw in (data.get("goal_words") or {}).items():
            cat.goal_words.setdefault(str(code), {}).setdefault(function, []).extend(stems(raw or []))
    except (AttributeError, TypeError):
        raise CatalogueError(f"{path}: goal_words: expected a list of word stems per language") from None
    try:
        for raw in data.get("objectives", []) or []:
            text = {
                k: str(v) for k, v in raw.items() if k not in ("id", "function", "shown_by", "goal_words")
            }
            words = {str(k): stems(v or []) for k, v in (raw.get("goal_words") or {}).items()}
            shown_by = raw.get("shown_by") or []
            phrase = ObjectivePhrase(
                id=raw["id"], function=function, text=text, shown_by=shown_by, goal_words=words
            )
            if phrase.id in cat.objectives:
                raise CatalogueError(f"{path}: duplicate objective id {phrase.id!r}")
            cat.objectives[phrase.id] = phrase
        for raw in data.get("metrics", []) or []:
            metric = Metric(**{"function": function, **raw})
            if metric.id in cat.metrics:
                raise CatalogueError(f"{path}: duplicate metric id {metric.id!r}")
            cat.metrics[metric.id] = metric
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"]))
        raise CatalogueError(f"{path}: {where}: {err['msg']}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise CatalogueError(f"{path}: an entry is missing a field or is not a mapping ({exc})") from None


@cache
def load(folders: tuple[Path, ...] | None = None) -> Catalogue:
    """The catalogue from the shipped folder and the user's (cached: the files are read once)."""
    cat = Catalogue()
    for folder in folders or (shipped_dir(), user_dir()):
        for path in sorted(Path(folder).glob("*.yaml")):
            _parse(path, _read(path), cat)
    for metric in cat.metrics.values():
        if metric.counter and metric.counter not in cat.metrics:
            raise CatalogueError(f"metric {metric.id!r}: counter {metric.counter!r} is not in the catalogue")
    for objective in cat.objectives.values():  # a function's file also works alone: other files'
        objective.shown_by = [m for m in objective.shown_by if m in cat.metrics]  # metrics drop out
    return cat


def stems(raw: object) -> list[str]:
    """Goal words as the matcher reads them: lower case, punctuation as spaces ("e-mail" -> "e mail")."""
    if not isinstance(raw, list):
        raise TypeError("goal words must be a list of word stems")
    return [w for w in (" ".join(_WORD.findall(normalise(str(s)).casefold())) for s in raw) if w]


def words_used(goal: str, stems: list[str]) -> int:
    """How many of a goal's words `stems` name: a stem names a word it starts ("zatrudni" in
    "zatrudniać"), a stem with a space names that phrase anywhere ("app store"). A word counts once
    however many stems start it ("odwiedza" and "odwiedzając" both start "odwiedzających"), so a
    phrasing with many spellings of one word does not outrank one that names two of the goal's words."""
    return _GoalText(goal).named(stems)


class _GoalText:
    """A goal split into words once, asked about every function's and phrasing's stems."""

    def __init__(self, goal: str):
        words = _WORD.findall(normalise(goal).casefold())
        self.words = list(dict.fromkeys(words))
        self.text = f" {' '.join(words)} "

    def named(self, stems: list[str]) -> int:
        single = tuple(s for s in stems if " " not in s)
        phrases = sum(1 for s in stems if " " in s and f" {s} " in self.text)
        return phrases + sum(1 for w in self.words if w.startswith(single))


def name(metric: Metric, language: str) -> str:
    """The metric's name in `language`, English when a user file left that language out."""
    return metric.name.get(language) or metric.name.get("en") or metric.id.replace("_", " ")


def phrase(objective: ObjectivePhrase, language: str) -> str:
    return objective.text.get(language) or objective.text.get("en") or ""
