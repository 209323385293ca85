"""Tables as teams export them: Markdown tables, CSV and XLSX from spreadsheets and OKR tools.

Columns are recognised by name in every shipped language (`documents: columns:` in the language
files): objective, key result, owner, priority, score/progress, confidence, baseline, target, due
date, cycle, team, status, type, title, parent. Then each row is one of:
- an objective: a bold or numbered row (`| **1 Grow the community (Ana, Ben)** |`), a row whose
  Type says so, or a new value in the Objective column (blank = the one above, filled down);
- a key result: any other row with text (and the Key result column, where there is one);
- skipped: header and `| :---: |` separator rows, empty rows, italic note rows.
A Cycle column splits the rows into one set per cycle.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from assistant.domain import KeyResult, Objective
from assistant.languages import normalise, parse_number
from assistant.reading import (
    Builder,
    InputError,
    clean_inline,
    find_cycle,
    is_bold,
    is_italic,
    label,
    read_item,
    vocabulary,
    words_of,
)

_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
# "1. Grow ..." / "O1 Grow ..." number an objective row; "1 Grow" only inside a bold row (a bare
# "10 new customers" is a key result's quantity); "1.2 ..." / "KR1.2 ..." number key results.
_OBJECTIVE_NUMBER = re.compile(r"^(?:O\s?\d{1,2}[.):]?|\d{1,2}[.):])\s+(?!\d)", re.IGNORECASE)
_BOLD_NUMBER = re.compile(r"^(?:O\s?)?\d{1,2}[.):]?\s+(?!\d)", re.IGNORECASE)
_KR_NUMBER = re.compile(r"^(?:KR\s?)?\d{1,2}\.\d{1,2}[.):]?\s+", re.IGNORECASE)
_TEXT_ROLES = ("item", "key_result", "objective", "title")
_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Columns:
    """Which column holds what; `objective_owner` is an owner column said to be the objective's."""

    roles: dict[str, int] = field(default_factory=dict)
    objective_owner: int | None = None
    owners_in_names: bool = False  # the header says "(owners)": trailing names are owners

    @classmethod
    def of(cls, header: list[str]) -> Columns:
        cols = cls()
        for n, cell in enumerate(header):
            found = vocabulary().column(clean_inline(cell))
            if found is None:
                continue
            role, scope = found
            if role == "owner" and scope == "objective":
                cols.objective_owner = n if cols.objective_owner is None else cols.objective_owner
            else:
                cols.roles.setdefault(role, n)
            cols.owners_in_names |= bool(re.search(r"\(\s*(?:owners?|dri)\s*\)", cell, re.IGNORECASE))
        return cols

    @property
    def recognised(self) -> int:
        return len(self.roles) + (self.objective_owner is not None)


