"""`okr score`: each key result 0-1 from its check-ins, each objective the mean, in seed 003's bands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from assistant.cli.common import COLOR_CHOICES, EXIT_OK, UserError, format_flag, paint_for

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import TextIO

FORMATS = ["text", "json", "md", "csv"]
CSV_COLUMNS = [
    "objective_id",
    "key_result_id",
    "key_result",
    "baseline",
    "target",
    "value",
    "score",
    "confidence",
    "as_of",
    "band",
]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    score = subparsers.add_parser(
        "score",
        help="score a plan from its check-ins: 0-1 per key result, the mean per objective",
        description="Score each key result from 0 to 1 (the share of the way from baseline to target, "
        "in the direction that counts, capped) using the latest check-in on or before --at; each "
        "objective is the mean. 0.7 is a healthy score for an ambitious set; 1.0 everywhere means the "
        "goals were too easy. Add check-ins with `okr checkin`.",
    )
    score.add_argument(
        "plan", help="the OKR plan (JSON or YAML with `checkins`, or any format okr check reads)"
    )
    score.add_argument(
        "--at", type=dt.date.fromisoformat, help="score as of this date, YYYY-MM-DD (default today)"
    )
    format_flag(
        score,
        FORMATS,
        help="output format: text (default); json (for tools); md (a Markdown table: key result, score, "
        "band, value, as of); csv (one row per key result: " + ", ".join(CSV_COLUMNS) + ")",
    )
    score.add_argument("--chart", metavar="PNG", help="also draw each key result's progress over time")
    score.add_argument("--color", choices=COLOR_CHOICES, default="auto")
    score.set_defaults(func=run)


def read_plan(path: str):
    """The plan as a domain set; unreadable input is a one-line user error."""
    from assistant.parsing import InputError, read, read_document

    try:
        text, name = read(path)
        return read_document(text, name).okr_set
    except InputError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from assistant.score import ScoreError, band, scorecard

    okr = read_plan(args.plan)
    try:
        card = scorecard(okr, args.at)
    except ScoreError as exc:
        raise UserError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(_as_json(card), indent=2, ensure_ascii=False, default=str))
    elif args.format == "md":
        print(_markdown(card, band), end="")
    elif args.format == "csv":
        print(_csv(card, band), end="")
    else:
        paint = paint_for(args.color)
        print("\n".join(_lines(card, band, paint)))
    if args.chart:  # the line naming the chart stays out of json, md and csv output
        _chart(okr, args.chart, sys.stdout if args.format == "text" else sys.stderr)
    return EXIT_OK


def _as_json(card) -> dict:
    from dataclasses import asdict

    return {
        "at": card.at,
        "score": card.score,
        "objectives": [asdict(o) for o in card.objectives],
        "warnings": card.warnings,
    }


def _band_of(kr, band) -> str:
    """The band of a key result's score, or why it has none."""
    if kr.problem:
        return f"cannot score: {kr.problem}"
    return "no check-in yet" if kr.score is None else band(kr.score)


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def _markdown(card, band) -> str:
    """The scorecard as Markdown: the overall score, each objective's, then one table of key results."""
    from assistant.export import table_lines

    overall = card.score
    title = f"# Score as of {card.at}: {_fmt(overall).strip()}"
    lines = [title + (f" ({band(overall)})" if overall is not None else ""), ""]
    for obj in card.objectives:
        verdict = f" ({band(obj.score)})" if obj.score is not None else ""
        lines.append(f"- {obj.label} {_fmt(obj.score).strip()}{verdict}: {obj.title}")
    rows = [
        [
            f"{kr.label}: {kr.text}",
            "" if kr.score is None else f"{kr.score:.2f}",
            _band_of(kr, band),
            _num(kr.value),
            str(kr.as_of or ""),
        ]
        for obj in card.objectives
        for kr in obj.key_results
    ]
    lines += ["", *table_lines(["Key result", "Score", "Band", "Value", "As of"], rows)]
    if card.warnings:
        lines += ["", *[f"- ▲ {w}" for w in card.warnings]]
    return "\n".join(lines) + "\n"


def _csv(card, band) -> str:
    """One row per key result (CSV_COLUMNS), in the dress of the other CSV exports."""
    from assistant.export import csv_table

    rows = []
    for obj in card.objectives:
        for kr in obj.key_results:
            rows.append(
                [
                    obj.label,
                    kr.label.replace(" ", "-"),
                    kr.text,
                    _num(kr.baseline),
                    _num(kr.target),
                    _num(kr.value),
                    "" if kr.score is None else f"{kr.score:g}",
                    "" if kr.confidence is None else str(kr.confidence),
                    str(kr.as_of or ""),
                    _band_of(kr, band),
                ]
            )
    return csv_table(CSV_COLUMNS, rows)


def _fmt(score: float | None) -> str:
    return "  —  " if score is None else f"{score:.2f}"


def _lines(card, band, paint) -> list[str]:
    overall = card.score
    lines = [
        f"score as of {card.at}: {_fmt(overall)}" + (f" ({band(overall)})" if overall is not None else "")
    ]
    for obj in card.objectives:
        lines += ["", paint(f"{obj.label} {_fmt(obj.score)}  {obj.title}", "bold")]
        for kr in obj.key_results:
            if kr.problem:
                detail = paint(f"cannot score: {kr.problem}", "warning")
            elif kr.score is None:
                detail = paint(
                    "no check-in yet: `okr checkin PLAN " + kr.label.replace(" ", "") + " VALUE`", "dim"
                )
            else:
                confidence = f", confidence {kr.confidence}/10" if kr.confidence else ""
                detail = f"{kr.value:g} on {kr.as_of} ({band(kr.score)}{confidence})"
            lines.append(f"   {kr.label.split()[1]} {_fmt(kr.score)}  {kr.text}")
            lines.append(f"            {detail}")
    lines += [""] + [paint(f"▲ {w}", "warning") for w in card.warnings] if card.warnings else []
    return lines


def _chart(okr, path: str, say: TextIO) -> None:
    """Progress over time per key result (the 0-1 score of each check-in)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError("--chart needs matplotlib: pip install 'okr-assistant[eval]'") from None
    from assistant.score import scorecard

    dates = sorted({c.date for c in okr.checkins})
    if not dates:
        raise UserError("no check-ins to draw; add some with `okr checkin`")
    series: dict[str, list[float | None]] = {}
    for day in dates:
        for obj in scorecard(okr, day).objectives:
            for kr in obj.key_results:
                series.setdefault(kr.label, []).append(kr.score)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, values in series.items():
        ax.plot(dates, [v if v is not None else float("nan") for v in values], marker="o", label=name)
    ax.axhline(0.7, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score (0-1)")
    ax.legend(loc="upper left", fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"chart: {path}", file=say)
