"""Language data: one YAML file per language, compiled once into regular expressions.

Adding a language is adding `xx.yaml` beside this file (copy `en.yaml`) and its tests: no code
changes. Only the standard library is imported so `okr check` starts fast: PyYAML (~15 ms) is
imported only when a file changed since its parsed copy was kept (see `load_data`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache, cached_property
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).resolve().parent

# Normalised before any matching: Persian and Arabic-Indic digits and separators, the Arabic yeh
# and kaf that a Persian sentence typed on an Arabic keyboard carries (ي ك ى for ی ک ی), no-break
# and thin spaces, and typographic apostrophes.
_FOLD = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٪٫٬يكى\u00a0\u202f\u2009\u2007’‘", "01234567890123456789%.,یکی    ''"
)
# A number as people write it: 3,000 / 8 000 / 2.000 / 2,5 / 1.5 ; with an optional currency before
# and a scale or percent after. The scale words of each language are added in Language.num_re.
_DIGITS_RE = r"\d{1,3}(?:(?:[.,]|\s)\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"


_NOT_NUMERAL = re.compile(r"[^\d.,\s]")
_SPACE_RUN = re.compile(r"\s+")
_SEPARATOR = re.compile(r"[.,]")


def normalise(text: str) -> str:
    """NFC, ASCII digits and percent, Persian letters, plain spaces: every pattern can then assume
    one spelling."""
    if text.isascii():  # nothing to change (most English key results)
        return text
    return unicodedata.normalize("NFC", text).translate(_FOLD)


def parse_number(token: str) -> float | None:
    """Value of a written number: '3,000' 3000, '2.000' 2000, '2,5' 2.5, '8 000' 8000, '1.5' 1.5.

    A single separator followed by exactly three digits is read as a thousands separator in every
    language; any other single separator is a decimal point.
    """
    digits = _SPACE_RUN.sub("", _NOT_NUMERAL.sub("", token))
    if not digits or not any(c.isdigit() for c in digits):
        return None
    seps = [c for c in digits if c in ".,"]
    if len(seps) > 1 and len(set(seps)) == 2:
        dec = digits.rfind(".") if digits.rfind(".") > digits.rfind(",") else digits.rfind(",")
        digits = _SEPARATOR.sub("", digits[:dec]) + "." + digits[dec + 1 :]
    elif len(seps) > 1:
        digits = digits.replace(seps[0], "")
    elif len(seps) == 1:
        head, tail = _SEPARATOR.split(digits)
        digits = head + tail if len(tail) == 3 else head + "." + tail
    try:
        return float(digits)
    except ValueError:
        return None


_WORDLIKE = re.compile(r"\w+")
_WORD_RUN = re.compile(r"(?<!\w)\w+")


def _alt(words: list[str] | dict, prefix: bool = True) -> str:
    """One alternation of words or stems, longest first, matched at a word start."""
    items = sorted((str(w) for w in words), key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)
    end = "" if prefix else r"(?!\w)"
    return rf"(?<!\w)(?:{body}){end}" if items else r"(?!x)x"


def _compile(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    """One alternation of `patterns`, tried in order. A leading `\\b` in the language files means
    "at a word start" (the pattern's first character is a letter or digit), so neighbours that
    begin with one share a single word-start test (`\\b(?=\\w)(?:(?:a)|(?:b))`, the same matches as
    `\\b(?:a)|\\b(?:b)`): the engine tries them only where a word starts, neither inside a word nor
    where one ends (a third of the cost of a time-frame pattern, the costliest search per key
    result). tests/test_check_speed_paths.py compares every language's groups with the plain form."""
    parts: list[str] = []
    for shared, group in itertools.groupby(patterns, lambda p: p.startswith(r"\b") and not _top_level_bar(p)):
        if shared:
            parts.append(rf"\b(?=\w)(?:{'|'.join(f'(?:{p[2:]})' for p in group)})")
        else:
            parts += [f"(?:{p})" for p in group]
    return re.compile("|".join(parts) or r"(?!x)x", flags)


def _top_level_bar(pattern: str) -> bool:
    """Whether `pattern` is an alternation at its top level (`\\ba|b`): its leading `\\b` then
    belongs to the first branch only and cannot be shared."""
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += pattern.startswith("^", i + 1)
            i += pattern.startswith("]", i + 1)  # a ']' first in a class is a member
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


class StemIndex:
    """Word starts grouped by name (verb classes, polarity sides), matched like `_alt` patterns:
    single-word stems are looked up by word prefix in a dict, phrases with spaces or punctuation
    stay regular expressions. Much cheaper to build and to search than one long alternation."""

    def __init__(self, groups: dict[str, list]):
        self.names = list(groups)
        self.single: dict[str, list[str]] = {}
        phrases: dict[str, list[str]] = {}
        for name, stems in groups.items():
            for stem in map(str, stems):
                if _WORDLIKE.fullmatch(stem):
                    self.single.setdefault(stem.casefold(), []).append(name)
                else:
                    phrases.setdefault(name, []).append(stem)
        self.phrases = {name: re.compile(_alt(items), re.IGNORECASE) for name, items in phrases.items()}
        self.lengths = sorted({len(s) for s in self.single})
        self.order = {name: n for n, name in enumerate(self.names)}
        self._memo: dict[str, tuple[tuple[int, str], ...]] = {}
        self._texts: dict[str, list[tuple[int, int, str]]] = {}

    def _word(self, word: str) -> tuple[tuple[int, str], ...]:
        """(group order, name) of every stem that starts `word`; memoised, as texts repeat words."""
        hits = self._memo.get(word)
        if hits is None:
            hits = tuple(
                (self.order[name], name)
                for size in self.lengths
                if size <= len(word)
                for name in self.single.get(word[:size], ())
            )
            if len(self._memo) < 100_000:
                self._memo[word] = hits
        return hits

    def _hits(self, low: str) -> list[tuple[int, int, str]]:
        """(position, group order, name) of every word-start hit, sorted; the last texts are
        remembered, as one sentence is asked about several times (verbs, polarity, KPI)."""
        hits = self._texts.get(low)
        if hits is None:
            hits = [(m.start(), *hit) for m in _WORD_RUN.finditer(low) for hit in self._word(m.group())]
            for name, pattern in self.phrases.items():
                hits += [(m.start(), self.order[name], name) for m in pattern.finditer(low)]
            hits.sort()
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[low] = hits
        return hits

    def positions(self, low: str) -> dict[str, int | None]:
        found: dict[str, int] = {}
        for pos, _, name in self._hits(low):
            found.setdefault(name, pos)
        return {name: found.get(name) for name in self.names}

    def first(self, low: str, start: int = 0) -> str | None:
        """The group of the earliest hit at or after `start` (else from the beginning); ties go to
        the group listed first."""
        hits = self._hits(low)
        after = next((hit for hit in hits if hit[0] >= start), None)
        best = after or (hits[0] if hits else None)
        return best[2] if best else None


class Language:
    """A language's words and patterns. Patterns compile on first use (regex compilation is most of
    a short `okr check` run), so detecting a language or reading its labels compiles nothing."""

    def __init__(self, data: dict, common: dict):
        self._data, self._common = data, common
        self.code: str = data["code"]
        self.name: str = data["name"]
        self.english_name: str = data.get("english_name", self.name)
        self.aliases: list[str] = [str(a).casefold() for a in data.get("aliases", [])] + [
            self.name.casefold()
        ]
        self.markers = set(data.get("markers", []))
        self.stopwords = {w.casefold() for w in data.get("stopwords", [])}
        self.number_words: dict[str, float] = {
            str(k).casefold(): float(v) for k, v in data["number_words"].items()
        }
        scales = data.get("scale_words", {})
        self.scale_words = {str(k).casefold(): float(v) for k, v in scales.items()}
        self.labels = {k: [str(v) for v in vs] for k, vs in data.get("labels", {}).items()}
        self.activity_scope: str = data.get("activity_scope", "first_verb")
        self.kr_templates: dict[str, str] = data.get("kr_templates", {})
        self.compose: dict = data.get("compose", {})  # how drafted sentences are written (compose.py)
        self.script: str = data.get("script", "latin")
        self.direction: str = data.get("direction", "ltr")  # "rtl" for Persian: the chat sets dir=
        self.chat_instructions = [str(w).casefold() for w in data.get("chat_instructions", [])]
        self.letters = set(data.get("letters", "") or "")
        self.letter_weight = float(data.get("letter_weight", 0) or 0)

    @cached_property
    def num(self) -> str:
        """The regex source of a number in this language (digits with scale/currency, or a word)."""
        currency = "|".join(self._data.get("currency", []))
        scale = _alt(list(self.scale_words), prefix=False).removeprefix(r"(?<!\w)")
        word_num = _alt(list(self.number_words), prefix=False)
        return (
            rf"(?:(?:{currency})\s?)?(?<![\w.,])(?:{_DIGITS_RE})(?:\s?(?:{scale})\.?)?(?:\s?%|\s?(?:{currency}))?"
            rf"|{word_num}"
        )

    @cached_property
    def num_re(self) -> re.Pattern:
        return re.compile(self.num, re.IGNORECASE)

    @cached_property
    def scale_re(self) -> re.Pattern:
        scales = _alt(list(self.scale_words), prefix=False).removeprefix(r"(?<!\w)")
        return re.compile(rf"\d\s?({scales})", re.IGNORECASE)

    @cached_property
    def from_to(self) -> list[re.Pattern]:
        return [
            re.compile(p.replace("{NUM}", self.num), re.IGNORECASE) for p in self._data.get("from_to", [])
        ]

    @cached_property
    def baseline_words(self) -> re.Pattern:
        return _compile(self._data.get("baseline_words", []))

    @cached_property
    def timeframe(self) -> re.Pattern:
        return _compile(self._common.get("timeframe", []) + self._data.get("timeframe", []))

    @cached_property
    def window(self) -> re.Pattern:
        return _compile(self._data.get("window", []))

    @cached_property
    def service_level(self) -> re.Pattern:
        return _compile(self._data.get("service_level", []))

    @cached_property
    def not_targets(self) -> re.Pattern:
        """Numbers that are never targets: checkboxes, priority tags, versions, ordinals (3rd, 2°)."""
        return _compile(self._common.get("not_targets", []) + self._data.get("not_targets", []))

    @property
    def documents(self) -> dict:
        """How this language names the parts of an OKR document: columns, section words, cycles."""
        return self._data.get("documents", {}) or {}

    @cached_property
    def placeholder_cs(self) -> re.Pattern:
        sensitive = set(self._common.get("case_sensitive_placeholders", []))
        return _compile([p for p in self._common.get("placeholder", []) if p in sensitive], 0)

    @cached_property
    def placeholder(self) -> re.Pattern:
        sensitive = set(self._common.get("case_sensitive_placeholders", []))
        common = [p for p in self._common.get("placeholder", []) if p not in sensitive]
        return _compile(common + self._data.get("placeholder", []))

    @property
    def verbs(self) -> dict[str, list]:
        """Verb classes (increase, decrease, activity...) and their stems, as the file lists them."""
        return self._data["verbs"]

    @cached_property
    def _verb_index(self) -> StemIndex:
        return StemIndex(self.verbs)

    def verb_positions(self, low: str) -> dict[str, int | None]:
        """Where each verb class first occurs in a casefolded text (None: nowhere): the same answer
        as searching each class's stem pattern, at a fraction of the cost (eight long alternations
        tried at every position were most of `okr check`'s time per sentence)."""
        return self._verb_index.positions(low)

    @cached_property
    def vague(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("vague_nouns", [])), re.IGNORECASE)

    @cached_property
    def concrete(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("concrete_metrics", [])), re.IGNORECASE)

    @cached_property
    def identifier_exceptions(self) -> frozenset[str]:
        """Names written like code that are not code: iPhone, eBay, macOS (common.yaml)."""
        return frozenset(str(w).casefold() for w in self._common.get("identifier_exceptions", []) or [])

    @cached_property
    def loanwords(self) -> frozenset[str]:
        return frozenset(str(w).casefold() for w in self._data.get("loanwords", []) or [])

    @cached_property
    def foreign_words(self) -> frozenset[str]:
        return (
            frozenset(str(w).casefold() for w in self._data.get("foreign_words", []) or []) - self.loanwords
        )

    @cached_property
    def _polarity_index(self) -> StemIndex:
        data = self._data.get("polarity", {}) or {}
        return StemIndex({k: data.get(k, []) or [] for k in ("lower", "higher")})

    def polarity(self, low: str, start: int = 0) -> str | None:
        """Which way is better for the first metric word at or after `start` ('lower' or 'higher');
        at the same position a lower-is-better phrase wins."""
        return self._polarity_index.first(low, start)

    @cached_property
    def problem(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("problem_words", []) or [], prefix=False), re.IGNORECASE)

    @cached_property
    def kpi_threshold(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("kpi", {}).get("thresholds", []), prefix=False), re.IGNORECASE)

    @cached_property
    def kpi_level(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("kpi", {}).get("levels", [])), re.IGNORECASE)

    @cached_property
    def kpi_ceiling(self) -> re.Pattern:
        return re.compile(_alt(self._data.get("kpi", {}).get("ceilings", []), prefix=False), re.IGNORECASE)


