"""`okr draft` and `okr kb` as a user runs them, on the scripted backend and a small library."""

import json
import os
import subprocess
import sys

import pytest


def okr(env_extra, *args, stdin=None, timeout=180):
    env = {**os.environ, **env_extra, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_draft_json_has_the_promised_shape(small_home):
    res = okr(
        small_home, "draft", "Vogliamo vendere di più online", "--llm", "fake", "--json", "--objectives", "2"
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert set(out) >= {"okr_set", "validation", "examples", "timings", "model"}
    assert set(out["timings"]) == {"retrieval_s", "llm_s", "validation_s", "total_s"}
    assert out["okr_set"]["language"] == "it" and len(out["okr_set"]["objectives"]) == 2
    assert set(out["validation"]) >= {"passed", "score", "findings"}
    assert out["model"].startswith("fake")
    assert "retrieving similar examples" in res.stderr  # progress goes to stderr, never into the JSON


def test_markdown_output_round_trips_through_check(small_home):
    res = okr(small_home, "draft", "Grow online sales", "--llm", "fake", "--md", "--quiet")
    assert res.returncode == 0 and res.stdout.startswith("# OKRs: Grow online sales")
    check = okr(small_home, "check", "-", "--format", "json", stdin=res.stdout)
    report = json.loads(check.stdout)
    assert report["passed"] and len([f for f in report["findings"] if f["severity"] == "error"]) == 0


def test_readable_output_shows_sources_and_baselines(small_home):
    res = okr(small_home, "draft", "we want more people to know our brand", "--llm", "fake", "--quiet")
    assert res.returncode == 0
    assert (
        "Inspired by" in res.stdout and "(assumed: confirm)" in res.stdout and "validator score" in res.stdout
    )


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["draft", ""], 2, "goal is empty"),
        (["draft", "x" * 2100], 2, "over 2,000 characters"),
        (["draft", "Grow", "--lang", "xx"], 2, "unknown language"),
        (["draft", "Grow", "--objectives", "7"], 2, "n_objectives"),
        (["draft", "Grow", "--context", "/nonexistent.txt"], 2, "no such file"),
        (
            [
                "draft",
                "Grow online sales",
                "--llm",
                "openai",
                "--base-url",
                "http://127.0.0.1:9/v1",
                "--timeout",
                "5",
            ],
            4,
            "cannot reach the model server",
        ),
        (["draft", "Grow online sales", "--llm", "openai"], 2, "needs OPENAI_API_KEY"),
    ],
)
def test_bad_input_and_faults_are_one_line(small_home, args, code, needle):
    env = {**small_home, "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    res = okr(env, *args)
    assert res.returncode == code, res.stderr
    assert needle in res.stderr
    assert "Traceback" not in res.stderr


def test_kb_search_and_add(small_home, tmp_path):
    res = okr(small_home, "kb", "search", "more newsletter opens", "-k", "2", "--json")
    assert res.returncode == 0, res.stderr
    hits = json.loads(res.stdout)
    assert len(hits) == 2 and hits[0]["id"].startswith("m30-email-1")
    own = tmp_path / "ours.md"
    own.write_text(
        "Objective: Make our newsletter unmissable\n- Raise open rate from 21% to 30% by Q2\n"
        "- Grow subscribers from 8,000 to 11,000 by Q2\n",
        encoding="utf-8",
    )
    home = {**small_home, "OKR_HOME": str(tmp_path / "home")}
    assert okr(home, "kb", "add", str(own), "--team", "email").returncode == 0
    res = okr(home, "kb", "search", "newsletter unmissable", "-k", "1", "--json")
    assert json.loads(res.stdout)[0]["id"] == "user-ours-1"
