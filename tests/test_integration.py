"""End to end on the real embedded model (offline): `make test` fetches and verifies it first."""

import json
import os
import subprocess
import sys

import pytest

from assistant import accuracy, local_model
from assistant.domain import OKRSet
from assistant.validator import validate

pytestmark = pytest.mark.integration


def test_embedded_model_drafts_a_goal_offline(small_home):
    assert local_model.is_ready(), "the embedded model is missing: run `make model` (make test does it)"
    env = {
        **os.environ,
        **small_home,
        "HF_HUB_OFFLINE": "1",
        "OKR_LLM": "local",
        "OKR_LOCAL_MODEL": str(local_model.model_path()),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "draft",
        "Grow online sales",
        "--objectives",
        "1",
        "--json",
        "--cycle",
        "2027-Q1",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert res.returncode in (0, 1), res.stderr[-2000:]  # 1: drafted, but the validator still has errors
    out = json.loads(res.stdout)
    assert "embedded" in out["model"]
    okr = OKRSet.model_validate(out["okr_set"])
    assert okr.language == "en" and okr.cycle == "2027-Q1"
    assert len(okr.objectives) == 1 and 3 <= len(okr.objectives[0].key_results) <= 5
    assert out["timings"]["llm_s"] > 0 and out["timings"]["total_s"] >= out["timings"]["llm_s"]
    assert out["validation"] == json.loads(validate(okr, language="en").model_dump_json())
    assert out["examples"] and okr.objectives[0].examples[0] in out["examples"]


MEANING_RULES = set(accuracy.MEANING)


@pytest.mark.parametrize(
    ("goal", "lang"),
    [("Vogliamo vendere di più online", "it"), ("Obsługa klienta działa za wolno", "pl")],
)
def test_embedded_model_drafts_that_read_right(small_home, tmp_path, goal, lang):
    """The real model chooses; the words come from the catalogue: no identifiers, no other language,
    no metric moved the wrong way, no repeats, an objective that is not the complaint."""
    import shutil

    from assistant import catalogue

    metrics = tmp_path / "metrics"
    metrics.mkdir()
    for name in ("ecommerce.yaml", "customer_success.yaml"):
        shutil.copy(catalogue.shipped_dir() / name, metrics)
    env = {
        **os.environ,
        **small_home,
        "OKR_CATALOGUE_DIR": str(metrics),
        "OKR_LOCAL_MODEL": str(local_model.model_path()),
        "HF_HUB_OFFLINE": "1",
        "OKR_LLM": "local",
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }
    cmd = [sys.executable, "-m", "assistant.cli", "draft", goal, "--json", "--cycle", "2027-Q1"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    okr = OKRSet.model_validate(out["okr_set"])
    assert okr.language == lang and len(okr.objectives) == 1
    report = validate(okr, language=lang)
    assert not {f.rule for f in report.findings} & MEANING_RULES, report.findings
    assert report.passed and report.counts["warnings"] == 0, report.findings
    obj = okr.objectives[0]
    assert obj.objective_id and obj.title != goal
    krs = obj.key_results
    assert 3 <= len(krs) <= 5 and len({k.metric_id for k in krs}) == len(krs)
    assert all(k.metric_id and "_" not in k.text and k.deadline == "2027-03-31" for k in krs)
    polarity = {m.id: m.polarity for m in catalogue.load((metrics,)).metrics.values()}
    for k in krs:  # direction comes from the catalogue, and the numbers agree with it
        assert (k.target > k.baseline) == (polarity[k.metric_id] == "higher"), k.text


def test_the_bundled_model_as_a_remote_openai_server_drafts_and_rewrites_with_four_workers(
    small_home, tmp_path
):
    """The production path (`--llm openai --base-url`) against the bundled model served by llama.cpp
    on loopback, as a team would reach vLLM or Ollama: the same code path as the default."""
    assert local_model.is_ready(), "the embedded model is missing: run `make model` (make test does it)"
    server = local_model.serve(threads=None, progress=lambda _: None)
    env = {
        **os.environ,
        **small_home,
        "HF_HUB_OFFLINE": "1",
        "OPENAI_API_KEY": "local",
        "OKR_STRUCTURED": "json_object_schema",
        "OKR_MAX_RETRIES": "1",
    }
    remote = ["--llm", "openai", "--base-url", server.base_url, "--model", "local"]
    cli = [sys.executable, "-m", "assistant.cli"]
    drafted = subprocess.run(
        [*cli, "draft", "Grow online sales", "--json", "--cycle", "2027-Q1", *remote],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert drafted.returncode == 0, drafted.stderr[-800:]
    assert json.loads(drafted.stdout)["validation"]["passed"]
    goals, out = tmp_path / "goals.txt", tmp_path / "out.jsonl"
    goals.write_text("Grow online sales\nReduce customer churn\n", encoding="utf-8")
    rewritten = subprocess.run(
        [*cli, "rewrite", str(goals), "-o", str(out), "--workers", "4", "--quiet", *remote],
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rewritten.returncode == 0 and [r["status"] for r in rows] == ["ok", "ok"], rewritten.stderr[-800:]
