"""The deterministic validator: every objective and key result checked against data-driven rules.

Pure Python, no network, no LLM, no heavy imports: it is what `okr check` runs and what the
drafter's repair loop trusts. Rules live in rules.yaml; the facts their `when` expressions may use
are built here:

key results  has_quantity text_quantity quantities has_placeholder has_vague_metric has_baseline
             baseline_known baseline target target_field ranges direction direction_conflict polarity
             wrong_direction zero_target no_change is_activity is_kpi has_timeframe timebound
             baseline_source duplicate_of bad_number identifiers foreign words content_words text
objectives   has_quantity content_words words has_verb is_bau kr_count duplicate_of copies_goal
             is_problem identifiers foreign text
set          objective_count

In a team set cascaded from a company plan (`validate(team, parent=plan)`), and on the plan itself:
aligned key results     text parent parent_found parent_text copies_parent against_parent
aligned objectives      text linked copies_objective (the plan objective it repeats, e.g. 'O1')
supported key results   text teams supported_by (the plan's key results, when it has `teams`)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

from assistant import languages
from assistant.domain import Finding, KeyResult, Objective, OKRSet, Report, Severity, SubScores
from assistant.features import TextFeatures, analyse
from assistant.languages import Language

Facts = dict[str, Any]  # what a rule's `when` expression may read (the names in the module docstring)

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"
DIMENSIONS = ("measurable", "time_bound", "outcome_focused", "baseline_ambition")
WEIGHTS = {
    "measurable": 30,
    "time_bound": 15,
    "outcome_focused": 20,
    "baseline_ambition": 15,
    "structure": 20,
}
STRUCTURE_PENALTY = {Severity.error: 35, Severity.warning: 10, Severity.info: 2}


@dataclass(frozen=True)
class Rule:
    id: str
    target: str
    severity: Severity
    dimension: str | None
    when: str  # a Python expression over the facts; see `_conditions`
    title: str
    message: str
    suggestion: str
    source: str


@cache
def rules() -> tuple[Rule, ...]:
    """The rule table, compiled once. A broken rules file is a bug, so it fails loudly. Read like
    the language files (a parsed copy kept per content), so `okr check` never imports PyYAML."""
    raw = languages.load_data(RULES_FILE)
    return tuple(
        Rule(
            id=r["id"],
            target=r["target"],
            severity=Severity(r["severity"]),
            dimension=r.get("dimension"),
            when=_checked(r["when"], r["id"]),
            title=r["title"],
            message=r["message"],
            suggestion=r["suggestion"],
            source=r["source"],
        )
        for r in raw
    )


def _checked(expression: str, rule_id: str) -> str:
    """A rule's condition, compiled alone once so a syntax error names its rule."""
    compile(expression, f"rules.yaml:{rule_id}", "eval")
    return expression


@cache
def rules_for(target: str) -> tuple[Rule, ...]:
    """The rules of one target (key_result, objective, set), in file order."""
    return tuple(r for r in rules() if r.target == target)


@cache
def _conditions(target: str) -> CodeType:
    """Every condition of a target's rules as one expression giving a tuple of truths: one `eval`
    per text rather than one per rule (those calls were a twelfth of the linter's time)."""
    body = "".join(f"not not ({r.when})," for r in rules_for(target))
    return compile(f"({body})", f"rules.yaml:{target}", "eval")


@cache
def rule_by_id() -> dict[str, Rule]:
    return {r.id: r for r in rules()}


_NO_BUILTINS: dict[str, Any] = {"__builtins__": {}}  # one dict for every rule: an expression cannot change it


def _fired(target: str, facts: Facts) -> list[Rule]:
    """The rules of `target` whose condition holds for these facts, in file order."""
    truths = eval(_conditions(target), _NO_BUILTINS, facts)  # rules.yaml ships with the package
    return [rule for rule, fires in zip(rules_for(target), truths, strict=True) if fires]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Format(dict[str, object]):
    """Message formatting that never raises on a fact a message does not have."""

    def __missing__(self, key: str) -> str:
        return "?"


def path_of(objective: int | None, key_result: int | None = None) -> str:
    """The JSON path of a finding, derived from its indices (nothing parses it back)."""
    if objective is None:
        return ""
    if key_result is None:
        return f"objectives[{objective}]"
    return f"objectives[{objective}].key_results[{key_result}]"


def label(objective: int | None, key_result: int | None = None) -> str:
    """The place as people say it: 'O2 KR1', 'O1', or 'the set'."""
    if objective is None:
        return "the set"
    return f"O{objective + 1}" + (f" KR{key_result + 1}" if key_result is not None else "")


_PLACE = re.compile(r"^\s*O\s*(\d+)(?:\s*[-.:/ ]?\s*KR\s*(\d+))?\s*$", re.IGNORECASE)


