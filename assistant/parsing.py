"""Read OKRs the way people have them: JSON, YAML, or the plain text and Markdown they paste.

Plain text rules, in every shipped language:
- `Objective: ...` (Obiettivo:, Cel:, هدف:, O1:, a Markdown heading) or any line without a bullet
  starts an objective;
- a bulleted or numbered line, or `KR1: ...` (Risultato chiave 1:, Kluczowy wynik:, نتیجه کلیدی:),
  is a key result of the objective above it;
- `Initiatives:` starts a list of initiatives; `Team: ...` and `Cycle: 2026-Q1` set the set's fields.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant import languages
from assistant.domain import KeyResult, Objective, OKRSet


class InputError(ValueError):
    """Input that cannot be read; the message says what is wrong and how to fix it, on one line."""

    def __init__(self, message: str):
        super().__init__(" ".join(message.split()))


_BULLET = re.compile(r"^\s*(?:[-*•+▪◦–]|\d{1,2}[.)]|[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")


@cache
def _labels() -> dict[str, re.Pattern]:
    """One pattern per label kind across every shipped language: `Obiettivo 2:`, `KR1.3 -`..."""
    kinds: dict[str, list[str]] = {}
    for code in languages.available():
        for kind, words in languages.get(code).labels.items():
            kinds.setdefault(kind, []).extend(words)
    return {
        kind: re.compile(
            rf"^\s*(?:\*\*)?(?:{'|'.join(words)})\s*\d*(?:\.\d+)?\s*(?:\*\*)?\s*[:：.\-–—)]\s*(?:\*\*)?\s*(?P<rest>.*)$",
            re.IGNORECASE,
        )
        for kind, words in kinds.items()
    }


def _clean(text: str) -> str:
    return re.sub(r"\*\*|__", "", text).strip().rstrip()


def _label(kind: str, line: str) -> str | None:
    match = _labels()[kind].match(line)
    return _clean(match["rest"]) if match else None


def parse_text(text: str) -> OKRSet:
    """Plain text or Markdown to an OKR set (see the module docstring for the rules)."""
    okr = OKRSet()
    current: Objective | None = None
    in_initiatives = False
    headings: set[int] = set()  # ids of objectives that came from a bare Markdown heading
    kr_indent: int | None = None  # indent of the key-result bullets: deeper bullets are sub-notes
    for raw in text.splitlines():
        line = _MD_HEADING.sub("", raw).strip()
        if not line or set(line) <= set("-=_*#|"):
            continue
        bulleted = bool(_BULLET.match(raw))
        indent = len(raw) - len(raw.lstrip())
        if (bulleted and kr_indent is not None and indent > kr_indent) or (
            not bulleted and indent >= 2 and current
        ):
            continue  # a sub-bullet or a continuation line under a key result: notes, not OKRs
        body = _BULLET.sub("", line) if bulleted else line
        if _label("note", body) is not None:
            continue
        if (why := _label("why", body)) is not None and current:
            current.why = why
            continue
        for field in ("team", "cycle"):
            value = _label(field, body)
            if value and not bulleted and len(value) < 60:
                setattr(okr, field, value if field == "team" else _cycle_or_none(value))
                break
        else:
            if (value := _label("key_result", body)) is not None:
                current = current or _untitled(okr)
                current.key_results.append(KeyResult(text=value))
                in_initiatives = False
                kr_indent = indent if bulleted else kr_indent
            elif (value := _label("initiative", body)) is not None:
                in_initiatives = not value
                if value and current:
                    current.initiatives.append(value)
            elif (value := _label("objective", body)) is not None or not bulleted:
                current = Objective(title=value if value is not None else _clean(body))
                okr.objectives.append(current)
                in_initiatives = False
                kr_indent = None
                if value is None and _MD_HEADING.match(raw):
                    headings.add(id(current))
            elif in_initiatives and current:
                current.initiatives.append(_clean(body))
            else:
                current = current or _untitled(okr)
                current.key_results.append(KeyResult(text=_clean(body)))
                kr_indent = indent
    # A bare heading followed straight away by another objective is a document title, not an objective.
    okr.objectives = [
        o
        for n, o in enumerate(okr.objectives)
        if not (id(o) in headings and not o.key_results and not o.initiatives and n + 1 < len(okr.objectives))
    ]
    return okr


def _cycle_or_none(value: str) -> str | None:
    value = value.strip().upper().replace(" ", "-")
    return value if re.match(r"^\d{4}-(Q[1-4]|H[12]|FY)$", value) else None


def _untitled(okr: OKRSet) -> Objective:
    obj = Objective(title="")
    okr.objectives.append(obj)
    return obj


def _from_data(data: object, name: str) -> OKRSet:
    if isinstance(data, dict) and "okr_set" in data:  # the output of `okr draft --json`
        data = data["okr_set"]
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


def parse_json(text: str, name: str = "<stdin>") -> OKRSet:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    return _from_data(data, name)


def parse_yaml(text: str, name: str = "<stdin>") -> OKRSet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise InputError(f"{name}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    return _from_data(data, name)


def sniff(text: str, name: str = "") -> str:
    """Format from the file name, else from the content."""
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".md", ".markdown", ".txt"):
        return "text"
    head = text.lstrip()[:1]
    if head in ("{", "["):
        return "json"
    if re.search(r"^objectives\s*:\s*$", text, re.MULTILINE):
        return "yaml"
    return "text"


def parse(text: str, name: str = "<stdin>", fmt: str | None = None) -> OKRSet:
    """Any supported input to an OKR set; InputError for anything unusable."""
    if not text.strip():
        raise InputError(
            f"{name}: empty input; give a file with at least one objective, or pipe text to `okr check -`"
        )
    fmt = fmt or sniff(text, name)
    if fmt == "json":
        okr = parse_json(text, name)
    elif fmt == "yaml":
        okr = parse_yaml(text, name)
    else:
        okr = parse_text(text)
    if not okr.objectives:
        raise InputError(
            f"{name}: no objectives found; start one with 'Objective: ...' and list key results under it"
        )
    return okr


def read(path: str) -> tuple[str, str]:
    """(text, display name) of a file or '-' for standard input, decoded as UTF-8."""
    import sys

    if path == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory; give a .json, .yaml, .md or .txt file")
        data = p.read_bytes()
        name = path
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file; give JSON, YAML, Markdown or plain text")
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
