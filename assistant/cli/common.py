"""What several commands share: exit codes, the one-line user error, colour, the model flags, the
`--format` flag, the settings they select, the cycle argument type, and the last line of defence around every command.

Only the standard library is imported here, so `okr check` pays nothing for it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from assistant.config import Settings

# Exit codes, one meaning each (README "Exit codes"):
# 0 ok · 1 findings: the validator found errors · 2 input or usage: the user can fix it ·
# 3 partial: some batch rows or eval cases failed · 4 model: the model server failed ·
# 70 internal error: a bug, please report it · 130 interrupted (Ctrl-C).
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_PARTIAL, EXIT_MODEL = 0, 1, 2, 3, 4
EXIT_INTERNAL, EXIT_INTERRUPTED = 70, 130

Paint = Callable[[str, str], str]
Command = Callable[[argparse.Namespace], int]
COLOR_CHOICES = ["auto", "always", "never"]
_CODES = {"error": "31;1", "warning": "33", "info": "36", "dim": "2", "bold": "1", "ok": "32;1"}


class UserError(Exception):
    """A problem the user can fix; printed as one line, never as a traceback."""

    def __init__(self, message: str, code: int = EXIT_INPUT):
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """Usage mistakes as one line naming the problem and where to look, not a usage dump."""

    def error(self, message: str):
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def plain(text: str, kind: str) -> str:
    """The paint that adds nothing: for pipes, files, NO_COLOR and tests."""
    return text


def ansi(text: str, kind: str) -> str:
    """ANSI colour for one kind of text (error, warning, info, dim, bold, ok)."""
    return f"\033[{_CODES[kind]}m{text}\033[0m"


def paint_for(choice: str) -> Paint:
    """The paint a `--color` choice asks for; `auto` colours a terminal unless NO_COLOR is set."""
    if choice == "always":
        return ansi
    from assistant.config import flag

    if choice == "never" or flag("NO_COLOR"):
        return plain
    return ansi if sys.stdout.isatty() else plain


def cycle(value: str) -> str:
    """argparse type for `--cycle`: the normalised cycle, or a usage error naming the accepted shapes."""
    from assistant.parsing import _cycle_or_none

    normalised = _cycle_or_none(value)
    if not normalised:
        raise argparse.ArgumentTypeError(f"{value!r} is not a cycle like 2026-Q1, 2026-H2 or 2026-FY")
    return normalised


def model_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that choose the model, the same on every command that drafts."""
    group = parser.add_argument_group("model (flags > environment > config file)")
    group.add_argument(
        "--llm", choices=["local", "openai", "fake"], help="backend (env OKR_LLM; default local)"
    )
    group.add_argument("--model", help="model name for the openai backend (env OKR_MODEL)")
    group.add_argument(
        "--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1 (env OPENAI_BASE_URL)"
    )
    group.add_argument("--timeout", type=float, help="seconds to wait for one model reply (default 300)")


# What each output format is, for the help line of every command's `--format`.
FORMAT_HELP = {
    "text": "a readable report",
    "json": "for tools",
    "md": "Markdown",
    "md-table": "one Markdown table: Notion imports it as a page with a table",
    "csv": "one row per key result, UTF-8 with a BOM for Excel",
}


class _FormatAction(argparse.Action):
    """`--format X` and its aliases (`--json`, `--md`): one output format per command line. The same
    format twice is fine; two different ones are a usage error, never a silent pick."""

    def __call__(self, parser, namespace, values, option_string=None):
        value = self.const if self.nargs == 0 else values
        given = getattr(namespace, "_format_given", None)
        if given and given[1] != value:
            raise argparse.ArgumentError(self, f"conflicts with {given[0]}: give one output format")
        namespace._format_given = (option_string if self.nargs == 0 else f"{option_string} {value}", value)
        setattr(namespace, self.dest, value)