def place(where: str | None) -> tuple[int, int | None] | None:
    """Indices of 'O1 KR2' (also 'o1kr2', 'O1-KR2') or 'O2'; None when it names no place."""
    match = _PLACE.match(where or "")
    if not match or int(match[1]) < 1 or (match[2] and int(match[2]) < 1):
        return None
    return int(match[1]) - 1, (int(match[2]) - 1 if match[2] else None)


def at_place(okr: OKRSet, where: str | None) -> Objective | KeyResult | None:
    """The objective or key result a label names in a set, or None when the set has no such place."""
    found = place(where)
    if found is None or found[0] >= len(okr.objectives):
        return None
    obj = okr.objectives[found[0]]
    if found[1] is None:
        return obj
    return obj.key_results[found[1]] if found[1] < len(obj.key_results) else None


def _findings(
    target: str, facts: Facts, objective: int | None = None, key_result: int | None = None
) -> list[Finding]:
    out = []
    values = None
    for rule in _fired(target, facts):
        values = values or _Format(facts, text=_short(str(facts.get("text", ""))))
        out.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                path=path_of(objective, key_result),
                objective=objective,
                key_result=key_result,
                message=rule.message.format_map(values),
                suggestion=rule.suggestion.format_map(values),
            )
        )
    return out


_NOT_WORDS = re.compile(r"[\W\d_]+")


def dedupe_key(text: str) -> str:
    """What makes two objectives or key results "the same": case, spacing, punctuation and numbers
    ignored, so "Raise NPS from 20 to 30" repeats "Raise NPS from 20 to 35"."""
    return _NOT_WORDS.sub(" ", text.casefold()).strip()  # \d covers Persian digits too


def _stems(text: str, lang: Language) -> set[str]:
    """Content-word starts of a text (first five letters): enough to see a copied sentence."""
    words = re.findall(r"[^\W\d_]+", languages.normalise(text).casefold())
    return {w[:5] for w in words if len(w) > 2 and w not in lang.stopwords}


def states_problem(text: str, lang: Language) -> bool:
    """An objective built on negation, "too few/slow" or "nobody": a complaint, not an outcome."""
    return bool(lang.problem.search(languages.normalise(text).casefold()))


def same_objective(a: set[str], b: set[str]) -> bool:
    """Two objectives say the same thing: the shorter one's content words are (almost) all in the other."""
    small = min(len(a), len(b))
    return small >= 2 and len(a & b) / small >= 0.8


def copies(text: str, goal: str | None, lang: Language) -> bool:
    """True when an objective is mostly the goal's own words (the complaint copied as the objective)."""
    if not goal:
        return False
    mine, theirs = _stems(text, lang), _stems(goal, lang)
    return len(mine) >= 2 and len(mine & theirs) / len(mine) >= 0.75


@cache
def _catalogue_polarity() -> dict[str, str]:
    """Metric id -> polarity, read only when a key result names a catalogue metric (drafts do)."""
    from assistant import catalogue

    try:
        return {m.id: m.polarity for m in catalogue.load().metrics.values()}
    except catalogue.CatalogueError:
        return {}


def _usable(value: float) -> bool:
    """A number a person could aim at: not NaN, not infinite, not beyond a trillion."""
    return math.isfinite(value) and abs(value) < 1e12


def _kr_facts(kr: KeyResult, feats: TextFeatures, context_timebound: bool) -> Facts:
    facts = feats.facts()
    baseline = kr.baseline if kr.baseline is not None else feats.baseline
    target = kr.target if kr.target is not None else feats.target
    direction = kr.direction.value if kr.direction else feats.direction
    conflict = feats.direction_conflict
    if baseline is not None and target is not None and direction in ("increase", "decrease"):
        conflict = target < baseline if direction == "increase" else target > baseline
    facts.update(
        text=kr.text,
        has_quantity=feats.has_quantity or kr.target is not None,
        text_quantity=feats.has_quantity,
        baseline_known=feats.has_baseline or kr.baseline is not None,
        baseline=baseline,
        target=target,
        target_field=kr.target,
        direction=direction,
        direction_conflict=conflict,
        timebound=feats.has_timeframe or bool(kr.deadline) or context_timebound,
        baseline_source=kr.baseline_source.value if kr.baseline_source else None,
        duplicate_of=None,
        bad_number=next(
            (f"{v:g}" for v in (kr.baseline, kr.target) if v is not None and not _usable(v)), None
        ),
    )
    polarity = _catalogue_polarity().get(kr.metric_id) if kr.metric_id else None
    if polarity:  # a catalogue metric has a definition and a data source: measurable by construction
        facts["has_vague_metric"] = False
    facts["polarity"] = polarity or feats.polarity
    wanted = {"higher": "increase", "lower": "decrease"}.get(facts["polarity"] or "")
    facts["wrong_direction"] = bool(wanted and direction in ("increase", "decrease") and direction != wanted)
    last = feats.quantities[-1] if feats.quantities else None  # "raise X to 0": a target without a range
    facts["zero_target"] = direction == "increase" and (target == 0 or (target is None and last == 0))
    facts["no_change"] = (
        baseline is not None
        and target is not None
        and baseline == target
        and direction != "stay"
        and facts["baseline_known"]
    )
    return facts


