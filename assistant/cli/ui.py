"""`okr ui`: serve the web chat (Gradio) over the same drafting pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.cli.common import EXIT_OK, UserError, model_flags, settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    ui = subparsers.add_parser(
        "ui",
        help="start the web chat",
        description="Start the web chat (Gradio). Binds to "
        "127.0.0.1 by default; use --auth-file (or OKR_UI_AUTH) when exposing it.",
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument(
        "--auth",
        help="user:password for basic auth (visible to other users of this machine: prefer --auth-file)",
    )
    ui.add_argument("--auth-file", help="file whose first line is user:password (or env OKR_UI_AUTH)")
    ui.add_argument(
        "--concurrency", type=int, help="drafts at once (default 1 for the local model, 4 otherwise)"
    )
    model_flags(ui)
    ui.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    chosen = settings(args)
    auth = args.auth or _auth_file(args.auth_file)
    if args.host not in LOOPBACK and not (auth or chosen.ui_auth):
        print(
            f"okr: warning: serving on {args.host} without --auth: anyone who can reach it can use it",
            file=sys.stderr,
        )
    from assistant.ui import launch

    try:
        launch(host=args.host, port=args.port, auth=auth, settings=chosen, concurrency=args.concurrency)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(
            f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); try --port 7861"
        ) from None
    return EXIT_OK


def _auth_file(path: str | None) -> str | None:
    """The first line of an auth file: keeps the password out of the process list and history."""
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{path}: cannot read the auth file ({exc}); it should hold one line user:password"
        ) from None
    if not lines or ":" not in lines[0]:
        raise UserError(f"{path}: the first line should be user:password")
    return lines[0].strip()
