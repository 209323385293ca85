"""`--format` on every command that prints a result: each format parses as what it claims to be, the
old flags still work, and a wrong or conflicting format is one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant import export
from assistant.cli import build_parser, main
from assistant.domain import DraftResult, KeyResult, Objective, OKRSet

SAMPLES = Path(__file__).parent / "data"
EN = str(SAMPLES / "en.md")  # one objective, three key results

PLAN = {
    "name": "Company plan",
    "team": "company",
    "cycle": "2027-Q1",
    "objectives": [
        {
            "title": "Grow expansion revenue",
            "key_results": [
                {
                    "text": "Raise net revenue retention from 104% to 112% by 31 March 2027",
                    "baseline": 104,
                    "target": 112,
                    "unit": "%",
                    "deadline": "2027-03-31",
                    "owner": "CFO | finance",
                },
                {"text": "Grow expansion bookings from 1.2M to 1.8M EUR by 31 March 2027"},
            ],
        }
    ],
    "teams": [
        {
            "team": "marketing",
            "cycle": "2027-Q1",
            "objectives": [
                {
                    "title": "Make existing customers see what more they can do",
                    "key_results": [
                        {
                            "text": "Raise the upgrade page conversion from 2% to 3.5% by 31 March 2027",
                            "parent": "O1 KR1",
                        },
                        {
                            "text": "Grow webinar attendance among customers from 150 to 400 by 31 March 2027",
                            "parent": "O1 KR2",
                        },
                    ],
                }
            ],
        }
    ],
}


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    assert text.startswith("\ufeff")  # a BOM, so Excel reads UTF-8
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return list(reader.fieldnames or []), list(reader)


def table_rows(markdown: str) -> list[list[str]]:
    """The cells of every row of the Markdown table (header first), splitting on unescaped pipes."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = line.replace("\\|", "\0").strip("|").split("|")
            rows.append([c.strip().replace("\0", "|") for c in cells])
    return rows


def plan_file(tmp_path: Path) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN, allow_unicode=True), encoding="utf-8")
    return str(path)


# --- okr check --------------------------------------------------------------------------------------


def test_check_json(capsys):
    code, out, _ = run_main(capsys, "check", EN, "--format", "json")
    assert code == 0 and set(json.loads(out)) >= {"passed", "score", "findings", "okr_set"}


def test_check_md_puts_findings_under_key_results(capsys):
    code, out, _ = run_main(capsys, "check", EN, "--format", "md")
    assert code == 0 and out.startswith("# OKRs")
    assert "## Objective 1: Give new users a smooth first week" in out
    assert out.count("- KR") == 3 and "  - **warning** `kr.no-timeframe`" in out


def test_check_csv_is_one_row_per_key_result(capsys):
    code, out, _ = run_main(capsys, "check", EN, "--format", "csv")
    header, rows = csv_rows(out)
    assert code == 0 and header == export.CSV_COLUMNS
    assert [r["key_result_id"] for r in rows] == ["O1-KR1", "O1-KR2", "O1-KR3"]
    assert all(r["findings"].startswith("warning:") for r in rows)


def test_check_md_table(capsys):
    code, out, _ = run_main(capsys, "check", EN, "--format", "md-table")
    rows = table_rows(out)
    assert code == 0 and out.startswith("# OKRs: Growth OKRs")
    assert rows[0] == ["Objective", "Key result", "Baseline", "Target", "Due", "Owner", "Findings"]
    assert len(rows) == 1 + 3 and all(len(r) == 7 for r in rows)
    assert rows[1][1] == "KR1: Raise activation from 30% to 45%" and rows[1][6].startswith("warning:")


def test_check_of_a_cascaded_plan_includes_the_teams(capsys, tmp_path):
    path = plan_file(tmp_path)
    code, out, _ = run_main(capsys, "check", path, "--format", "md-table")
    rows = table_rows(out)
    assert code == 0 and "Cycle: 2027-Q1 · Team: company" in out
    assert rows[0] == [
        "Team",
        "Objective",
        "Key result",
        "Baseline",
        "Target",
        "Due",
        "Owner",
        "Feeds",
        "Findings",
    ]
    assert [r[0] for r in rows[1:]] == ["company", "company", "marketing", "marketing"]
    assert [r[7] for r in rows[1:]] == ["", "", "O1 KR1", "O1 KR2"]
    assert rows[1][3:7] == ["104%", "112%", "2027-03-31", "CFO | finance"]  # the pipe escaped, not a cell
    _, out, _ = run_main(capsys, "check", path, "--format", "csv")
    _, rows_csv = csv_rows(out)
    assert [(r["team"], r["parent"]) for r in rows_csv] == [
        ("company", ""),
        ("company", ""),
        ("marketing", "O1 KR1"),
        ("marketing", "O1 KR2"),
    ]
    _, out, _ = run_main(capsys, "check", path, "--format", "md")
    assert "## Team: marketing" in out and "feeds O1 KR2" in out
    _, out, _ = run_main(capsys, "check", path, "--format", "json")
    assert [t["team"] for t in json.loads(out)["teams"]] == ["marketing"]


