"""Batch mode: a file of vague goals in, drafted and validated OKRs out, resumable, nothing lost.

Each finished row is appended and flushed (fsync) at once, so a crash or kill -9 loses only the
rows in flight; `--resume` skips ids already in the output, and a half-written last record (in any
output format) is cut off and redone. A failed row is written with its error (redacted), never
dropped. One run writes an output at a time: a second is refused (OutputLocked), not interleaved.
Input CSV that is malformed (a quote never closed, rows with more or fewer cells than the header)
is refused with its line number rather than read as merged or shifted rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from assistant import languages
from assistant.domain import BatchItem, BatchOutcome, Diagnosis
from assistant.features import analyse
from assistant.redact import redact

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows: msvcrt locks are mandatory byte ranges that would also block our
    fcntl = None  # own reads of the output; there, one run per output is left to the user.


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
        yield from _jsonl_records(path, text)
        return
    yield from _csv_records(path, text)


def _jsonl_records(path: Path, text: str) -> Iterator[tuple[int, dict]]:
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
            raise BatchInputError(f'{path.name}:{n}: each line must be a JSON object like {{"goal": "..."}}')
        yield n, record


def _dialect(text: str, suffix: str) -> type[csv.Dialect]:
    """The sniffed delimiter with standard, strict quoting. Sniffed quoting is a guess that turns a
    stray quote into a merged row; strict quoting makes it an error with a line number."""
    delimiter, skip_space = "\t", False
    if suffix != ".tsv":
        try:
            sniffed = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
            delimiter, skip_space = sniffed.delimiter, sniffed.skipinitialspace
        except csv.Error:
            delimiter = ","
    attrs = {"delimiter": delimiter, "skipinitialspace": skip_space, "strict": True, "doublequote": True}
    return type("StrictDialect", (csv.excel,), attrs)


def _csv_records(path: Path, text: str) -> Iterator[tuple[int, dict]]:
    """Rows as dicts keyed by the header; a malformed file is refused with the line to fix.

    Numbered like csv.DictReader did (header 1, then each non-blank row), so ids made from the
    line number stay the same for files that were read before."""
    dialect = _dialect(text, path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    header = _csv_row_at(reader, path, 1)
    if not header:
        raise BatchInputError(
            f"{path.name}: no header row; the first line must name the columns (e.g. id,goal)"
        )
    names = [name.strip() for name in header]
    n = 1
    while True:
        start = reader.line_num + 1
        row = _csv_row_at(reader, path, start)
        if row is None:
            return
        if not row:
            continue  # a blank line
        if len(row) != len(names):
            raise BatchInputError(
                f"{path.name}:{start}: {len(row)} cells but the header has {len(names)}; quote cells "
                f'that contain {_delimiter_name(dialect.delimiter)} ("a, b") or fix the row'
            )
        n += 1
        yield n, dict(zip(names, row, strict=True))


def _csv_row_at(reader, path: Path, start: int) -> list[str] | None:
    """The next row (None at the end); csv's errors as one line naming the row and the fix."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise _csv_problem(path, str(exc), start, reader.line_num) from None


def _csv_problem(path: Path, problem: str, start: int, line: int) -> BatchInputError:
    if "end of data" in problem:
        return BatchInputError(
            f'{path.name}:{start}: a quote (") opened in this row is never closed; close it or remove it'
        )
    if "field limit" in problem:
        return BatchInputError(
            f'{path.name}:{start}: a cell is over {csv.field_size_limit():,} characters (or a quote (") '
            "opened here is never closed); shorten the cell or close the quote"
        )
    return BatchInputError(
        f"{path.name}:{line}: {problem}; quote a cell that contains a quote and double the quote "
        '("a ""b"" c"), or remove the stray quote'
    )


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "a tab", ",": "a comma", ";": "a semicolon", "|": "a bar"}.get(delimiter, repr(delimiter))


