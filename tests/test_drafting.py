"""The drafting pipeline with scripted models: good drafts, broken replies, repairs, honesty."""

import datetime as dt

import pytest
from fakes import ListIndex, kr, objective, scripted

from assistant.domain import BaselineSource
from assistant.drafting import Drafter, DraftError, default_cycle, parse_request
from assistant.llm import Settings

GOOD = objective(
    "Give new users a smooth first week",
    [kr("activation rate", 30, 45, unit="%"), kr("time-to-value in days", 7, 3, direction="decrease"),
     kr("30-day retention", 40, 55, unit="%")],
)  # fmt: skip


def drafter(*replies, rounds=2):
    return Drafter(Settings(llm="fake"), index=ListIndex(), chat=scripted(*replies), repair_rounds=rounds)


def test_good_draft_passes_and_reports_everything():
    result = drafter(GOOD).draft(
        parse_request(goal="Make onboarding better", n_objectives=1, cycle="2027-Q1")
    )
    assert result.validation.passed, result.validation.findings
    obj = result.okr_set.objectives[0]
    assert obj.key_results[0].text == "Raise activation rate from 30% to 45% by the end of 2027-Q1"
    assert obj.key_results[1].text == "Cut time-to-value in days from 7 to 3 by the end of 2027-Q1"
    assert obj.key_results[1].direction.value == "decrease" and obj.key_results[0].unit == "%"
    assert obj.examples and obj.examples[0] in result.examples  # cites a retrieved example
    assert result.okr_set.cycle == "2027-Q1" and result.okr_set.language == "en"
    assert set(result.timings.model_dump()) == {"retrieval_s", "llm_s", "validation_s", "total_s"}
    assert result.repair_rounds == 0


def test_sentences_are_composed_in_the_goal_language():
    italian = objective("Vendere di più ai clienti che ci conoscono già", [
        kr("il tasso di conversione", 2, 3, unit="%"), kr("il valore medio dell'ordine", 40, 50, unit="€"),
        kr("nuovi clienti", None, 500, source="unknown", direction="achieve")])  # fmt: skip
    result = drafter(italian).draft(
        parse_request(goal="Vogliamo vendere di più online", n_objectives=1, cycle="2027-Q1")
    )
    texts = [k.text for k in result.okr_set.objectives[0].key_results]
    assert texts[0] == "Aumentare il tasso di conversione da 2% a 3% entro la fine del 2027-Q1"
    assert texts[1] == "Aumentare il valore medio dell'ordine da €40 a €50 entro la fine del 2027-Q1"
    assert texts[2] == "Raggiungere 500 nuovi clienti entro la fine del 2027-Q1"
    assert result.validation.passed


def test_numbers_decide_the_direction():
    contradictory = objective("Keep customers longer", [kr("churn rate", 5, 3, unit="%", direction="increase"),
                                                       kr("NPS", 30, 40), kr("repeat orders", 100, 150)])  # fmt: skip
    result = drafter(contradictory).draft(
        parse_request(goal="Keep customers", n_objectives=1, cycle="2027-Q1")
    )
    first = result.okr_set.objectives[0].key_results[0]
    assert first.direction.value == "decrease" and first.text.startswith("Cut churn rate from 5% to 3%")


def test_broken_json_is_retried_once_then_fails_with_one_line():
    result = drafter("this is not json", GOOD).draft(
        parse_request(goal="Make onboarding better", n_objectives=1)
    )
    assert result.validation.passed
    with pytest.raises(DraftError, match="does not match the DraftObjective schema") as exc:
        drafter("nope", "{still not json").draft(parse_request(goal="Make onboarding better", n_objectives=1))
    assert "\n" not in str(exc.value)


def test_failing_key_result_is_repaired_in_place_and_none_is_dropped():
    bad = objective("Give new users a smooth first week", [
        kr("activation rate", 30, 45, unit="%"), kr("brand awareness", None, 30, unit="%", source="unknown"),
        kr("time-to-value in days", 7, 3, direction="decrease")])  # fmt: skip
    fix = '{"metric": "onboarding email click-through rate", "direction": "increase", "baseline": 4, "target": 7, "unit": "%", "baseline_source": "assumed"}'
    result = drafter(bad, fix).draft(parse_request(goal="Make onboarding better", n_objectives=1))
    krs = result.okr_set.objectives[0].key_results
    assert len(krs) == 3
    assert krs[1].text.startswith("Raise onboarding email click-through rate from 4% to 7%")
    assert krs[0].metric == "activation rate" and krs[2].metric == "time-to-value in days"
    assert result.repair_rounds == 1 and result.validation.passed