def test_the_md_table_reads_back_with_check(capsys, tmp_path):
    _, table, _ = run_main(capsys, "check", EN, "--format", "md-table", "--cycle", "2026-Q2")
    path = tmp_path / "table.md"
    path.write_text(table, encoding="utf-8")
    _, out, _ = run_main(capsys, "check", str(path), "--format", "json")
    okr = json.loads(out)["okr_set"]
    assert okr["cycle"] == "2026-Q2" and len(okr["objectives"][0]["key_results"]) == 3


def test_show_structure_stays_out_of_machine_formats(capsys):
    _, out, _ = run_main(capsys, "check", EN, "--format", "csv", "--show-structure")
    assert len(csv_rows(out)[1]) == 3


# --- export.to_markdown_table -----------------------------------------------------------------------


def test_markdown_table_escapes_pipes_and_collapses_newlines():
    okr = OKRSet(
        goal="Sell | more\nonline",
        objectives=[
            Objective(title="Win | keep", key_results=[KeyResult(text="Raise A|B\nfrom 1 to 2")]),
            Objective(title="No key results yet"),
        ],
    )
    out = export.to_markdown_table(okr)
    assert out.startswith("# OKRs: Sell | more online\n")
    rows = table_rows(out)
    assert len(rows) == 3 and all(len(r) == 7 for r in rows)
    assert rows[1][:2] == ["O1: Win | keep", "KR1: Raise A|B from 1 to 2"]
    assert rows[2][0] == "O2: No key results yet" and rows[2][1] == ""


# --- okr draft --------------------------------------------------------------------------------------


