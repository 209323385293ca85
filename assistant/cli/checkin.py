"""`okr checkin`: record a key result's current value (and confidence) in the plan file."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from assistant.cli.common import EXIT_OK, UserError

CONFIDENCE_WORDS = {"low": 3, "medium": 6, "high": 9}


def confidence(value: str) -> int:
    """argparse type: low/medium/high or 1-10."""
    word = value.strip().casefold()
    if word in CONFIDENCE_WORDS:
        return CONFIDENCE_WORDS[word]
    if word.isdigit() and 1 <= int(word) <= 10:
        return int(word)
    raise argparse.ArgumentTypeError(f"{value!r} is not low, medium, high or a number from 1 to 10")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    checkin = subparsers.add_parser(
        "checkin",
        help="record a key result's current value in the plan (for okr score)",
        description="Append a check-in to a JSON or YAML plan: `okr checkin plan.yaml O1KR2 340 "
        "--confidence high`. Markdown plans: convert first with `okr check plan.md --format json`.",
    )
    checkin.add_argument("plan", help="the plan file (.json, .yaml or .yml)")
    checkin.add_argument("key_result", help="which key result, as in the report: O1KR2 or 'O1 KR2'")
    checkin.add_argument("value", type=float, help="its value today")
    checkin.add_argument("--confidence", type=confidence, help="low, medium, high, or 1-10")
    checkin.add_argument("--note", help="a line on what changed or what is in the way")
    checkin.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)")
    checkin.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant.cli.score import read_plan
    from assistant.domain import CheckIn
    from assistant.score import ScoreError, locate

    path = Path(args.plan)
    if path.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise UserError(
            f"{path}: check-ins are kept in a JSON or YAML plan; convert it once with "
            f"`okr check {path} --format json > plan.json`"
        )
    okr = read_plan(args.plan)
    try:
        i, j = locate(okr, args.key_result)
    except ScoreError as exc:
        raise UserError(str(exc)) from None
    from assistant.validator import label

    entry = CheckIn(
        date=args.date or dt.date.today(),
        key_result=label(i, j),
        value=args.value,
        confidence=args.confidence,
        note=args.note,
    )
    okr.checkins.append(entry)
    _write(path, okr)
    print(
        f"{label(i, j)}: {args.value:g} on {entry.date} recorded in {path}; `okr score {path}` to see the scores"
    )
    return EXIT_OK


def _write(path: Path, okr) -> None:
    """The plan with its new check-in, written beside and renamed: a crash never truncates it."""
    import json

    from assistant.files import write_atomic

    data = okr.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    if path.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        import yaml

        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    write_atomic(path, text)
