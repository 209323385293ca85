"""`okr rewrite`: batch mode. Every goal in a file becomes a drafted OKR set, appended row by row so an
interrupted run resumes where it stopped."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    UserError,
    format_flag,
    model_flags,
    settings,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from assistant.domain import BatchItem


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    rewrite = subparsers.add_parser(
        "rewrite",
        help="batch mode: rewrite a file of vague goals into drafted, validated OKRs",
        description="Rewrite every goal in INPUT (CSV with a header, JSONL, or text with one goal per line) "
        "into OKRs. Each finished row is appended to OUTPUT at once; --resume skips ids already there. "
        "Failed rows are written with their error. Exit 0: all rows ok; 3: some failed; 2: unusable input. "
        "For big jobs point it at a vLLM or other OpenAI-compatible cluster: --llm openai --base-url URL --workers 8.",
    )
    rewrite.add_argument("input", help="CSV, JSONL or TXT file of goals")
    rewrite.add_argument("-o", "--output", required=True, help="output file (.jsonl, .csv or .md)")
    format_flag(
        rewrite,
        ["jsonl", "csv", "md"],
        default=None,
        help="format of the -o file (a file, not printed): jsonl (one result per line), csv (one row per "
        "goal, the set as JSON in a cell) or md; default: from the -o extension (.csv is csv, .md is md, "
        "anything else jsonl)",
    )
    rewrite.add_argument(
        "--sheet",
        metavar="CSV",
        help="when the run ends, also write every key result as one spreadsheet row, in input order "
        "(goal id, cycle, team, objective, key result, baseline, target, due date, owner, findings)",
    )
    rewrite.add_argument("--column", default="goal", help="column with the goal (default: goal)")
    rewrite.add_argument(
        "--id-column", default="id", help="column with a unique id (default: id; else the line number)"
    )
    rewrite.add_argument(
        "--team-column", default="team", help="optional column with the team (default: team)"
    )
    rewrite.add_argument(
        "--context-column", default="context", help="optional column with context (default: context)"
    )
    rewrite.add_argument(
        "--workers", type=int, help="concurrent rows (default: 1 for the local model, 4 for a server)"
    )
    rewrite.add_argument(
        "--resume", action="store_true", help="continue an interrupted run: skip ids already in OUTPUT"
    )
    rewrite.add_argument(
        "--objectives", type=int, default=1, metavar="N", help="objectives per goal, 1-5 (default 1)"
    )
    rewrite.add_argument("--repair-rounds", type=int, default=2, metavar="N")
    rewrite.add_argument("--quiet", action="store_true", help="no progress")
    model_flags(rewrite)
    rewrite.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant import batch
    from assistant.cli.progress import Rows
    from assistant.drafting import Drafter

    source, out = Path(args.input), Path(args.output)
    fmt = args.format or {".csv": "csv", ".md": "md"}.get(out.suffix.lower(), "jsonl")
    if args.sheet and fmt == "md":
        raise UserError("--sheet reads the results back: write them as .jsonl or .csv, not .md")
    items = _read_items(args, source)
    if out.resolve() == source.resolve():
        raise UserError(f"{out}: the output would overwrite the input; choose another -o")
    chosen = settings(args)
    try:  # the lock is taken before anything is read from or written to the output
        writer = batch.Writer(out, fmt, resume=args.resume)
    except batch.BatchInputError as exc:
        raise UserError(str(exc)) from None
    done = writer.done
    todo = [i for i in items if i.id not in done]
    workers = args.workers or (1 if chosen.llm == "local" else 4)
    drafter = Drafter(chosen, progress=lambda _: None, repair_rounds=args.repair_rounds)
    print(
        f"okr: {len(todo)} row(s) to rewrite ({len(done)} already in {out}), {workers} worker(s), "
        f"model {chosen.describe()}",
        file=sys.stderr,
    )
    with Rows(len(todo), enabled=not args.quiet) as bar:
        try:
            summary = batch.run(
                todo, writer, drafter.draft, workers=workers, on_done=bar.update, n_objectives=args.objectives
            )
        except KeyboardInterrupt:
            bar.close()
            print(f"okr: interrupted; finished rows are in {out}: run again with --resume", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            writer.close()
    summary.skipped = len(done)
    print(f"okr: {summary.line()} -> {out}", file=sys.stderr)
    if args.sheet:
        _sheet(Path(args.sheet), out, fmt, [i.id for i in items])
    return EXIT_OK if summary.failed == 0 else EXIT_PARTIAL


def _sheet(path: Path, out: Path, fmt: str, order: list[str]) -> None:
    """The per-key-result spreadsheet of every finished row (this run's and earlier ones')."""
    from assistant import batch

    try:
        rows = batch.write_sheet(path, batch.read_outcomes(out, fmt), order)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"okr: {rows} key result(s), one row each -> {path}", file=sys.stderr)


def _read_items(args: argparse.Namespace, source: Path) -> list[BatchItem]:
    """The goals to rewrite, with the reader's notes (skipped lines, guessed columns) on stderr."""
    from assistant import batch

    try:
        items, notes = batch.read_items(
            source, args.column, args.id_column, args.team_column, args.context_column
        )
    except batch.BatchInputError as exc:
        raise UserError(str(exc)) from None
    for note in notes:
        print(f"okr: {note}", file=sys.stderr)
    return items