def okr(env_extra, *args, timeout=180):
    env = {**os.environ, **env_extra, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def drafted(small_home) -> DraftResult:
    res = okr(small_home, "draft", "Grow online sales", "--llm", "fake", "--quiet", "--format", "json")
    assert res.returncode == 0, res.stderr
    return DraftResult.model_validate_json(res.stdout)


def test_draft_json(drafted):
    assert drafted.okr_set.objectives and drafted.validation.passed


def test_draft_md_table_end_to_end(small_home, drafted):
    res = okr(small_home, "draft", "Grow online sales", "--llm", "fake", "--quiet", "--format", "md-table")
    rows = table_rows(res.stdout)
    assert res.returncode == 0 and res.stdout.startswith("# OKRs: Grow online sales")
    n = sum(len(o.key_results) for o in drafted.okr_set.objectives)
    assert rows[0][:2] == ["Objective", "Key result"] and len(rows) == 1 + n
    assert all(r[4] for r in rows[1:])  # a drafted key result has a due date


@pytest.mark.parametrize("fmt", ["text", "md", "md-table", "csv"])
def test_draft_renders_every_format(drafted, fmt):
    from assistant.cli.common import plain
    from assistant.cli.draft import render

    out = render(drafted, fmt, plain)
    n = sum(len(o.key_results) for o in drafted.okr_set.objectives)
    assert out.endswith("\n")
    if fmt == "text":
        assert "validator score" in out
    elif fmt == "md":
        assert out.startswith("# OKRs: Grow online sales") and "## Objective 1:" in out
    elif fmt == "md-table":
        assert len(table_rows(out)) == 1 + n
    else:
        header, rows = csv_rows(out)
        assert header == export.CSV_COLUMNS and len(rows) == n


@pytest.mark.parametrize(
    ("flags", "fmt"),
    [
        ([], "text"),
        (["--json"], "json"),
        (["--md"], "md"),
        (["--format", "csv"], "csv"),
        (["--json", "--format", "json"], "json"),  # the same format twice is fine
    ],
)
def test_draft_aliases(flags, fmt):
    args = build_parser("draft").parse_args(["draft", "Grow", *flags])
    assert args.format == fmt


# --- okr score --------------------------------------------------------------------------------------


@pytest.fixture
def scored_plan(tmp_path) -> str:
    plan = {
        "cycle": "2027-Q1",
        "language": "en",
        "objectives": [
            {
                "title": "Win repeat customers",
                "key_results": [
                    {"text": "Raise repeat purchase rate from 20% to 30% by 31 March 2027"},
                    {"text": "Cut monthly churn from 5% to 3% by 31 March 2027"},
                ],
            }
        ],
        "checkins": [{"date": "2027-03-01", "key_result": "O1 KR1", "value": 27, "confidence": 9}],
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return str(path)


def test_score_json(capsys, scored_plan):
    code, out, _ = run_main(capsys, "score", scored_plan, "--at", "2027-03-15", "--format", "json")
    assert code == 0 and set(json.loads(out)) == {"at", "score", "objectives", "warnings"}


def test_score_md_is_a_table(capsys, scored_plan):
    code, out, _ = run_main(capsys, "score", scored_plan, "--at", "2027-03-15", "--format", "md")
    rows = table_rows(out)
    assert code == 0 and out.startswith("# Score as of 2027-03-15: 0.70 (delivered)")
    assert rows[0] == ["Key result", "Score", "Band", "Value", "As of"]
    assert rows[1][1:] == ["0.70", "delivered", "27", "2027-03-01"]
    assert rows[2][1:] == ["", "no check-in yet", "", ""]


def test_score_csv_is_one_row_per_key_result(capsys, scored_plan):
    code, out, _ = run_main(capsys, "score", scored_plan, "--at", "2027-03-15", "--format", "csv")
    header, rows = csv_rows(out)
    assert code == 0 and header == [
        "objective_id",
        "key_result_id",
        "key_result",
        "baseline",
        "target",
        "value",
        "score",
        "confidence",
        "as_of",
        "band",
    ]
    assert len(rows) == 2
    assert rows[0] | {"key_result": ""} == {
        "objective_id": "O1",
        "key_result_id": "O1-KR1",
        "key_result": "",
        "baseline": "20",
        "target": "30",
        "value": "27",
        "score": "0.7",
        "confidence": "9",
        "as_of": "2027-03-01",
        "band": "delivered",
    }
    assert rows[1]["score"] == "" and rows[1]["band"] == "no check-in yet"


# --- okr kb -----------------------------------------------------------------------------------------


def test_kb_metrics_json_and_csv_agree(capsys):
    code, out, _ = run_main(capsys, "kb", "metrics", "--team", "seo", "--lang", "it", "--format", "json")
    metrics = json.loads(out)
    assert code == 0 and metrics and isinstance(metrics, list)
    code, out, _ = run_main(capsys, "kb", "metrics", "--team", "seo", "--lang", "it", "--format", "csv")
    header, rows = csv_rows(out)
    assert code == 0 and header == ["id", "function", "unit", "polarity", "kpi", "name"]
    assert [r["id"] for r in rows] == [m["id"] for m in metrics]
    assert [r["name"] for r in rows] == [m["name"].get("it") or m["name"]["en"] for m in metrics]
    assert {r["kpi"] for r in rows} <= {"true", "false"}
    code, out, _ = run_main(capsys, "kb", "metrics", "--team", "seo", "--json")  # the old flag
    assert code == 0 and len(json.loads(out)) == len(metrics)


def test_kb_list_json(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("OKR_HOME", str(tmp_path / "home"))
    code, out, _ = run_main(capsys, "kb", "list", "--format", "json")
    assert code == 0 and json.loads(out) == []
    own = tmp_path / "ours.md"
    own.write_text("Objective: Make our newsletter unmissable\n- Raise open rate from 21% to 30% by Q2\n")
    assert run_main(capsys, "kb", "add", str(own), "--team", "email")[0] == 0
    code, out, _ = run_main(capsys, "kb", "list", "--format", "json")
    (entry,) = json.loads(out)
    assert code == 0 and entry["name"] == "ours" and entry["examples"] == 1 and entry["readable"]
    assert set(entry) == {"name", "path", "examples", "readable", "first_objective"}


def test_kb_search_csv(small_home):
    res = okr(small_home, "kb", "search", "more newsletter opens", "-k", "2", "--format", "csv")
    assert res.returncode == 0, res.stderr
    header, rows = csv_rows(res.stdout)
    assert header == ["id", "score", "language", "team", "objective", "objective_en"] and len(rows) == 2


# --- every command: a wrong or conflicting format ---------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", EN],
        ["draft", "Grow"],
        ["score", "plan.json"],
        ["kb", "search", "x"],
        ["kb", "list"],
        ["kb", "metrics"],
        ["rewrite", "goals.csv", "-o", "out.jsonl"],
    ],
)
def test_an_unknown_format_is_one_line_and_exit_2(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main([*args, "--format", "xml"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "invalid choice: 'xml'" in err


@pytest.mark.parametrize(
    "args",
    [["draft", "Grow", "--json", "--md"], ["draft", "Grow", "--format", "csv", "--json"]],
)
def test_two_different_formats_are_refused(capsys, args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1
    assert "conflicts with" in err and "give one output format" in err
