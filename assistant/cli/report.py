"""The one text renderer for a validator report, used by `okr check` and `okr draft`.

The linter and the drafter show the same thing, findings under the objective and key result they
concern, so they share this layout; what only a draft has (why, baselines, initiatives, sources) comes
in through `Extras`, and each command brings its own head and foot lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.cli.common import Paint, plain

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from assistant.domain import Finding, KeyResult, Objective, OKRSet, Report

ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}
OBJECTIVE, KEY_RESULT = " " * 3, " " * 6  # indents of what concerns an objective, a key result


class Extras:
    """Lines a front end adds beside the findings; the linter adds none. Returned lines are indented
    by the renderer, so a subclass only says what to show."""

    hidden_rules: frozenset[str] = frozenset()  # findings shown another way (e.g. on a detail line)

    def under_objective(self, i: int, objective: Objective) -> list[str]:
        return []

    def under_key_result(self, i: int, j: int, key_result: KeyResult) -> list[str]:
        return []

    def after_objective(self, i: int, objective: Objective) -> list[str]:
        return []


def score_line(report: Report, paint: Paint = plain, name: str = "") -> str:
    """'score 80/100 (en) — measurable ..., ...': the verdict in numbers, with the sub-scores."""
    subs = report.sub_scores
    head = f"{name}  " if name else ""
    return (
        f"{head}{paint(f'score {report.score}/100', 'bold')} ({report.language}) — measurable {subs.measurable}, "
        f"time-bound {subs.time_bound}, outcome-focused {subs.outcome_focused}, "
        f"baseline {subs.baseline_ambition}, structure {subs.structure}"
    )


def verdict_line(report: Report, paint: Paint = plain) -> str:
    """'PASSED: 0 error(s), 1 warning(s), 2 info': what the exit code says, in words."""
    c = report.counts
    verdict = paint("PASSED", "ok") if report.passed else paint("FAILED", "error")
    return f"{verdict}: {c['errors']} error(s), {c['warnings']} warning(s), {c['infos']} info"


def render_report(
    report: Report,
    okr: OKRSet | None = None,
    paint: Paint = plain,
    *,
    head: Sequence[str] | None = None,
    foot: Sequence[str] | None = None,
    extras: Extras | None = None,
) -> str:
    """The report for people: findings grouped under the objective and key result they concern.

    Without the OKR set the places come from the findings themselves (titles unknown). `head` and
    `foot` default to the score line and the verdict; `extras` adds a front end's own lines.
    """
    extras = extras or Extras()
    lines = list([score_line(report, paint)] if head is None else head)
    if report.at():
        lines += ["", paint("Set", "bold"), *_findings(report.at(), "  ", paint, extras)]
    for i, obj in _objectives(report, okr):
        lines += _objective(report, i, obj, paint, extras)
    lines += ["", verdict_line(report, paint)] if foot is None else foot
    return "\n".join(lines)


def _objective(report: Report, i: int, obj: Objective | None, paint: Paint, extras: Extras) -> list[str]:
    """One objective: its title, its findings, then each key result with its own."""
    lines = ["", paint(f"O{i + 1}", "bold")]
    if obj:
        lines[-1] += f" {obj.title or paint('(untitled objective)', 'dim')}"
        lines += [OBJECTIVE + x for x in extras.under_objective(i, obj)]
    lines += _findings(report.at(i), OBJECTIVE, paint, extras)
    for j, kr in _key_results(report, i, obj):
        lines.append(OBJECTIVE + paint(f"KR{j + 1}", "bold"))
        if kr:
            lines[-1] += f" {kr.text}"
            lines += [KEY_RESULT + x for x in extras.under_key_result(i, j, kr)]
        lines += _findings(report.at(i, j), KEY_RESULT, paint, extras)
    if obj:
        lines += [OBJECTIVE + x for x in extras.after_objective(i, obj)]
    return lines


def _findings(findings: list[Finding], indent: str, paint: Paint, extras: Extras) -> list[str]:
    """Each finding as two lines: severity, rule and message; then the suggested fix."""
    lines = []
    for f in findings:
        if f.rule in extras.hidden_rules:
            continue
        sev = f.severity.value
        lines.append(f"{indent}{paint(ICONS[sev] + ' ' + sev, sev)} {paint(f.rule, 'dim')}: {f.message}")
        lines.append(f"{indent}  {paint('→', 'dim')} {f.suggestion}")
    return lines


def _objectives(report: Report, okr: OKRSet | None) -> list[tuple[int, Objective | None]]:
    """The set's objectives, or without a set the objective indices the findings name."""
    if okr is not None:
        return list(enumerate(okr.objectives))
    return [(i, None) for i in sorted({f.objective for f in report.findings if f.objective is not None})]


def _key_results(report: Report, i: int, obj: Objective | None) -> list[tuple[int, KeyResult | None]]:
    """An objective's key results, or without it the key-result indices the findings name."""
    if obj is not None:
        return list(enumerate(obj.key_results))
    named = {f.key_result for f in report.findings if f.objective == i and f.key_result is not None}
    return [(j, None) for j in sorted(named)]
