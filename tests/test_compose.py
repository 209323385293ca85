"""Sentence composition: grammar, number format, units and dates per language; numbers made to fit."""

import datetime as dt

import pytest

from assistant import catalogue, compose, languages


@pytest.mark.parametrize(
    ("cycle", "end"),
    [
        ("2027-Q1", dt.date(2027, 3, 31)),
        ("2027-Q2", dt.date(2027, 6, 30)),
        ("2026-Q4", dt.date(2026, 12, 31)),
        ("2027-H1", dt.date(2027, 6, 30)),
        ("2027-FY", dt.date(2027, 12, 31)),
    ],
)
def test_cycle_end(cycle, end):
    assert compose.cycle_end(cycle) == end


@pytest.mark.parametrize(
    ("code", "value", "unit", "text"),
    [
        ("en", 12000, "count", "12,000"),
        ("it", 12000, "count", "12.000"),
        ("pl", 12000, "count", "12 000"),
        ("de", 2.5, "percent", "2,5 %"),
        ("it", 20000, "currency", "20.000 €"),
        ("en", 20000, "currency", "$20,000"),
        ("pl", 4, "hours", "4 godzin"),
        ("pl", 1, "days", "1 dnia"),
        ("it", 1, "hours", "1 ora"),
    ],
)
def test_amounts_follow_the_language(code, value, unit, text):
    assert compose.amount(value, unit, languages.get(code)) == text


def test_persian_digits_and_italian_elision():
    fa, it = languages.get("fa"), languages.get("it")
    assert compose.number_text(12000.5, fa, "persian") == "۱۲٬۰۰۰٫۵"
    metric = catalogue.load().metrics["online_conversion_rate"]
    text = compose.sentence(catalogue.name(metric, "it"), "increase", 8, 11, "percent", it, "2027-Q1")
    assert (
        text == "Aumentare il tasso di conversione del negozio online dall'8% all'11% entro il 31 marzo 2027"
    )


def test_numbers_are_made_to_fit_the_metric():
    metrics = catalogue.load().metrics
    churn, orders, impressions = (
        metrics[i] for i in ("customer_churn_rate", "monthly_online_orders", "paid_ad_impressions")
    )
    assert compose.fit_numbers(churn, 3, 5) == (5, 3)  # lower is better: swapped
    assert compose.fit_numbers(orders, 4000, 5000) == (4000, 5000)  # plausible: kept
    assert compose.fit_numbers(impressions, 1, 2) == impressions.typical  # wrong scale: the typical quarter
    assert compose.fit_numbers(impressions, 1, 2, stated=True)[0] == 1  # the user said so: kept
    low, high = compose.fit_numbers(metrics["online_conversion_rate"], 140, 150)
    assert 0 <= low < high <= 100  # percentages stay percentages


def test_a_zero_baseline_nobody_stated_is_not_kept_and_italian_says_dallo():
    from assistant import catalogue, compose, languages

    metric = catalogue.load().metrics["online_conversion_rate"]
    assert compose.fit_numbers(metric, 0, 15) == metric.typical  # copied from somewhere, not measured
    assert compose.fit_numbers(metric, 0, 2, stated=True) == (0, 2)  # the user said "from zero"
    text = compose.key_result(metric, catalogue.name(metric, "it"), 0, 2, languages.get("it"), "2027-Q1").text
    assert "dallo 0% al 2%" in text


def test_a_percentage_far_below_the_metrics_scale_takes_the_typical_quarter():
    from assistant import catalogue, compose

    bounce = catalogue.load().metrics["bounce_rate"]
    assert compose.fit_numbers(bounce, 0.4, 0.3) == bounce.typical  # 0.4 "%" was a fraction
    assert compose.fit_numbers(bounce, 45, 40) == (45, 40)  # a real site's numbers are kept
    assert compose.fit_numbers(bounce, 0.4, 0.3, stated=True) == (0.4, 0.3)  # what the user said stays


def test_a_leap_nobody_asked_for_comes_down_to_the_typical_step():
    """ "From 4,000 to 48,000 visitors" in a quarter: the model's own baseline beside the catalogue's
    typical target. The target follows the typical step from the baseline; a target the user
    stated stays, and a step the catalogue itself calls typical is kept."""
    from assistant import catalogue, compose

    metrics = catalogue.load().metrics
    visitors, waitlist, resolution = (
        metrics[i]
        for i in ("monthly_website_visitors", "prelaunch_waitlist_signups", "ticket_resolution_time")
    )
    step = visitors.typical[1] / visitors.typical[0]
    assert compose.fit_numbers(visitors, 4000, 48000) == (4000, round(4000 * step))
    assert compose.fit_numbers(visitors, 4000, 48000, target_stated=True) == (4000, 48000)
    assert compose.fit_numbers(waitlist, 400, 1000) == (400, 1000)  # 2.5x is this metric's typical step
    base, goal = compose.fit_numbers(resolution, 48, 2)  # lower is better: a 24x cut is a leap too
    assert base == 48 and 48 / 3 <= goal < 48


def test_italian_says_dallo_and_allo_before_every_number_read_zero():
    """ "dal 0,3% al 0,4%" is wrong Italian: 0,3 is read "zero virgola tre" and takes "lo"."""
    from assistant import catalogue, compose, languages

    metric = catalogue.load().metrics["email_click_through_rate"]
    it = languages.get("it")
    text = compose.key_result(metric, catalogue.name(metric, "it"), 0.3, 0.4, it, "2027-Q1").text
    assert "dallo 0,3% allo 0,4%" in text
    text = compose.key_result(metric, catalogue.name(metric, "it"), 0.5, 1.2, it, "2027-Q1").text
    assert "dallo 0,5% all'1,2%" in text
    text = compose.key_result(metric, catalogue.name(metric, "it"), 10, 20, it, "2027-Q1").text
    assert "dal 10% al 20%" in text
