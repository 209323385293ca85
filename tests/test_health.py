"""Health metrics beside the OKRs: "keep X above/below Y", written by code from the catalogue's
counter-metric pairs, one per objective at most, never scored, shown and read back."""

import pytest
from fakes import ListCatalogue, ListIndex, pick, scripted, selection

from assistant import catalogue, compose, export, languages
from assistant.cli.common import plain
from assistant.cli.draft import format_draft, render
from assistant.config import Settings
from assistant.domain import HealthMetric, OKRSet
from assistant.drafting import Drafter, parse_request
from assistant.parsing import read_document
from assistant.validator import validate

CODES = ["en", "it", "pl", "fa", "es", "de"]
METRICS = [
    "online_conversion_rate",  # counter: returns_rate
    "online_cart_abandonment_rate",  # no counter
    "average_order_value",  # counter: online_conversion_rate
    "repeat_purchase_rate",  # no counter
    "monthly_online_revenue",  # counter: online_gross_margin
    "checkout_completion_rate",  # no counter
    "average_items_per_order",  # counter: returns_rate
    "search_to_purchase_rate",  # no counter
]
OBJECTIVES = ["ecommerce.simple-fast-buying", "ecommerce.second-order"]
TWO = selection(
    pick(
        "ecommerce.simple-fast-buying",
        ("online_conversion_rate", 1.8, 2.3),
        ("online_cart_abandonment_rate", 72, 65),
        ("average_order_value", 48, 54),
    ),
    pick(
        "ecommerce.second-order",
        ("repeat_purchase_rate", 22, 27),
        ("monthly_online_revenue", 100000, 120000),
        ("average_items_per_order", 2, 3),
    ),
)
RETURNS_EN = "Keep product return rate below 11%"
MARGIN_EN = "Keep gross margin on online sales above 38%"


def metric(ident):
    return catalogue.load().metrics[ident]


def drafter(*replies):
    return Drafter(
        Settings(llm="fake"),
        index=ListIndex(),
        chat=scripted(*replies),
        catalogue_index=ListCatalogue(METRICS, OBJECTIVES),
    )


def request(goal="We want to sell more online", **kw):
    return parse_request(goal=goal, cycle="2027-Q1", **kw)


def health(ident, code, threshold=None, digits=None):
    m = metric(ident)
    digits = digits or ("persian" if code == "fa" else "latin")
    level = compose.hold_level(m) if threshold is None else threshold
    return compose.health_metric(m, catalogue.name(m, code), level, languages.get(code), digits)


# --- the sentence ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "higher", "lower"),
    [
        (
            "en",
            "Keep lead-to-opportunity conversion rate above 8%",
            "Keep website bounce rate below 58%",
        ),
        (
            "it",
            "Mantenere il tasso di conversione da lead a opportunità sopra l'8%",
            "Mantenere la frequenza di rimbalzo del sito sotto il 58%",
        ),
        (
            "pl",
            "Utrzymać współczynnik konwersji leadów w szanse sprzedażowe powyżej 8%",
            "Utrzymać współczynnik odrzuceń witryny poniżej 58%",
        ),
        (
            "fa",
            "حفظ نرخ تبدیل سرنخ به فرصت فروش بالای ۸٪",
            "حفظ نرخ پرش وب‌سایت زیر ۵۸٪",
        ),
        (
            "es",
            "Mantener la tasa de conversión de leads en oportunidades por encima del 8 %",
            "Mantener la tasa de rebote del sitio web por debajo del 58 %",
        ),
        (
            "de",
            "Die Konversionsrate von Leads zu Verkaufschancen über 8 % halten",
            "Die Absprungrate der Website unter 58 % halten",
        ),
    ],
)
def test_the_sentence_in_every_language(code, higher, lower):
    up = health("lead_to_opportunity_rate", code)
    assert up == HealthMetric(text=higher, metric_id="lead_to_opportunity_rate", keep="above", threshold=8)
    down = health("bounce_rate", code)
    assert down == HealthMetric(text=lower, metric_id="bounce_rate", keep="below", threshold=58)


def test_italian_articles_follow_the_number_like_dal_dall_dallo():
    assert health("lead_to_opportunity_rate", "it", 20).text.endswith(" sopra il 20%")
    assert health("lead_to_opportunity_rate", "it", 80).text.endswith(" sopra l'80%")
    assert health("lead_to_opportunity_rate", "it", 0).text.endswith(" sopra lo 0%")
    assert health("returns_rate", "it").text == "Mantenere il tasso di resi sotto l'11%"
    # counts, money and durations go bare, as in "da 12 a 4 ore"
    assert health("sales_cycle_length", "it").text.endswith(" sotto 42 giorni")


