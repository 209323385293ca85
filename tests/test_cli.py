"""`okr check` as a user runs it: exit codes, JSON shape, errors, and no heavy imports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import COMMANDS, build_parser, main

SAMPLES = Path(__file__).parent / "data"


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", ["en.md", "it.txt", "pl.md", "fa.md", "set.json", "set.yaml"])
def test_check_sample_files_in_every_language(name):
    res = run("check", str(SAMPLES / name), "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    report = json.loads(res.stdout)
    assert set(report) >= {"passed", "score", "findings"}
    assert res.returncode == (0 if report["passed"] else 1)
    for f in report["findings"]:
        assert set(f) == {"rule", "severity", "path", "objective", "key_result", "message", "suggestion"}
        assert f["path"] == "" or f["path"].startswith("objectives[")


def test_json_output_is_exact():
    res = run(
        "check", "-", "--format", "json", stdin="Objective: Delight buyers\n- Increase brand awareness\n"
    )
    report = json.loads(res.stdout)
    assert res.returncode == 1 and report["passed"] is False and isinstance(report["score"], int)
    assert {
        "rule": "kr.no-number",
        "severity": "error",
        "path": "objectives[0].key_results[0]",
    }.items() <= report["findings"][1].items() or any(
        f["rule"] == "kr.no-number" and f["path"] == "objectives[0].key_results[0]"
        for f in report["findings"]
    )


def test_passing_set_exits_zero(capsys):
    code = main(["check", str(SAMPLES / "en.md"), "--cycle", "2026-Q2"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "PASSED" in out


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["check", "/nonexistent/plan.md"], None, "no such file"),
        (["check", "-"], "", "empty input"),
        (["check", "-", "--input-format", "json"], "{broken", "invalid JSON"),
        (["check", "-", "--lang", "xx"], "Objective: a\n- b", "unknown language"),
        (["check", "-", "--cycle", "soon"], "Objective: a", "not a cycle"),
    ],
)
def test_unreadable_input_exits_2_with_one_line(args, stdin, needle):
    res = run(*args, stdin=stdin)
    assert res.returncode == 2
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) <= 3


def test_check_imports_nothing_heavy(tmp_path):
    code = (
        "import sys; from assistant.cli import main; main(['check', sys.argv[1], '--format', 'json']);"
        "heavy = [m for m in ('langchain_core', 'chromadb', 'gradio', 'openai', 'numpy') if m in sys.modules];"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLES / "en.md")], capture_output=True, text=True, timeout=60
    )
    assert "HEAVY []" in res.stderr


def test_help_lists_commands():
    res = run("--help")
    assert res.returncode == 0 and "check" in res.stdout


@pytest.mark.parametrize("sample", ["en.md", "it.txt"])
def test_check_loads_no_other_command_and_no_yaml_or_json(sample):
    """A text or Markdown document pays for neither parser (YAML input imports its own)."""
    code = (
        "import sys; from assistant.cli import main; main(['check', sys.argv[1]]);"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith(('assistant.cli.', 'rich'))"
        " or m in ('yaml', 'json')), file=sys.stderr)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(SAMPLES / sample)], capture_output=True, text=True, timeout=60
    )
    assert "LOADED ['assistant.cli.check', 'assistant.cli.common', 'assistant.cli.report']" in res.stderr


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_parsed_alone_has_the_same_help(name, capsys):
    def help_of(parser):
        with pytest.raises(SystemExit):
            parser.parse_args([name, "--help"])
        return capsys.readouterr().out

    assert help_of(build_parser(name)) == help_of(build_parser())
