"""End-of-cycle scoring: numbers computed by hand beside the code, check-ins recorded by the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from assistant.domain import CheckIn, KeyResult, Objective, OKRSet
from assistant.score import ScoreError, band, key_result_score, locate, scorecard


@pytest.mark.parametrize(
    ("baseline", "target", "value", "direction", "expected"),
    [
        (20, 30, 27, "increase", (27 - 20) / (30 - 20)),  # 0.7: the healthy score
        (5, 3, 4, "decrease", (5 - 4) / (5 - 3)),  # churn down: half way
        (0, 200, 50, "increase", 50 / 200),  # from zero
        (20, 30, 45, "increase", 1.0),  # overshoot is capped
        (20, 30, 12, "increase", 0.0),  # went backwards: capped at 0
        (5, 3, 6, "decrease", 0.0),  # churn went up
        (None, 40, 30, "achieve", 30 / 40),  # a threshold without a baseline
    ],
)
def test_key_result_scores(baseline, target, value, direction, expected):
    assert key_result_score(baseline, target, value, direction) == pytest.approx(expected, abs=0.01)


def test_a_missing_baseline_on_a_move_is_a_clear_message():
    with pytest.raises(ScoreError, match="no baseline: write it as 'from <start> to <target>'"):
        key_result_score(None, 30, 25, "increase")


def plan(*checkins: CheckIn) -> OKRSet:
    krs = [
        KeyResult(text="Raise repeat purchase rate from 20% to 30% by 31 March 2027"),
        KeyResult(text="Cut monthly churn from 5% to 3% by 31 March 2027"),
    ]
    return OKRSet(
        cycle="2027-Q1",
        language="en",
        objectives=[Objective(title="Win repeat customers", key_results=krs)],
        checkins=list(checkins),
    )


def test_scorecard_uses_the_latest_check_in_up_to_the_date_and_means_objectives():
    okr = plan(
        CheckIn(date=dt.date(2027, 2, 1), key_result="O1 KR1", value=22),
        CheckIn(date=dt.date(2027, 3, 1), key_result="O1KR1", value=27, confidence=9),
        CheckIn(date=dt.date(2027, 3, 1), key_result="o1 kr2", value=4),
    )
    early = scorecard(okr, dt.date(2027, 2, 15))
    assert early.objectives[0].key_results[0].score == pytest.approx(0.2)
    assert early.objectives[0].key_results[1].score is None  # no check-in yet
    late = scorecard(okr, dt.date(2027, 3, 31))
    assert [k.score for k in late.objectives[0].key_results] == [pytest.approx(0.7), pytest.approx(0.5)]
    assert late.objectives[0].score == pytest.approx(0.6) and band(0.6) == "progress, fell short"
    assert band(0.7) == "delivered" and band(0.2) == "no real progress"


def test_every_key_result_at_one_is_called_too_easy():
    okr = plan(
        CheckIn(date=dt.date(2027, 3, 1), key_result="O1 KR1", value=31),
        CheckIn(date=dt.date(2027, 3, 1), key_result="O1 KR2", value=2),
    )
    assert any("too easy" in w for w in scorecard(okr, dt.date(2027, 3, 31)).warnings)


def test_unknown_key_result_names_those_that_exist():
    with pytest.raises(ScoreError, match="no key result 'O2 KR1' in this plan; it has: O1 KR1, O1 KR2"):
        locate(plan(), "O2 KR1")


def okr_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_checkin_then_score_from_the_command_line(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(plan().model_dump_json(), encoding="utf-8")
    for kr, value, date in (("O1KR1", "26", "2027-03-01"), ("O1 KR2", "4", "2027-03-01")):
        res = okr_cli("checkin", str(path), kr, value, "--confidence", "high", "--date", date, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [c["key_result"] for c in saved["checkins"]] == ["O1 KR1", "O1 KR2"]
    assert saved["checkins"][0]["confidence"] == 9
    res = okr_cli("score", str(path), "--at", "2027-03-31", "--format", "json", cwd=tmp_path)
    data = json.loads(res.stdout)
    assert res.returncode == 0 and data["score"] == pytest.approx((0.6 + 0.5) / 2, abs=0.01)
    bad = okr_cli("checkin", str(path), "O3KR1", "1", cwd=tmp_path)
    assert bad.returncode == 2 and "it has: O1 KR1, O1 KR2" in bad.stderr
    md = tmp_path / "plan.md"
    md.write_text("Objective: Grow\n- Raise sales from 1 to 2\n")
    refused = okr_cli("checkin", str(md), "O1KR1", "1", cwd=tmp_path)
    assert refused.returncode == 2 and "--format json" in refused.stderr


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("From 1 April to 30 June 2027, raise NPS from 30 to 45", "en"),
        ("Portare la valutazione media (su una scala da 1 a 5) da 30 a 45 entro giugno 2027", "it"),
    ],
)
def test_dates_and_rating_scales_are_not_read_as_the_baseline(text, lang):
    okr = OKRSet(
        language=lang,
        objectives=[Objective(title="Delight customers", key_results=[KeyResult(text=text)])],
        checkins=[CheckIn(date=dt.date(2027, 5, 1), key_result="O1 KR1", value=39)],
    )
    kr = scorecard(okr, dt.date(2027, 5, 2)).objectives[0].key_results[0]
    assert (kr.baseline, kr.target) == (30, 45)
    assert kr.score == pytest.approx((39 - 30) / (45 - 30))
