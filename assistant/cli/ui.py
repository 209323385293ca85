"""`okr ui`: serve the web chat (Gradio) over the same drafting pipeline."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.common import EXIT_OK, UserError, model_flags, settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    ui = subparsers.add_parser(
        "ui",
        help="start the web chat",
        description="Start the web chat (Gradio). Binds to "
        "127.0.0.1 by default; use --auth user:pass (or OKR_UI_AUTH) when exposing it.",
    )
    ui.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ui.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    ui.add_argument("--auth", help="user:password for basic auth (or env OKR_UI_AUTH)")
    ui.add_argument(
        "--concurrency", type=int, help="drafts at once (default 1 for the local model, 4 otherwise)"
    )
    model_flags(ui)
    ui.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    chosen = settings(args)
    if args.host not in LOOPBACK and not (args.auth or chosen.ui_auth):
        print(
            f"okr: warning: serving on {args.host} without --auth: anyone who can reach it can use it",
            file=sys.stderr,
        )
    from assistant.ui import launch

    try:
        launch(host=args.host, port=args.port, auth=args.auth, settings=chosen, concurrency=args.concurrency)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(
            f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); try --port 7861"
        ) from None
    return EXIT_OK
