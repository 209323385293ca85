"""Writing the words: key-result sentences composed from catalogue names and the language's grammar.

The model chooses a metric id and two numbers; everything a reader sees is written here from data
(`compose:` in `languages/<code>.yaml`): the verb from the metric's polarity, the number format
(12,000 / 12.000 / 12 000 / ۱۲٬۰۰۰), the unit, the from/to phrase ("dal 18% al 25%", "z 24 do 4
godzin") and a real date for the deadline ("entro il 31 marzo 2027"), and the health metric held
beside the OKRs ("Mantenere il tasso di conversione ... sopra l'8%"). Also here: the numbers are
made to agree with the metric (right direction, plausible range), since the model's arithmetic is
the weakest part of a small model's answer.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from assistant.domain import BaselineSource, Direction, HealthMetric, KeyResult, Metric
from assistant.languages import Language

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TIME_UNITS = ("seconds", "minutes", "hours", "days", "weeks")


def cycle_end(cycle: str) -> dt.date:
    """The last day of a cycle: 2027-Q1 -> 31 March 2027, 2027-H2 -> 31 December, 2027-FY -> 31 Dec."""
    year, part = int(cycle[:4]), cycle[5:]
    month = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}.get(part, 12)
    first_of_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def date_text(day: dt.date, lang: Language, digits: str = "latin") -> str:
    """A date as the language writes it in a sentence: '31 marzo 2027', '31. März 2027'."""
    c = lang.compose
    months = c.get("months") or []
    month = months[day.month - 1] if len(months) == 12 else f"{day.month:02d}"
    text = c.get("date", "{day} {month} {year}").format(day=day.day, month=month, year=day.year)
    return _digits(text, digits)


def _digits(text: str, digits: str) -> str:
    return text.translate(_PERSIAN_DIGITS) if digits == "persian" else text


def number_text(value: float, lang: Language, digits: str = "latin") -> str:
    """A number with the language's separators: 12,000.5 / 12.000,5 / 12 000,5 / ۱۲٬۰۰۰٫۵."""
    c = lang.compose
    rounded = round(value, 2)
    whole = float(rounded).is_integer()
    text = f"{rounded:,.0f}" if whole else f"{rounded:,.2f}".rstrip("0").rstrip(".")
    if whole and abs(rounded) < 10000 and c.get("group_small") is False:
        text = text.replace(",", "")
    head, _, tail = text.partition(".")
    head = head.replace(",", "\x00")
    out = head.replace("\x00", c.get("thousands", ",")) + (c.get("decimal", ".") + tail if tail else "")
    return _digits(out, digits)


def amount(
    value: float,
    unit: str,
    lang: Language,
    digits: str = "latin",
    with_unit: bool = True,
    units: dict | None = None,
) -> str:
    """A number with its unit as the language writes it: 18%, 18 %, 20.000 €, 4 ore, 4 godzin.
    `units` replaces some of the language's unit words (another case: German "unter 42 Tagen")."""
    c = lang.compose
    n = number_text(value, lang, digits)
    if unit == "percent":
        return c.get("percent", "{n}%").format(n=n)
    if unit == "currency":
        return c.get("currency", "{n}").format(n=n)
    if unit in _TIME_UNITS and with_unit:
        forms = ({**(c.get("units") or {}), **(units or {})}).get(unit) or {}
        if not float(value).is_integer():
            word = forms.get("fraction") or forms.get("other", "")
        else:
            word = forms.get("one") if value == 1 else forms.get("other")
        return f"{n} {word}".strip() if word else n
    return n


def unit_label(unit: str, lang: Language) -> str | None:
    """The unit as a column shows it: %, €, zł, hours, ore; None for a plain count."""
    if unit == "count":
        return None
    if unit == "percent":
        return "%"
    if unit == "currency":
        return lang.compose.get("currency", "{n}").replace("{n}", "").strip() or None
    forms = (lang.compose.get("units") or {}).get(unit) or {}
    return forms.get("other") or unit


def _phrase(
    role: str,
    value: float,
    unit: str,
    lang: Language,
    digits: str,
    with_unit: bool,
    units: dict | None = None,
) -> str:
    """'from 18%' / 'dal 18%' / "dall'8%" / 'z 24' / "sopra l'8%": the phrase for one number (roles
    from, to, above, below; `<role>_percent`, `_elided`, `_zero` for Italian articles)."""
    c = lang.compose
    text = amount(value, unit, lang, digits, with_unit, units)
    pattern = c.get(role, "{n}")
    if unit == "percent":
        pattern = c.get(f"{role}_percent") or pattern
        if c.get("elide") and re.match(c["elide"], amount(value, unit, lang)):
            pattern = c.get(f"{role}_elided") or pattern
        elif re.match(c.get("zero", r"^0\D*$"), amount(value, unit, lang)):  # "dallo 0,5%": "zero"
            pattern = c.get(f"{role}_zero") or pattern
    return pattern.format(n=text)


def sentence(
    metric_name: str,
    direction: str,
    baseline: float | None,
    target: float,
    unit: str,
    lang: Language,
    cycle: str,
    digits: str = "latin",
) -> str:
    """The key-result sentence: verb + metric + from baseline + to target + by a real date."""
    c = lang.compose
    kr = c.get("kr") or {}
    key = direction if baseline is not None else f"{direction}_to"
    template = kr.get(key) or kr.get(direction, "{metric} {from} {to} {date}")
    # Time units follow the target only ("from 24 to 4 hours"); %, currency follow both numbers.
    text = template.format(
        metric=metric_name,
        **{"from": _phrase("from", baseline, unit, lang, digits, False) if baseline is not None else ""},
        to=_phrase("to", target, unit, lang, digits, True),
        date=date_text(cycle_end(cycle), lang, digits),
    )
    text = " ".join(text.split())
    return text[:1].upper() + text[1:]


