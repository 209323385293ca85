"""Batch mode: formats, bad input, durability under kill -9, resume, exit codes."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from assistant import batch


def okr(env, *args, timeout=300):
    env = {**os.environ, **env, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_three_rows_one_empty_goal_then_resume_adds_nothing(small_home, tmp_path):
    src = tmp_path / "goals.csv"
    src.write_text(
        "id,goal,team\n1,Grow online sales,sales\n2,,marketing\n3,Vogliamo vendere di più online,marketing\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    res = okr(small_home, "rewrite", str(src), "-o", str(out), "--llm", "fake")
    assert res.returncode == 3, res.stderr
    rows = lines(out)
    assert sorted(r["id"] for r in rows) == ["1", "2", "3"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["2"]["status"] == "error" and "empty" in by_id["2"]["error"]
    assert by_id["1"]["status"] == "ok" and by_id["1"]["okr_set"]["objectives"]
    assert by_id["1"]["validation"]["score"] >= 0 and "no timeframe" in " ".join(
        by_id["1"]["diagnosis"]["reasons"]
    )
    assert "2 ok, 1 failed" in res.stderr, res.stderr[-600:]
    again = okr(small_home, "rewrite", str(src), "-o", str(out), "--llm", "fake", "--resume")
    assert again.returncode == 0 and len(lines(out)) == 3
    refused = okr(small_home, "rewrite", str(src), "-o", str(out), "--llm", "fake")
    assert refused.returncode == 2 and "--resume" in refused.stderr


def test_kill_9_mid_run_then_resume_gives_exactly_one_row_per_input(small_home, tmp_path):
    src = tmp_path / "goals.txt"
    goals = [f"Grow sales in region {n}" for n in range(1, 9)]
    src.write_text("\n".join(goals) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, **small_home, "OKR_FAKE_DELAY": "0.4"}
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "rewrite",
        str(src),
        "-o",
        str(out),
        "--llm",
        "fake",
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 3):
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(out.read_text().splitlines())
    assert 3 <= written < len(goals)
    with out.open("a") as f:  # a torn last line, as a kill during a write would leave
        f.write('{"id": "99", "goal": "half a li')
    res = okr(
        {**small_home, "OKR_FAKE_DELAY": "0"},
        "rewrite",
        str(src),
        "-o",
        str(out),
        "--llm",
        "fake",
        "--resume",
    )
    assert res.returncode == 0, res.stderr
    ids = [r["id"] for r in lines(out)]
    assert sorted(ids, key=int) == [str(n) for n in range(1, 9)]


def test_csv_and_markdown_outputs_round_trip(small_home, tmp_path):
    src = tmp_path / "goals.jsonl"
    src.write_text(
        '{"id": "a", "goal": "Grow online sales", "team": "sales"}\n{"id": "b", "goal": "Reduce churn"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert okr(small_home, "rewrite", str(src), "-o", str(out), "--llm", "fake").returncode == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["a", "b"] or sorted(r["id"] for r in rows) == ["a", "b"]
    assert json.loads(rows[0]["okr_set"])["objectives"] and rows[0]["status"] == "ok"
    assert batch.done_ids(out, "csv") == {"a", "b"}
    md = tmp_path / "out.md"
    assert okr(small_home, "rewrite", str(src), "-o", str(md), "--llm", "fake").returncode == 0
    assert batch.done_ids(md, "md") == {"a", "b"} and "## Objective 1:" in md.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "args", "needle"),
    [
        ("g.csv", "id,objective\n1,Grow\n", [], "no column 'goal'; columns found: id, objective"),
        ("g.csv", "id,goal\n1,Grow\n1,Shrink\n", [], "duplicate ids 1"),
        ("g.jsonl", '{"goal": "Grow"}\n{broken\n', [], "g.jsonl:2: invalid JSON"),
        ("g.xlsx", "PK\x03\x04", [], "unsupported input type"),
        ("g.csv", "", [], "no header row"),
        ("g.txt", "\n\n", [], "no rows to rewrite"),
    ],
)
def test_unusable_input_exits_2_with_one_line(small_home, tmp_path, name, content, args, needle):
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    res = okr(small_home, "rewrite", str(src), "-o", str(tmp_path / "out.jsonl"), "--llm", "fake", *args)
    assert res.returncode == 2
    assert needle in res.stderr and "Traceback" not in res.stderr


def test_semicolon_csv_in_cp1252_is_read(tmp_path):
    src = tmp_path / "g.csv"
    src.write_bytes("id;obiettivo\n1;Più vendite nel caffè\n".encode("cp1252"))
    items, notes = batch.read_items(src, column="obiettivo")
    assert items[0].goal == "Più vendite nel caffè" and "cp1252" in notes[0]


def test_diagnosis_names_what_is_missing():
    assert batch.diagnose("Grow online sales").reasons[:2] == [
        "no measure: nothing says how much",
        "no timeframe: nothing says by when",
    ]
    assert "no baseline" in " ".join(batch.diagnose("Reach 500 sign-ups by Q3").reasons)
    assert not batch.diagnose("Raise activation from 30% to 45% by Q3").vague


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_sheet_has_one_row_per_key_result_in_input_order(small_home, tmp_path, suffix):
    src = tmp_path / "goals.csv"
    src.write_text(
        "id,goal\nz9,Grow online sales\na1,\nm5,Vogliamo vendere di più online\n", encoding="utf-8"
    )
    out, sheet = tmp_path / f"out{suffix}", tmp_path / "sheet.csv"
    res = okr(
        small_home,
        "rewrite",
        str(src),
        "-o",
        str(out),
        "--sheet",
        str(sheet),
        "--llm",
        "fake",
        "--workers",
        "2",
    )
    assert res.returncode == 3, res.stderr  # the empty goal fails, the other two are drafted
    rows = list(csv.DictReader(sheet.open(encoding="utf-8-sig")))
    ids = [r["goal_id"] for r in rows]
    assert ids == sorted(ids, key=["z9", "m5"].index) and set(ids) == {
        "z9",
        "m5",
    }  # input order, failed row absent
    assert all(
        r["key_result"] and r["objective_id"] == "O1" and r["key_result_id"].startswith("O1-KR") for r in rows
    )
    assert f"{len(rows)} key result(s), one row each" in res.stderr


def test_sheet_needs_a_readable_output(small_home, tmp_path):
    src = tmp_path / "goals.txt"
    src.write_text("Grow online sales\n", encoding="utf-8")
    res = okr(
        small_home,
        "rewrite",
        str(src),
        "-o",
        str(tmp_path / "out.md"),
        "--sheet",
        str(tmp_path / "s.csv"),
        "--llm",
        "fake",
    )
    assert res.returncode == 2 and "--sheet" in res.stderr and not (tmp_path / "out.md").exists()
