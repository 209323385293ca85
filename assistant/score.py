"""End-of-cycle scoring from check-ins: each key result 0-1 from its baseline to its target, each
objective the mean of its key results, read in seed 003's bands.

0.0-0.3 means no real progress, 0.4-0.6 progress that fell short, 0.7-1.0 delivered; 0.7 is the
healthy result for an ambitious set, and 1.0 everywhere means the goals were too easy. Pure Python
(no model, no index): it runs wherever `okr check` runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant import languages
from assistant.domain import CheckIn, KeyResult, OKRSet
from assistant.features import analyse
from assistant.validator import label, language_of, place

BANDS = ((0.7, "delivered"), (0.4, "progress, fell short"), (0.0, "no real progress"))


class ScoreError(ValueError):
    """A plan that cannot be scored as asked; the message names the key result and the fix."""


@dataclass
class KeyResultScore:
    label: str
    text: str
    score: float | None  # None: no check-in yet
    value: float | None = None
    baseline: float | None = None
    target: float | None = None
    confidence: int | None = None
    as_of: dt.date | None = None
    problem: str | None = None  # why it cannot be scored (no baseline, no target)


@dataclass
class ObjectiveScore:
    label: str
    title: str
    score: float | None
    key_results: list[KeyResultScore] = field(default_factory=list)


@dataclass
class Scorecard:
    at: dt.date
    objectives: list[ObjectiveScore]
    warnings: list[str]

    @property
    def score(self) -> float | None:
        scored = [o.score for o in self.objectives if o.score is not None]
        return round(sum(scored) / len(scored), 2) if scored else None


def cycle_start(cycle: str | None) -> dt.date | None:
    """The first day of a cycle (2027-Q2 -> 1 April 2027), where every key result scores 0."""
    if not cycle:
        return None
    part = cycle[5:]
    month = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7}.get(part, 1)
    return dt.date(int(cycle[:4]), month, 1)


def band(score: float) -> str:
    """Seed 003's reading of a 0-1 score."""
    return next(name for floor, name in BANDS if score >= floor)


def locate(okr: OKRSet, where: str) -> tuple[int, int]:
    """Indices of 'O1 KR2' (also 'o1kr2', 'O1-KR2'); a ScoreError names what exists."""
    found = place(where)
    i, j = (found[0], found[1]) if found and found[1] is not None else (-1, -1)
    if not (0 <= i < len(okr.objectives) and 0 <= j < len(okr.objectives[i].key_results)):
        known = ", ".join(
            label(a, b) for a, o in enumerate(okr.objectives) for b in range(len(o.key_results))
        )
        raise ScoreError(f"no key result {where!r} in this plan; it has: {known}")
    return i, j


def key_result_score(
    baseline: float | None, target: float | None, value: float, direction: str | None
) -> float:
    """0-1: the share of the way from baseline to target, in the direction that counts, capped.
    Without a baseline only a threshold ("at least 20") can be scored: value over target."""
    if target is None:
        raise ScoreError("no target to score against")
    if baseline is None:
        if direction in ("increase", "decrease"):
            raise ScoreError("no baseline: write it as 'from <start> to <target>' to score it")
        if target <= 0:
            return 1.0 if value >= target else 0.0
        return round(max(0.0, min(1.0, value / target)), 2)
    if target == baseline:
        return 1.0 if value == target else 0.0
    return round(max(0.0, min(1.0, (value - baseline) / (target - baseline))), 2)


def _numbers(kr: KeyResult, lang: languages.Language) -> tuple[float | None, float | None, str | None]:
    """Baseline, target and direction: the structured fields first, else read from the sentence."""
    feats = analyse(kr.text, lang)
    direction = kr.direction.value if kr.direction else feats.direction
    baseline = kr.baseline if kr.baseline is not None else feats.baseline
    target = kr.target if kr.target is not None else feats.target
    if target is None and feats.quantities:  # "Reach 40 five-star reviews": the first number
        target = feats.quantities[0]
    return baseline, target, direction


def _latest(okr: OKRSet, at: dt.date) -> dict[tuple[int, int], CheckIn]:
    """Each key result's latest check-in on or before `at`; every check-in is located once."""
    latest: dict[tuple[int, int], CheckIn] = {}
    for checkin in sorted((c for c in okr.checkins if c.date <= at), key=lambda c: c.date):
        latest[locate(okr, checkin.key_result)] = checkin
    return latest


def scorecard(okr: OKRSet, at: dt.date | None = None) -> Scorecard:
    """Every key result and objective scored from the latest check-in on or before `at`."""
    at = at or dt.date.today()
    lang = languages.get(language_of(okr))
    latest = _latest(okr, at)
    objectives = []
    for i, obj in enumerate(okr.objectives):
        krs = [_score_one((i, j), kr, lang, latest.get((i, j))) for j, kr in enumerate(obj.key_results)]
        scored = [k.score for k in krs if k.score is not None]
        mean = round(sum(scored) / len(scored), 2) if scored else None
        objectives.append(ObjectiveScore(label(i), obj.title, mean, krs))
    return Scorecard(at, objectives, _warnings(objectives))


def _score_one(
    where: tuple[int, int], kr: KeyResult, lang: languages.Language, checkin: CheckIn | None
) -> KeyResultScore:
    baseline, target, direction = _numbers(kr, lang)
    out = KeyResultScore(label(*where), kr.text, None, baseline=baseline, target=target)
    if checkin is None:
        return out
    out.value, out.confidence, out.as_of = checkin.value, checkin.confidence, checkin.date
    try:
        out.score = key_result_score(baseline, target, checkin.value, direction)
    except ScoreError as exc:
        out.problem = str(exc)
    return out


def _warnings(objectives: list[ObjectiveScore]) -> list[str]:
    scores = [k.score for o in objectives for k in o.key_results if k.score is not None]
    warnings = []
    if scores and all(s >= 1.0 for s in scores):
        warnings.append(
            "every key result scored 1.0: the goals were probably too easy; aim higher next cycle"
        )
    low = [
        k.label for o in objectives for k in o.key_results if k.confidence is not None and k.confidence <= 3
    ]
    if low:
        warnings.append(f"low confidence on {', '.join(low)}: talk about what would change that now")
    return warnings
