"""What a sentence says, as facts the rules can test: numbers, baseline, timeframe, verbs.

The order of the passes matters and is the reason this module exists: spans that are not targets
(a "first 30 days" window, a "from 12% to 18%" range, "within six months") are recognised and
masked first, so that the six in "six months" is never read as a target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from assistant.languages import Language, normalise, parse_number

_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
# snake_case, or camelCase that starts lower-case (conversionRate); brand names are listed in common.yaml
_IDENTIFIER = re.compile(
    r"(?<![\w.@/])(?:[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*[A-Za-z0-9]|[a-z]+[A-Z][a-z]+[A-Za-z]*)(?![\w@/])"
)
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}(?:['\-][A-Za-z]+)*")
# Scripts no shipped language writes with: any of these inside a sentence is another language.
_SCRIPTS = {
    "latin": "\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u0e00-\u0e7f"
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af",
    "arabic": "\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0900-\u097f\u0e00-\u0e7f"
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af",
}
_MASK = " \u2591 "
_DIRECTIONS = ("increase", "decrease", "improve", "stay", "achieve")


@dataclass(slots=False)
class TextFeatures:
    """Facts about one objective or key result text. Plain dataclass: cheap, internal to the linter."""

    quantities: list[float] = field(default_factory=list)
    has_placeholder: bool = False
    has_timeframe: bool = False
    has_baseline: bool = False
    ranges: int = 0  # "from X to Y" spans, dates and rating scales aside: two = two targets in one
    baseline: float | None = None
    target: float | None = None
    direction: str | None = None  # increase, decrease, improve, stay, achieve
    is_activity: bool = False
    is_kpi: bool = False
    has_vague_metric: bool = False
    is_bau: bool = False
    has_verb: bool = False
    words: int = 0
    content_words: int = 0
    identifiers: list[str] = field(default_factory=list)  # snake_case / camelCase tokens
    foreign: list[str] = field(default_factory=list)  # words or characters of another language
    polarity: str | None = None  # higher / lower: which way the named metric is better

    def facts(self) -> dict:
        """Every field and derived fact as a flat dict, for the rules' `when` expressions."""
        return {
            **self.__dict__,
            "has_quantity": self.has_quantity,
            "direction_conflict": self.direction_conflict,
        }

    @property
    def has_quantity(self) -> bool:
        return bool(self.quantities)

    @property
    def direction_conflict(self) -> bool:
        """A range that moves against its verb: 'reduce churn from 3% to 5%'."""
        if self.baseline is None or self.target is None:
            return False
        if self.direction == "increase":
            return self.target < self.baseline
        if self.direction == "decrease":
            return self.target > self.baseline
        return False


def _consume(pattern: re.Pattern, text: str) -> tuple[str, int]:
    """Mask every match of `pattern`; return the masked text and how many spans were consumed."""
    return pattern.subn(_MASK, text)


def _value(lang: Language, token: str) -> float | None:
    word = token.strip().casefold()
    if word in lang.number_words:
        return lang.number_words[word]
    value = parse_number(token)
    if value is None:
        return None
    scale = lang.scale_re.search(token)
    return value * lang.scale_words[scale.group(1).casefold()] if scale else value


def _ranges(masked: str, lang: Language) -> int:
    """How many from-to ranges a sentence sets (dates and rating scales already masked): 'from 30%
    to 45% and retention from 20% to 30%' sets two."""
    count = 0
    for pattern in lang.from_to:
        masked, found = _consume(pattern, masked)
        count += found
    return count


def _first(positions: dict[str, int | None], classes: tuple[str, ...]) -> str | None:
    """The verb class that occurs first: 'increase X while keeping Y low' is an increase."""
    found = [(pos, name) for name in classes if (pos := positions.get(name)) is not None]
    return min(found)[1] if found else None


