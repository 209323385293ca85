"""Batch mode: a file of vague goals in, drafted and validated OKRs out, resumable, nothing lost.

Each finished row is appended and flushed (fsync) at once, so a crash or kill -9 loses only the
rows in flight; `--resume` skips ids already in the output, and a half-written last line is cut off
and redone. A failed row is written with its error, never dropped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from assistant import languages
from assistant.domain import BatchItem, BatchOutcome, Diagnosis
from assistant.features import analyse


class BatchInputError(ValueError):
    """Input that cannot be used at all (exit 2); one line naming the problem and the fix."""


# --- reading ---------------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Text of the file and a note when it was not UTF-8 (read as cp1252 instead)."""
    if b"\x00" in data[:4096]:
        raise BatchInputError(f"{name}: looks like a binary file (a spreadsheet?); export it as CSV (UTF-8)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), f"{name}: not UTF-8; read as Windows-1252 (cp1252)"
    except UnicodeDecodeError as exc:
        raise BatchInputError(
            f"{name}: neither UTF-8 nor cp1252 (byte {exc.start}); save it as UTF-8"
        ) from None


def _kind(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".txt", ".md", ""):
        first = text.lstrip()[:1]
        return "jsonl" if first == "{" else "text"
    raise BatchInputError(
        f"{path.name}: unsupported input type {suffix!r}; use .csv, .jsonl or .txt (one goal per line)"
    )


def _records(path: Path, text: str, kind: str) -> Iterator[tuple[int, dict]]:
    if kind == "text":
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield n, {"goal": line.strip()}
        return
    if kind == "jsonl":
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BatchInputError(
                    f"{path.name}:{n}: invalid JSON ({exc.msg}); fix the line or remove it"
                ) from None
            if not isinstance(record, dict):
                raise BatchInputError(
                    f'{path.name}:{n}: each line must be a JSON object like {{"goal": "..."}}'
                )
            yield n, record
        return
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise BatchInputError(
            f"{path.name}: no header row; the first line must name the columns (e.g. id,goal)"
        )
    for n, row in enumerate(reader, 2):
        yield n, {k.strip() if k else k: v for k, v in row.items()}


def read_items(
    path: Path,
    column: str = "goal",
    id_column: str = "id",
    team_column: str = "team",
    context_column: str = "context",
) -> tuple[list[BatchItem], list[str]]:
    """Input rows as BatchItems (ids from the id column, else the line number) and notes for people."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    text, note = decode(path.read_bytes(), path.name)
    notes = [note] if note else []
    kind = _kind(path, text)
    items: list[BatchItem] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for line, record in _records(path, text, kind):
        if kind != "text" and column not in record:
            found = ", ".join(k for k in record if k) or "none"
            raise BatchInputError(
                f"{path.name}: no column {column!r}; columns found: {found} (choose one with --column)"
            )
        ident = str(record.get(id_column) or line).strip() if kind != "text" else str(line)
        if ident in seen:
            duplicates.append(ident)
        seen[ident] = line
        items.append(
            BatchItem(
                id=ident,
                goal=str(record.get(column) or "").strip(),
                team=(str(record.get(team_column)).strip() or None) if record.get(team_column) else None,
                context=(str(record.get(context_column)).strip() or None)
                if record.get(context_column)
                else None,
            )
        )
    if duplicates:
        shown = ", ".join(sorted(set(duplicates))[:5])
        raise BatchInputError(
            f"{path.name}: duplicate ids {shown}; make the {id_column!r} column unique or drop it"
        )
    if not items:
        raise BatchInputError(f"{path.name}: no rows to rewrite")
    return items, notes


# --- triage ----------------------------------------------------------------------------------------


def diagnose(goal: str) -> Diagnosis:
    """Why a goal is vague, in the validator's terms: no measure, no timeframe, no baseline, ..."""
    if not goal.strip():
        return Diagnosis(vague=True, reasons=["empty goal"])
    lang = languages.get(languages.detect(goal))
    facts = analyse(goal, lang)
    reasons = []
    if not facts.has_quantity:
        reasons.append("no measure: nothing says how much")
    if facts.has_vague_metric:
        reasons.append("vague metric: a number on something nobody measures")
    if not facts.has_timeframe:
        reasons.append("no timeframe: nothing says by when")
    if facts.has_quantity and not facts.has_baseline:
        reasons.append("no baseline: the starting point is unknown")
    if facts.is_activity:
        reasons.append("an activity, not an outcome")
    if not facts.has_verb:
        reasons.append("no direction: no verb says what should change")
    return Diagnosis(vague=bool(reasons), reasons=reasons)


# --- writing ---------------------------------------------------------------------------------------


def _csv_row(outcome: BatchOutcome) -> dict:
    return {
        "id": outcome.id,
        "goal": outcome.goal,
        "status": outcome.status,
        "error": outcome.error or "",
        "diagnosis": "; ".join(outcome.diagnosis.reasons) if outcome.diagnosis else "",
        "score": outcome.validation.score if outcome.validation else "",
        "passed": outcome.validation.passed if outcome.validation else "",
        "okr_set": outcome.okr_set.model_dump_json() if outcome.okr_set else "",
        "validation": outcome.validation.model_dump_json() if outcome.validation else "",
        "seconds": outcome.seconds,
    }


CSV_FIELDS = [
    "id",
    "goal",
    "status",
    "error",
    "diagnosis",
    "score",
    "passed",
    "okr_set",
    "validation",
    "seconds",
]


def _markdown(outcome: BatchOutcome) -> str:
    from assistant.export import to_markdown

    head = f"<!-- okr-row id={json.dumps(outcome.id)} status={outcome.status} -->\n"
    if outcome.status == "error" or not outcome.okr_set:
        return head + f"# {outcome.goal or '(empty goal)'}\n\n**Error:** {outcome.error}\n\n"
    diag = "; ".join(outcome.diagnosis.reasons) if outcome.diagnosis else ""
    return (
        head
        + to_markdown(outcome.okr_set, outcome.validation)
        + (f"\nDiagnosis: {diag}\n" if diag else "")
        + "\n"
    )


class Writer:
    """Appends finished rows to the output, flushed and fsynced one by one, from any thread."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt = path, fmt
        self._lock = threading.Lock()
        new = not path.exists() or path.stat().st_size == 0
        self._file = path.open("a", encoding="utf-8", newline="")
        if fmt == "csv" and new:
            csv.DictWriter(self._file, fieldnames=CSV_FIELDS).writeheader()
            self._sync()

    def _sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def write(self, outcome: BatchOutcome) -> None:
        with self._lock:
            if self.fmt == "jsonl":
                self._file.write(outcome.model_dump_json() + "\n")
            elif self.fmt == "csv":
                csv.DictWriter(self._file, fieldnames=CSV_FIELDS).writerow(_csv_row(outcome))
            else:
                self._file.write(_markdown(outcome))
            self._sync()

    def close(self) -> None:
        self._file.close()


def done_ids(path: Path, fmt: str) -> set[str]:
    """Ids already in an output file; a half-written last row (a crash mid-write) is cut off."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        path.write_bytes(data)
    text = data.decode("utf-8", errors="replace")
    if fmt == "jsonl":
        ids = set()
        for line in text.splitlines():
            try:
                ids.add(str(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
        return ids
    if fmt == "csv":
        return {row["id"] for row in csv.DictReader(io.StringIO(text)) if row.get("id")}
    import re

    return {json.loads(m) for m in re.findall(r"<!-- okr-row id=(\".*?\") status=", text)}


# --- running ---------------------------------------------------------------------------------------


@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    scores: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def mean_score(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    def line(self) -> str:
        return (
            f"{self.ok} ok, {self.failed} failed, {self.skipped} skipped (already done); "
            f"mean score {self.mean_score:.1f}; {self.seconds:.1f} s"
        )


def process(item: BatchItem, draft: Callable, n_objectives: int = 1) -> BatchOutcome:
    """One row: triage, then draft; any failure becomes an error row with its message."""
    from assistant.drafting import DraftError, parse_request

    start = time.perf_counter()
    diagnosis = diagnose(item.goal)
    try:
        request = parse_request(
            goal=item.goal, team=item.team, context=item.context, n_objectives=n_objectives
        )
        result = draft(request)
    except DraftError as exc:
        return BatchOutcome(
            id=item.id,
            goal=item.goal,
            diagnosis=diagnosis,
            status="error",
            error=str(exc),
            seconds=round(time.perf_counter() - start, 3),
        )
    except Exception as exc:  # one bad row must not stop the other 199
        return BatchOutcome(
            id=item.id,
            goal=item.goal,
            diagnosis=diagnosis,
            status="error",
            error=f"{type(exc).__name__}: {exc}",
            seconds=round(time.perf_counter() - start, 3),
        )
    return BatchOutcome(
        id=item.id,
        goal=item.goal,
        diagnosis=diagnosis,
        okr_set=result.okr_set,
        validation=result.validation,
        status="ok",
        seconds=round(time.perf_counter() - start, 3),
    )


def run(
    items: list[BatchItem],
    writer: Writer,
    draft: Callable,
    workers: int = 1,
    on_done: Callable[[BatchOutcome, int, int], None] | None = None,
    n_objectives: int = 1,
) -> Summary:
    """Draft every item with `workers` threads; each outcome is written as soon as it is known."""
    summary = Summary()
    start = time.perf_counter()
    total = len(items)
    pending = iter(items)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        running = set()
        try:
            for item in pending:
                running.add(pool.submit(process, item, draft, n_objectives))
                if len(running) >= workers:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    _record(finished, writer, summary, on_done, total)
            while running:
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                _record(finished, writer, summary, on_done, total)
        except KeyboardInterrupt:
            for future in running:
                future.cancel()
            raise
    summary.seconds = time.perf_counter() - start
    return summary


def _record(finished, writer: Writer, summary: Summary, on_done, total: int) -> None:
    for future in finished:
        outcome: BatchOutcome = future.result()
        writer.write(outcome)
        if outcome.status == "ok":
            summary.ok += 1
            summary.scores.append(outcome.validation.score if outcome.validation else 0)
        else:
            summary.failed += 1
        if on_done:
            on_done(outcome, summary.ok + summary.failed, total)