def test_repair_that_keeps_failing_is_bounded_and_keeps_the_key_result():
    bad = objective("Give new users a smooth first week", [
        kr("activation rate", 30, 45, unit="%"), kr("brand awareness", None, 30, unit="%", source="unknown"),
        kr("time-to-value in days", 7, 3, direction="decrease")])  # fmt: skip
    still_bad = '{"metric": "brand awareness", "direction": "increase", "baseline": null, "target": 40, "unit": "%", "baseline_source": "unknown"}'
    result = drafter(bad, still_bad, still_bad, rounds=2).draft(
        parse_request(goal="Be known", n_objectives=1)
    )
    assert result.repair_rounds == 2
    assert not result.validation.passed
    assert len(result.okr_set.objectives[0].key_results) == 3


def test_invented_baseline_is_never_presented_as_given():
    invented = objective("Give new users a smooth first week", [
        kr("activation rate", 30, 45, source="given", unit="%"), kr("NPS", 20, 35, source="given"),
        kr("weekly active teams", None, 500, source="given")])  # fmt: skip
    result = drafter(invented).draft(
        parse_request(goal="Activation is 30% today; make it better", n_objectives=1)
    )
    sources = [k.baseline_source for k in result.okr_set.objectives[0].key_results]
    assert sources == [BaselineSource.given, BaselineSource.assumed, BaselineSource.unknown]
    assert any("not in your goal" in n for n in result.notes)


def test_reply_in_the_wrong_language_is_asked_again():
    italian = objective("Vendere di più ai clienti che ci conoscono già", [
        kr("il tasso di conversione", 2, 3, unit="%"), kr("il valore medio dell'ordine", 40, 50, unit="€"),
        kr("l'abbandono del carrello", 70, 60, unit="%", direction="decrease")])  # fmt: skip
    result = drafter(GOOD, italian).draft(
        parse_request(goal="Vogliamo vendere di più online", n_objectives=1)
    )
    assert result.okr_set.language == "it"
    assert result.okr_set.objectives[0].title.startswith("Vendere")


def test_a_repeated_objective_is_asked_again():
    other = GOOD.replace("smooth first week", "reason to come back")
    result = drafter(GOOD, GOOD, other).draft(parse_request(goal="Make onboarding better", n_objectives=2))
    titles = [o.title for o in result.okr_set.objectives]
    assert titles == ["Give new users a smooth first week", "Give new users a reason to come back"]


def test_objectives_are_drafted_one_by_one_and_see_the_previous_ones():
    model = scripted(GOOD, GOOD.replace("smooth first week", "reason to come back"))
    d = Drafter(Settings(llm="fake"), index=ListIndex(), chat=model, repair_rounds=0)
    result = d.draft(parse_request(goal="Make onboarding better", n_objectives=2))
    assert len(result.okr_set.objectives) == 2


@pytest.mark.parametrize(
    ("fields", "needle"),
    [({"goal": ""}, "goal is empty"), ({"goal": "   "}, "goal is empty"), ({"goal": "x" * 2001}, "over 2,000"),
     ({"goal": "ok", "n_objectives": 9}, "n_objectives"), ({"goal": "ok", "cycle": "soon"}, "cycle")],
)  # fmt: skip
def test_bad_requests(fields, needle):
    with pytest.raises(DraftError, match=needle):
        parse_request(**fields)


def test_unreachable_server_is_one_line(monkeypatch):
    settings = Settings(llm="openai", base_url="http://127.0.0.1:9/v1", api_key="x", timeout=5, max_retries=0)
    d = Drafter(settings, index=ListIndex())
    with pytest.raises(DraftError, match=r"cannot reach the model server at http://127\.0\.0\.1:9/v1"):
        d.draft(parse_request(goal="Grow online sales", n_objectives=1))


@pytest.mark.parametrize(
    ("today", "cycle"),
    [(dt.date(2026, 11, 23), "2027-Q1"), (dt.date(2026, 10, 5), "2026-Q4"), (dt.date(2026, 2, 20), "2026-Q2"),
     (dt.date(2026, 1, 2), "2026-Q1")],
)  # fmt: skip
def test_default_cycle_is_the_quarter_being_planned(today, cycle):
    assert default_cycle(today) == cycle