def analyse(text: str, lang: Language) -> TextFeatures:
    """Extract every fact the rules use from one sentence in `lang`."""
    facts = TextFeatures()
    norm = normalise(text)
    low = norm.casefold()
    tokens = _TOKEN.findall(low)
    facts.words = len(tokens)
    facts.content_words = sum(
        1 for t in tokens if t not in lang.stopwords and not t[0].isdigit() and t not in lang.number_words
    )

    masked, _ = _consume(lang.window, norm)
    masked, levels = _consume(lang.service_level, masked)
    facts.quantities += [1.0] * levels  # "within 2 days" is a standard to meet: measurable
    # Dates and rating scales go before ranges: "from 1 April to 30 June, raise NPS from 30 to 45"
    # and "(on a scale from 1 to 5) from 4.1 to 4.4" are read 30 -> 45 and 4.1 -> 4.4.
    masked, found = _consume(lang.timeframe, masked)
    facts.has_timeframe = bool(found)
    masked, _ = _consume(lang.not_targets, masked)  # 3rd, v2, [P0], a checkbox: not targets
    for pattern in lang.from_to:
        match = pattern.search(masked)
        if match:
            facts.baseline, facts.target = _value(lang, match["a"]), _value(lang, match["b"])
            facts.quantities += [v for v in (facts.baseline, facts.target) if v is not None]
            facts.has_baseline = True
            rest = masked[: match.start()] + _MASK + masked[match.end() :]
            second = any(p.search(rest) for p in lang.from_to)  # cheap: most have one range
            facts.ranges = _ranges(masked, lang) if second else 1
            masked = rest
            break
    facts.has_baseline = facts.has_baseline or bool(lang.baseline_words.search(masked))
    masked, cs = _consume(lang.placeholder_cs, masked)
    masked, ci = _consume(lang.placeholder, masked)
    facts.has_placeholder = bool(cs or ci)
    for match in lang.num_re.finditer(masked):
        value = _value(lang, match.group(0))
        if value is not None:
            facts.quantities.append(value)

    positions = lang.verb_positions(low)
    has = {name for name, pos in positions.items() if pos is not None}
    facts.direction = _first(positions, _DIRECTIONS)
    outcome = bool(has & {"increase", "decrease", "improve", "achieve"})
    facts.has_verb = bool(has)
    if lang.activity_scope == "first_verb":
        facts.is_activity = _first(positions, (*_DIRECTIONS, "activity")) == "activity"
    else:
        facts.is_activity = "activity" in has and not outcome
    moves = bool(has & {"increase", "decrease"})
    stays = "stay" in has
    facts.is_kpi = (stays and bool(lang.kpi_threshold.search(low) or lang.kpi_level.search(low))) or (
        not moves and bool(lang.kpi_ceiling.search(low))
    )
    if facts.is_kpi and not moves:
        facts.direction = "stay"
    facts.is_bau = bool(has & {"stay", "continue"}) and not (has - {"stay", "continue"})
    _meaning(facts, norm, low, tokens, lang, positions)
    facts.has_vague_metric = (
        facts.has_quantity and bool(lang.vague.search(low)) and not lang.concrete.search(low)
    )
    return facts


@cache
def _script_re(script: str) -> re.Pattern:
    return re.compile(f"[{_SCRIPTS.get(script, _SCRIPTS['latin'])}]+")


def _meaning(
    facts: TextFeatures, norm: str, low: str, tokens: list[str], lang: Language, positions: dict
) -> None:
    """Facts about what the words mean: identifiers, other languages, which way is better."""
    shaped = _IDENTIFIER.findall(norm)
    facts.identifiers = [m for m in shaped if m.casefold() not in lang.identifier_exceptions]
    plain = _IDENTIFIER.sub(" ", norm) if shaped else norm
    foreign = _script_re(lang.script).findall(plain)
    if lang.script == "arabic":  # Latin words in Persian: acronyms, names and loanwords only
        foreign += [
            w for w in _LATIN_WORD.findall(plain) if w.islower() and w.casefold() not in lang.loanwords
        ]
    else:  # without identifiers the words are the sentence's own tokens
        words = _TOKEN.findall(plain.casefold()) if shaped else tokens
        foreign += [t for t in words if t in lang.foreign_words]
    facts.foreign = foreign
    verb_at = min((p for p in positions.values() if p is not None), default=0)
    facts.polarity = lang.polarity(low, verb_at)  # the first metric word after the verb