class Rows:
    """Turns table rows into objectives and key results on a builder."""

    def __init__(self, builder: Builder, cols: Columns, owners: bool):
        self.b, self.cols, self.owners = builder, cols, owners or cols.owners_in_names
        # Objective rows of a table under an objective heading are its children.
        self.parent = builder.current if builder.origin(builder.current) == "heading" else None
        self.objectives: dict[tuple[int, str], Objective] = {}
        self.last_objective = ""
        self.parents: list[tuple[Objective, str]] = []
        self.first_objective = True
        self.numbered = self.marked = self.dotted = False

    def read(self, rows: list[tuple[int, list[str]]]) -> None:
        texts = [self._text(cells) for _, cells in rows]
        self.numbered = _numbered_objectives(texts)
        # An Objective column alone holds objectives, unless bold or numbered rows mark them among
        # key results (`| Objective (owners) |` over `| **1 ...** |` rows).
        self.marked = any(is_bold(t) for t in texts) or self.numbered
        # A number column tells objectives (1) from key results (1.1) only where it has both.
        self.dotted = any("." in self._cell(cells, "number").strip(".") for _, cells in rows)
        for no, cells in rows:
            self.row(no, cells)
        self._link_parents()

    def row(self, no: int, cells: list[str]) -> None:
        if not any(c.strip(" -–—") for c in cells) or _is_separator(cells):
            return
        if found := find_cycle(self._cell(cells, "cycle")):
            self.b.section(found[0])
        if (team := self._cell(cells, "team")) and not self.b.okr.team:
            self.b.okr.team = team
        if "objective" in self.cols.roles and "key_result" in self.cols.roles:
            self._two_columns(no, cells)
            return
        kind = self._kind(cells)
        if kind == "objective":
            self._objective(self._text(cells), no, cells)
        elif kind == "key_result":
            self._key_result(self._text(cells), no, cells)

    def _cell(self, cells: list[str], role: str) -> str:
        """The cell of a role's column, as plain text ('' when the table has no such column)."""
        at = self.cols.roles.get(role)
        return clean_inline(_cell(cells, at)) if at is not None else ""

    # --- what a row is ---------------------------------------------------------------------------
    def _text(self, cells: list[str]) -> str:
        """The row's main text: the first text column, else the first cell with words."""
        for role in _TEXT_ROLES:
            if (at := self.cols.roles.get(role)) is not None:
                return _cell(cells, at)
        used = set(self.cols.roles.values())
        return next((c for n, c in enumerate(cells) if n not in used and _wordy(c)), "")

    def _kind(self, cells: list[str]) -> str | None:
        text = self._text(cells)
        if not text.strip() or is_italic(text) or label("note", clean_inline(text)) is not None:
            return None
        if kind := _type(self._cell(cells, "type")):
            return kind
        if "objective" in self.cols.roles and "key_result" not in self.cols.roles and not self.marked:
            return "objective"
        if self.dotted and (number := self._cell(cells, "number")):
            return "key_result" if "." in number.strip(".") else "objective"
        plain = clean_inline(text)
        if is_bold(text) or label("objective", plain) is not None:
            return "objective"
        if self.numbered and _OBJECTIVE_NUMBER.match(text) and not _KR_NUMBER.match(plain):
            return "objective"
        return "key_result"

    def _two_columns(self, no: int, cells: list[str]) -> None:
        """Objective and Key result columns: a new objective value starts an objective (a blank
        one repeats the one above), the key-result cell is a key result of it."""
        objective = _cell(cells, self.cols.roles["objective"]).strip()
        result = _cell(cells, self.cols.roles["key_result"]).strip()
        if is_italic(objective or result):
            return
        objective = objective or self.last_objective
        if objective:
            self._objective(objective, no, cells, with_owner=not result)
        if result:
            self._key_result(result, no, cells)

    # --- building --------------------------------------------------------------------------------
    def _objective(self, text: str, no: int, cells: list[str], with_owner: bool = True) -> None:
        key = (id(self.b.okr), words_of(text))
        self.last_objective = text
        if (known := self.objectives.get(key)) is not None:
            self.b.current = known
            return
        if self.first_objective:
            self._drop_intro()
        plain = clean_inline(text)
        plain = label("objective", plain) or _BOLD_NUMBER.sub("", plain, count=1)
        item = read_item(plain, self.owners)
        owner_at = self.cols.objective_owner
        if owner_at is None and with_owner:
            owner_at = self.cols.roles.get("owner")
        item.owner = (clean_inline(_cell(cells, owner_at)) if owner_at is not None else "") or item.owner
        obj = self.b.objective(item, no, "row", self.parent)
        self.objectives[key] = obj
        if parent := self._cell(cells, "parent"):
            self.parents.append((obj, parent))

    def _drop_intro(self) -> None:
        """A line read as an objective just before a table of objectives was its introduction."""
        self.first_objective = False
        current = self.b.current
        if current is not None and not current.key_results and self.b.origin(current) == "line":
            self.b.discard(current)

    def _key_result(self, text: str, no: int, cells: list[str]) -> None:
        plain = clean_inline(text)
        plain = label("key_result", plain) or _KR_NUMBER.sub("", plain, count=1)
        item = read_item(plain, self.owners)
        if not item.text:
            return
        value = partial(self._cell, cells)
        self.b.labelled = True
        self.b.key_result(
            KeyResult(
                text=item.text,
                status=_status(value("status")) or item.status,
                owner=value("owner") or item.owner,
                priority=value("priority") or item.priority,
                score=fraction(value("score")),
                confidence=fraction(value("confidence")),
                baseline=_number(value("baseline")),
                target=_number(value("target")),
                deadline=value("due") or None,
                line=no,
            )
        )

    def _link_parents(self) -> None:
        """A Parent column names another objective of the same set."""
        for obj, parent in self.parents:
            for (set_id, key), other in self.objectives.items():
                if key == words_of(parent) and other is not obj and set_id == _set_of(self.b, obj):
                    self.b.meta[id(obj)].parent = other


def _set_of(builder: Builder, obj: Objective) -> int | None:
    return next((id(s) for s in builder.sets if any(o is obj for o in s.objectives)), None)


# --- cells ---------------------------------------------------------------------------------------
def _cell(cells: list[str], at: int | None) -> str:
    return cells[at] if at is not None and at < len(cells) else ""


def _wordy(text: str) -> bool:
    return any(c.isalpha() for c in clean_inline(text))


def _is_separator(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)


def _numbered_objectives(texts: list[str]) -> bool:
    """Numbered rows are objectives only where other rows are not numbered the same way."""
    filled = [clean_inline(t) for t in texts if t.strip() and not is_italic(t)]
    single = [t for t in filled if _OBJECTIVE_NUMBER.match(t) and not _KR_NUMBER.match(t)]
    return bool(single) and len(single) < len(filled)


def _type(value: str) -> str | None:
    """A Type column: 'Objective' / 'Key Result' in any shipped language."""
    words = words_of(value)
    columns = vocabulary().columns
    for kind in ("key_result", "objective"):
        if words and any(words == n or words.startswith(n + " ") for n in columns.get(kind, ())):
            return kind
    return None


def _status(value: str) -> Literal["open", "done"] | None:
    words = words_of(value)
    if not words:
        return None
    return "done" if words in vocabulary().done else "open"


