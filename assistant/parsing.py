"""Read OKRs the way people have them: JSON, YAML, the text and Markdown they paste, and the
documents teams keep: Markdown headings with task lists, tables, CSV and XLSX spreadsheet exports.

Entry points:
- `read(path)` -> (text, name): a file or '-' as text; an .xlsx workbook comes back as CSV text.
- `read_document(text, name, fmt, cycle)` -> `Reading`: every set the document holds (one per
  cycle), the one to check (the cycle asked for, else the latest) and a `note` saying which one was
  picked when there was a choice.
- `parse(text, name, fmt)` -> the set to check; `read_sets(...)` -> all of them.
- `structure_lines(okr_set)` -> the tree read, as text lines, for `--show-structure`.

The rules for each shape are in `outline.py` (headings, lists, labels) and `sheets.py` (tables,
CSV, XLSX); both share `reading.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from assistant.domain import OKRSet
from assistant.reading import InputError, cycle_of, cycle_order

__all__ = [
    "InputError",
    "Reading",
    "parse",
    "parse_json",
    "parse_text",
    "parse_yaml",
    "read",
    "read_document",
    "read_sets",
    "sniff",
    "structure_lines",
]


def parse_text(text: str) -> OKRSet:
    """Plain text or Markdown to an OKR set: the latest cycle's when it holds several (see outline.py)."""
    from assistant.outline import read_outline

    sets = read_outline(text).finish()
    return _latest(sets) if sets else OKRSet()


def _latest(sets: list[OKRSet]) -> OKRSet:
    """The set of the latest cycle; the last one in the document among equals."""
    return max(reversed(sets), key=lambda s: cycle_order(s.cycle))


def _cycle_or_none(value: str) -> str | None:
    """A cycle as people write it ('2026-q1', 'Q1 2027', 'FY20-Q1') in the 2026-Q1 form, else None."""
    strict = value.strip().upper().replace(" ", "-")
    if re.match(r"^\d{4}-(Q[1-4]|H[12]|FY)$", strict):
        return strict
    return cycle_of(value)


def _from_data(data: object, name: str) -> OKRSet:
    if isinstance(data, dict) and "okr_set" in data:  # the output of `okr draft --json`
        data = data["okr_set"]
    elif isinstance(data, dict) and isinstance(data.get("plan"), dict):  # `okr cascade --format json`
        data = data["plan"]
    if isinstance(data, list):
        data = {"objectives": data}
    if not isinstance(data, dict):
        raise InputError(
            f"{name}: expected an object with 'objectives' (the OKRSet schema), got {type(data).__name__}"
        )
    try:
        return OKRSet.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError(
            f"{name}: {where}: {err['msg']} (objectives need 'title', key results need 'text')"
        ) from None


def _too_deep(name: str) -> InputError:
    return InputError(f"{name}: nested too deeply to read; objectives hold key results, no deeper")


def parse_json(text: str, name: str = "<stdin>") -> OKRSet:
    import json  # only for JSON input, like yaml below

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except ValueError as exc:  # a number with thousands of digits
        raise InputError(f"{name}: a number in it is too long to read ({exc}); shorten it") from None
    except RecursionError:
        raise _too_deep(name) from None
    return _from_data(data, name)