MAX_INPUT_BYTES = 50_000_000  # ~100,000 goals: a bigger job is better split into several runs


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
    if path.is_file() and path.stat().st_size > MAX_INPUT_BYTES:
        raise BatchInputError(
            f"{path}: over {MAX_INPUT_BYTES // 1_000_000} MB; split it into several files and run each"
        )
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
    """One output row; text cells neutralised so a goal like '=HYPERLINK(...)' is not a formula."""
    from assistant.export import csv_cell

    row = {
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
    return {k: csv_cell(v) if isinstance(v, str) else v for k, v in row.items()}


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
    """One row's block, between a start and an end marker: resume counts a block only when its end
    marker was written, so a block cut short by a kill is redone, never counted as done. Goal and
    error are kept on one line, so a newline in them cannot forge a marker."""
    from assistant.export import one_line, to_markdown

    ident = json.dumps(outcome.id)
    head = f"<!-- okr-row id={ident} status={outcome.status} -->\n"
    tail = f"<!-- okr-end id={ident} -->\n"
    if outcome.status == "error" or not outcome.okr_set:
        body = f"# {one_line(outcome.goal) or '(empty goal)'}\n\n**Error:** {one_line(outcome.error)}\n\n"
        return head + body + tail
    diag = "; ".join(outcome.diagnosis.reasons) if outcome.diagnosis else ""
    return (
        head
        + to_markdown(outcome.okr_set, outcome.validation)
        + (f"\nDiagnosis: {diag}\n" if diag else "")
        + "\n"
        + tail
    )


# --- one writer per output -------------------------------------------------------------------------


class OutputLocked(BatchInputError):
    """Another run is writing this output (exit 2): two writers would write every row twice."""


# What done_ids saw of each output (inode, size; None: no file), so the Writer that follows can tell
# whether another run wrote to it in between (the lock is not held from one to the other).
_seen: dict[str, tuple[int, int] | None] = {}


def _lock(file, path: Path) -> None:
    """An exclusive lock on the open output, held until the file is closed; refused at once (never
    waits) when another process holds it, with that process's pid where the system tells."""
    if fcntl is None:
        return
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise OutputLocked(
            f"{path}: another okr rewrite{_holder(file.fileno())} is writing this file; "
            "wait for it to finish (then --resume), or choose another -o"
        ) from None
    except OSError:
        return  # a file system without flock (some network mounts): write unlocked, as before


def _holder(fd: int) -> str:
    """' (pid N)' for the process that holds the lock on `fd`'s file, from Linux's /proc/locks."""
    st = os.fstat(fd)
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    for line in table.splitlines():
        fields = line.split()
        if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == key and fields[4] != str(os.getpid()):
            return f" (pid {fields[4]})"
    return ""


def _stamp(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_ino, st.st_size


def _check_unchanged(path: Path, fd: int) -> None:
    """Refuse to append when another run wrote to the output after done_ids read it: the ids this run
    skips would be stale, and rows would be written twice."""
    key = str(path.resolve())
    if key not in _seen:
        return
    seen, now = _seen.pop(key), _stamp(fd)
    if (seen is None and now[1] == 0) or seen == now:
        return
    raise OutputLocked(
        f"{path}: another okr rewrite wrote to it while this one started; run again with --resume"
    )


class Writer:
    """Appends finished rows to the output, flushed and fsynced one by one, from any thread.

    Holds an exclusive lock on the output until close(): a second run on the same file is refused
    with OutputLocked before it writes a byte. With `resume` given, the output is checked under that
    same lock: True reads the ids already done into `done` (repairing a torn last record), False
    refuses an output that already has rows. Left None, a done_ids() call made before is checked."""

    def __init__(self, path: Path, fmt: str, resume: bool | None = None):
        self.path, self.fmt = path, fmt
        self.done: set[str] = set()
        self._lock = threading.Lock()
        self._file = path.open("a", encoding="utf-8", newline="")
        try:
            self._claim(resume)
        except BaseException:
            self._file.close()
            raise
        if fmt == "csv" and os.fstat(self._file.fileno()).st_size == 0:
            csv.DictWriter(self._file, fieldnames=CSV_FIELDS).writeheader()
            self._sync()

    def _claim(self, resume: bool | None) -> None:
        """Lock the output, then check it while nobody else can write to it."""
        _lock(self._file, self.path)
        if resume is None:
            _check_unchanged(self.path, self._file.fileno())
        elif resume:
            self.done = _repair(self.path, self.fmt)
        elif os.fstat(self._file.fileno()).st_size:
            raise BatchInputError(f"{self.path} exists; add --resume to continue it, or choose another -o")

    def _sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def write(self, outcome: BatchOutcome) -> None:
        """One row in one write call, then fsync: a kill leaves at most the last record torn."""
        if self.fmt == "jsonl":
            text = outcome.model_dump_json() + "\n"
        elif self.fmt == "csv":
            buffer = io.StringIO()
            csv.DictWriter(buffer, fieldnames=CSV_FIELDS).writerow(_csv_row(outcome))
            text = buffer.getvalue()
        else:
            text = _markdown(outcome)
        with self._lock:
            self._file.write(text)
            self._sync()

    def close(self) -> None:
        self._file.close()


# --- resume ----------------------------------------------------------------------------------------


def done_ids(path: Path, fmt: str) -> set[str]:
    """Ids already in an output file, read under the output's lock (see _repair). A Writer made
    afterwards refuses to append if another run wrote to the file in between."""
    key = str(path.resolve())
    if not path.exists():
        _seen[key] = None
        return set()
    with path.open("rb") as f:
        _lock(f, path)
        ids = _repair(path, fmt)
        _seen[key] = _stamp(f.fileno())
    return ids


def _repair(path: Path, fmt: str) -> set[str]:
    """Ids in the output, every record checked, the last one too: a half-written last record (a kill
    mid-write) is cut off and its row redone; a damaged record before it is reported, since cutting
    there would lose the rows after it. The caller holds the lock."""
    with path.open("r+b") as f:
        data = f.read()
        keep, ids = _SCANNERS[fmt](data, path.name)
        if keep < len(data):
            f.truncate(keep)
        elif data and not data.endswith(b"\n"):
            f.write(b"\n")  # a whole last record that only lacks its newline is kept
        f.flush()
        os.fsync(f.fileno())
    return ids


def _jsonl_ids(data: bytes, name: str) -> tuple[int, set[str]]:
    """(bytes to keep, ids): a last line that is not a whole record is torn; any other is damage."""
    ids: set[str] = set()
    pos = n = 0
    while pos < len(data):
        n += 1
        end = data.find(b"\n", pos)
        line = data[pos:] if end < 0 else data[pos : end + 1]
        ident = _jsonl_id(line)
        if ident is None and line.strip():
            if end < 0:
                return pos, ids  # torn last record
            raise BatchInputError(
                f"{name}:{n}: not a record of okr rewrite; remove the line (its row is redone) and --resume"
            )
        if ident is not None:
            ids.add(ident)
        pos += len(line)
    return pos, ids


def _jsonl_id(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:  # JSONDecodeError, or UTF-8 cut mid-character
        return None
    return str(record["id"]) if isinstance(record, dict) and "id" in record else None


# A CSV record as this module writes it (standard quoting): quoted cells may hold newlines.
_CSV_RECORD = re.compile(rb'(?:[^"\n]|"(?:[^"]|"")*")*\n')


def _csv_ids(data: bytes, name: str) -> tuple[int, set[str]]:
    """(bytes to keep, ids): a record ends at a newline outside quotes, so a torn row whose goal holds
    a newline is cut whole instead of swallowing the next row."""
    from assistant.export import csv_value

    ids: set[str] = set()
    pos = n = 0
    while match := _CSV_RECORD.match(data, pos):
        n += 1
        cells = next(csv.reader([match.group().decode("utf-8", errors="replace")]), [])
        if n == 1 and cells != CSV_FIELDS:
            raise BatchInputError(
                f"{name}: not an okr rewrite CSV (its header is not {','.join(CSV_FIELDS)})"
            )
        if len(cells) != len(CSV_FIELDS):
            raise BatchInputError(
                f"{name}: record {n} has {len(cells)} cells, not {len(CSV_FIELDS)}; "
                "remove it (its row is redone) and --resume"
            )
        if n > 1 and cells[0]:
            ids.add(csv_value(cells[0]))
        pos = match.end()
    return pos, ids  # anything after the last whole record is a torn one


_MD_START = re.compile(r'^<!-- okr-row id=(".*?") status=\w+ -->$', re.MULTILINE)
_MD_END = re.compile(r'^<!-- okr-end id=(".*?") -->$', re.MULTILINE)


def _md_ids(data: bytes, name: str) -> tuple[int, set[str]]:
    """(bytes to keep, ids): a block is done when the next one has started, the last one only when
    its end marker is there (files from before end markers redo just their last row)."""
    text = data.decode("utf-8", errors="surrogateescape")
    starts = list(_MD_START.finditer(text))
    if not starts:
        if text.strip():
            raise BatchInputError(f"{name}: not an okr rewrite Markdown output (no row markers)")
        return len(data), set()
    ids = {json.loads(m.group(1)) for m in starts[:-1]}
    last = starts[-1]
    if any(m.group(1) == last.group(1) for m in _MD_END.finditer(text, last.end())):
        return len(data), ids | {json.loads(last.group(1))}
    return len(text[: last.start()].encode("utf-8", errors="surrogateescape")), ids


_SCANNERS = {"jsonl": _jsonl_ids, "csv": _csv_ids, "md": _md_ids}


def read_outcomes(path: Path, fmt: str) -> list[BatchOutcome]:
    """Every finished row of a JSONL or CSV output (the Markdown output is for reading, not
    reading back); a row that does not parse is skipped, the rest are kept."""
    from pydantic import ValidationError

    text = path.read_text(encoding="utf-8")
    out: list[BatchOutcome] = []
    if fmt == "jsonl":
        for line in text.splitlines():
            try:
                out.append(BatchOutcome.model_validate_json(line))
            except ValidationError:
                continue
        return out
    from assistant.domain import OKRSet, Report
    from assistant.export import csv_value

    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        try:
            okr_json, report_json = (
                csv_value(row.get("okr_set") or ""),
                csv_value(row.get("validation") or ""),
            )
            out.append(
                BatchOutcome(
                    id=csv_value(row["id"]),
                    goal=csv_value(row["goal"]),
                    status=row["status"],
                    error=csv_value(row.get("error") or "") or None,
                    okr_set=OKRSet.model_validate_json(okr_json) if okr_json else None,
                    validation=Report.model_validate_json(report_json) if report_json else None,
                )
            )
        except (KeyError, ValidationError):
            continue
    return out


def write_sheet(path: Path, outcomes: list[BatchOutcome], order: list[str]) -> int:
    """Every key result of the finished rows as one spreadsheet (the tool's CSV layout: goal id,
    cycle, team, objective, key result, numbers, findings), rows in input order; returns the rows."""
    from assistant.export import to_csv

    rank = {ident: n for n, ident in enumerate(order)}
    done = sorted((o for o in outcomes if o.okr_set), key=lambda o: rank.get(o.id, len(rank)))
    parts = [to_csv(o.okr_set, o.validation, goal_id=o.id, bom=False) for o in done if o.okr_set]
    header, rows = "", []
    for part in parts:
        first, _, rest = part.partition("\r\n")
        header = header or first + "\r\n"
        rows.append(rest)
    from assistant.files import write_atomic

    write_atomic(path, "\ufeff" + (header or "") + "".join(rows))
    return sum(r.count("\r\n") for r in rows)


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
            error=redact(str(exc)),
            seconds=round(time.perf_counter() - start, 3),
        )
    except Exception as exc:  # one bad row must not stop the other 199
        return BatchOutcome(
            id=item.id,
            goal=item.goal,
            diagnosis=diagnosis,
            status="error",
            error=redact(f"{type(exc).__name__}: {exc}"),  # exception texts quote URLs and replies
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