def _number(value: str) -> float | None:
    text = normalise(value).strip()
    return parse_number(text) if re.search(r"\d", text) and not re.search(r"[a-z]{3,}", text, re.I) else None


def fraction(value: str) -> float | None:
    """A score or confidence as 0-1: '0.7', '70%', '0,7', '7/10'; None for anything else."""
    text = normalise(value).replace(" ", "")
    if ratio := re.fullmatch(r"(\d+(?:[.,]\d+)?)/(\d+(?:[.,]\d+)?)", text):
        top, bottom = (float(x.replace(",", ".")) for x in ratio.groups())
        number = top / bottom if bottom else None
    elif plain := re.fullmatch(r"(\d+(?:[.,]\d+)?)(%?)", text):
        number = float(plain[1].replace(",", "."))
        number = number / 100 if plain[2] or number > 1 else number
    else:
        return None
    return number if number is not None and 0 <= number <= 1 else None


# --- Markdown tables -----------------------------------------------------------------------------
def split_row(line: str) -> list[str]:
    """`| a | b \\| c |` -> ['a', 'b | c']."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def read_table(lines: list[tuple[int, str]], builder: Builder, owners: bool) -> None:
    """A Markdown table into the builder: under a heading objective its rows are that objective's
    key results, or its child objectives where rows are bold or numbered."""
    rows = [(no, split_row(text)) for no, text in lines]
    header = rows[0][1] if rows else []
    has_separator = len(rows) > 1 and _is_separator(rows[1][1])
    cols = Columns.of(header) if has_separator else Columns()
    builder.labelled |= bool(cols.recognised)
    # Over a separator sits a header, unless it is a bold objective row (an export with no header).
    headed = has_separator and (cols.recognised or not any(is_bold(c) for c in header))
    data = rows[1:] if headed else rows
    Rows(builder, cols, owners).read(data)


# --- CSV and XLSX --------------------------------------------------------------------------------
def delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else None


def looks_like_csv(text: str) -> bool:
    """Content sniffing for piped input: a first line of two or more recognised column names."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lstrip()[:1] in ("|", "#", "-", "*", "{", "[") or not (sep := delimiter(first)):
        return False
    header = next(csv.reader([first], delimiter=sep))
    return len(header) >= 2 and Columns.of(header).recognised >= 2


def read_csv(text: str, name: str) -> Builder:
    """A spreadsheet export: one row per key result, a header row naming the columns (any rows
    above it give the set's name and cycle). Row numbers are the spreadsheet's."""
    lines = text.splitlines()
    sep = next((d for line in lines[:15] if (d := delimiter(line))), ",")
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    at = _header_row(rows)
    if at is None:
        raise InputError(
            f"{name}: no header row naming the columns; expected one such as "
            "'Objective, Key result, Owner, Score' (in any supported language) in the first rows"
        )
    builder = Builder()
    _title_rows(rows[:at], builder)
    cols = Columns.of(rows[at])
    data = [(n, cells) for n, cells in enumerate(rows[at + 1 :], start=at + 2)]
    Rows(builder, cols, owners=False).read(data)
    return builder


def _header_row(rows: list[list[str]]) -> int | None:
    for n, cells in enumerate(rows[:15]):
        cols = Columns.of(cells)
        if cols.recognised >= 2 and any(r in cols.roles for r in _TEXT_ROLES):
            return n
    return None


def _title_rows(rows: list[list[str]], builder: Builder) -> None:
    for cells in rows:
        text = clean_inline(" ".join(c for c in cells if c.strip()))
        if text:
            found = find_cycle(text)
            builder.section(found[0] if found else None, name=text)


def xlsx_to_csv(data: bytes, name: str) -> str:
    """The workbook's active sheet (else its first sheet with data) as CSV text, one line per row
    so row numbers stay the spreadsheet's; bold cells are marked `**...**` as in Markdown, since
    a bold row is how a spreadsheet marks an objective. openpyxl is imported here only."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a core dependency
        raise InputError(
            f"{name}: reading .xlsx needs openpyxl; install it with `pip install openpyxl`"
        ) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(
            f"{name}: not a readable .xlsx workbook ({type(exc).__name__}); save it again, or export CSV"
        ) from None
    try:
        sheets = [book.active, *book.worksheets]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for sheet in sheets:
            if sheet is None or not hasattr(sheet, "iter_rows"):
                continue
            sheet.reset_dimensions()
            rows = [[_cell_text(c) for c in row] for row in sheet.iter_rows(min_row=1)]
            if any(any(row) for row in rows):
                writer.writerows(rows)
                break
        return out.getvalue()
    finally:
        book.close()


def _cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if "%" in str(getattr(cell, "number_format", "")):
            return f"{value * 100:g}%"
        return str(int(value)) if float(value).is_integer() else f"{value:g}"
    text = str(value).strip()
    font = getattr(cell, "font", None)
    return f"**{text}**" if text and font is not None and font.b else text
