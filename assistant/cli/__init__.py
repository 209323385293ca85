"""The `okr` command line: one module per command, each with `add_parser` and `run`. A command's
module is imported only when its parser is needed, and imports its heavy dependencies only when it
runs, so `okr check` (the linter) never pays for the other commands, LangChain, ChromaDB, Gradio or
rich.

Exit codes (one table for every command, see `common`): 0 success; 1 the OKRs have errors (check,
draft); 2 unusable input or usage; 3 some rows or cases failed; 4 the model or the index server
could not be used; 70 internal error (a bug); 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_PARTIAL,
    Parser,
    UserError,
    run_command,
)

__all__ = [
    "COMMANDS",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_MODEL",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "UserError",
    "build_parser",
    "main",
]

# The command modules of assistant.cli, in the order `okr --help` lists them.
COMMANDS = ("check", "draft", "cascade", "rewrite", "score", "checkin", "ui", "eval", "kb", "model")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `okr` parser with every command, or only the one about to run: its arguments, help and
    errors are the same either way, and the other command modules are not loaded."""
    parser = Parser(
        prog="okr",
        description="OKR drafting assistant: draft objectives and SMART key results from a vague goal, "
        "lint OKRs and score them at the end of the cycle, in English, Italian, Polish, Persian, Spanish "
        "and German.",
        epilog="Run `okr COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"okr {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in [only] if only else COMMANDS:
        importlib.import_module(f"assistant.cli.{name}").add_parser(sub)
    return parser


def _version() -> str:
    from assistant import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; every failure becomes one line and an exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    from assistant.config import without_pydantic_plugins

    without_pydantic_plugins()
    # A command named first needs only its own parser; anything else (help, typos) needs them all.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    return run_command(args.func, args)
