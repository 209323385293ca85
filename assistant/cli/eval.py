"""`okr eval`: run the gold set through the pipeline (and optionally a zero-shot baseline) and write
the report. Finished cases are logged as they go, so an interrupted run resumes."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_PARTIAL,
    UserError,
    model_flags,
    settings,
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    ev = subparsers.add_parser(
        "eval",
        help="evaluate the pipeline (and a zero-shot baseline) on the gold set",
        description="Run the gold set, write NAME.md, NAME.json and NAME.png to --out. Resumable: "
        "finished cases are kept in NAME.cases.jsonl.",
    )
    ev.add_argument(
        "--split", default="test", choices=["dev", "test", "all"], help="gold split (default test)"
    )
    ev.add_argument("--limit", type=int, help="only N cases, taken in turn from each language")
    ev.add_argument("--baseline", action="store_true", help="also run the zero-shot baseline")
    ev.add_argument("--out", default="evals/runs", help="output folder (default evals/runs)")
    ev.add_argument("--name", default="report", help="file name stem (default report)")
    ev.add_argument(
        "--redo",
        choices=["pipeline", "baseline"],
        help="draft this system's cases again (after changing the drafter: --redo pipeline); the other "
        "system's finished cases are kept",
    )
    ev.add_argument(
        "--rescore",
        action="store_true",
        help="score the drafts already in NAME.cases.jsonl again, without the model (after changing "
        "the validator, the library's metric labels or the scores), then run any missing case",
    )
    ev.add_argument("--quiet", action="store_true")
    model_flags(ev)
    ev.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant import eval_report, evals
    from assistant.cli.progress import Stages
    from assistant.drafting import Drafter
    from assistant.retrieval import E5Embeddings, catalogue_index

    cases = evals.stratified(evals.load_cases(split=args.split), args.limit)
    if not cases:
        raise UserError(f"no gold cases in split {args.split!r}")
    chosen = settings(args)
    with Stages(enabled=not args.quiet) as progress:
        evaluation = evals.Evaluation(
            Path(args.out),
            Drafter(chosen, progress=lambda _: None),
            E5Embeddings().embed_documents,
            progress=progress,
            name=args.name,
            match=catalogue_index().match,
        )
        if args.redo:
            progress(f"{evaluation.redo(args.redo)} {args.redo} cases to draft again")
        if args.rescore:
            progress(f"{evaluation.rescore(cases)} stored drafts scored again")
        try:
            by_system = evaluation.run(cases, baseline=args.baseline)
        except KeyboardInterrupt:
            progress.close()
            print(
                f"okr: interrupted; finished cases are in {evaluation.log}: run again to resume",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    data = evals.summary(by_system, chosen.describe(), args.split)
    paths = eval_report.write_report(data, Path(args.out), by_system, name=args.name)
    print(_summary_line(data))
    print("report: " + ", ".join(str(x) for x in paths))
    return _exit_code(by_system.get("pipeline", []))


def _exit_code(results: list) -> int:
    """Cases that could not run are not a low score: 3 when some failed, 4 when the model ran none."""
    failed = [r for r in results if r.error]
    if not failed:
        return EXIT_OK
    print(
        f"okr: {len(failed)} of {len(results)} case(s) did not run (first: {failed[0].case}: "
        f"{failed[0].error})",
        file=sys.stderr,
    )
    return EXIT_MODEL if len(failed) == len(results) else EXIT_PARTIAL


def _summary_line(data: dict) -> str:
    """Pass rate and mean score of the pipeline, and of the baseline when it ran."""
    p = data["pipeline"]
    line = f"pipeline: pass rate {p['validator_pass_rate']:.2f}, mean score {p['mean_score']:.1f}"
    if "baseline" in data:
        b = data["baseline"]
        line += f"; baseline: pass rate {b['validator_pass_rate']:.2f}, mean score {b['mean_score']:.1f}"
    return line