def fit_numbers(
    metric: Metric,
    baseline: float | None,
    target: float | None,
    stated: bool = False,
    target_stated: bool = False,
) -> tuple[float, float]:
    """Numbers that agree with the metric: inside its range, moving the way its polarity says, by
    a step a team could take in a quarter.

    A small model often swaps baseline and target for lower-is-better metrics, repeats the
    baseline, answers on the wrong scale ("from 1 to 2" impressions, "1.2 toman" of pipeline), or
    pairs a baseline of its own with the catalogue's typical target ("from 4,000 to 48,000"
    visitors): swap when that fixes it, else fall back to the catalogue's typical quarter, and
    bring a leap down to the typical step from the baseline. A baseline the user `stated` is kept
    whatever its scale; a target the user stated is kept whatever its step."""
    lo, hi = metric.range
    if metric.unit == "percent":
        lo, hi = max(lo, 0.0), min(hi, 100.0)
    base = baseline if baseline is not None else metric.typical[0]
    goal = target if target is not None else metric.typical[1]
    base, goal = (min(max(v, lo), hi) for v in (base, goal))
    if not stated and not _plausible(metric, base, goal):
        base, goal = metric.typical
    if not stated and base == 0 and metric.typical[0] > 0:  # a zero nobody said: copied, not measured
        base, goal = metric.typical

    def right_way(a: float, b: float) -> bool:
        return b > a if metric.polarity == "higher" else b < a

    if not right_way(base, goal):
        if right_way(goal, base):
            base, goal = goal, base
        else:
            ratio = metric.typical[1] / metric.typical[0] if metric.typical[0] else None
            goal = min(max(base * ratio if ratio and base else metric.typical[1], lo), hi)
            if not right_way(base, goal):
                base, goal = metric.typical
    if not target_stated and _leap(metric, base, goal):
        goal = min(max(base * metric.typical[1] / metric.typical[0], lo), hi)
    return _tidy(base, metric), _tidy(goal, metric)


def _leap(metric: Metric, base: float, goal: float) -> bool:
    """A move more than three times over (or twice the catalogue's own typical step, when that is
    bigger): not a quarter's work, and nobody asked for it."""
    low, high = sorted(metric.typical)
    if min(base, goal) <= 0 or low <= 0:
        return False
    return max(base, goal) / min(base, goal) > max(3.0, 2 * high / low)


def _plausible(metric: Metric, base: float, goal: float, factor: float = 50) -> bool:
    """Counts and money within a factor of the catalogue's typical values (company sizes differ,
    but not by a thousand times); percentages within ten times (a bounce rate "from 0.4%" is a
    fraction read as a percentage); durations are bounded by their range already."""
    low, high = sorted(metric.typical)
    if metric.unit == "percent":
        factor = 10
    elif metric.unit not in ("count", "currency"):
        return True
    if low <= 0:
        return True
    return all(low / factor <= v <= high * factor for v in (base, goal))


def _tidy(value: float, metric: Metric) -> float:
    """Round like a person: whole counts, one decimal for percentages and short durations."""
    if metric.unit == "count" and all(float(v).is_integer() for v in metric.typical):
        return float(round(value))
    if abs(value) >= 100:
        return float(round(value))
    return float(f"{value:.3g}")  # 0.08 stays 0.08, 12.345 becomes 12.3


def key_result(
    metric: Metric,
    metric_name: str,
    baseline: float | None,
    target: float,
    lang: Language,
    cycle: str,
    digits: str = "latin",
) -> KeyResult:
    """A complete key result for a catalogue metric: sentence, fields, and a deadline date."""
    direction = "increase" if metric.polarity == "higher" else "decrease"
    text = sentence(metric_name, direction, baseline, target, metric.unit, lang, cycle, digits)
    return KeyResult(
        text=text,
        metric=metric_name,
        metric_id=metric.id,
        baseline=baseline,
        target=target,
        unit=unit_label(metric.unit, lang),
        direction=Direction(direction),
        deadline=cycle_end(cycle).isoformat(),
        baseline_source=BaselineSource.assumed if baseline is not None else BaselineSource.unknown,
    )


def hold_level(metric: Metric) -> float:
    """The level a health metric is held at: today's plausible value (the catalogue's typical
    baseline), rounded like any other number."""
    return _tidy(metric.typical[0], metric)


def health_metric(
    metric: Metric, name: str, threshold: float, lang: Language, digits: str = "latin"
) -> HealthMetric:
    """A number to hold, not to move: "Keep lead-to-opportunity conversion rate above 8%". Above
    when more is better, below when less is; the sentence is the language's `keep` template with
    the `above`/`below` phrase (Italian "sopra il 20%", "sopra l'8%", "sotto lo 0%") and, where the
    preposition takes another case, `hold_units` for the unit words (German "unter 42 Tagen")."""
    keep: Literal["above", "below"] = "above" if metric.polarity == "higher" else "below"
    level = _phrase(keep, threshold, metric.unit, lang, digits, True, lang.compose.get("hold_units"))
    text = lang.compose.get("keep", "{metric} {level}").format(metric=name, level=level)
    text = " ".join(text.split())
    return HealthMetric(text=text[:1].upper() + text[1:], metric_id=metric.id, keep=keep, threshold=threshold)