def _check_objective(
    i: int, obj: Objective, lang: Language, cycle: str | None, seen: dict[str, Any], goal: str | None = None
) -> tuple[list[Finding], list[set[str | None]]]:
    """Findings for one objective and its key results, plus per-key-result dimension hits."""
    ofeats = analyse(obj.title, lang)
    title_key = "title:" + dedupe_key(obj.title)
    stems = _stems(obj.title, lang)
    titles: list[tuple[set[str], str]] = seen.setdefault("titles", [])
    earlier = seen.get(title_key) if dedupe_key(obj.title) else None
    earlier = earlier or next((where for other, where in titles if same_objective(stems, other)), None)
    ofacts = ofeats.facts() | {
        "text": obj.title,
        "kr_count": len(obj.key_results),
        "duplicate_of": earlier,
        "copies_goal": copies(obj.title, goal, lang),
        "is_problem": states_problem(obj.title, lang),
    }
    seen.setdefault(title_key, label(i))
    titles.append((stems, label(i)))
    findings = _findings("objective", ofacts, i)
    hits = []
    for j, kr in enumerate(obj.key_results):
        facts = _kr_facts(kr, analyse(kr.text, lang), bool(cycle) or ofeats.has_timeframe)
        key = dedupe_key(kr.text)
        if key and key in seen:
            facts["duplicate_of"] = seen[key]
        seen.setdefault(key, label(i, j))
        found = _findings("key_result", facts, i, j)
        findings += found
        hits.append({rule_by_id()[f.rule].dimension for f in found if f.severity != Severity.info})
    return findings, hits


def _score(hits: list[set[str | None]], structural: list[Finding]) -> SubScores:
    def share(dim: str) -> int:
        return round(100 * sum(1 for h in hits if dim not in h) / len(hits)) if hits else 0

    penalty = sum(STRUCTURE_PENALTY[f.severity] for f in structural)
    return SubScores(**{d: share(d) for d in DIMENSIONS}, structure=max(0, 100 - penalty))


def language_of(okr: OKRSet) -> str:
    """The set's language: declared, or detected from all of its text at once."""
    if okr.language and okr.language in languages.available():
        return okr.language
    text = " ".join(
        [o.title for o in okr.objectives] + [kr.text for o in okr.objectives for kr in o.key_results]
    )
    return languages.detect(text or (okr.goal or ""))


def _objective_language(obj: Objective, default: str) -> str:
    """Sets pasted from several sources mix languages: each objective is read in its own."""
    return languages.detect(" ".join([obj.title] + [kr.text for kr in obj.key_results]), default=default)


_VERBATIM = re.compile(r"[\W_]+")


def _verbatim(text: str) -> str:
    """Text as copied: case, spacing and punctuation ignored, numbers kept."""
    return _VERBATIM.sub(" ", text.casefold()).strip()


def _same_metric(kr: KeyResult, other: KeyResult, lang: Language) -> bool:
    """Two key results measure the same thing: the same catalogue metric or metric name, or (written
    by people) the same content words once the leading verb is set aside."""
    if kr.metric_id and other.metric_id:
        return kr.metric_id == other.metric_id
    if kr.metric and other.metric:
        return kr.metric.casefold().strip() == other.metric.casefold().strip()
    mine, theirs = (_stems(" ".join(t.split()[1:]), lang) for t in (kr.text, other.text))
    return same_objective(mine, theirs)


def _direction(kr: KeyResult, lang: Language) -> str | None:
    direction = _kr_facts(kr, analyse(kr.text, lang), False)["direction"]
    return str(direction) if direction else None