def common_documents() -> dict:
    """The language-independent part of reading documents (common.yaml: cycles, tags, owners)."""
    return _common().get("documents", {}) or {}


@cache
def _common() -> dict:
    return load_data(LANG_DIR / "common.yaml")


def load_data(path: Path) -> Any:
    """A YAML data file shipped with the package (a language, the rule table), parsed once per
    content: a marshal copy in `__pycache__` (as Python keeps bytecode) loads 40x faster than YAML,
    which was ~35 ms of every `okr check`, and spares importing PyYAML (~15 ms). A folder that
    cannot be written just means parsing the YAML every time."""
    import hashlib
    import marshal

    raw = path.read_bytes()
    digest = hashlib.sha1(raw, usedforsecurity=False).hexdigest()[:16]
    cached = path.parent / "__pycache__" / f"{path.stem}.{digest}.m{marshal.version}"
    try:
        return marshal.loads(cached.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    import yaml

    data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    _keep(cached, marshal.dumps(data))
    return data


def _keep(cached: Path, blob: bytes) -> None:
    """Write the parsed copy atomically and drop copies of older contents; never fail a run."""
    from assistant.files import write_atomic

    try:
        cached.parent.mkdir(exist_ok=True)
        for old in cached.parent.glob(cached.name.split(".")[0] + ".*.m*"):
            old.unlink(missing_ok=True)
        write_atomic(cached, blob)
    except OSError:
        pass


def available() -> list[str]:
    """Codes of every language shipped as a data file."""
    return sorted(p.stem for p in LANG_DIR.glob("*.yaml") if p.stem != "common")


@cache
def get(code: str) -> Language:
    """The compiled language for `code`; a clear error names the languages that exist."""
    path = LANG_DIR / f"{code}.yaml"
    if code == "common" or not path.exists():
        raise KeyError(f"unknown language {code!r}; available: {', '.join(available())}")
    return Language(load_data(path), _common())


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ARABIC = ("\u0600", "\u06ff")


def _script_language() -> str | None:
    """The shipped language written in Arabic script (Persian), if any."""
    return next((c for c in available() if get(c).script == "arabic"), None)


def detect(text: str, default: str = "en") -> str:
    """Best guess of the language of a short OKR text: script first, then marker words and letters.

    Arabic script means the language whose file says `script: arabic` (Persian); otherwise each
    language scores its marker words plus its distinctive letters (`letters`, weighted by
    `letter_weight`: Polish diacritics are decisive, Italian accents a hint), the default wins a tie.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return default
    arabic = sum(1 for c in letters if _ARABIC[0] <= c <= _ARABIC[1])
    rtl = _script_language()
    if rtl and arabic / len(letters) > 0.3:
        return rtl
    words = [w.casefold() for w in _WORD.findall(text)]
    scores: dict[str, float] = {}
    for code in available():
        lang = get(code)
        if lang.script != "latin":
            continue
        scores[code] = sum(1 for w in words if w in lang.markers)
        if lang.letters:
            scores[code] += lang.letter_weight * sum(1 for c in letters if c in lang.letters)
    best = max(scores, key=lambda k: (scores[k], k == default))
    return best if scores[best] > 0 else default


def mentioned(text: str) -> str | None:
    """The language a request names ("in Polish", "po polsku", "in italiano"), if any."""
    low = f" {normalise(text).casefold()} "
    for code in available():
        if any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", low) for alias in get(code).aliases):
            return code
    return None
