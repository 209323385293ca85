"""An OKR set as Markdown, CSV or JSON: what people take away from the CLI, the web chat and batch."""

from __future__ import annotations

import csv
import io
import re

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
    """Markdown that `okr check` reads back: objectives as headings, key results as bullets."""
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
    return "\n".join(lines).rstrip() + "\n"


def to_csv(okr: OKRSet, report: Report | None = None, goal_id: str = "", bom: bool = True) -> str:
    """One row per key result with its objective and findings (CSV_COLUMNS). UTF-8 with a BOM so
    Excel opens Italian, Polish and Persian text correctly; plain numbers; no cell runs as a
    formula (see csv_cell). `okr check` and `okr kb add` read it back."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
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
            }
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return ("\ufeff" if bom else "") + out.getvalue()


def to_json(okr: OKRSet, report: Report | None = None) -> str:
    import json

    data = {"okr_set": okr.model_dump(mode="json")}
    if report:
        data["validation"] = report.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2)
