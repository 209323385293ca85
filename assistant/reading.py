"""What every document reader shares: the vocabulary, cycles, one item's fields, and the builder.

Teams keep OKRs as Markdown headings with task lists, tables exported from spreadsheets, CSV and
XLSX files. `outline.py` reads headings and lists, `sheets.py` tables and spreadsheets; both turn
what they see into calls on one `Builder`, so an objective found in a heading, a bold table row or
a CSV row ends up with the same fields. Words come from the language files (`documents:` in
`languages/*.yaml`, `common.yaml`), so a new language or column name is data, not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from assistant import languages
from assistant.domain import KeyResult, Objective, OKRSet, normalise_cycle


class InputError(ValueError):
    """Input that cannot be read; the message says what is wrong and how to fix it, on one line."""

    def __init__(self, message: str):
        super().__init__(" ".join(message.split()))


# --- vocabulary ----------------------------------------------------------------------------------
_ID_WORDS = {"id", "ids", "ref", "no", "nr", "#", "key"}
_NOT_WORD = re.compile(r"[^\w#%]+|_")  # snake_case headers (key_result) are words too


def words_of(text: str) -> str:
    """Casefolded words separated by one space: how headers and headings are compared."""
    text = languages.normalise(text).replace("\u200c", " ").casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _has(haystack: str, phrase: str) -> tuple[int, int] | None:
    """Span of `phrase` as whole words in `haystack` (both from `words_of`), else None."""
    at = f" {haystack} ".find(f" {phrase} ")
    return (at, at + len(phrase)) if phrase and at >= 0 else None


@dataclass(frozen=True)
class Vocabulary:
    """Every shipped language's document words at once: a document does not announce its language."""

    labels: dict[str, re.Pattern]
    columns: dict[str, tuple[str, ...]]
    section_words: tuple[str, ...]
    contents: frozenset[str]
    done: frozenset[str]
    stopwords: frozenset[str]
    quarter_words: dict[str, int]
    cycles: tuple[re.Pattern, ...]
    checkbox: re.Pattern
    done_marks: str
    priority: tuple[re.Pattern, ...]
    tag: re.Pattern
    placeholder_tags: frozenset[str]
    owner_handle: re.Pattern
    owner_names: re.Pattern
    owner_separators: re.Pattern
    owner_label: re.Pattern

    def column(self, header: str) -> tuple[str, str | None] | None:
        """(role, scope) of a column header: ('owner', 'objective') for "Objective owner",
        ('item', None) for "Objective / Key result", None when nothing is recognised."""
        text = words_of(re.sub(r"\([^)]*\)", " ", header))
        if not text or len(text.split()) > 5:  # a header names a column in a few words
            return None
        words = text.split()
        if len(words) > 1 and words[-1] in _ID_WORDS:  # "Objective ID", "key_result_id": a reference
            return "reference", None
        spans = _outermost(self._spans(text))
        texts = [r for r in spans if r in ("objective", "key_result")]
        attributes = [r for r in spans if r not in texts]
        if attributes:  # "Key result owner" is an owner column, "Target date" a due date
            role = max(attributes, key=lambda r: spans[r][1] - spans[r][0])
            return role, "objective" if texts == ["objective"] else None
        if len(texts) == 2:
            return "item", None
        return (texts[0], None) if texts else None

    def _spans(self, text: str) -> dict[str, tuple[int, int]]:
        """Where each role's longest name occurs in the header."""
        spans = {}
        for role, names in self.columns.items():
            hits = [(span, name) for name in names if (span := _match_name(text, name))]
            if hits:
                spans[role] = max(hits, key=lambda hit: len(hit[1]))[0]
        return spans


