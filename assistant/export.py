"""An OKR set as Markdown, CSV or JSON: what people take away from the CLI, the web chat and batch."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from assistant.domain import KeyResult, OKRSet, Report

# One layout for every CSV the tool writes for people: a row per key result, in order, with ids a
# spreadsheet can sort and filter on, and empty owner/confidence columns for the team to fill.
CSV_COLUMNS = [
    "goal_id",
    "cycle",
    "team",
    "objective_id",
    "objective",
    "key_result_id",
    "key_result",
    "metric",
    "baseline",
    "target",
    "unit",
    "direction",
    "due_date",
    "owner",
    "confidence",
    "baseline_source",
    "findings",
    "parent",
]


# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...), =1+1, @SUM...).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs (OWASP CSV injection advice): a leading
    ' before = + - @ tab CR. Plain numbers such as -5 stay numbers; a leading ' is doubled, so
    csv_value() gives back exactly what was written. Only for CSV: Markdown and JSON keep -5% churn."""
    if value.startswith("'") or (value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def csv_value(cell: str) -> str:
    """The value csv_cell() was given (for reading our own CSV back, e.g. ids on --resume)."""
    return cell[1:] if cell.startswith("'") else cell


def one_line(text: str | None) -> str:
    """Headings and meta lines hold one line: a newline in a goal or team must not start a new one."""
    return " ".join((text or "").split())


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def kr_detail(kr: KeyResult) -> str:
    """'baseline 30% (assumed, confirm) -> 45% by end of 2027-Q1' from the structured fields."""
    parts = []
    unit = kr.unit or ""
    sep = "" if unit in ("%", "") else " "
    if kr.baseline is not None or kr.target is not None:
        base = f"{_num(kr.baseline)}{sep}{unit}" if kr.baseline is not None else "to measure"
        source = kr.baseline_source.value if kr.baseline_source else ""
        flag = {"assumed": " (assumed: confirm)", "unknown": " (unknown: measure first)"}.get(source, "")
        parts.append(f"{base}{flag} → {_num(kr.target)}{sep}{unit}".strip())
    if kr.deadline:
        parts.append(f"by {kr.deadline}")
    return ", ".join(parts)


def _findings_for(report: Report | None, objective: int, key_result: int) -> list:
    return report.at(objective, key_result) if report else []


def to_markdown(okr: OKRSet, report: Report | None = None, examples: dict[str, str] | None = None) -> str:
    """Markdown that `okr check` reads back: objectives as headings, key results as bullets, then
    the health metrics to hold (a section of their own)."""
    lines = [f"# OKRs: {one_line(okr.goal)}" if okr.goal else "# OKRs", ""]
    meta = [f"{k.capitalize()}: {one_line(v)}" for k, v in (("team", okr.team), ("cycle", okr.cycle)) if v]
    lines += [*meta, ""] if meta else []
    if report:
        lines += [f"Validator score: {report.score}/100 ({'passed' if report.passed else 'has errors'})", ""]
    for i, obj in enumerate(okr.objectives):
        lines.append(f"## Objective {i + 1}: {obj.title}")
        if obj.why:
            lines.append(f"Why: {obj.why}")
        lines.append("")
        for j, kr in enumerate(obj.key_results):
            detail = kr_detail(kr)
            lines.append(f"- KR{j + 1}: {kr.text}" + (f"  \n  {detail}" if detail else ""))
            for f in _findings_for(report, i, j):
                lines.append(f"  - **{f.severity.value}** `{f.rule}`: {f.message} {f.suggestion}")
        if obj.initiatives:
            lines += ["", "Initiatives:"] + [f"- {text}" for text in obj.initiatives]
        if obj.examples:
            cited = ", ".join(
                f"{e} ({examples[e]})" if examples and e in examples else e for e in obj.examples
            )
            lines += ["", f"Inspired by: {cited}"]
        lines.append("")
    if okr.health:  # `okr check` reads this section back as health metrics, not as an objective
        lines += ["## Health metrics (hold, not scored)", ""]
        lines += [*(f"- {one_line(h.text)}" for h in okr.health), ""]
    lines += _teams_markdown(okr)
    return "\n".join(lines).rstrip() + "\n"


def _teams_markdown(okr: OKRSet) -> list[str]:
    """Cascaded team sets as a nested list under the plan: team, objective, key results with the
    plan key result each one feeds."""
    lines: list[str] = []
    for team in okr.teams:
        lines += [f"## Team: {one_line(team.team) or 'unnamed'}", ""]
        for i, obj in enumerate(team.objectives):
            lines.append(f"- **O{i + 1}: {obj.title}**")
            for j, kr in enumerate(obj.key_results):
                feeds = f" — feeds {kr.parent}" if kr.parent else ""
                lines.append(f"  - KR{j + 1}: {kr.text}{feeds}")
        lines.append("")
    return lines


def to_csv(okr: OKRSet, report: Report | None = None, goal_id: str = "", bom: bool = True) -> str:
    """One row per key result with its objective and findings (CSV_COLUMNS). UTF-8 with a BOM so
    Excel opens Italian, Polish and Persian text correctly; plain numbers; no cell runs as a
    formula (see csv_cell). `okr check` and `okr kb add` read it back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    _csv_rows(writer, okr, report, goal_id)
    for team in okr.teams:  # a cascade: each team's rows after the plan's, with the link they feed
        _csv_rows(writer, team, None, goal_id)
    return ("\ufeff" if bom else "") + out.getvalue()


def _csv_rows(writer: csv.DictWriter, okr: OKRSet, report: Report | None, goal_id: str) -> None:
    for i, obj in enumerate(okr.objectives):
        for j, kr in enumerate(obj.key_results):
            found = _findings_for(report, i, j)
            row = {
                "goal_id": goal_id,
                "cycle": okr.cycle or "",
                "team": okr.team or "",
                "objective_id": f"O{i + 1}",
                "objective": obj.title,
                "key_result_id": f"O{i + 1}-KR{j + 1}",
                "key_result": kr.text,
                "metric": kr.metric or kr.metric_id or "",
                "baseline": _num(kr.baseline),
                "target": _num(kr.target),
                "unit": kr.unit or "",
                "direction": kr.direction.value if kr.direction else "",
                "due_date": kr.deadline or "",
                "owner": getattr(kr, "owner", None) or "",
                "confidence": "",
                "baseline_source": kr.baseline_source.value if kr.baseline_source else "",
                "findings": "; ".join(f"{f.severity.value}: {f.message}" for f in found),
                "parent": kr.parent or "",
            }
            writer.writerow({k: csv_cell(v) for k, v in row.items()})


def to_json(okr: OKRSet, report: Report | None = None) -> str:
    import json

    data = {"okr_set": okr.model_dump(mode="json")}
    if report:
        data["validation"] = report.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2)


def md_cell(value: object) -> str:
    """A Markdown table cell: one line (newlines collapsed), pipes escaped as \\|."""
    return one_line("" if value is None else str(value)).replace("|", "\\|")


def table_lines(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table (what Notion imports as a table), every cell through md_cell."""
    lines = ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return lines


def csv_table(header: Sequence[str], rows: Sequence[Sequence[object]], bom: bool = True) -> str:
    """A CSV with this header and rows, in the same dress as to_csv: a BOM for Excel, no formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([csv_cell("" if c is None else str(c)) for c in row] for row in rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def to_markdown_table(
    okr: OKRSet, report: Report | None = None, team_reports: list[Report] | None = None
) -> str:
    """The set as one Markdown table (Notion imports a .md like this as a page with a table): a title,
    a meta line, then a row per key result with its objective, baseline, target, due date, owner and
    findings. A cascaded plan adds its team sets' rows, with Team and Feeds columns; `team_reports`
    (one per team, in order) fills their findings. Findings about the whole set follow the table."""
    title = okr.goal or okr.name
    lines = [f"# OKRs: {one_line(title)}" if title else "# OKRs", ""]
    # Cycle first: `okr check` reads "Cycle: 2027-Q1 · Team: growth" back as both.
    meta = " · ".join(f"{k}: {one_line(v)}" for k, v in (("Cycle", okr.cycle), ("Team", okr.team)) if v)
    lines += [meta, ""] if meta else []
    if report:
        lines += [f"Validator score: {report.score}/100 ({'passed' if report.passed else 'has errors'})", ""]
    header = ["Objective", "Key result", "Baseline", "Target", "Due", "Owner", "Feeds", "Findings"]
    rows = _table_rows(okr, report)
    if okr.teams:
        header = ["Team", *header]
        rows = [[okr.team or "plan", *row] for row in rows]
        reports = list(team_reports or [])
        for k, team in enumerate(okr.teams):
            found = reports[k] if k < len(reports) else None
            rows += [[team.team or "", *row] for row in _table_rows(team, found)]
    else:  # a single set feeds nothing: no Feeds column
        header.remove("Feeds")
        rows = [row[:6] + row[7:] for row in rows]
    lines += table_lines(header, rows)
    general = [("", f) for f in (report.at() if report else [])]
    for team, found in zip(okr.teams, team_reports or [], strict=False):
        general += [(f"team {one_line(team.team) or '?'}: ", f) for f in found.at()]
    if general:
        lines += ["", "Findings on the whole set:"]
        lines += [f"- {who}{f.severity.value}: {f.message} {f.suggestion}".rstrip() for who, f in general]
    return "\n".join(lines) + "\n"


def _table_rows(okr: OKRSet, report: Report | None) -> list[list[str]]:
    """Objective, key result, baseline, target, due, owner, feeds, findings: a row per key result (an
    objective without key results still gets one); the objective's own findings on its first row."""
    rows = []
    for i, obj in enumerate(okr.objectives):
        objective = f"O{i + 1}: {obj.title}"
        about = [f"objective: {f.severity.value}: {f.message}" for f in (report.at(i) if report else [])]
        if not obj.key_results:
            rows.append([objective, "", "", "", "", obj.owner or "", "", "; ".join(about)])
        for j, kr in enumerate(obj.key_results):
            found = (about if j == 0 else []) + [
                f"{f.severity.value}: {f.message}" for f in _findings_for(report, i, j)
            ]
            unit = kr.unit or ""
            sep = "" if unit in ("%", "") else " "
            rows.append(
                [
                    objective,
                    f"KR{j + 1}: {kr.text}",
                    f"{_num(kr.baseline)}{sep}{unit}" if kr.baseline is not None else "",
                    f"{_num(kr.target)}{sep}{unit}" if kr.target is not None else "",
                    kr.deadline or "",
                    kr.owner or obj.owner or "",
                    kr.parent or "",
                    "; ".join(found),
                ]
            )
    return rows
