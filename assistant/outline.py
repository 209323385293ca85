"""Markdown and plain text as teams write OKRs: headings, task lists, labels, and tables inside.

- `Objective: ...` (Obiettivo:, Cel:, هدف:, O1:) starts an objective; so does a Markdown heading
  below the document's title, and, where a document has no headings, any line that is not prose.
  A heading nested under another is a child objective (`parent`).
- A bulleted or numbered line, `- [ ]` / `- [x]` task, or `KR1: ...` is a key result of the
  objective above it; a list item with key-result tasks nested under it is an objective itself;
  deeper bullets under a key result are notes.
- The title (`# OKRs 2019 Q1`) names the set and gives its cycle; a heading such as `## 2027 Q1`,
  or a `Cycle:` line, starts the set of that cycle.
- Skipped: tables of contents (lines of `[text](#anchor)` links), prose paragraphs, sections under
  a `Notes` or `Contents` heading, code blocks, comments.
- `Initiatives:` starts a list of initiatives; `Team: ...` sets the set's team.
- A `Health metrics` heading (what `okr draft --format md` writes) starts the set's health metrics:
  its list items are numbers to hold, never objectives or key results.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from assistant.domain import HealthMetric, KeyResult, Objective
from assistant.reading import (
    Builder,
    Item,
    clean_inline,
    cycle_of,
    find_cycle,
    is_bold,
    is_contents_line,
    is_italic,
    label,
    person_names,
    read_item,
    strip_emphasis,
    vocabulary,
    words_of,
)

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*•+▪◦–]|\d{1,2}[.)]|[a-z][.)])\s+")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SENTENCES = re.compile(r"[.!?]\s+[A-ZÀ-Ý]")
_TRAILING_NAMES = re.compile(r"\(([^()]{2,60})\)\s*(?:\*\*|__)?(?:\s*\|)*\s*$")
# The heading export.to_markdown writes over the health metrics (words as `words_of` gives them).
_HEALTH_HEADINGS = frozenset({"health metrics", "health metrics hold not scored"})


def _sheets():
    """The table reader, imported when a document has a table: most documents are lists."""
    from assistant import sheets

    return sheets


@dataclass
class Line:
    """One source line, classified once: blank, heading, item, text, table or skip."""

    no: int
    raw: str
    kind: str
    indent: int = 0
    level: int = 0
    body: str = ""


def scan(text: str) -> list[Line]:
    """Lines with their kind; code blocks, comments, front matter and rules become `skip`."""
    raws = text.expandtabs(4).splitlines()
    out: list[Line] = []
    fenced = comment = False
    front = bool(raws) and raws[0].strip() == "---" and "---" in (r.strip() for r in raws[1:30])
    for no, raw in enumerate(raws, start=1):
        stripped = raw.strip()
        if front:
            front = not (no > 1 and stripped == "---")
            out.append(Line(no, raw, "skip"))
            continue
        if _FENCE.match(raw):
            fenced = not fenced
        if "<!--" in stripped and "-->" not in stripped:
            comment = True
        skip = fenced or comment or _FENCE.match(raw)
        if comment and "-->" in stripped:
            comment = False
        out.append(Line(no, raw, "skip") if skip else _classify(no, raw))
    _tables(out)
    _setext(out)
    return out


def _classify(no: int, raw: str) -> Line:
    stripped = raw.strip()
    if not stripped or (stripped.startswith("<!--") and stripped.endswith("-->")):
        return Line(no, raw, "blank")
    if heading := _HEADING.match(raw):
        return Line(no, raw, "heading", level=len(heading[1]), body=heading[2])
    if stripped.startswith("|"):
        return Line(no, raw, "table", body=stripped)
    if set(stripped) <= set("-=_*#|"):
        return Line(no, raw, "skip", body=stripped)
    indent = len(raw) - len(raw.lstrip())
    if bullet := _BULLET.match(raw):
        return Line(no, raw, "item", indent=indent, body=raw[bullet.end() :].strip())
    return Line(no, raw, "text", indent=indent, body=stripped)


def _tables(lines: list[Line]) -> None:
    """Tables written without outer pipes (`a | b` over `--- | ---`) are tables too."""
    for n, line in enumerate(lines):
        if line.kind in ("text", "skip") and "|" in line.raw and _TABLE_SEPARATOR.match(line.raw):
            line.kind = "table"
            for side in (reversed(lines[:n]), lines[n + 1 :]):
                for near in side:
                    if near.kind not in ("text", "table") or "|" not in near.raw:
                        break
                    near.kind, near.body = "table", near.raw.strip()


def _setext(lines: list[Line]) -> None:
    """`Title` over `=====` is a level-1 heading."""
    for prev, line in itertools.pairwise(lines):
        if line.kind == "skip" and set(line.body) == {"="} and prev.kind == "text":
            prev.kind, prev.level = "heading", 1


def names_are_owners(lines: list[Line]) -> bool:
    """A trailing `(Ana, Ben)` is an owner only where the document does it on two lines or more."""
    found = 0
    for line in lines:
        match = _TRAILING_NAMES.search(line.raw) if line.kind in ("heading", "item", "table") else None
        found += bool(match and person_names(match[1]))
    return found >= 2


@dataclass
class _List:
    """Where we are in a list: the indent of its top items, of a list objective and its key results."""

    base: int | None = None
    objective: Objective | None = None
    kr_indent: int | None = None


class Outline:
    """Reads scanned lines into a Builder (see the module docstring for the rules)."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.b = Builder()
        self.headed = any(line.kind == "heading" for line in lines)
        self.owners = names_are_owners(lines)
        self.title = self._title()
        self.stack: list[tuple[int, Objective]] = []
        self.skip_below: int | None = None
        self.mode: str | None = None  # "initiatives" after an `Initiatives:` line
        self.list = _List()
        self.health_indent: int | None = None  # in a health section: the indent of its list, once seen
        self.in_health = False

    def read(self) -> Builder:
        n = 0
        while n < len(self.lines):
            line = self.lines[n]
            if line.kind == "table":
                rows = [(t.no, t.body) for t in self._run(n, "table")]
                if not self._skipping():
                    _sheets().read_table(rows, self.b, self.owners)
                    self.list = _List()
                n += len(rows)
                continue
            if line.kind == "heading":
                self._heading(n, line)
            elif line.kind == "item" and self.in_health:
                self._health(line)
            elif line.kind == "item" and not self._skipping():
                self._item(n, line)
            elif line.kind == "text" and not self._skipping():
                self._text(n, line)
            n += 1
        return self.b

    # --- structure -------------------------------------------------------------------------------
    def _run(self, n: int, kind: str) -> list[Line]:
        out = []
        for line in self.lines[n:]:
            if line.kind != kind:
                break
            out.append(line)
        return out

    def _skipping(self) -> bool:
        return self.skip_below is not None

    def _title(self) -> int | None:
        """The document title: the first heading, alone at the top level, with no key results of
        its own under it (they would make it an objective)."""
        heads = [n for n, line in enumerate(self.lines) if line.kind == "heading"]
        if not heads:
            return None
        top = min(self.lines[n].level for n in heads)
        first = heads[0]
        if self.lines[first].level != top or sum(self.lines[n].level == top for n in heads) > 1:
            return None
        end = heads[1] if len(heads) > 1 else len(self.lines)
        return None if any(self._states_kr(line) for line in self.lines[first + 1 : end]) else first

    def _states_kr(self, line: Line) -> bool:
        if line.kind == "item":
            return not is_contents_line(line.raw)
        return line.kind == "text" and bool(label("key_result", line.body))

    def _parent(self) -> Objective | None:
        return self.stack[-1][1] if self.stack else None

    def _next(self, n: int) -> Line | None:
        return next((line for line in self.lines[n + 1 :] if line.kind not in ("blank", "skip")), None)

    # --- headings --------------------------------------------------------------------------------
    def _heading(self, n: int, line: Line) -> None:
        self.list, self.mode = _List(), None
        if self.skip_below is not None and line.level > self.skip_below:
            return
        self.skip_below, self.in_health = None, False
        text = clean_inline(line.body)
        if self._not_objective(text, line.level):
            return
        titled = label("objective", text)
        if titled is not None and is_section(text):
            titled = None  # "Ziele 1. Quartal 2027": a label word over a cycle names a section
        if titled is None and (n == self.title or is_section(text)):
            self._section(text, line.level, title=n == self.title)
            return
        while self.stack and self.stack[-1][0] >= line.level:
            self.stack.pop()
        item = read_item(titled if titled is not None else text, self.owners)
        obj = self.b.objective(item, line.no, "heading", self._parent())
        self.stack.append((line.level, obj))

    def _not_objective(self, text: str, level: int) -> bool:
        """Headings that are no objective: Contents and Notes (skipped with their section), a
        `Team:` or `Cycle:` field, "Key results" and "Initiatives" over the objective's lists."""
        if words_of(text) in vocabulary().contents or _bare(text, "note"):
            self.skip_below = level
            return True
        if words_of(text) in _HEALTH_HEADINGS:  # skipped as OKRs; its list is read by _health
            self.skip_below, self.in_health, self.health_indent = level, True, None
            return True
        if _bare(text, "initiative"):
            self.mode = "initiatives"
            return True
        return self._field(text) or _bare(text, "key_result")

    def _section(self, text: str, level: int, title: bool) -> None:
        """The title or a section heading: its cycle starts a set, its words may name the set."""
        found = find_cycle(text)
        self.b.section(found[0] if found else None, name=text if title or not cycle_of(text) else None)
        self.stack = [] if found else [(lv, o) for lv, o in self.stack if lv < level]

    def _field(self, text: str) -> bool:
        """`Team: growth`, `Cycle: 2026-Q2` set the set's fields."""
        team = label("team", text)
        if team and len(team) < 60:
            self.b.okr.team = team
            return True
        cycle = label("cycle", text)
        if cycle and len(cycle) < 60:
            found = find_cycle(cycle)
            if found:
                self.b.section(found[0])
            return True
        return False

    # --- list items ------------------------------------------------------------------------------
    def _health(self, line: Line) -> None:
        """An item of the health section: a number to hold (deeper items are notes on it)."""
        if self.health_indent is None:
            self.health_indent = line.indent
        text = clean_inline(line.body)
        if line.indent <= self.health_indent and text:
            self.b.okr.health.append(HealthMetric(text=text))

    def _item(self, n: int, line: Line) -> None:
        if is_contents_line(line.raw):
            return
        state = self.list
        if state.base is None or line.indent <= state.base:
            self.list = state = _List(base=line.indent)
            self._top_item(n, line)
        elif state.objective is not None and (state.kr_indent is None or line.indent <= state.kr_indent):
            state.kr_indent = line.indent
            self.b.current = state.objective
            self._key_result(line.body, line.no)
        # anything deeper is a note under a key result

    def _top_item(self, n: int, line: Line) -> None:
        body = line.body
        if self._labelled(body, line.no, in_list=True):
            return
        if self.mode == "initiatives" and self.b.current is not None:
            self.b.current.initiatives.append(clean_inline(body))
            return
        if self._list_objective(n, line):
            item = read_item(body, self.owners)
            self.list.objective = self.b.objective(item, line.no, "list", self._parent())
            return
        self._key_result(body, line.no)

    def _list_objective(self, n: int, line: Line) -> bool:
        """An item with nested items is an objective when nothing above is one, or when its
        children are tasks or `KR:` lines and it is not."""
        if vocabulary().checkbox.match(line.body):
            return False
        nested = []
        for below in self.lines[n + 1 :]:
            if below.kind in ("blank", "skip"):
                continue
            if below.kind != "item" or below.indent <= line.indent:
                break
            nested.append(below)
        if not nested:
            return False
        if self.b.current is None:
            return True
        children = [c for c in nested if c.indent == min(c.indent for c in nested)]
        words = vocabulary()
        return all(words.checkbox.match(c.body) or label("key_result", c.body) for c in children)

    # --- text lines ------------------------------------------------------------------------------
    def _text(self, n: int, line: Line) -> None:
        if line.indent >= 2 and self.b.current is not None and self.list.base is not None:
            return  # a continuation line under a key result
        self.list = _List()
        body = line.body
        if is_contents_line(body) or self._labelled(body, line.no, in_list=False):
            return
        first = not any(s.objectives for s in self.b.sets)
        if self._wrapped(n):
            self.b.prose()
        elif is_section(body) and (first or find_cycle(body)):
            self._section(body, 0, title=first)  # "OKRs 2027 Q1" / "Q2 2027" on a line of its own
        elif self._objective_line(n, body):
            item = read_item(body, self.owners)
            self.b.objective(item, line.no, "line", self._parent())
            self.mode = None
        else:
            self.b.prose()

    def _objective_line(self, n: int, body: str) -> bool:
        """An unlabelled line is an objective unless it is prose; under an objective heading only a
        bold line over a list is, and in a document with headings only a line over a list."""
        after = self._next(n)
        listed = after is not None and after.kind == "item"
        if self.stack:
            return listed and is_bold(body)
        if self.headed and not listed:
            return False
        return not _prose(body, listed)

    def _wrapped(self, n: int) -> bool:
        """Part of a paragraph: the line just above or below is unlabelled text too."""
        near = [self.lines[m] for m in (n - 1, n + 1) if 0 <= m < len(self.lines)]
        return any(line.kind == "text" and not _labels_any(line.body) for line in near)

    def _labelled(self, body: str, no: int, in_list: bool) -> bool:
        """Lines with a label: notes, why, team, cycle, key result, initiatives, objective."""
        if label("note", body) is not None:
            return True
        if (why := label("why", body)) is not None and self.b.current is not None:
            self.b.current.why = why
            return True
        if not in_list and self._field(body):
            return True
        if (value := label("key_result", body)) is not None:
            self.b.labelled = True
            self.mode = None
            if value:
                self._key_result(value, no)
            return True
        if (value := label("initiative", body)) is not None:
            self.mode = None if value else "initiatives"
            if value and self.b.current is not None:
                self.b.current.initiatives.append(value)
            return True
        if (value := label("objective", body)) is not None:
            self.b.labelled = True
            self.mode = None
            obj = self.b.objective(read_item(value, self.owners), no, "label", self._parent())
            if in_list:
                self.list.objective = obj
            return True
        return False

    def _key_result(self, body: str, no: int) -> None:
        item = read_item(label("key_result", body) or body, self.owners)
        if item.text:
            self.b.key_result(_kr(item, no))