def _outermost(spans: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """Drop a role whose name lies inside a longer one: "wynik" (score) inside "kluczowy wynik"."""
    return {
        role: (a, b)
        for role, (a, b) in spans.items()
        if not any(o != role and c <= a and b <= d and d - c > b - a for o, (c, d) in spans.items())
    }


def _match_name(text: str, name: str) -> tuple[int, int] | None:
    """A short column name (up to 3 characters: 'to', 'kr', '#') must be the whole header."""
    if len(name) <= 3:
        return (0, len(text)) if text == name else None
    return _has(text, name)


def _gather() -> dict:
    """Each language's `labels` and `documents:` words, merged: a document does not announce its
    language, and one file may mix two."""
    common = languages.common_documents()
    data: dict = {"columns": {}, "labels": {}, "section": set(), "contents": set(), "done": set()}
    data |= {"stop": set(), "cycles": list(common.get("cycles", [])), "quarters": _quarters(common)}
    for code in languages.available():
        lang = languages.get(code)
        docs = lang.documents
        data["quarters"] |= _quarters(docs)
        for kind, words in lang.labels.items():
            data["labels"].setdefault(kind, []).extend(words)
        for role, names in docs.get("columns", {}).items():
            data["columns"].setdefault(role, []).extend(words_of(str(n)) or str(n) for n in names)
        for key, source in (("section", "section_words"), ("contents", "contents"), ("done", "done")):
            data[key] |= {words_of(str(w)) for w in docs.get(source, [])}
        data["stop"] |= lang.stopwords
        data["cycles"] += docs.get("cycles", [])
    return data


def _quarters(docs: dict) -> dict[str, int]:
    return {str(k).casefold(): int(v) for k, v in (docs.get("quarter_words") or {}).items()}


@cache
def vocabulary() -> Vocabulary:
    """Built once per process from the language files."""
    common, data = languages.common_documents(), _gather()
    owners = sorted({n for n in data["columns"].get("owner", []) if len(n) > 2}, key=len, reverse=True)
    owner_label = rf"[(\[]\s*(?:{'|'.join(map(re.escape, owners))})\s*[:=]\s*(?P<owner>[^)\]]+)[)\]]\s*$"
    return Vocabulary(
        labels={kind: _label_pattern(words) for kind, words in data["labels"].items()},
        columns={role: tuple(dict.fromkeys(names)) for role, names in data["columns"].items()},
        section_words=tuple(sorted(data["section"], key=len, reverse=True)),
        contents=frozenset(data["contents"]),
        done=frozenset(data["done"]),
        stopwords=frozenset(data["stop"]),
        quarter_words=data["quarters"],
        cycles=tuple(re.compile(p, re.IGNORECASE) for p in data["cycles"]),
        checkbox=re.compile(common["checkbox"]),
        done_marks=common["done_marks"],
        priority=tuple(re.compile(p) for p in common["priority"]),
        tag=re.compile(common["tag"]),
        placeholder_tags=frozenset(common["placeholder_tags"]),
        owner_handle=re.compile(common["owner_handle"]),
        owner_names=re.compile(common["owner_names"]),
        owner_separators=re.compile(common["owner_separators"], re.IGNORECASE),
        owner_label=re.compile(owner_label, re.IGNORECASE),
    )


def _label_pattern(words: list[str]) -> re.Pattern:
    """`Obiettivo 2:`, `**KR1.3** -`, `Cel:`: a label word, an optional number, a separator."""
    return re.compile(
        rf"^\s*(?:\*\*)?(?:{'|'.join(words)})\s*\d*(?:\.\d+)?\s*(?:\*\*)?\s*[:：.\-–—)]\s*(?:\*\*)?\s*(?P<rest>.*)$",
        re.IGNORECASE,
    )


def label(kind: str, line: str) -> str | None:
    """The text after a label of `kind` (objective, key_result, initiative, note, why, team, cycle)."""
    match = vocabulary().labels[kind].match(line)
    return strip_emphasis(match["rest"]) if match else None


# --- cycles --------------------------------------------------------------------------------------
_PERIOD_END = {"Q1": 3, "Q2": 6, "H1": 6, "Q3": 9, "Q4": 12, "H2": 12, "FY": 12}


def find_cycle(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first cycle a text names ("OKRs 2019 Q1", "FY20-Q1", "1. kwartał 2027", "H2 2026") as
    2019-Q1 / 2020-Q1 / 2027-Q1 / 2026-H2, with its span. A fiscal year is read as its number."""
    norm = languages.normalise(text)
    for pattern in vocabulary().cycles:
        if match := pattern.search(norm):
            cycle = _cycle_from(match.groupdict())
            if cycle:
                return cycle, match.span()
    return None


def _cycle_from(groups: dict[str, str | None]) -> str | None:
    year = groups.get("year") or groups.get("fy") or (f"20{groups['yy']}" if groups.get("yy") else None)
    period = _period(groups)
    try:
        return normalise_cycle(f"{year}-{period}") if year and period else None
    except ValueError:
        return None


def _period(groups: dict[str, str | None]) -> str | None:
    """Q1-Q4 from a digit or a word ('primo', 'IV', 'سوم'), H1/H2, or FY."""
    if groups.get("q"):
        return f"Q{groups['q']}"
    if word := (groups.get("qn") or "").casefold().rstrip("."):
        number = int(word) if word.isdigit() else vocabulary().quarter_words.get(word)
        return f"Q{number}" if number in (1, 2, 3, 4) else None
    if groups.get("h"):
        return f"H{groups['h']}"
    return "FY" if groups.get("fy") else None


def cycle_of(text: str) -> str | None:
    """The cycle when `text` is nothing but one ('Q1 2027', '2026-q1', 'FY2026'), else None."""
    found = find_cycle(text)
    if not found:
        return None
    start, end = found[1]
    return found[0] if not (text[:start] + text[end:]).strip(" -–—:/") else None


def cycle_order(cycle: str | None) -> tuple[int, int]:
    """Sort key: later cycles last ('2027-Q1' after '2026-H2'); no cycle first."""
    if not cycle:
        return (0, 0)
    year, period = cycle.split("-")
    return int(year), _PERIOD_END.get(period, 12)


# --- one line's text -----------------------------------------------------------------------------
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_HTML = re.compile(
    r"</?(?:br|b|i|em|strong|span|div|p|sup|sub|u|s|del|ins|mark|small|a|font|details|summary)\b[^>]*>", re.I
)
_COMMENT = re.compile(r"<!--.*?-->")
_EMPHASIS = (
    re.compile(r"\*\*(.+?)\*\*"),
    re.compile(r"(?<!\w)__(.+?)__(?!\w)"),
    re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"),
    re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"),
    re.compile(r"~~(.+?)~~"),
    re.compile(r"`([^`]+)`"),
)


def strip_emphasis(text: str) -> str:
    """`**bold**` to bold: what a label's text keeps (single `*` and `_` may be part of it)."""
    return re.sub(r"\*\*|__", "", text).strip()


def clean_inline(text: str) -> str:
    """Markdown and HTML to the words people read: a link keeps its text, emphasis its content."""
    text = _COMMENT.sub(" ", _IMAGE.sub(" ", text))
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    for pattern in _EMPHASIS:
        text = pattern.sub(r"\1", text)
    return " ".join(text.replace("**", "").split())


_ANCHOR_ONLY = re.compile(r"^(?:\s*(?:[-*+•|·>]|\d+[.)])?\s*\[[^\]]*\]\(#[^)]*\)\s*[,;|·]?)+\s*$")


def is_contents_line(text: str) -> bool:
    """A table-of-contents line: nothing but links to anchors in the same document."""
    return bool(_ANCHOR_ONLY.match(text))


def is_italic(text: str) -> bool:
    """A whole cell or line in italics (`*...*`, `_..._`): a note, not an OKR."""
    text = text.strip()
    return bool(re.fullmatch(r"(?:\*(?!\*)[^*]+\*|_(?!_)[^_]+_)", text))


def is_bold(text: str) -> bool:
    """A whole cell or line in bold: in tables and lists, how people mark an objective."""
    return bool(re.fullmatch(r"\s*(?:\*\*[^*].*\*\*|__[^_].*__)\s*[:.]?\s*", text))


@dataclass
class Item:
    """The fields one line carries besides its text."""

    text: str
    status: Literal["open", "done"] | None = None
    owner: str | None = None
    priority: str | None = None


def read_item(raw: str, names_are_owners: bool = False) -> Item:
    """A key result or objective line to its fields: `[x]` status, `[P0]` priority, `@ana` or
    `(Ana, Ben)` owner, `[DP]` tags removed, links kept as text."""
    words = vocabulary()
    raw = raw.strip()
    status: Literal["open", "done"] | None = None
    if box := words.checkbox.match(raw):
        status = "done" if box["mark"] in words.done_marks else "open"
        raw = raw[box.end() :]
    text = clean_inline(raw)
    priority = None
    for pattern in words.priority:
        if found := pattern.search(text):
            priority = priority or found["p"]
            text = pattern.sub(" ", text)
    text = words.tag.sub(lambda m: m.group(0) if m["tag"] in words.placeholder_tags else " ", text)
    text, owner = _owner(" ".join(text.split()), names_are_owners)
    return Item(text=text.strip(" -–—:|"), status=status, owner=owner, priority=priority)


def _owner(text: str, names_are_owners: bool) -> tuple[str, str | None]:
    words = vocabulary()
    if found := words.owner_handle.search(text):
        return text[: found.start()].strip(), ", ".join(re.findall(r"@[\w.-]+", found["owner"]))
    if found := words.owner_label.search(text):
        return text[: found.start()].strip(), " ".join(found["owner"].split())
    found = words.owner_names.search(text) if names_are_owners else None
    if found and (names := person_names(found["owner"])):
        return text[: found.start()].strip(), ", ".join(names)
    return text, None


def person_names(text: str) -> list[str]:
    """'Ana, Ben Ode & Zoë' -> the names, when every part looks like a person's name (capitalised
    words, not an acronym, no digits); [] otherwise, so '(NPS)' or '(see below)' stay text."""
    parts = [p.strip() for p in vocabulary().owner_separators.split(text) if p and p.strip()]
    ok = bool(parts) and all(
        1 <= len(p.split()) <= 3 and all(_name_word(w) for w in p.split()) for p in parts
    )
    return parts if ok else []


def _name_word(word: str) -> bool:
    letters = word.replace(".", "").replace("'", "").replace("-", "")
    return (
        bool(letters)
        and letters.isalpha()
        and word[0].isupper()
        and not (len(letters) > 1 and letters.isupper())
    )


# --- building sets -------------------------------------------------------------------------------
@dataclass
class _Meta:
    """How an objective was found: decides whether an empty one is an objective or a misreading."""

    origin: str  # heading, label, line, list, row
    parent: Objective | None = None
    prose: bool = False
    children: int = 0
    heading_children: int = 0


@dataclass
class Builder:
    """Collects objectives and key results, one set per cycle, in document order."""

    name: str | None = None
    sets: list[OKRSet] = field(default_factory=lambda: [OKRSet()])
    current: Objective | None = None
    meta: dict[int, _Meta] = field(default_factory=dict)
    labelled: bool = False  # an explicit `Objective:` / `KR:` label or a table column was seen
    at: int = 0  # the set being filled

    @property
    def okr(self) -> OKRSet:
        return self.sets[self.at]

    def section(self, cycle: str | None, name: str | None = None) -> None:
        """A new cycle starts (a `## 2027 Q1` heading, a Cycle column): later objectives go to its set."""
        if name and not self.name:
            self.name = name
        if cycle is None or cycle == self.okr.cycle:
            return
        same = next((n for n, s in enumerate(self.sets) if s.cycle == cycle), None)
        if same is not None:  # rows of an earlier cycle again (a Cycle column out of order)
            self.at = same
        elif self.okr.objectives or self.okr.cycle:
            self.sets.append(OKRSet(cycle=cycle))
            self.at = len(self.sets) - 1
        else:
            self.okr.cycle = cycle
        self.current = None

    def objective(
        self, item: Item, line: int | None, origin: str, parent: Objective | None = None
    ) -> Objective:
        obj = Objective(title=item.text, owner=item.owner, line=line)
        self.okr.objectives.append(obj)
        self.meta[id(obj)] = _Meta(origin=origin, parent=parent)
        if parent is not None and id(parent) in self.meta:
            self.meta[id(parent)].children += 1
            self.meta[id(parent)].heading_children += origin == "heading"
        self.current = obj
        return obj

    def key_result(self, kr: KeyResult) -> None:
        """A key result of the objective above; one with none above gets an untitled objective."""
        obj = self.current or self.objective(Item(text=""), None, "untitled")
        obj.key_results.append(kr)

    def prose(self) -> None:
        """A paragraph was skipped under the current objective: a section of text, not an objective."""
        if self.current is not None and id(self.current) in self.meta:
            self.meta[id(self.current)].prose = True

    def origin(self, obj: Objective | None) -> str | None:
        return self.meta[id(obj)].origin if obj is not None and id(obj) in self.meta else None

    def discard(self, obj: Objective) -> None:
        """Forget an objective that turned out to be a title or an intro line."""
        for okr in self.sets:
            if any(o is obj for o in okr.objectives):
                okr.objectives = [o for o in okr.objectives if o is not obj]
        if self.current is obj:
            self.current = None

    def finish(self) -> list[OKRSet]:
        """The sets read: sections of prose dropped, parent links as indices, empty sets gone."""
        out = []
        for okr in self.sets:
            okr.objectives = [o for o in okr.objectives if not self._misread(o)]
            index = {id(o): n for n, o in enumerate(okr.objectives)}
            for obj in okr.objectives:
                parent = self._parent(obj)
                while parent is not None and id(parent) not in index:
                    parent = self._parent(parent)
                obj.parent = index[id(parent)] if parent is not None else None
            okr.name = okr.name or self.name
            if okr.objectives:
                out.append(okr)
        return out

    def _parent(self, obj: Objective) -> Objective | None:
        meta = self.meta.get(id(obj))
        return meta.parent if meta else None

    def _misread(self, obj: Objective) -> bool:
        """Not an objective after all: a heading or line with only prose under it ("Background"),
        or a heading that only groups objectives written as lines, list items or table rows (a team
        name). A heading over child headings stays: that is a cascade."""
        meta = self.meta.get(id(obj))
        if meta is None or obj.key_results or obj.initiatives:
            return False
        if meta.prose and not meta.children:
            return meta.origin in ("heading", "line")
        return meta.origin == "heading" and meta.children > 0 and not meta.heading_children
