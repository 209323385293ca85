"""No string, however odd, crashes the parser or the validator."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.domain import KeyResult, Objective, OKRSet
from assistant.parsing import InputError, parse
from assistant.validator import check_text, validate

ALPHABET = st.characters(blacklist_categories=("Cs",))
SNIPPETS = st.sampled_from(
    [
        "Objective:",
        "KR1:",
        "- ",
        "۱۲٪",
        "from 3 to",
        "X%",
        "$$$",
        "entro",
        "z 2% do",
        "از ۱۰ به",
        "\n",
        "Cycle: 2026-Q1",
        "**",
        "#",
        "{",
        "[",
        "%",
        "€1.5M",
        "8 000",
        "by Q3",
        "‌",
    ]
)
TEXT = st.lists(st.one_of(st.text(ALPHABET, max_size=30), SNIPPETS), max_size=20).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(["x.md", "x.json", "x.yaml", "<stdin>"]))
def test_parse_and_validate_never_crash(text, name):
    try:
        okr = parse(text, name)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    report = validate(okr)
    assert 0 <= report.score <= 100


@settings(max_examples=300, deadline=None)
@given(
    TEXT,
    st.sampled_from(["en", "it", "pl", "fa", "es", "de", None]),
    st.sampled_from(["key_result", "objective"]),
)
def test_check_text_never_crashes(text, lang, kind):
    for finding in check_text(text, kind=kind, language=lang):
        assert finding.rule and finding.message


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(TEXT, st.lists(TEXT, max_size=6)), max_size=7))
def test_validate_structured_sets(objectives):
    okr = OKRSet(
        objectives=[Objective(title=t, key_results=[KeyResult(text=k) for k in krs]) for t, krs in objectives]
    )
    report = validate(okr)
    assert report.passed == (report.counts["errors"] == 0)
