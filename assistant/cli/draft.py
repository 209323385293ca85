"""`okr draft`: one goal in, a drafted and validated OKR set out (text, JSON, Markdown or CSV)."""

from __future__ import annotations

import argparse

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
from assistant.cli.report import Extras, render_report

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from assistant.domain import DraftRequest, DraftResult, Example, KeyResult, Objective

# Shown on the key result's detail line ('30% (assumed: confirm) → 45%'), not again as findings.
BASELINE_RULES = frozenset({"kr.baseline-assumed", "kr.baseline-unknown"})
FORMATS = ["text", "json", "md", "md-table", "csv"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    draft = subparsers.add_parser(
        "draft",
        help="draft objectives and SMART key results from a vague goal",
        description="Draft OKRs for a goal: retrieve similar library examples, draft with the model, "
        "validate, and repair key results with errors. Runs offline on the embedded model by default. "
        "Exit 0: the draft passes the validator; 1: it still has errors; 2: bad input; 4: model failure.",
    )
    draft.add_argument("goal", help='the goal in your words, e.g. "Vogliamo vendere di più online"')
    draft.add_argument("--team", help="team or function, e.g. marketing, seo, product, sales")
    draft.add_argument(
        "--lang", default="auto", help="language of the draft: auto (the goal's), en, it, pl, fa, es, de"
    )
    draft.add_argument(
        "--objectives", type=int, default=1, metavar="N", help="number of objectives, 1-5 (default 1)"
    )
    draft.add_argument(
        "--cycle", type=cycle, help="cycle such as 2026-Q1 (default: the quarter being planned)"
    )
    draft.add_argument("--context", metavar="FILE", help="a text file with background: numbers, constraints")
    format_flag(
        draft,
        FORMATS,
        aliases={"--json": "json", "--md": "md"},
        help="output format: text (default); json (the set, the validator's report, examples, timings); "
        "md (Markdown that `okr check` reads back); md-table (one Markdown table: Notion imports it as "
        "a page with a table); csv (one row per key result with its findings)",
    )
    drafting_flags(draft)
    draft.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant.cli.progress import Stages
    from assistant.drafting import Drafter, DraftError

    request = _request(args)
    chosen = settings(args)
    with Stages(enabled=not args.quiet) as progress:
        try:
            result = Drafter(chosen, progress=progress, repair_rounds=args.repair_rounds).draft(request)
        except DraftError as exc:
            raise UserError(str(exc), EXIT_MODEL) from None
    print(render(result, args.format, paint_for(args.color)), end="")
    return EXIT_OK if result.validation.passed else EXIT_FINDINGS


def render(result: DraftResult, fmt: str, paint: Paint) -> str:
    """The draft in one of FORMATS, ending with a newline."""
    from assistant import export

    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    if fmt == "md":
        return export.to_markdown(result.okr_set, result.validation)
    if fmt == "md-table":
        return export.to_markdown_table(result.okr_set, result.validation)
    if fmt == "csv":
        return export.to_csv(result.okr_set, result.validation)
    return format_draft(result, paint) + "\n"


def _request(args: argparse.Namespace) -> DraftRequest:
    """The draft request from the flags (and the --context file); bad input is a user error."""
    from assistant.drafting import DraftError, parse_request

    context = None
    if args.context:
        from assistant.parsing import InputError, read

        try:
            context, _ = read(args.context)
        except InputError as exc:
            raise UserError(str(exc)) from None
    try:
        return parse_request(
            goal=args.goal,
            team=args.team,
            language=args.lang,
            n_objectives=args.objectives,
            cycle=args.cycle,
            context=context,
        )
    except DraftError as exc:
        raise UserError(str(exc)) from None


def format_draft(result: DraftResult, paint: Paint) -> str:
    """A drafted set for people: the validator's report with baseline -> target under each key result,
    the initiatives and the library examples it drew on, then notes and timings."""
    from assistant import kb

    okr, report = result.okr_set, result.validation
    head = [
        paint(f"Goal: {okr.goal}", "bold"),
        f"language {okr.language} · team {okr.team or '-'} · cycle {okr.cycle} · model {result.model}",
        f"{paint(f'validator score {report.score}/100', 'bold')} "
        + (paint("passed", "ok") if report.passed else paint("has errors", "error")),
    ]
    extras = DraftExtras(paint, {e.id: e for e in kb.load_all()})
    return render_report(report, okr, paint, head=head, foot=_foot(result, paint), extras=extras)


def _foot(result: DraftResult, paint: Paint) -> list[str]:
    """The health metrics to hold beside the objectives, the model's notes, then where the time went."""
    lines: list[str] = []
    if result.okr_set.health:
        lines += ["", paint("Health metrics (hold, not scored)", "bold")]
        lines += [f"  - {h.text}" for h in result.okr_set.health]
    lines += ["", paint("Notes", "bold"), *[f"  - {n}" for n in result.notes]] if result.notes else []
    t = result.timings
    timing = (
        f"{t.total_s:.1f} s (retrieval {t.retrieval_s:.2f} s, model {t.llm_s:.1f} s, "
        f"validation {t.validation_s:.3f} s, repair rounds {result.repair_rounds})"
    )
    return [*lines, "", paint(timing, "dim")]


class DraftExtras(Extras):
    """What a draft adds to the report: the objective's why, each key result's baseline -> target,
    the initiatives, and the library examples it was inspired by."""

    hidden_rules = BASELINE_RULES

    def __init__(self, paint: Paint, examples: dict[str, Example]):
        self.paint, self.examples = paint, examples

    def under_objective(self, i: int, objective: Objective) -> list[str]:
        return [self.paint(objective.why, "dim")] if objective.why else []

    def under_key_result(self, i: int, j: int, key_result: KeyResult) -> list[str]:
        from assistant.export import kr_detail

        detail = kr_detail(key_result)
        return [self.paint(detail, "dim")] if detail else []

    def after_objective(self, i: int, objective: Objective) -> list[str]:
        lines = [f"Initiatives: {'; '.join(objective.initiatives)}"] if objective.initiatives else []
        for ident in objective.examples:
            ex = self.examples.get(ident)
            if ex:
                lines.append(
                    f"{self.paint('Inspired by', 'dim')} {ident} ({ex.language}, {ex.team}): {ex.objective_en}"
                )
        return lines
