"""Reading OKRs from JSON, YAML and the plain text people paste."""

import json

import pytest

from assistant.parsing import InputError, parse, parse_text, sniff


def test_plain_text_with_labels_and_bullets():
    okr = parse_text("""Cycle: 2026-Q2
Team: growth
Objective: Give new users a smooth first week
- Raise activation from 30% to 45% by the end of Q2
* Cut time-to-value from 7 to 3 days
KR3: Increase 30-day retention from 40% to 55%
Initiatives:
- Rewrite the welcome email
""")
    assert okr.cycle == "2026-Q2" and okr.team == "growth"
    assert len(okr.objectives) == 1
    obj = okr.objectives[0]
    assert obj.title == "Give new users a smooth first week"
    assert [kr.text for kr in obj.key_results][2] == "Increase 30-day retention from 40% to 55%"
    assert obj.initiatives == ["Rewrite the welcome email"]


@pytest.mark.parametrize(
    ("text", "title", "kr"),
    [
        (
            "Obiettivo: Vendere di più online\n- Aumentare le vendite del 20%",
            "Vendere di più online",
            "Aumentare le vendite del 20%",
        ),
        (
            "Cel 1: Więcej klientów\nKluczowy wynik 1: Zwiększenie liczby klientów o 10%",
            "Więcej klientów",
            "Zwiększenie liczby klientów o 10%",
        ),
        (
            "هدف: افزایش فروش آنلاین\nنتیجه کلیدی ۱: نرخ تبدیل را از ۲٪ به ۳٪ افزایش دهید",
            "افزایش فروش آنلاین",
            "نرخ تبدیل را از ۲٪ به ۳٪ افزایش دهید",
        ),
        (
            "## Objective 1: Delight buyers\n1. Raise NPS from 30 to 40\n2) Cut refunds by 10%",
            "Delight buyers",
            "Raise NPS from 30 to 40",
        ),
        (
            "**Objective:** Delight buyers\n- **KR1:** Raise NPS from 30 to 40",
            "Delight buyers",
            "Raise NPS from 30 to 40",
        ),
        ("Delight buyers\n  - Raise NPS from 30 to 40", "Delight buyers", "Raise NPS from 30 to 40"),
    ],
)
def test_labels_in_every_language(text, title, kr):
    okr = parse_text(text)
    assert okr.objectives[0].title == title
    assert okr.objectives[0].key_results[0].text == kr


def test_several_objectives():
    okr = parse_text(
        "O1: Delight buyers\n- Raise NPS from 30 to 40\nO2: Sell more online\n- Grow sales from 10 to 20"
    )
    assert [o.title for o in okr.objectives] == ["Delight buyers", "Sell more online"]
    assert all(len(o.key_results) == 1 for o in okr.objectives)


def test_json_schema_and_draft_output():
    data = {
        "cycle": "2026-Q1",
        "objectives": [{"title": "Delight buyers", "key_results": [{"text": "Raise NPS from 30 to 40"}]}],
    }
    assert parse(json.dumps(data), "x.json").objectives[0].key_results[0].text == "Raise NPS from 30 to 40"
    assert parse(json.dumps({"okr_set": data}), "draft.json").cycle == "2026-Q1"
    assert parse(json.dumps(data["objectives"]), "list.json").objectives[0].title == "Delight buyers"


def test_yaml():
    okr = parse(
        "objectives:\n  - title: Delight buyers\n    key_results:\n      - text: Raise NPS from 30 to 40\n",
        "x.yaml",
    )
    assert okr.objectives[0].key_results[0].text == "Raise NPS from 30 to 40"


def test_yaml_as_people_type_it():
    """Key results as bare lines, the title as the key of its key results, and the usual other names."""
    okr = parse(
        "objectives:\n"
        "  - Make buying simple:\n"
        "      - Raise conversion from 1.8% to 2.3% by 31 March 2027\n"
        "      - Cut cart abandonment from 72% to 65% by 31 March 2027\n"
        "  - objective: Bring customers back\n"
        "    krs: [Raise repeat purchase rate from 20% to 25% by 31 March 2027]\n"
        "  - Hire faster\n",
        "x.yaml",
    )
    assert [o.title for o in okr.objectives] == ["Make buying simple", "Bring customers back", "Hire faster"]
    assert [len(o.key_results) for o in okr.objectives] == [2, 1, 0]
    assert okr.objectives[0].key_results[1].text == "Cut cart abandonment from 72% to 65% by 31 March 2027"
    assert okr.objectives[1].key_results[0].text.startswith("Raise repeat purchase rate")
    # a one-key mapping that is a field of its own stays a field, not a title
    assert parse("objectives:\n  - title: Delight buyers\n", "x.yaml").objectives[0].title == "Delight buyers"


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ("", "x.md", "empty input"),
        ("   \n", "x.md", "empty input"),
        ('{"objectives": [', "x.json", r"x.json:1:\d+: invalid JSON"),
        ('{"objectives": [{"key_results": []}]}', "x.json", "objectives.0.title: Field required"),
        ('{"cycle": "next year", "objectives": []}', "x.json", "cycle"),
        ("objectives: [\n", "x.yaml", r"x.yaml:\d+:\d+: invalid YAML"),
        ('"just a string"', "x.json", "expected an object"),
        ("- only a bullet\n", "x.md", None),
    ],
)
def test_bad_input_is_one_clear_line(text, name, message):
    if message is None:  # a key result without an objective is kept under an untitled objective
        assert parse(text, name).objectives[0].title == ""
        return
    with pytest.raises(InputError, match=message) as exc:
        parse(text, name)
    assert "\n" not in str(exc.value)


def test_sniff():
    assert sniff('{"a": 1}') == "json"
    assert sniff("objectives:\n  - title: x") == "yaml"
    assert sniff("Objective: x") == "text"
    assert sniff("anything", "plan.yml") == "yaml"
