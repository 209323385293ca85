"""The example-OKR library: YAML files in `examples_kb/`, checked against the domain types.

A broken file is reported as `file:line: what is wrong`, because the people who add their own past
OKRs to the library are not the people who wrote the loader.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from assistant import config
from assistant.domain import Example, LabelledItem
from assistant.files import write_atomic
from assistant.resources import data_dir


class LibraryError(ValueError):
    """A library file that cannot be used; the message names file and line."""


def kb_dir() -> Path:
    """Where the shipped library lives: $OKR_KB_DIR, else the packaged `examples_kb/`."""
    return config.settings().kb_dir or data_dir("examples_kb")


def user_kb_dir() -> Path:
    """Where `okr kb add` keeps a company's own past OKRs."""
    return config.settings().home_dir / "kb"


def library_dirs() -> list[Path]:
    """Every folder the retrieval index is built from: the shipped library, then the user's."""
    dirs = [kb_dir()]
    if user_kb_dir().is_dir() and any(user_kb_dir().glob("*.yaml")):
        dirs.append(user_kb_dir())
    return dirs


class LibraryWarning(UserWarning):
    """A user library file that was skipped; the message names the file and the fix."""


def load_all() -> tuple[Example, ...]:
    """Examples from every library folder, ids unique across all of them. A broken file of the
    user's own is skipped with a LibraryWarning, so one bad `kb add` does not stop drafting; the
    shipped library must load."""
    out: list[Example] = []
    seen: set[str] = set()
    for folder in library_dirs():
        for ex in _load_folder(folder, strict=folder == kb_dir()):
            if ex.id in seen:
                if folder == kb_dir():
                    raise LibraryError(f"{folder}: duplicate id {ex.id!r}")
                _skip(f"{folder}: duplicate id {ex.id!r}; remove one with `okr kb remove`")
                continue
            seen.add(ex.id)
            out.append(ex)
    return tuple(out)


def _load_folder(folder: Path, strict: bool) -> tuple[Example, ...]:
    if strict:
        return load(str(folder))[0]
    return tuple(e for path in sorted(folder.glob("*.yaml")) for e in _user_file(path, warn=True))


def _skip(message: str) -> None:
    import warnings

    warnings.warn(message, LibraryWarning, stacklevel=3)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]


