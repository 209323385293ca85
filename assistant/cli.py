"""The `okr` command line. Each subcommand imports what it needs when it runs, so `okr check`
(the linter) never pays for LangChain, ChromaDB or Gradio.

Exit codes: 0 success; 1 the OKRs have errors (check) or the work failed; 2 unusable input or
usage; 3 some rows failed (batch); 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class UserError(Exception):
    """A problem the user can fix; printed as one line, never as a traceback."""

    def __init__(self, message: str, code: int = EXIT_INPUT):
        super().__init__(message)
        self.code = code


def _colour(enabled: bool) -> Callable[[str, str], str]:
    codes = {"error": "31;1", "warning": "33", "info": "36", "dim": "2", "bold": "1", "ok": "32;1"}

    def paint(text: str, kind: str) -> str:
        return f"\033[{codes[kind]}m{text}\033[0m" if enabled else text

    return paint


def _use_colour(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def format_report(okr, report, paint: Callable[[str, str], str], name: str = "") -> str:
    """The human-readable report: findings grouped under the objective and key result they concern."""
    icons = {"error": "✖", "warning": "▲", "info": "ℹ"}
    by_path: dict[str, list] = {}
    for f in report.findings:
        by_path.setdefault(f.path, []).append(f)
    lines: list[str] = []

    def emit(path: str, indent: str) -> None:
        for f in by_path.get(path, []):
            sev = f.severity.value
            lines.append(f"{indent}{paint(icons[sev] + ' ' + sev, sev)} {paint(f.rule, 'dim')}: {f.message}")
            lines.append(f"{indent}  {paint('→', 'dim')} {f.suggestion}")

    subs = report.sub_scores
    head = f"{name}  " if name else ""
    lines.append(
        f"{head}{paint(f'score {report.score}/100', 'bold')} ({report.language}) — measurable {subs.measurable}, "
        f"time-bound {subs.time_bound}, outcome-focused {subs.outcome_focused}, "
        f"baseline {subs.baseline_ambition}, structure {subs.structure}"
    )
    if by_path.get(""):
        lines.append("")
        lines.append(paint("Set", "bold"))
        emit("", "  ")
    for i, obj in enumerate(okr.objectives):
        lines.append("")
        lines.append(f"{paint(f'O{i + 1}', 'bold')} {obj.title or paint('(untitled objective)', 'dim')}")
        emit(f"objectives[{i}]", "   ")
        for j, kr in enumerate(obj.key_results):
            lines.append(f"   {paint(f'KR{j + 1}', 'bold')} {kr.text}")
            emit(f"objectives[{i}].key_results[{j}]", "      ")
    c = report.counts
    verdict = paint("PASSED", "ok") if report.passed else paint("FAILED", "error")
    lines.append("")
    lines.append(f"{verdict}: {c['errors']} error(s), {c['warnings']} warning(s), {c['infos']} info")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    from assistant import languages
    from assistant.parsing import InputError, parse, read
    from assistant.validator import validate

    try:
        text, name = read(args.file)
        okr = parse(text, name, None if args.input_format == "auto" else args.input_format)
    except InputError as exc:
        raise UserError(str(exc)) from None
    if args.cycle:
        okr.cycle = args.cycle
    lang = None if args.lang == "auto" else args.lang
    if lang and lang not in languages.available():
        raise UserError(f"unknown language {lang!r}; available: {', '.join(languages.available())}")
    report = validate(okr, language=lang)
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    else:
        print(format_report(okr, report, _colour(_use_colour(args.color)), name if name != "<stdin>" else ""))
    return EXIT_OK if report.passed else EXIT_FINDINGS


def _cycle(value: str) -> str:
    from assistant.parsing import _cycle_or_none

    cycle = _cycle_or_none(value)
    if not cycle:
        raise argparse.ArgumentTypeError(f"{value!r} is not a cycle like 2026-Q1, 2026-H2 or 2026-FY")
    return cycle


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line naming the problem and where to look, not a usage dump."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="okr",
        description="OKR drafting assistant: draft objectives and SMART key results from a vague goal, "
        "and lint OKRs in English, Italian, Polish and Persian.",
        epilog="Run `okr COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"okr {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser(
        "check",
        help="lint OKRs: say what is wrong with each objective and key result and how to fix it",
        description="Lint an OKR set. Reads JSON (the OKRSet schema), YAML, or plain text / Markdown "
        "('Objective: ...' lines with bulleted key results under them). Exit 0: no errors; "
        "1: errors found; 2: unreadable input.",
    )
    check.add_argument(
        "file", nargs="?", default="-", help="file to check, or - for standard input (default)"
    )
    check.add_argument(
        "--format", choices=["text", "json"], default="text", help="report format (default: text)"
    )
    check.add_argument(
        "--input-format",
        choices=["auto", "json", "yaml", "text"],
        default="auto",
        help="input format (default: auto)",
    )
    check.add_argument(
        "--lang", default="auto", help="language of the OKRs: auto, en, it, pl, fa (default: auto)"
    )
    check.add_argument(
        "--cycle", type=_cycle, help="cycle the set belongs to, e.g. 2026-Q1 (makes it time-bound)"
    )
    check.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto", help="colour the text report"
    )
    check.set_defaults(func=cmd_check)
    return parser


def _version() -> str:
    from assistant import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except UserError as exc:
        print(f"okr: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("okr: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("OKR_DEBUG"):
            raise
        print(f"okr: error: {type(exc).__name__}: {exc} (set OKR_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_FINDINGS


if __name__ == "__main__":
    sys.exit(main())
