"""`okr check`: the linter. Pure Python on the validator, so it starts fast and runs anywhere."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.common import (
    COLOR_CHOICES,
    EXIT_FINDINGS,
    EXIT_OK,
    UserError,
    cycle,
    format_flag,
    paint_for,
)

FORMATS = ["text", "json", "md", "md-table", "csv"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser(
        "check",
        help="lint OKRs: say what is wrong with each objective and key result and how to fix it",
        description="Lint an OKR set. Reads JSON (the OKRSet schema), YAML, plain text / Markdown "
        "('Objective: ...' lines with bulleted key results, headings with task lists, tables) and "
        "spreadsheets (.csv, .xlsx). Exit 0: no errors; 1: errors found; 2: unreadable input.",
    )
    check.add_argument(
        "file", nargs="?", default="-", help="file to check, or - for standard input (default)"
    )
    format_flag(
        check,
        FORMATS,
        help="report format: text (default); json (the report and the set as read); md (the set as "
        "Markdown, findings under each key result); md-table (one Markdown table with a Findings "
        "column: Notion imports it as a page with a table); csv (one row per key result with its "
        "findings). A plan with `teams:` includes the team sets",
    )
    check.add_argument(
        "--input-format",
        choices=["auto", "json", "yaml", "text", "csv"],
        default="auto",
        help="input format (default: auto)",
    )
    check.add_argument(
        "--lang", default="auto", help="language of the OKRs: auto, en, it, pl, fa, es, de (default: auto)"
    )
    check.add_argument(
        "--cycle",
        type=cycle,
        help="the cycle to check when the file holds several (default: the latest); for a file "
        "with none, the cycle it belongs to, e.g. 2026-Q1 (makes it time-bound)",
    )
    check.add_argument(
        "--show-structure",
        action="store_true",
        help="print how the document was read (objectives, key results, source lines) before the "
        "report (text format only)",
    )
    check.add_argument("--color", choices=COLOR_CHOICES, default="auto", help="colour the text report")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant import languages
    from assistant.cli.report import render_report, score_line
    from assistant.parsing import InputError, read, read_document, structure_lines
    from assistant.validator import validate_tree

    try:
        text, name = read(args.file)
        fmt = None if args.input_format == "auto" else args.input_format
        reading = read_document(text, name, fmt, cycle=args.cycle)
    except InputError as exc:
        raise UserError(str(exc)) from None
    okr = reading.okr_set
    if reading.note and args.format != "json":
        print(f"okr: {reading.note} (pick one with --cycle)", file=sys.stderr)
    if args.show_structure and args.format == "text":
        print("\n".join(structure_lines(okr)) + "\n")
    lang = None if args.lang == "auto" else args.lang
    if lang and lang not in languages.available():
        raise UserError(f"unknown language {lang!r}; available: {', '.join(languages.available())}")
    # A plan with cascaded team sets (`teams:`) is checked whole: each team against the plan.
    (_, report), *teams = validate_tree(okr, language=lang)
    passed = report.passed and all(r.passed for _, r in teams)
    if args.format == "json":  # the report, and the set as it was read, so anyone can see how
        import json  # for this format only

        data = report.model_dump(mode="json") | {"okr_set": okr.model_dump(mode="json", exclude_none=True)}
        data["cycles"], data["note"] = reading.cycles, reading.note
        if teams:
            data["teams"] = [{"team": t.team, **r.model_dump(mode="json")} for t, r in teams]
            data["all_passed"] = passed
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif args.format != "text":
        from assistant import export

        if args.format == "md":
            out = export.to_markdown(okr, report)
        elif args.format == "md-table":
            by_team = {id(t): r for t, r in teams}
            out = export.to_markdown_table(okr, report, [by_team[id(t)] for t in okr.teams])
        else:
            out = export.to_csv(okr, report)
        print(out, end="")
    else:
        paint = paint_for(args.color)
        head = [score_line(report, paint, name if name != "<stdin>" else "")]
        print(render_report(report, okr, paint, head=head))
        for team, team_report in teams:
            head = ["", score_line(team_report, paint, f"team {team.team or '?'}")]
            print(render_report(team_report, team, paint, head=head))
    return EXIT_OK if passed else EXIT_FINDINGS