def _load_yaml(path: Path) -> tuple[dict, yaml.Node | None]:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise LibraryError(f"{path.name}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise LibraryError(f"{path.name}:1: expected a mapping with 'examples' or 'items'")
    return data, node


def _item_lines(node: yaml.Node | None, key: str) -> list[int]:
    for k, v in getattr(node, "value", []):
        if getattr(k, "value", None) == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


def load_file(path: Path) -> tuple[list[Example], list[LabelledItem]]:
    """Examples and labelled items of one library file, validated, with file:line on error."""
    data, node = _load_yaml(path)
    examples = _validated(path, data, node, "examples", Example)
    labelled = _validated(path, data, node, "items", LabelledItem)
    if "examples" in data and not data.get("language"):
        raise LibraryError(f"{path.name}:1: 'language' is required for a file of examples")
    return examples, labelled


Entry = TypeVar("Entry", Example, LabelledItem)


def _validated(path: Path, data: dict, node: yaml.Node | None, key: str, model: type[Entry]) -> list[Entry]:
    """The entries under `key` as `model`; an error names the file and the entry's line."""
    items = data.get(key) or []
    if not isinstance(items, list):
        raise LibraryError(f"{path.name}:1: '{key}' must be a list")
    lines = _item_lines(node, key)
    shared = (
        {"language": data.get("language", ""), "source": data.get("source", "")} if model is Example else {}
    )
    out: list[Entry] = []
    for n, raw in enumerate(items):
        line = lines[n] if n < len(lines) else 1
        if not isinstance(raw, dict):
            raise LibraryError(f"{path.name}:{line}: each entry of '{key}' must be a mapping")
        try:
            out.append(model.model_validate({**shared, **raw}))
        except ValidationError as exc:
            raise LibraryError(f"{path.name}:{line}: {_first_error(exc)}") from None
    return out


@cache
def load(directory: str | None = None) -> tuple[tuple[Example, ...], tuple[LabelledItem, ...]]:
    """Every example and labelled item in the library; ids must be unique across files."""
    root = Path(directory) if directory else kb_dir()
    if not root.is_dir():
        raise LibraryError(f"{root}: example library not found; set OKR_KB_DIR to the examples_kb folder")
    examples: list[Example] = []
    labelled: list[LabelledItem] = []
    seen: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        ex, lab = load_file(path)
        for ident in [e.id for e in ex] + [i.id for i in lab]:
            if ident in seen:
                raise LibraryError(f"{path.name}: duplicate id {ident!r} (also in {seen[ident]})")
            seen[ident] = path.name
        examples += ex
        labelled += lab
    return tuple(examples), tuple(labelled)


def examples(directory: str | None = None) -> tuple[Example, ...]:
    return load(directory)[0]


def content_hash(directory: str | None = None) -> str:
    """Hash of the library files, so an index built from them can tell it is stale."""
    roots = [Path(directory)] if directory else library_dirs()
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.glob("*.yaml")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _signature(objective: str, key_results: list[str]) -> str:
    """The same objective and key results, whatever the file or spacing: a duplicate."""
    words = [" ".join(t.casefold().split()) for t in (objective, *sorted(key_results))]
    return hashlib.sha256("\n".join(words).encode()).hexdigest()


def user_files() -> list[tuple[Path, list[Example]]]:
    """The user's own library files and their examples (a broken file has none)."""
    folder = user_kb_dir()
    if not folder.is_dir():
        return []
    return [(path, _user_file(path, warn=False)) for path in sorted(folder.glob("*.yaml"))]


def _user_file(path: Path, warn: bool) -> list[Example]:
    """The examples of one of the user's files; a broken one has none (and is named, with `warn`)."""
    try:
        return load_file(path)[0]
    except (LibraryError, OSError, UnicodeDecodeError) as exc:
        if warn:
            _skip(f"{path}: skipped ({exc}); fix it or remove it with `okr kb remove {path.stem}`")
        return []


def _free_stem(folder: Path, stem: str) -> str:
    """`stem`, or `stem-2`, `stem-3`... so a second file never overwrites the first."""
    taken = {p.stem for p in folder.glob("*.yaml")}
    n, candidate = 1, stem
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def save_user_examples(okr, source: str, team: str | None = None) -> tuple[Path | None, int, int]:
    """Store a company's own OKR set as library examples (the formats `okr check` reads).
    Returns (file written or None, examples added, duplicates skipped): an objective already in
    the user's library with the same key results is not added twice."""
    import re

    from assistant import languages
    from assistant.validator import language_of

    lang = okr.language if okr.language in languages.available() else language_of(okr)
    folder = user_kb_dir()
    folder.mkdir(parents=True, exist_ok=True)
    known = {_signature(e.objective, [k.text for k in e.key_results]) for _, exs in user_files() for e in exs}
    stem = _free_stem(folder, re.sub(r"[^\w-]+", "-", Path(source).stem).strip("-").lower() or "okrs")
    examples: list[dict] = []
    duplicates = 0
    for obj in okr.objectives:
        if not obj.title or not obj.key_results:
            continue
        signature = _signature(obj.title, [kr.text for kr in obj.key_results])
        if signature in known:
            duplicates += 1
            continue
        known.add(signature)
        ident = f"user-{stem}-{len(examples) + 1}"
        examples.append(
            {
                "id": ident,
                "group": ident,
                "team": team or okr.team or "general",
                "objective": obj.title,
                "objective_en": obj.title,
                "key_results": [{"text": kr.text, "en": kr.text} for kr in obj.key_results],
            }
        )
    if not examples and not duplicates:
        raise LibraryError(f"{source}: no objective with key results to add")
    if not examples:
        return None, 0, duplicates
    path = folder / f"{stem}.yaml"
    data = {
        "source": Path(source).name,
        "language": lang,
        "title": f"added with okr kb add from {source}",
        "examples": examples,
    }
    write_atomic(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    load.cache_clear()
    return path, len(examples), duplicates


def remove_user_file(name: str) -> Path:
    """Delete one of the user's library files by name (`our-okrs` or `our-okrs.yaml`)."""
    folder = user_kb_dir()
    path = folder / (name if name.endswith(".yaml") else f"{name}.yaml")
    if path.parent != folder or not path.is_file():
        names = ", ".join(p.stem for p, _ in user_files()) or "none yet"
        raise LibraryError(f"{name}: not in your library ({folder}); files: {names}")
    path.unlink()
    load.cache_clear()
    return path
