"""Language data: one YAML file per language, compiled once into regular expressions.

Adding a language is adding `xx.yaml` beside this file (copy `en.yaml`) and its tests: no code
changes. Only stdlib and PyYAML are imported so `okr check` starts fast.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

LANG_DIR = Path(__file__).resolve().parent
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Persian and Arabic-Indic digits and separators, normalised before any matching.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٪٫٬", "01234567890123456789%.,")
_SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007]")
# A number as people write it: 3,000 / 8 000 / 2.000 / 2,5 / 1.5 ; with an optional currency before
# and a scale or percent after. The scale words of each language are added in Language.num_re.
_DIGITS_RE = r"\d{1,3}(?:(?:[.,]|\s)\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"


def normalise(text: str) -> str:
    """NFC, ASCII digits and percent, plain spaces: every pattern can then assume one spelling."""
    text = unicodedata.normalize("NFC", text).translate(_DIGITS)
    text = _SPACES.sub(" ", text)
    return text.replace("’", "'").replace("‘", "'")


def parse_number(token: str) -> float | None:
    """Value of a written number: '3,000' 3000, '2.000' 2000, '2,5' 2.5, '8 000' 8000, '1.5' 1.5.

    A single separator followed by exactly three digits is read as a thousands separator in every
    language; any other single separator is a decimal point.
    """
    digits = re.sub(r"[^\d.,\s]", "", token).strip()
    digits = re.sub(r"\s+", "", digits)
    if not digits or not any(c.isdigit() for c in digits):
        return None
    seps = [c for c in digits if c in ".,"]
    if len(seps) > 1 and len(set(seps)) == 2:
        dec = digits.rfind(".") if digits.rfind(".") > digits.rfind(",") else digits.rfind(",")
        digits = re.sub(r"[.,]", "", digits[:dec]) + "." + digits[dec + 1 :]
    elif len(seps) > 1:
        digits = digits.replace(seps[0], "")
    elif len(seps) == 1:
        head, tail = re.split(r"[.,]", digits)
        digits = head + tail if len(tail) == 3 else head + "." + tail
    try:
        return float(digits)
    except ValueError:
        return None


def _alt(words: list[str] | dict, prefix: bool = True) -> str:
    """One alternation of words or stems, longest first, matched at a word start."""
    items = sorted((str(w) for w in words), key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)
    end = "" if prefix else r"(?!\w)"
    return rf"(?<!\w)(?:{body}){end}" if items else r"(?!x)x"


def _compile(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", flags)


class Language:
    """A language's words and patterns, compiled for the validator's feature extraction."""

    def __init__(self, data: dict, common: dict):
        self.code: str = data["code"]
        self.name: str = data["name"]
        self.markers = set(data.get("markers", []))
        self.stopwords = {w.casefold() for w in data.get("stopwords", [])}
        self.number_words: dict[str, float] = {str(k).casefold(): float(v) for k, v in data["number_words"].items()}
        scales = data.get("scale_words", {})
        self.scale_words = {str(k).casefold(): float(v) for k, v in scales.items()}
        currency = "|".join(data.get("currency", []))
        scale = _alt(list(scales), prefix=False).removeprefix(r"(?<!\w)")
        word_num = _alt(list(self.number_words), prefix=False)
        self.num = (
            rf"(?:(?:{currency})\s?)?(?<![\w.,])(?:{_DIGITS_RE})(?:\s?(?:{scale})\.?)?(?:\s?%|\s?(?:{currency}))?"
            rf"|{word_num}"
        )
        self.num_re = re.compile(self.num, re.IGNORECASE)
        self.from_to = [re.compile(p.replace("{NUM}", self.num), re.IGNORECASE) for p in data.get("from_to", [])]
        self.baseline_words = _compile(data.get("baseline_words", []))
        self.timeframe = _compile(common.get("timeframe", []) + data.get("timeframe", []))
        self.window = _compile(data.get("window", []))
        self.service_level = _compile(data.get("service_level", []))
        self.activity_scope: str = data.get("activity_scope", "first_verb")
        sensitive = set(common.get("case_sensitive_placeholders", []))
        self.placeholder_cs = _compile([p for p in common.get("placeholder", []) if p in sensitive], 0)
        self.placeholder = _compile(
            [p for p in common.get("placeholder", []) if p not in sensitive] + data.get("placeholder", [])
        )
        self.verbs = {name: re.compile(_alt(stems), re.IGNORECASE) for name, stems in data["verbs"].items()}
        self.vague = re.compile(_alt(data.get("vague_nouns", [])), re.IGNORECASE)
        self.concrete = re.compile(_alt(data.get("concrete_metrics", [])), re.IGNORECASE)
        kpi = data.get("kpi", {})
        self.kpi_threshold = re.compile(_alt(kpi.get("thresholds", []), prefix=False), re.IGNORECASE)
        self.kpi_level = re.compile(_alt(kpi.get("levels", [])), re.IGNORECASE)
        self.kpi_ceiling = re.compile(_alt(kpi.get("ceilings", []), prefix=False), re.IGNORECASE)
        self.labels = {k: [str(v) for v in vs] for k, vs in data.get("labels", {}).items()}


@cache
def _common() -> dict:
    return yaml.load((LANG_DIR / "common.yaml").read_text(encoding="utf-8"), Loader=_Loader)


def available() -> list[str]:
    """Codes of every language shipped as a data file."""
    return sorted(p.stem for p in LANG_DIR.glob("*.yaml") if p.stem != "common")


@cache
def get(code: str) -> Language:
    """The compiled language for `code`; a clear error names the languages that exist."""
    path = LANG_DIR / f"{code}.yaml"
    if code == "common" or not path.exists():
        raise KeyError(f"unknown language {code!r}; available: {', '.join(available())}")
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    return Language(data, _common())


_POLISH = set("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_ITALIAN_ACCENTS = set("àèéìòùÀÈÉÌÒÙ")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect(text: str, default: str = "en") -> str:
    """Best guess of the language of a short OKR text: script first, then marker words.

    Arabic script means Persian (the only right-to-left language shipped); Polish diacritics are
    decisive; otherwise the language whose marker words occur most wins, English on a tie.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return default
    arabic = sum(1 for c in letters if "\u0600" <= c <= "\u06ff")
    if arabic / len(letters) > 0.3 and "fa" in available():
        return "fa"
    words = [w.casefold() for w in _WORD.findall(text)]
    scores: dict[str, float] = {}
    for code in available():
        if code == "fa":
            continue
        markers = get(code).markers
        scores[code] = sum(1 for w in words if w in markers)
    if "pl" in scores:
        scores["pl"] += 3 * sum(1 for c in letters if c in _POLISH)
    if "it" in scores:
        scores["it"] += 0.5 * sum(1 for c in letters if c in _ITALIAN_ACCENTS)
    best = max(scores, key=lambda k: (scores[k], k == default))
    return best if scores[best] > 0 else default