def test_units_take_the_case_the_preposition_asks_for():
    assert health("sales_cycle_length", "de").text == (
        "Die durchschnittliche Dauer des Vertriebszyklus unter 42 Tagen halten"
    )
    assert (
        health("sales_cycle_length", "pl").text == "Utrzymać średnią długość cyklu sprzedaży poniżej 42 dni"
    )
    assert health("sales_cycle_length", "es").text.endswith(" por debajo de 42 días")
    assert health("cost_per_hire", "en").text == "Keep average cost per hire below $4,500"


def test_persian_keeps_the_digits_the_draft_uses():
    assert health("bounce_rate", "fa", digits="latin").text == "حفظ نرخ پرش وب‌سایت زیر 58٪"


def test_the_level_is_todays_typical_value_tidied():
    assert compose.hold_level(metric("lead_to_opportunity_rate")) == 8.0
    assert compose.hold_level(metric("spam_complaint_rate")) == 0.08
    assert compose.hold_level(metric("cost_per_hire")) == 4500.0


# --- the catalogue's pairs -------------------------------------------------------------------------
def test_every_counter_names_another_metric_of_the_catalogue():
    metrics = catalogue.load().metrics
    pairs = {m.id: m.counter for m in metrics.values() if m.counter}
    assert len(pairs) > 100
    assert {c for c in pairs.values() if c not in metrics} == set()
    assert [m for m, c in pairs.items() if m == c] == []


@pytest.mark.parametrize("code", CODES)
def test_every_counter_metric_reads_as_a_whole_sentence(code):
    metrics = catalogue.load().metrics
    lang = languages.get(code)
    keep = lang.compose["keep"].replace("{metric}", "").replace("{level}", "").split()
    for ident in sorted({m.counter for m in metrics.values() if m.counter}):
        h = health(ident, code)
        assert "{" not in h.text and "  " not in h.text, h.text
        assert catalogue.name(metrics[ident], code).casefold() in h.text.casefold(), h.text
        assert all(word.casefold() in h.text.casefold() for word in keep), h.text
        assert h.keep == ("above" if metrics[ident].polarity == "higher" else "below")


# --- the drafter -----------------------------------------------------------------------------------
def test_the_drafter_holds_one_counter_metric_per_objective():
    result = drafter(TWO).draft(request(n_objectives=2))
    okr = result.okr_set
    # O1: conversion's counter (returns); AOV's counter is conversion, a key result already.
    # O2: revenue's counter (margin), then no second one for the same objective.
    assert [h.text for h in okr.health] == [RETURNS_EN, MARGIN_EN]
    assert [(h.metric_id, h.keep, h.threshold) for h in okr.health] == [
        ("returns_rate", "below", 11),
        ("online_gross_margin", "above", 38),
    ]
    # the validator does not read them: same verdict and score without them
    bare = okr.model_copy(update={"health": []})
    assert result.validation.passed
    assert validate(okr, language="en") == validate(bare, language="en") == result.validation


def test_a_counter_already_held_or_measured_is_not_repeated():
    reply = selection(
        pick(
            "ecommerce.simple-fast-buying",
            ("average_order_value", 48, 54),  # counter: conversion, a key result of O2
            ("online_cart_abandonment_rate", 72, 65),
            ("online_conversion_rate", 1.8, 2.3),  # counter: returns
        ),
        pick(
            "ecommerce.second-order",
            ("average_items_per_order", 2, 3),  # counter: returns, held already for O1
            ("repeat_purchase_rate", 22, 27),
            ("checkout_completion_rate", 60, 70),
        ),
    )
    okr = drafter(reply).draft(request(n_objectives=2)).okr_set
    kr_metrics = {kr.metric_id for o in okr.objectives for kr in o.key_results}
    assert [h.metric_id for h in okr.health] == ["returns_rate"]
    assert not kr_metrics & {h.metric_id for h in okr.health}


def test_no_counter_no_health_metric():
    reply = selection(
        pick(
            "ecommerce.simple-fast-buying",
            ("online_cart_abandonment_rate", 72, 65),
            ("checkout_completion_rate", 60, 70),
            ("search_to_purchase_rate", 3, 4),
        )
    )
    assert drafter(reply).draft(request()).okr_set.health == []


def test_written_in_the_drafts_language_and_digits():
    it = drafter(TWO).draft(request("Vogliamo vendere di più online", n_objectives=2)).okr_set
    assert [h.text for h in it.health] == [
        "Mantenere il tasso di resi sotto l'11%",
        "Mantenere il margine lordo delle vendite online sopra il 38%",
    ]
    fa = drafter(TWO).draft(request("می‌خواهیم فروش اینترنتی را افزایش دهیم", n_objectives=2)).okr_set
    assert fa.language == "fa" and fa.health[0].text == "حفظ نرخ مرجوعی کالا زیر ۱۱٪"


