"""An OKR set as Markdown, CSV or JSON: what people take away from the CLI, the web chat and batch."""

from __future__ import annotations

import csv
import io

from assistant.domain import KeyResult, OKRSet, Report

CSV_COLUMNS = [
    "objective",
    "key_result",
    "metric",
    "baseline",
    "target",
    "unit",
    "direction",
    "deadline",
    "baseline_source",
    "findings",
]


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
    lines = [f"# OKRs: {okr.goal}" if okr.goal else "# OKRs", ""]
    meta = [f"{k.capitalize()}: {v}" for k, v in (("team", okr.team), ("cycle", okr.cycle)) if v]
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


def to_csv(okr: OKRSet, report: Report | None = None) -> str:
    """One row per key result, with its objective and findings: opens in any spreadsheet."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for i, obj in enumerate(okr.objectives):
        for j, kr in enumerate(obj.key_results):
            found = _findings_for(report, i, j)
            writer.writerow(
                {
                    "objective": obj.title,
                    "key_result": kr.text,
                    "metric": kr.metric or "",
                    "baseline": _num(kr.baseline),
                    "target": _num(kr.target),
                    "unit": kr.unit or "",
                    "direction": kr.direction.value if kr.direction else "",
                    "deadline": kr.deadline or "",
                    "baseline_source": kr.baseline_source.value if kr.baseline_source else "",
                    "findings": "; ".join(f"{f.severity.value} {f.rule}" for f in found),
                }
            )
    return out.getvalue()


def to_json(okr: OKRSet, report: Report | None = None) -> str:
    import json

    data = {"okr_set": okr.model_dump(mode="json")}
    if report:
        data["validation"] = report.model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2)