def parse_yaml(text: str, name: str = "<stdin>") -> OKRSet:
    import yaml  # only for YAML input: ~15 ms of every other `okr check`

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise InputError(f"{name}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise _too_deep(name) from None
    return _from_data(data, name)


def sniff(text: str, name: str = "") -> str:
    """Format from the file name, else from the content: json, yaml, csv or text."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv", ".xlsx", ".xlsm"):
        return "csv"
    if suffix in (".md", ".markdown", ".txt"):
        return "text"
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "json"
    if re.search(r"^objectives\s*:\s*$", text, re.MULTILINE):
        return "yaml"
    from assistant.sheets import looks_like_csv

    return "csv" if looks_like_csv(text) else "text"


@dataclass
class Reading:
    """What was read from one document.

    `okr_set` is the set to check: the cycle asked for, else the latest one; `sets` holds every
    set in document order (one per cycle; one set when the document names no cycle or one);
    `note` is one line for people when a choice was made (several cycles), else None; `shape`
    is json, yaml, text or csv."""

    okr_set: OKRSet
    sets: list[OKRSet] = field(default_factory=list)
    note: str | None = None
    shape: str = "text"
    name: str = "<stdin>"

    @property
    def cycles(self) -> list[str]:
        return [s.cycle for s in self.sets if s.cycle]


def read_sets(text: str, name: str = "<stdin>", fmt: str | None = None) -> list[OKRSet]:
    """Every set a document holds, one per cycle, in document order; InputError if none."""
    return read_document(text, name, fmt).sets


def read_document(
    text: str, name: str = "<stdin>", fmt: str | None = None, cycle: str | None = None
) -> Reading:
    """Any supported input to what it holds (see `Reading`); InputError, on one line, when nothing
    in it reads as OKRs or the cycle asked for is not there."""
    if not text.strip():
        raise InputError(
            f"{name}: empty input; give a file with at least one objective, or pipe text to `okr check -`"
        )
    fmt = {"markdown": "text", "md": "text", "xlsx": "csv"}.get(fmt or "", fmt) or sniff(text, name)
    if fmt in ("json", "yaml"):
        okr = parse_json(text, name) if fmt == "json" else parse_yaml(text, name)
        if not okr.objectives:
            raise InputError(
                f"{name}: no objectives found; start one with 'Objective: ...' and list key results under it"
            )
        return _choose(Reading(okr_set=okr, sets=[okr], shape=fmt, name=name), cycle)
    sets = _read_document_text(text, name, fmt)
    return _choose(Reading(okr_set=_latest(sets), sets=sets, shape=fmt, name=name), cycle)


def _read_document_text(text: str, name: str, fmt: str) -> list[OKRSet]:
    if fmt == "csv":
        from assistant.sheets import read_csv

        builder = read_csv(text, name)
    else:
        from assistant.outline import read_outline

        builder = read_outline(text)
    sets = builder.finish()
    objectives = sum(len(s.objectives) for s in sets)
    results = sum(len(o.key_results) for s in sets for o in s.objectives)
    if not objectives:
        raise InputError(
            f"{name}: no objectives found; start one with 'Objective: ...' or a heading, and list "
            "key results under it ('- ...', '- [ ] ...' or 'KR1: ...')"
        )
    if not results and not builder.labelled:
        raise InputError(
            f"{name}: no key results found under the {objectives} line(s) read as objectives; expected "
            "key results as bullets ('- ...', '- [ ] ...'), 'KR1: ...' lines or table rows under each objective"
        )
    return sets


def _choose(reading: Reading, cycle: str | None) -> Reading:
    """The set of the cycle asked for, else the latest; the note says which when there was a choice."""
    cycles = reading.cycles
    if cycle and cycles:
        wanted = _cycle_or_none(cycle) or cycle
        match = next((s for s in reading.sets if s.cycle == wanted), None)
        if match is None:
            raise InputError(f"{reading.name}: no {wanted} in this document; it holds {', '.join(cycles)}")
        reading.okr_set = match
    elif cycle:
        reading.okr_set.cycle = _cycle_or_none(cycle) or reading.okr_set.cycle
    if len(reading.sets) > 1:
        which = "asked for" if cycle else "the latest"
        held = ", ".join(s.cycle or "no cycle" for s in reading.sets)
        reading.note = (
            f"{reading.name} holds {len(reading.sets)} cycles ({held}); read {reading.okr_set.cycle}, {which}"
        )
    return reading


def parse(text: str, name: str = "<stdin>", fmt: str | None = None) -> OKRSet:
    """Any supported input to the OKR set to check (the latest cycle's); InputError for anything
    unusable. `read_document` says which cycle was picked and gives the others."""
    return read_document(text, name, fmt).okr_set


def structure_lines(okr: OKRSet) -> list[str]:
    """The tree read, one line per objective and key result, child objectives indented under their
    parent, with source line, status, priority, owner and score: what `okr check --show-structure`
    prints so a person sees at once how the document was understood. O2/KR1 match the findings."""
    objectives = okr.objectives
    results = sum(len(o.key_results) for o in objectives)
    head = [okr.name or "(no title)", f"cycle {okr.cycle}" if okr.cycle else "no cycle"]
    out = [" · ".join([*head, f"{len(objectives)} objective(s), {results} key result(s)"])]
    children: dict[int | None, list[int]] = {}
    for n, obj in enumerate(objectives):
        parent = (
            obj.parent
            if obj.parent is not None and obj.parent < len(objectives) and obj.parent != n
            else None
        )
        children.setdefault(parent, []).append(n)
    seen: set[int] = set()

    def walk(n: int, depth: int) -> None:
        if n in seen:
            return
        seen.add(n)
        obj, pad = objectives[n], "    " * depth
        out.append(f"{pad}O{n + 1}  {obj.title or '(untitled)'}{_details(obj.line, None, None, obj.owner)}")
        for j, kr in enumerate(obj.key_results):
            box = {"done": "[x] ", "open": "[ ] "}.get(kr.status or "", "")
            extra = _details(kr.line, kr.priority, kr.score, kr.owner)
            out.append(f"{pad}    KR{j + 1}  {box}{kr.text}{extra}")
        for child in children.get(n, []):
            walk(child, depth + 1)

    for root in [*children.get(None, []), *range(len(objectives))]:
        walk(root, 0)
    return out


def _details(line: int | None, priority: str | None, score: float | None, owner: str | None) -> str:
    parts = [
        f"line {line}" if line else "",
        priority or "",
        f"owner {owner}" if owner else "",
        f"score {score:g}" if score is not None else "",
    ]
    parts = [p for p in parts if p]
    return f"  ({'; '.join(parts)})" if parts else ""


def is_xlsx(data: bytes, name: str) -> bool:
    """An Excel workbook, by name or by content (a zip holding xl/workbook.xml)."""
    return name.lower().endswith((".xlsx", ".xlsm")) or (data[:4] == b"PK\x03\x04" and b"xl/workbook" in data)


MAX_BYTES = 5_000_000  # a year of a large company's OKRs is well under 1 MB


def read(path: str) -> tuple[str, str]:
    """(text, display name) of a file or '-' for standard input, decoded as UTF-8; an .xlsx
    workbook is returned as the CSV text of its sheet (`parse` then reads it as a spreadsheet)."""
    import sys

    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory; give a .json, .yaml, .md, .txt, .csv or .xlsx file")
        with p.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # enough to tell it is too big, never the whole of it
        name = path
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{name}: over {MAX_BYTES // 1_000_000} MB; an OKR document is far smaller: split it, or check "
            "that this is the right file"
        )
    if is_xlsx(data, name):
        from assistant.sheets import xlsx_to_csv  # openpyxl and the table reader, for workbooks only

        return xlsx_to_csv(data, name), name
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file; give JSON, YAML, Markdown or plain text")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