def test_a_revision_writes_them_again_without_piling_up():
    first = drafter(TWO).draft(request(n_objectives=2)).okr_set
    person = HealthMetric(text="Keep the on-call load under 2 pages a week")
    current = first.model_copy(update={"health": [*first.health, person]})
    again = drafter(TWO).refine(current, "po polsku").okr_set  # same choice, another language
    assert [h.text for h in again.health] == [
        "Keep the on-call load under 2 pages a week",  # a person's own: kept as written
        "Utrzymać odsetek zwracanych zamówień poniżej 11%",
        "Utrzymać marżę brutto ze sprzedaży internetowej powyżej 38%",
    ]
    one = selection(pick("ecommerce.simple-fast-buying", *[(m, 1, 2) for m in METRICS[:3]]))
    fewer = drafter(one).refine(first, "only the first objective").okr_set
    assert [h.metric_id for h in fewer.health] == ["returns_rate"]  # the removed objective's went too


# --- shown and read back ---------------------------------------------------------------------------
def test_markdown_keeps_them_apart_from_the_objectives():
    result = drafter(TWO).draft(request(n_objectives=2))
    okr = result.okr_set
    text = export.to_markdown(okr, result.validation)
    assert f"## Health metrics (hold, not scored)\n\n- {RETURNS_EN}\n- {MARGIN_EN}\n" in text
    back = read_document(text, "draft.md").okr_set
    bare = export.to_markdown(okr.model_copy(update={"health": []}), result.validation)
    without = read_document(bare, "draft.md").okr_set
    assert [o.title for o in back.objectives] == [o.title for o in okr.objectives]
    assert [[k.text for k in o.key_results] for o in back.objectives] == [
        [k.text for k in o.key_results] for o in okr.objectives
    ]
    assert back.objectives == without.objectives
    assert [h.text for h in back.health] == [RETURNS_EN, MARGIN_EN]  # read as health, never as KRs
    assert validate(back).score == validate(without).score


def test_markdown_health_section_in_a_document_with_teams_and_rtl():
    text = (
        "# OKRs\n\n## Objective 1: Make buying online simple and fast\n\n"
        "- KR1: Raise online store conversion rate from 1.8% to 2.3% by 31 March 2027\n\n"
        "## Health metrics\n\n- حفظ نرخ پرش وب‌سایت زیر ۵۸٪\n  - a note on it\n\n"
        "## Objective 2: Bring customers back for a second order\n\n"
        "- KR1: Raise repeat purchase rate from 22% to 27% by 31 March 2027\n"
    )
    okr = read_document(text, "plan.md").okr_set
    assert [len(o.key_results) for o in okr.objectives] == [1, 1]
    assert [h.text for h in okr.health] == ["حفظ نرخ پرش وب‌سایت زیر ۵۸٪"]


def test_draft_text_shows_them_after_the_objectives():
    result = drafter(TWO).draft(request(n_objectives=2))
    text = format_draft(result, plain)
    block = f"Health metrics (hold, not scored)\n  - {RETURNS_EN}\n  - {MARGIN_EN}\n"
    assert block in text
    last_kr = text.index(result.okr_set.objectives[-1].key_results[-1].text)
    assert text.index(block) > last_kr
    assert render(result, "csv", plain).count(RETURNS_EN) == 0  # a row per key result only
    assert '"health"' in render(result, "json", plain)


def test_no_block_without_health():
    reply = selection(
        pick(
            "ecommerce.simple-fast-buying",
            ("online_cart_abandonment_rate", 72, 65),
            ("checkout_completion_rate", 60, 70),
            ("search_to_purchase_rate", 3, 4),
        )
    )
    result = drafter(reply).draft(request())
    assert "Health metrics" not in format_draft(result, plain)
    assert "Health metrics" not in export.to_markdown(result.okr_set)


def test_web_chat_block_under_the_cards_reads_right_to_left():
    from assistant.ui import render_set

    result = drafter(TWO).draft(request("می‌خواهیم فروش اینترنتی را افزایش دهیم", n_objectives=2))
    html = render_set(result.okr_set, result.validation)
    block = html[html.index("okr-health") :]
    assert html.rindex("okr-card") < html.index("okr-health")
    assert block.startswith('okr-health\'>Hold, not scored:<ul dir="rtl" lang="fa"><li>حفظ')
    assert '<bdi dir="ltr">۱۱</bdi>٪' in block  # digits isolated, as in the key results
    english = drafter(TWO).draft(request(n_objectives=2))
    assert f"<li>{RETURNS_EN}</li>" in render_set(english.okr_set, english.validation)


def test_a_set_without_catalogue_metrics_gets_none():
    okr = OKRSet.model_validate(
        {"objectives": [{"title": "Ship it", "key_results": [{"text": "Ship the app by May"}]}]}
    )
    writer_cat = catalogue.load()
    from assistant.drafting import Writer

    writer = Writer(writer_cat, languages.get("en"), "2027-Q1", "latin", set())
    assert writer.health(okr) == []
