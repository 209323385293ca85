"""What keeps `okr check` fast must not change what it finds: the shared word-boundary alternation
matches exactly what the plain one does, the rule table reads the same from its kept copy, and a
text document is checked without importing PyYAML or json."""

import re
from pathlib import Path

import pytest

from assistant import languages
from assistant.languages import _compile, _top_level_bar

SAMPLES = Path(__file__).parent / "data"


def _plain(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    """The alternation as it was built before the shared `\\b`: the reference behaviour."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", flags)


@pytest.mark.parametrize(
    ("pattern", "bar"),
    [
        (r"\ba|b", True),
        (r"\b(?:a|b)", False),
        (r"\b[|]x", False),
        (r"\b[]|]x", False),
        (r"\b[^]|]x", False),
        (r"\b[\]|]x", False),
        (r"\b\|x", False),
        (r"\b(a)|(b)", True),
    ],
)
def test_top_level_alternation_is_recognised(pattern, bar):
    assert _top_level_bar(pattern) is bar


def _texts() -> list[str]:
    lines = [
        line
        for path in sorted(SAMPLES.rglob("*.*"))
        if path.suffix in (".md", ".txt")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return [*lines, "in Q3 2026", "entro il 31 marzo 2027", "a b", "ba", "x|y", "- [ ] v2 API 1.0 [P0]", ""]


@pytest.mark.parametrize("code", languages.available())
def test_shared_word_boundary_matches_like_the_plain_alternation(code):
    lang = languages.get(code)
    common = languages._common()
    for name in ("timeframe", "not_targets", "window", "service_level", "baseline_words", "placeholder"):
        patterns = common.get(name, []) + lang._data.get(name, [])
        shared, plain = _compile(patterns), _plain(patterns)
        for text in _texts():
            for variant in (text, languages.normalise(text).casefold()):
                assert shared.subn(" ░ ", variant) == plain.subn(" ░ ", variant), (code, name, variant)


def test_mixed_patterns_keep_their_order():
    patterns = [r"\bab", r"a|\bc", r"\babc", r"(?<!\w)x", r"\bxy"]
    for text in ["abc", "c abc", "xy ab", "zabc", "a xy c"]:
        assert [m.span() for m in _compile(patterns).finditer(text)] == [
            m.span() for m in _plain(patterns).finditer(text)
        ]


def test_rule_table_reads_the_same_from_its_kept_copy():
    import yaml

    from assistant.validator import RULES_FILE

    parsed = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    assert languages.load_data(RULES_FILE) == parsed
    assert languages.load_data(RULES_FILE) == parsed  # the second read comes from the copy


@pytest.mark.parametrize("code", ["en", "it", "fa"])
def test_rule_conditions_evaluated_together_fire_like_each_alone(code):
    """The validator evaluates a target's conditions as one tuple; each must fire as it does alone."""
    from assistant.features import analyse
    from assistant.validator import _NO_BUILTINS, _fired, rules_for

    lang = languages.get(code)
    fired_somewhere = set()
    for text in _texts():
        facts = analyse(text, lang).facts() | {"text": text, "kr_count": 3, "duplicate_of": None}
        facts |= {"copies_goal": False, "is_problem": False}
        alone = [r for r in rules_for("objective") if eval(r.when, _NO_BUILTINS, dict(facts))]
        assert _fired("objective", facts) == alone, text
        fired_somewhere.update(r.id for r in alone)
    assert len(fired_somewhere) >= 2  # the texts exercise more than one rule
