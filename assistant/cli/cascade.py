"""`okr cascade`: a company plan in, one aligned OKR set per team out, each key result linked to the
plan key result it feeds, every set and every link checked."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.common import (
    EXIT_FINDINGS,
    EXIT_MODEL,
    EXIT_OK,
    Paint,
    UserError,
    cycle,
    drafting_flags,
    format_flag,
    paint_for,
    settings,
)
from assistant.cli.draft import DraftExtras

TYPE_CHECKING = False
if TYPE_CHECKING:
    from assistant.domain import CascadeResult, KeyResult, OKRSet


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    cascade = subparsers.add_parser(
        "cascade",
        help="draft team OKRs aligned to a company plan, each key result linked to what it feeds",
        description="Cascade a company plan to teams: for each team, draft an objective whose key "
        "results feed the plan's key results (seed 003's example: product, marketing and customer "
        "success under 'grow expansion revenue'). PLAN is a file in any format `okr check` reads, or "
        "one company objective in quotes. Exit 0: every team set passes; 1: one still has errors; "
        "2: bad input; 4: model failure.",
    )
    cascade.add_argument("plan", help='a plan file, or the company objective, e.g. "Grow expansion revenue"')
    cascade.add_argument(
        "--teams", required=True, help="comma-separated teams, e.g. marketing,sales,customer-success"
    )
    cascade.add_argument("--lang", default="auto", help="language of the team sets (default: the plan's)")
    cascade.add_argument(
        "--cycle",
        type=cycle,
        help="cycle such as 2026-Q1 (default: the plan's, or the quarter being planned)",
    )
    format_flag(cascade, ["text", "json", "md", "md-table", "csv"])
    cascade.add_argument(
        "--output", "-o", metavar="FILE", help="write the result here instead of printing it"
    )
    drafting_flags(cascade)
    cascade.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant.cascade import CascadeError, cascade, parse_teams, read_plan
    from assistant.cli.progress import Stages
    from assistant.drafting import Drafter, DraftError

    try:
        teams = parse_teams(args.teams)
        plan = read_plan(args.plan, args.lang, args.cycle)
    except CascadeError as exc:
        raise UserError(str(exc)) from None
    chosen = settings(args)
    with Stages(enabled=not args.quiet) as progress:
        try:
            drafter = Drafter(chosen, progress=progress, repair_rounds=args.repair_rounds)
            result = cascade(drafter, plan, teams)
        except DraftError as exc:
            raise UserError(str(exc), EXIT_MODEL) from None
    text = render(result, args.format, paint_for(args.color if not args.output else "never"))
    if args.output:
        from pathlib import Path

        from assistant.files import write_atomic

        try:
            write_atomic(Path(args.output), text)
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"okr: wrote {args.output}", file=sys.stderr)
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    return EXIT_OK if result.passed else EXIT_FINDINGS


def render(result: CascadeResult, fmt: str, paint: Paint) -> str:
    from assistant import export

    if fmt == "json":
        return result.model_dump_json(indent=2, exclude_none=True) + "\n"
    if fmt == "md":
        return export.to_markdown(result.plan)
    if fmt == "md-table":  # one table, Team and Feeds columns: Notion imports it as a page
        return export.to_markdown_table(result.plan, result.validation, result.team_reports)
    if fmt == "csv":
        return export.to_csv(result.plan)
    return format_cascade(result, paint)


def format_cascade(result: CascadeResult, paint: Paint) -> str:
    """The plan, then each team's set under it with the plan key result each key result feeds, then
    what no team feeds."""
    from assistant import kb
    from assistant.cli.report import render_report, verdict_line

    plan = result.plan
    lines = [paint("Company plan", "bold") + f" ({plan.language} · {plan.cycle})"]
    for i, obj in enumerate(plan.objectives):
        lines.append(f"  O{i + 1} {obj.title}")
        lines += [f"     KR{j + 1} {kr.text}" for j, kr in enumerate(obj.key_results)]
    examples = {e.id: e for e in kb.load_all()}
    for team, report in zip(plan.teams, result.team_reports, strict=True):
        head = ["", paint(f"Team {team.team}", "bold") + f" — quality {report.score}/100"]
        extras = CascadeExtras(paint, examples, plan)
        lines.append(
            render_report(
                report, team, paint, head=head, foot=["", verdict_line(report, paint)], extras=extras
            )
        )
    unfed = [f for f in result.validation.findings if f.rule == "align.unsupported"]
    if unfed:
        lines += ["", paint("Not fed by any team", "bold")]
        lines += [
            f"  O{f.objective + 1} KR{f.key_result + 1}: {f.message}"
            for f in unfed
            if f.objective is not None and f.key_result is not None
        ]
    lines += ["", paint(f"{len(plan.teams)} team(s) in {result.seconds:.1f} s · model {result.model}", "dim")]
    lines += [paint(f"note: {n}", "dim") for n in result.notes]
    return "\n".join(lines) + "\n"


class CascadeExtras(DraftExtras):
    """A draft's extras, plus the plan key result each team key result feeds."""

    def __init__(self, paint: Paint, examples: dict, plan: OKRSet):
        super().__init__(paint, examples)
        self.plan = plan

    def under_key_result(self, i: int, j: int, key_result: KeyResult) -> list[str]:
        from assistant.validator import at_place

        lines = super().under_key_result(i, j, key_result)
        if key_result.parent:
            up = at_place(self.plan, key_result.parent)
            text = getattr(up, "text", None) or getattr(up, "title", None) or "?"
            lines.append(self.paint(f"feeds {key_result.parent}: {text}", "dim"))
        return lines