def drafting_flags(parser: argparse.ArgumentParser) -> None:
    """What every command that drafts shares: repair rounds, progress, colour, and the model."""
    parser.add_argument(
        "--repair-rounds", type=int, default=2, metavar="N", help="repair rounds on errors (default 2)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--color", choices=COLOR_CHOICES, default="auto")
    model_flags(parser)


def format_flag(
    parser: argparse.ArgumentParser,
    choices: list[str],
    default: str | None = "text",
    aliases: dict[str, str] | None = None,
    help: str | None = None,
) -> None:
    """`--format` with these choices, the same on every command that prints a result. `aliases` maps
    an old flag to the format it stands for ({"--json": "json"}); `help` replaces the generated
    line, and `FORMAT_HELP` names what each format is."""
    if help is None:
        described = ", ".join(
            f"{c} ({FORMAT_HELP[c]})" if c in FORMAT_HELP and c != "json" else c for c in choices
        )
        help = f"output format: {described} (default: {default})"
    parser.add_argument("--format", choices=choices, default=default, action=_FormatAction, help=help)
    for flag, fmt in (aliases or {}).items():
        parser.add_argument(
            flag,
            dest="format",
            nargs=0,
            const=fmt,
            default=argparse.SUPPRESS,
            action=_FormatAction,
            help=f"same as --format {fmt}",
        )


def settings(args: argparse.Namespace) -> Settings:
    """The model settings with the command's flags on top; a bad setting is a user error."""
    from assistant.llm import LLMError, load_settings

    try:
        return load_settings(
            llm=args.llm,
            model=args.model,
            base_url=args.base_url,
            timeout=args.timeout,
            max_retries=getattr(args, "max_retries", None),
        )
    except LLMError as exc:
        raise UserError(str(exc)) from None


def error(message: str) -> None:
    """One line on stderr, with any secret removed (the one exit point for every message)."""
    from assistant.redact import redact

    print(f"okr: error: {redact(message)}", file=sys.stderr)


def _os_problem(exc: OSError) -> str:
    """'out/x.jsonl: No such file or directory' and what to do, for the errors a disk gives."""
    import errno

    where = exc.filename or "a file"
    fixes = {
        errno.ENOENT: "check the path (the folder must exist)",
        errno.ENOSPC: "free some disk space and run it again (add --resume where the command has it)",
        errno.EROFS: "write somewhere writable, e.g. -o ~/okrs.jsonl",
        errno.EACCES: "check the permissions, or write somewhere else",
        errno.EADDRINUSE: "choose another --port",
    }
    fix = fixes.get(exc.errno or 0, "check the path and permissions")
    return f"{where}: {exc.strerror or exc}; {fix}"


def run_command(command: Command, args: argparse.Namespace) -> int:
    """Run one command so that whatever goes wrong ends as one line on stderr and an exit code
    with one meaning (see the table at the top of this module)."""
    import warnings

    from assistant.config import flag
    from assistant.errors import ServiceUnavailable

    warnings.showwarning = _warning
    try:
        return command(args)
    except UserError as exc:
        error(str(exc))
        return exc.code
    except KeyboardInterrupt:
        print("okr: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except ServiceUnavailable as exc:  # the index server: like a model that cannot be used
        error(str(exc))
        return EXIT_MODEL
    except OSError as exc:  # a missing folder, a full disk, a read-only file system
        error(_os_problem(exc))
        return EXIT_INPUT
    except RecursionError:
        error("the input is nested too deeply to read; flatten it (objectives -> key results)")
        return EXIT_INPUT
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if flag("OKR_DEBUG"):
            raise
        error(
            f"internal error ({type(exc).__name__}: {exc}); this is a bug: please report it with the "
            "command you ran (OKR_DEBUG=1 shows the details)"
        )
        return EXIT_INTERNAL


def _warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings (a skipped library file) as one `okr: warning:` line, not Python's two."""
    from assistant.redact import redact

    print(f"okr: warning: {redact(str(message))}", file=sys.stderr)
