"""`okr kb`: the example library and the metric catalogue: build the index, search it, add your own
OKRs, list the metrics."""

from __future__ import annotations

import argparse
import sys

from assistant.cli.common import EXIT_OK, Parser, UserError, format_flag

SEARCH_COLUMNS = ["id", "score", "language", "team", "objective", "objective_en"]
METRIC_COLUMNS = ["id", "function", "unit", "polarity", "kpi", "name"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    kbp = subparsers.add_parser(
        "kb", help="the example library: build the index, search it, add your own OKRs"
    )
    kbsub = kbp.add_subparsers(dest="kb_command", metavar="ACTION", required=True, parser_class=Parser)
    build = kbsub.add_parser("build", help="build (or refresh) the retrieval index")
    build.add_argument("--force", action="store_true", help="rebuild even when the library has not changed")
    search = kbsub.add_parser("search", help="show the library examples closest to a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="how many examples (default 5)")
    search.add_argument("--lang", help="only examples in this language")
    search.add_argument("--team", help="prefer examples of this team")
    format_flag(
        search,
        ["text", "json", "csv"],
        aliases={"--json": "json"},
        help="output format: text (default); json (a list of hits); csv (one row per hit: "
        + ", ".join(SEARCH_COLUMNS)
        + ")",
    )
    add = kbsub.add_parser("add", help="add your own past OKRs (any format okr check reads) to the library")
    add.add_argument("file")
    add.add_argument("--team", help="team to file them under")
    listing = kbsub.add_parser("list", help="list the files you added with `okr kb add`")
    format_flag(
        listing,
        ["text", "json"],
        help="output format: text (default); json (a list of files: name, path, examples, first_objective)",
    )
    remove = kbsub.add_parser("remove", help="remove a file you added (by the name `okr kb list` shows)")
    remove.add_argument("name")
    metrics = kbsub.add_parser(
        "metrics", help="list the metric catalogue (add your own YAML in $OKR_HOME/metrics/)"
    )
    metrics.add_argument("--team", help="only the function this team belongs to (seo, sales, hr...)")
    metrics.add_argument("--lang", default="en", help="language of the names (default en)")
    format_flag(
        metrics,
        ["text", "json", "csv"],
        aliases={"--json": "json"},
        help="output format: text (default); json (a list of metrics, names in every language); csv "
        "(one row per metric: " + ", ".join(METRIC_COLUMNS) + " in --lang)",
    )
    kbp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from assistant import kb

    actions = {
        "add": _add,
        "list": _list,
        "remove": _remove,
        "metrics": _metrics,
        "build": _build,
        "search": _search,
    }
    try:
        return actions[args.kb_command](args)
    except kb.LibraryError as exc:
        raise UserError(str(exc)) from None


def _add(args: argparse.Namespace) -> int:
    """`okr kb add`: file the user's own OKRs as library examples; the index follows on next use."""
    from assistant import kb
    from assistant.parsing import InputError, read, read_sets

    try:
        text, name = read(args.file)
        sets = read_sets(text, name)  # the same reader as `okr check`: every cycle in the file
    except InputError as exc:
        raise UserError(str(exc)) from None
    okr = sets[0].model_copy(update={"objectives": [o for s in sets for o in s.objectives]})
    path, added, skipped = kb.save_user_examples(okr, name, team=args.team)
    if path is None:
        print(f"nothing added: the {skipped} example(s) in {name} are already in your library")
        return EXIT_OK
    also = f", skipped {skipped} already in your library" if skipped else ""
    print(f"added {added} example(s) to {path}{also}; the index is rebuilt on next use")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    """`okr kb list`: the user's own library files, what each holds, and any that cannot be read."""
    from assistant import kb

    files = kb.user_files()
    if args.format == "json":
        import json

        rows = [
            {
                "name": path.stem,
                "path": str(path),
                "examples": len(examples),
                "readable": bool(examples),
                "first_objective": examples[0].objective if examples else None,
            }
            for path, examples in files
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not files:
        print(f"no files of your own yet ({kb.user_kb_dir()}); add some with `okr kb add FILE`")
        return EXIT_OK
    for path, examples in files:
        state = f"{len(examples)} example(s)" if examples else "cannot be read: fix it or `okr kb remove` it"
        first = f" — {examples[0].objective}" if examples else ""
        print(f"{path.stem}: {state}{first}")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    """`okr kb remove NAME`: delete one of the user's library files; the index follows on next use."""
    from assistant import kb

    path = kb.remove_user_file(args.name)
    print(f"removed {path}; the index is rebuilt on next use")
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    """`okr kb build`: (re)build the retrieval index now rather than on the first draft."""
    from assistant.retrieval import default_index

    index = default_index()
    n = index.build(force=args.force)
    print(f"{n} documents from {len(index.examples)} examples in collection {index.name}")
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    """`okr kb search`: the examples retrieval would hand the model for this query."""
    from assistant.retrieval import default_index

    index = default_index()
    held = sorted({e.language for e in index.examples})
    if args.lang and args.lang not in held:
        raise UserError(
            f"the library has no examples in {args.lang!r} (it has: {', '.join(held)}); search without "
            "--lang: retrieval is cross-lingual, so examples in other languages still match"
        )
    hits = index.search(args.query, k=args.k, language=args.lang, team=args.team)
    if args.format in ("json", "csv"):
        rows = [
            {
                "id": h.example.id,
                "score": h.score,
                "language": h.example.language,
                "team": h.example.team,
                "objective": h.example.objective,
                "objective_en": h.example.objective_en,
            }
            for h in hits
        ]
        _print_rows(rows, args.format, SEARCH_COLUMNS)
        return EXIT_OK
    for h in hits:
        ex = h.example
        print(f"{h.score:.3f}  {ex.id:<26} {ex.language} {ex.team:<18} {ex.objective}")
    return EXIT_OK


def _metrics(args: argparse.Namespace) -> int:
    """`okr kb metrics`: the catalogue as a table (or JSON), names in the chosen language."""
    from assistant import catalogue, languages

    if args.lang not in languages.available():
        raise UserError(f"unknown language {args.lang!r}; available: {', '.join(languages.available())}")
    try:
        cat = catalogue.load()
    except catalogue.CatalogueError as exc:
        raise UserError(str(exc)) from None
    function = cat.function_of(args.team)
    if args.team and function is None:
        known = ", ".join(sorted(cat.teams))
        raise UserError(f"no catalogue function for team {args.team!r}; teams it knows: {known}")
    chosen = [m for m in cat.metrics.values() if function in (None, m.function)]
    if args.format == "json":
        import json

        print(json.dumps([m.model_dump() for m in chosen], ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.format == "csv":
        rows = [
            {
                "id": m.id,
                "function": m.function,
                "unit": m.unit,
                "polarity": m.polarity,
                "kpi": str(m.kpi).lower(),
                "name": catalogue.name(m, args.lang),
            }
            for m in chosen
        ]
        _print_rows(rows, "csv", METRIC_COLUMNS)
        return EXIT_OK
    arrows = {"higher": "↑", "lower": "↓"}
    for m in chosen:
        kind = "health" if m.kpi else arrows[m.polarity]
        print(f"{m.function:<17} {m.id:<40} {m.unit:<8} {kind:<6} {catalogue.name(m, args.lang)}")
    print(f"{len(chosen)} metric(s)", file=sys.stderr)
    return EXIT_OK


def _print_rows(rows: list[dict], fmt: str, columns: list[str]) -> None:
    """Rows as a JSON list of objects, or as a CSV with these columns (the dress of the CSV exports)."""
    if fmt == "json":
        import json

        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from assistant.export import csv_table

    print(csv_table(columns, [[row[c] for c in columns] for row in rows]), end="")