def _alignment(okr: OKRSet, parent: OKRSet, code: str) -> list[Finding]:
    """A team set against the plan it was cascaded from: links that point nowhere, key results that
    copy their parent, metrics moved against the parent's direction, objectives linked to nothing."""
    lang = languages.get(code)
    out: list[Finding] = []
    for i, obj in enumerate(okr.objectives):
        for j, kr in enumerate(obj.key_results):
            if not kr.parent:
                continue
            up = at_place(parent, kr.parent)
            up_kr = up if isinstance(up, KeyResult) else None
            facts = {
                "text": kr.text,
                "parent": kr.parent,
                "parent_found": up is not None,
                "parent_text": (up.text if isinstance(up, KeyResult) else up.title) if up else "",
                "copies_parent": bool(up_kr and _verbatim(kr.text) == _verbatim(up_kr.text)),
                "against_parent": bool(
                    up_kr
                    and _same_metric(kr, up_kr, lang)
                    and {_direction(kr, lang), _direction(up_kr, lang)} == {"increase", "decrease"}
                ),
            }
            out += _findings("aligned_key_result", facts, i, j)
        linked = any(kr.parent for kr in obj.key_results)
        mine = _stems(obj.title, lang)
        copied = next(
            (
                label(k)
                for k, up in enumerate(parent.objectives)
                if same_objective(mine, _stems(up.title, lang))
            ),
            None,
        )
        facts = {"text": obj.title, "linked": linked, "copies_objective": copied}
        out += _findings("aligned_objective", facts, i)
    return out


def _support(okr: OKRSet) -> list[Finding]:
    """The plan's key results that no cascaded team key result feeds (naming it or its objective)."""
    fed = {
        place(kr.parent)
        for team in okr.teams
        for obj in team.objectives
        for kr in obj.key_results
        if kr.parent
    }
    out: list[Finding] = []
    for i, obj in enumerate(okr.objectives):
        for j, kr in enumerate(obj.key_results):
            count = int((i, j) in fed or (i, None) in fed)
            facts = {"text": kr.text, "teams": len(okr.teams), "supported_by": count}
            out += _findings("supported_key_result", facts, i, j)
    return out


def validate(okr: OKRSet, language: str | None = None, parent: OKRSet | None = None) -> Report:
    """Check a whole OKR set. Deterministic: the same set always gets the same report. With `parent`
    (the plan a team set was cascaded from) the links are checked too; a plan with `teams` says which
    of its key results no team feeds."""
    fixed = language or (okr.language if okr.language in languages.available() else None)
    code = fixed or language_of(okr)
    findings = _findings("set", {"objective_count": len(okr.objectives)})
    hits: list[set[str | None]] = []
    seen: dict[str, str] = {}
    for i, obj in enumerate(okr.objectives):
        lang = languages.get(fixed or _objective_language(obj, code))
        found, kr_hits = _check_objective(i, obj, lang, okr.cycle, seen, okr.goal)
        findings += found
        hits += kr_hits
    if parent is not None:
        findings += _alignment(okr, parent, code)
    if okr.teams:
        findings += _support(okr)
    # The set's shape: objective and set findings, and key results that repeat one another.
    structural = [
        f for f in findings if f.key_result is None or rule_by_id()[f.rule].dimension == "structure"
    ]
    subs = _score(hits, structural)
    total = round(sum(getattr(subs, k) * w for k, w in WEIGHTS.items()) / sum(WEIGHTS.values()))
    counts = {s.value + "s": sum(1 for f in findings if f.severity == s) for s in Severity}
    return Report(
        passed=counts["errors"] == 0,
        score=total if okr.objectives else 0,
        sub_scores=subs,
        findings=findings,
        language=code,
        counts=counts,
    )


def validate_tree(okr: OKRSet, language: str | None = None) -> list[tuple[OKRSet, Report]]:
    """A plan and every team set cascaded from it (depth first), each checked against its parent."""

    def walk(node: OKRSet, parent: OKRSet | None) -> list[tuple[OKRSet, Report]]:
        out = [(node, validate(node, language, parent))]
        for team in node.teams:
            out += walk(team, node)
        return out

    return walk(okr, None)


def check_text(
    text: str,
    kind: str = "key_result",
    language: str | None = None,
    goal: str | None = None,
    siblings: tuple[str, ...] | list[str] = (),
) -> list[Finding]:
    """Findings for one objective or key result on its own (tests, evals, the UI); `siblings` are
    the texts before it in the same set, `goal` what the user typed."""
    lang = languages.get(language or languages.detect(text))
    duplicate = "an earlier one" if dedupe_key(text) in {dedupe_key(s) for s in siblings} else None
    if kind == "objective" and any(same_objective(_stems(text, lang), _stems(s, lang)) for s in siblings):
        duplicate = "an earlier one"
    if kind == "objective":
        feats = analyse(text, lang)
        facts = feats.facts() | {
            "text": text,
            "kr_count": 3,
            "duplicate_of": duplicate,
            "copies_goal": copies(text, goal, lang),
            "is_problem": states_problem(text, lang),
        }
        return _findings("objective", facts)
    facts = _kr_facts(KeyResult(text=text), analyse(text, lang), False)
    facts["duplicate_of"] = duplicate
    return _findings("key_result", facts)