def _kr(item: Item, line: int | None) -> KeyResult:
    return KeyResult(text=item.text, status=item.status, owner=item.owner, priority=item.priority, line=line)


def _labels_any(text: str) -> bool:
    return any(pattern.match(text) for pattern in vocabulary().labels.values())


def _bare(text: str, kind: str) -> bool:
    """The text is nothing but a label ("Key results", "Initiatives", "Notes")."""
    return label(kind, strip_emphasis(text) + ":") == ""


def _section_words(text: str) -> tuple[bool, list[str]]:
    """(does the text hold a section word such as OKRs or Objectives, the words left besides those,
    stopwords and numbers)."""
    words = f" {words_of(text)} "
    plain = words
    for phrase in vocabulary().section_words:
        words = words.replace(f" {phrase} ", " ")
    stop = vocabulary().stopwords
    return words != plain, [w for w in words.split() if w not in stop and not w.isdigit()]


def is_section(text: str) -> bool:
    """A heading that names the document or a cycle, not an objective: "OKRs 2019 Q1",
    "## 2027 Q1", "Growth team OKRs"; but "Grow revenue in 2027 Q1" is an objective."""
    found = find_cycle(text)
    if found:
        text = text[: found[1][0]] + " " + text[found[1][1] :]
    named, left = _section_words(text)
    return (named and len(left) <= 2) or (found is not None and len(left) <= 1)


def _prose(body: str, listed: bool) -> bool:
    """A sentence of explanation, not an objective: ends with a colon, runs long, holds several
    sentences, is in italics, or ends with a full stop and no list follows."""
    text = clean_inline(body)
    words = len(text.split())
    return (
        is_italic(body)
        or text.endswith((":", ";"))
        or words > 25
        or bool(_SENTENCES.search(text))
        or (text.endswith(".") and not listed)
    )


def read_outline(text: str) -> Builder:
    """Plain text or Markdown read into a builder; `finish()` gives its sets, one per cycle."""
    return Outline(scan(text)).read()
