"""Spanish and German: numbers, ranges, timeframes, verbs, detection, composed sentences and the validator."""

import pytest
import yaml

from assistant import catalogue, compose, languages
from assistant.features import analyse
from assistant.languages import LANG_DIR, parse_number
from assistant.parsing import parse_text
from assistant.validator import check_text


def _rules(text, kind="key_result", language=None):
    return {f.rule for f in check_text(text, kind=kind, language=language)}


def _errors(text, kind="key_result", language=None):
    return {f.rule for f in check_text(text, kind=kind, language=language) if f.severity.value == "error"}


# --- the files themselves ------------------------------------------------------------------------
def _raw(code):
    return yaml.safe_load((LANG_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("code", ["es", "de"])
def test_file_has_every_key_the_italian_file_has(code):
    mine, it = _raw(code), _raw("it")
    assert set(it) - set(mine) == set()
    assert set(mine["kr_templates"]) == set(it["kr_templates"])
    assert set(mine["verbs"]) == set(it["verbs"])
    assert set(mine["labels"]) == set(it["labels"])
    assert set(mine["kpi"]) == set(it["kpi"])
    assert set(mine["compose"]) >= set(it["compose"]) - {
        "elide",
        "zero",
        "from_elided",
        "to_elided",
        "from_zero",
        "to_zero",
        "above_elided",
        "below_elided",
        "above_zero",
        "below_zero",
    }
    assert set(mine["compose"]["units"]) == {"seconds", "minutes", "hours", "days", "weeks"}
    assert set(mine["compose"]["kr"]) == {"increase", "decrease", "increase_to", "decrease_to"}
    assert len(mine["compose"]["months"]) == 12
    assert set(mine["polarity"]) == {"higher", "lower"}
    assert mine["letters"] and mine["letter_weight"] > 0


@pytest.mark.parametrize("code", ["es", "de"])
def test_every_pattern_compiles(code):
    lang = languages.get(code)
    for attr in (
        "num_re",
        "from_to",
        "baseline_words",
        "timeframe",
        "window",
        "service_level",
        "placeholder",
        "verbs",
        "vague",
        "concrete",
        "kpi_threshold",
        "kpi_level",
        "kpi_ceiling",
        "polarity",
        "problem",
    ):
        assert getattr(lang, attr) is not None, attr
    assert not (lang.foreign_words & lang.loanwords)


def test_loanwords_are_not_foreign():
    de, es = languages.get("de"), languages.get("es")
    for word in ("team", "marketing", "lead", "app", "newsletter", "online", "feedback"):
        assert word not in de.foreign_words, word
        assert word not in es.foreign_words, word
    for word in ("the", "of", "and", "users", "customers", "revenue", "new", "growth"):
        assert word in de.foreign_words and word in es.foreign_words, word
    assert {"sales", "rate", "rating"} <= es.foreign_words
    assert "rate" not in de.foreign_words and "rating" not in de.foreign_words  # German words


# --- numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("token", "value"), [("1.200", 1200), ("2,5", 2.5), ("15.000", 15000), ("1.234,5", 1234.5)]
)
def test_parse_number_european_separators(token, value):
    assert parse_number(token) == pytest.approx(value)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("es", "Conseguir 1.200 nuevos clientes", 1200),
        ("es", "Alcanzar una tasa de conversión del 2,5 %", 2.5),
        ("es", "Generar 3 millones de euros en ventas", 3_000_000),
        ("es", "Facturar 250.000 € en la tienda online", 250_000),
        ("es", "Publicar cinco casos de éxito", 5),
        ("de", "1.200 Neukunden gewinnen", 1200),
        ("de", "Eine Conversion-Rate von 2,5 % erreichen", 2.5),
        ("de", "1,5 Mio € Umsatz im Onlineshop erzielen", 1_500_000),
        ("de", "3 Millionen Euro Umsatz erzielen", 3_000_000),
        ("de", "Fünf Fallstudien veröffentlichen", 5),
    ],
)
def test_quantities_in_context(lang, text, expected):
    facts = analyse(text, languages.get(lang))
    assert expected in [pytest.approx(q) for q in facts.quantities]


@pytest.mark.xfail(
    strict=True,
    reason="parse_number reads the abbreviation's full stop in '1,5 Mio. €' as a "
    "decimal point (15.0): a languages/__init__.py fix, not data",
)
def test_scale_abbreviation_with_full_stop():
    facts = analyse("1,5 Mio. € Umsatz erzielen", languages.get("de"))
    assert facts.quantities == [pytest.approx(1_500_000)]


# --- ranges --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "baseline", "target"),
    [
        ("es", "Aumentar la tasa de conversión del 18 % al 25 %", 18, 25),
        ("es", "Reducir el tiempo de respuesta de 24 a 4 horas", 24, 4),
        ("es", "Pasar de 1.200 a 1.500 clientes de pago", 1200, 1500),
        ("es", "Aumentar las ventas mensuales desde 10.000 € hasta 15.000 €", 10000, 15000),
        ("es", "Reducir el abandono de 12 → 8", 12, 8),
        ("es", "Aumentar los ingresos de 1,2 millones a 1,5 millones de euros", 1_200_000, 1_500_000),
        ("es", "Aumentar la tasa de conversión del 18 % al 25 % antes del 31 de marzo de 2027", 18, 25),
        ("de", "Die Conversion-Rate von 18 % auf 25 % steigern", 18, 25),
        ("de", "Die Antwortzeit von 24 auf 4 Stunden senken", 24, 4),
        ("de", "Die Zahl der Neukunden von 1.200 zu 1.500 erhöhen", 1200, 1500),
        ("de", "Den Umsatz von 1,2 Mio € auf 1,5 Mio € steigern", 1_200_000, 1_500_000),
        ("de", "Steigerung der Abonnenten von 6.000 auf 11.000 pro Monat", 6000, 11000),
        ("de", "Die Conversion-Rate bis zum 31. März 2027 von 18 % auf 25 % steigern", 18, 25),
    ],
)
def test_ranges(lang, text, baseline, target):
    facts = analyse(text, languages.get(lang))
    assert (facts.baseline, facts.target) == (pytest.approx(baseline), pytest.approx(target))
    assert facts.has_baseline


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Hoy tenemos un NPS de 30: llegar a 40"),
        ("es", "Actualmente 300 leads al mes; llegar a 450"),
        ("de", "Derzeit 300 Leads im Monat, Ziel 450"),
        ("de", "Ausgangswert 30, Ziel 40"),
    ],
)
def test_baseline_words(lang, text):
    assert analyse(text, languages.get(lang)).has_baseline


# --- timeframes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "antes del 31 de marzo de 2027"),
        ("es", "para finales de 2027"),
        ("es", "a finales de año"),
        ("es", "antes de fin de año"),
        ("es", "en el primer trimestre"),
        ("es", "en el T1"),
        ("es", "en el 1T 2027"),
        ("es", "en seis meses"),
        ("es", "este trimestre"),
        ("es", "durante el próximo semestre"),
        ("es", "al mes"),
        ("es", "cada semana"),
        ("es", "para junio"),
        ("es", "mensualmente"),
        ("de", "bis zum 31. März 2027"),
        ("de", "bis Ende Q1"),
        ("de", "bis Ende 2027"),
        ("de", "im ersten Quartal"),
        ("de", "im 2. Halbjahr"),
        ("de", "pro Monat"),
        ("de", "in sechs Monaten"),
        ("de", "innerhalb der nächsten sechs Monate"),
        ("de", "bis Ende des Jahres"),
        ("de", "bis zum Jahresende"),
        ("de", "in diesem Quartal"),
        ("de", "bis Mai"),
        ("de", "monatlich"),
    ],
)
def test_timeframes(lang, text):
    assert analyse(f"X {text}", languages.get(lang)).has_timeframe


@pytest.mark.parametrize(
    ("lang", "text", "quantities"),
    [
        ("es", "Aumentar la tasa de conversión al 25 % antes del 31 de marzo de 2027", [25]),
        ("es", "Conseguir 40 reseñas el 1 de junio de 2027", [40]),
        ("es", "Revisar el plan el 15 de mayo", []),
        ("de", "Die Conversion-Rate bis zum 31. März 2027 auf 25 % steigern", [25]),
        ("de", "40 Bewertungen bis spätestens 1. Juni 2027 sammeln", [40]),
        ("de", "Den Plan am 15. Mai überprüfen", []),
    ],
)
def test_the_day_of_a_date_is_not_a_target(lang, text, quantities):
    facts = analyse(text, languages.get(lang))
    assert facts.has_timeframe
    assert facts.quantities == quantities


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Reducir el tiempo de ciclo de 42 a 30 días"),
        ("es", "Reducir el tiempo de respuesta a 2 días"),
        ("de", "Die Durchlaufzeit von 42 auf 30 Tage senken"),
        ("de", "Die Lieferzeit um 2 Tage verkürzen"),
    ],
)
def test_durations_that_are_not_deadlines(lang, text):
    assert not analyse(text, languages.get(lang)).has_timeframe


@pytest.mark.parametrize(
    ("lang", "text", "quantities"),
    [
        ("es", "Aumentar la retención en los primeros 30 días del 40 % al 55 %", [40, 55]),
        ("es", "Aumentar los usuarios activos mensuales de 2.000 a 3.000", [2000, 3000]),
        ("de", "Die Aktivierungsrate in den ersten 7 Tagen von 20 % auf 35 % steigern", [20, 35]),
        ("de", "Die Bindungsrate nach 30 Tagen von 40 % auf 55 % steigern", [40, 55]),
        ("de", "Die 30-Tage-Retention von 40 % auf 55 % steigern", [40, 55]),
    ],
)
def test_windows_are_not_targets_nor_deadlines(lang, text, quantities):
    facts = analyse(text, languages.get(lang))
    assert not facts.has_timeframe
    assert facts.quantities == quantities


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Responder a cada solicitud en menos de 24 horas"),
        ("de", "Jede Anfrage innerhalb von 24 Stunden beantworten"),
    ],
)
def test_service_levels_are_measurable_but_not_targets(lang, text):
    facts = analyse(text, languages.get(lang))
    assert facts.quantities == [1.0]


# --- verbs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "direction"),
    [
        ("es", "Aumentar los clientes de pago de 100 a 150", "increase"),
        ("es", "Duplicar las ventas online", "increase"),
        ("es", "Reducir el abandono del 5 % al 3 %", "decrease"),
        ("es", "Disminuir el coste por lead a 30 €", "decrease"),
        ("es", "Mejorar la tasa de retención en 10 puntos", "improve"),
        ("es", "Conseguir 50 nuevos clientes", "achieve"),
        ("es", "Llevar la tasa de conversión al 3 %", "increase"),
        ("de", "Die Kündigungsrate von 5 % auf 3 % senken", "decrease"),
        ("de", "Senkung der Kosten pro Lead auf 30 €", "decrease"),
        ("de", "Verkürzung der Lieferzeit von 5 auf 2 Tage", "decrease"),
        ("de", "Steigerung der Konversionsrate von 2 % auf 3 %", "increase"),
        ("de", "Den Umsatz im Onlineshop um 20 % erhöhen", "increase"),
        ("de", "Die Kundenbindung um 10 Punkte verbessern", "improve"),
        ("de", "50 Neukunden gewinnen", "achieve"),
    ],
)
def test_direction(lang, text, direction):
    assert analyse(text, languages.get(lang)).direction == direction


@pytest.mark.parametrize(
    ("lang", "text", "activity"),
    [
        ("es", "Publicar 10 artículos en el blog", True),
        ("es", "Organizar 3 webinars con clientes", True),
        ("es", "Aumentar las visitas orgánicas publicando 10 artículos", False),
        ("de", "10 Blogartikel veröffentlichen", True),
        ("de", "Fünf Webinare pro Quartal durchführen", True),
        ("de", "Durch Schulungen die Zahl der Tickets von 300 auf 200 senken", False),
    ],
)
def test_activity(lang, text, activity):
    assert analyse(text, languages.get(lang)).is_activity is activity


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Mantener el NPS por encima de 40"),
        ("es", "Tiempo de respuesta de menos de 2 horas"),
        ("de", "Die Reaktionszeit unter 2 Stunden halten"),
        ("de", "Ausfallzeit von höchstens 1 %"),
    ],
)
def test_kpi(lang, text):
    facts = analyse(text, languages.get(lang))
    assert facts.is_kpi and facts.direction == "stay"


@pytest.mark.parametrize(
    ("lang", "text", "polarity"),
    [
        ("es", "Reducir la tasa de rebote del 60 % al 45 %", "lower"),
        ("es", "Aumentar la tasa de retención de clientes del 80 % al 88 %", "higher"),
        ("es", "Reducir el tiempo medio de primera respuesta de 24 a 4 horas", "lower"),
        ("es", "Aumentar los ingresos recurrentes mensuales", "higher"),
        ("es", "Reducir el coste de adquisición de clientes", "lower"),
        ("de", "Die Absprungrate der Website von 60 % auf 45 % senken", "lower"),
        ("de", "Die Kundenbindungsquote von 80 % auf 88 % steigern", "higher"),
        ("de", "Die durchschnittliche Erstreaktionszeit von 24 auf 4 Stunden senken", "lower"),
        ("de", "Den monatlichen Onlineumsatz steigern", "higher"),
        ("de", "Die Zahl der in der Produktion entdeckten Fehler senken", "lower"),
        ("de", "Den Anteil fehlerfrei versandter Bestellungen steigern", "higher"),
        ("de", "Die Werbekostenrendite (ROAS) steigern", "higher"),
    ],
)
def test_polarity(lang, text, polarity):
    assert analyse(text, languages.get(lang)).polarity == polarity


# --- detection -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Queremos vender más en línea", "es"),
        ("Nuestros clientes se van después del primer mes", "es"),
        ("Nuestra web no aparece en Google", "es"),
        ("Aumentar la tasa de conversión del 18 % al 25 % antes del 31 de marzo de 2027", "es"),
        ("Reducir la tasa de abandono del carrito del 72 % al 65 % antes del 31 de marzo de 2027", "es"),
        ("Wir wollen online mehr verkaufen", "de"),
        ("Unsere Kunden kündigen nach drei Monaten", "de"),
        ("Unsere App findet im App Store niemand", "de"),
        ("Die Conversion-Rate bis zum 31. März 2027 von 18 % auf 25 % steigern", "de"),
        # the other languages still win their own sentences
        ("Vogliamo vendere di più online", "it"),
        ("Aumentare i follower di Instagram del 30%", "it"),
        ("Aumentare il tasso di conversione dal 18% al 25% entro il 31 marzo 2027", "it"),
        ("we want more people to know our brand", "en"),
        ("Reduce the churn rate from 5% to 3% by the end of Q2", "en"),
        ("Zwiększenie liczby obserwujących o 50%", "pl"),
        ("Przeprowadzenie 10 testów A/B na kluczowych stronach docelowych", "pl"),
        ("average usability score (SUS points)", "en"),
    ],
)
def test_detect(text, lang):
    assert languages.detect(text) == lang


def test_gold_goals_in_spanish_and_german_are_detected():
    cases = yaml.safe_load(
        (LANG_DIR.parent.parent / "evals" / "gold" / "cases.yaml").read_text(encoding="utf-8")
    )
    mine = [c for c in cases["cases"] if c["lang"] in ("es", "de")]
    assert len(mine) == 18 and sum(c["split"] == "test" for c in mine) == 6
    assert [c["goal"] for c in mine if languages.detect(c["goal"]) != c["lang"]] == []


@pytest.mark.parametrize(
    ("request_text", "code"),
    [
        ("escríbelo en español, por favor", "es"),
        ("hazlo en castellano", "es"),
        ("riscrivilo in spagnolo", "es"),
        ("napisz to po hiszpańsku", "es"),
        ("bitte auf Deutsch", "de"),
        ("riscrivilo in tedesco", "de"),
        ("write it in German", "de"),
        ("napisz po niemiecku", "de"),
    ],
)
def test_mentioned(request_text, code):
    assert languages.mentioned(request_text) == code


def test_a_country_name_is_not_a_language_request():
    assert languages.mentioned("we sell to customers in Germany and Spain") is None


# --- composed sentences --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "metric", "direction", "baseline", "target", "unit", "cycle", "expected"),
    [
        (
            "es",
            "la tasa de conversión",
            "increase",
            18,
            25,
            "percent",
            "2027-Q1",
            "Aumentar la tasa de conversión del 18 % al 25 % antes del 31 de marzo de 2027",
        ),
        (
            "es",
            "el tiempo medio de primera respuesta",
            "decrease",
            24,
            4,
            "hours",
            "2027-Q1",
            "Reducir el tiempo medio de primera respuesta de 24 a 4 horas antes del 31 de marzo de 2027",
        ),
        (
            "es",
            "el valor medio del pedido",
            "increase",
            1200,
            1500,
            "currency",
            "2027-Q2",
            "Aumentar el valor medio del pedido de 1.200 € a 1.500 € antes del 30 de junio de 2027",
        ),
        (
            "es",
            "las sesiones orgánicas mensuales",
            "increase",
            None,
            15000,
            "count",
            "2027-Q3",
            "Aumentar las sesiones orgánicas mensuales a 15.000 antes del 30 de septiembre de 2027",
        ),
        (
            "es",
            "la tasa de abandono de clientes",
            "decrease",
            4,
            2.5,
            "percent",
            "2027-Q4",
            "Reducir la tasa de abandono de clientes del 4 % al 2,5 % antes del 31 de diciembre de 2027",
        ),
        (
            "de",
            "die Conversion-Rate",
            "increase",
            18,
            25,
            "percent",
            "2027-Q1",
            "Die Conversion-Rate bis zum 31. März 2027 von 18 % auf 25 % steigern",
        ),
        (
            "de",
            "die durchschnittliche Erstreaktionszeit",
            "decrease",
            24,
            1,
            "hours",
            "2027-Q1",
            "Die durchschnittliche Erstreaktionszeit bis zum 31. März 2027 von 24 auf 1 Stunde senken",
        ),
        (
            "de",
            "den durchschnittlichen Bestellwert",
            "increase",
            1200,
            1500,
            "currency",
            "2027-Q2",
            "Den durchschnittlichen Bestellwert bis zum 30. Juni 2027 von 1.200 € auf 1.500 € steigern",
        ),
        (
            "de",
            "die monatlichen organischen Sitzungen",
            "increase",
            None,
            15000,
            "count",
            "2027-Q3",
            "Die monatlichen organischen Sitzungen bis zum 30. September 2027 auf 15.000 steigern",
        ),
        (
            "de",
            "die Kündigungsrate",
            "decrease",
            4,
            2.5,
            "percent",
            "2027-Q4",
            "Die Kündigungsrate bis zum 31. Dezember 2027 von 4 % auf 2,5 % senken",
        ),
    ],
)
def test_composed_key_results(code, metric, direction, baseline, target, unit, cycle, expected):
    lang = languages.get(code)
    text = compose.sentence(metric, direction, baseline, target, unit, lang, cycle)
    assert text == expected
    facts = analyse(text, lang)
    assert facts.has_timeframe and facts.direction == direction
    if baseline is not None:
        assert (facts.baseline, facts.target) == (pytest.approx(baseline), pytest.approx(target))
    assert languages.detect(text) == code
    allowed = set() if baseline is not None else {"kr.no-baseline"}
    assert {f.rule for f in check_text(text, language=code) if f.severity.value != "info"} <= allowed


@pytest.mark.parametrize("code", languages.available())  # every language, not only es/de
def test_every_catalogue_metric_reads_right_in_a_composed_key_result(code):
    """The metric names of the catalogue, dropped into this language's sentence, pass the validator:
    right direction, no other language, a number, a baseline and a date. Vague survey metrics
    (brand awareness, satisfaction without a score) are flagged in every language alike."""
    lang = languages.get(code)
    problems = []
    for metric in catalogue.load().metrics.values():
        name = metric.name.get(code)
        if not name:
            continue
        direction = "increase" if metric.polarity == "higher" else "decrease"
        for baseline in (metric.typical[0], None):
            text = compose.sentence(
                name, direction, baseline, metric.typical[1], metric.unit, lang, "2027-Q1"
            )
            found = {f.rule for f in check_text(text, language=code) if f.severity.value != "info"}
            found -= {"kr.vague-metric"} | ({"kr.no-baseline"} if baseline is None else set())
            facts = analyse(text, lang)
            if found or facts.direction != direction or facts.polarity not in (None, metric.polarity):
                problems.append((metric.id, sorted(found), facts.direction, facts.polarity, text))
            if baseline is not None and (facts.baseline, facts.target) != (
                pytest.approx(metric.typical[0]),
                pytest.approx(metric.typical[1]),
            ):
                problems.append((metric.id, "numbers", facts.baseline, facts.target, text))
    assert problems == []


@pytest.mark.parametrize("code", languages.available())  # every language, not only es/de
def test_catalogue_objectives_pass_as_objectives(code):
    bad = []
    for phrase in catalogue.load().objectives.values():
        text = phrase.text.get(code)
        if text:
            found = {
                f.rule
                for f in check_text(text, kind="objective", language=code)
                if f.severity.value != "info"
            }
            if found - {"obj.bau"} or languages.detect(text) != code:
                bad.append((phrase.id, sorted(found), text))
    assert bad == []


# --- the validator on Spanish and German key results and objectives ------------------------------
@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("es", "Aumentar la tasa de conversión del 18 % al 25 % antes del 31 de marzo de 2027"),
        (
            "es",
            "Reducir el coste de marketing por cliente captado de 60 € a 42 € antes del 30 de junio de 2027",
        ),
        ("es", "Aumentar los leads de la newsletter de 200 a 350 al mes para finales de 2027"),
        ("de", "Die Conversion-Rate bis zum 31. März 2027 von 18 % auf 25 % steigern"),
        ("de", "Senkung der Churn-Rate von 4 % auf 2,5 % bis Ende Q4"),
        ("de", "Die Zahl der Newsletter-Leads bis zum 30. Juni 2027 von 200 auf 350 pro Monat steigern"),
    ],
)
def test_good_key_results(code, text):
    assert languages.detect(text) == code
    assert _errors(text) == set()  # language detected, as `okr check` does
    assert _rules(text).isdisjoint({"kr.no-baseline", "kr.no-timeframe", "kr.activity"})


@pytest.mark.parametrize(
    ("code", "text", "rule"),
    [
        ("es", "Mejorar el rendimiento SEO en un 50 %", "kr.vague-metric"),
        ("es", "Aumentar la visibilidad de la marca en un 30 %", "kr.vague-metric"),
        ("es", "Aumentar las ventas online", "kr.no-number"),
        ("es", "Aumentar las ventas online en un X %", "kr.placeholder"),
        ("es", "Llegar a 500 clientes de pago por definir", "kr.placeholder"),
        ("es", "Reducir el abandono del 3 % al 5 % antes del 31 de marzo de 2027", "kr.direction-conflict"),
        (
            "es",
            "Aumentar el coste por lead de 40 € a 55 € antes del 30 de junio de 2027",
            "kr.wrong-direction",
        ),
        (
            "es",
            "Aumentar el revenue mensual de 80.000 € a 120.000 € antes del 30 de junio de 2027",
            "kr.mixed-language",
        ),
        ("de", "Die SEO-Performance um 50 % verbessern", "kr.vague-metric"),
        ("de", "Die Markenbekanntheit um 30 % steigern", "kr.vague-metric"),
        ("de", "Den Umsatz im Onlineshop steigern", "kr.no-number"),
        ("de", "Den Umsatz um XX % steigern", "kr.placeholder"),
        ("de", "Die Kündigungsrate von 3 % auf 5 % senken", "kr.direction-conflict"),
        ("de", "Die Kündigungsrate bis zum 30. Juni 2027 von 3 % auf 5 % steigern", "kr.wrong-direction"),
        ("de", "Den revenue bis zum 30. Juni 2027 von 80.000 € auf 120.000 € steigern", "kr.mixed-language"),
    ],
)
def test_bad_key_results(code, text, rule):
    assert rule in _errors(text, language=code)


@pytest.mark.parametrize(
    ("code", "text", "rule"),
    [
        ("es", "Aumentar las ventas un 20 % antes de fin de año", "kr.no-baseline"),
        ("es", "Aumentar los clientes de pago de 100 a 150", "kr.no-timeframe"),
        ("es", "Publicar 10 artículos en el blog antes de fin de año", "kr.activity"),
        ("de", "Den Umsatz bis Ende Q2 um 20 % steigern", "kr.no-baseline"),
        ("de", "Die Zahl der zahlenden Kunden von 100 auf 150 steigern", "kr.no-timeframe"),
        ("de", "Bis Ende Q2 zehn Blogartikel veröffentlichen", "kr.activity"),
    ],
)
def test_key_result_warnings(code, text, rule):
    assert rule in _rules(text, language=code)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("es", "Convertir a nuestros clientes en fans de la marca"),
        ("es", "Ser la tienda online favorita de los amantes del café"),
        ("es", "Ofrecer una experiencia de compra rápida y sencilla"),
        ("de", "Unsere Kunden vom ersten Tag an begeistern"),
        ("de", "Unser Onlineshop wird die erste Wahl für Kaffeeliebhaber"),
        ("de", "Das Marketing-Team liefert mehr Leads für den Vertrieb"),
    ],
)
def test_good_objectives(code, text):
    found = {f.rule for f in check_text(text, kind="objective", language=code) if f.severity.value != "info"}
    assert found == set()


@pytest.mark.parametrize(
    ("code", "text", "rule"),
    [
        ("es", "Los clientes se quejan del soporte", "obj.problem"),
        ("es", "Demasiados usuarios no terminan el registro", "obj.problem"),
        ("es", "Nuestro blog no lo lee nadie", "obj.problem"),
        ("es", "Conseguir 500 nuevos clientes", "obj.has-metric"),
        ("es", "Ventas", "obj.vague"),
        ("es", "Ganar más customers en Chile", "obj.mixed-language"),
        ("de", "Unsere Kunden beschweren sich über lange Wartezeiten", "obj.problem"),
        ("de", "Zu wenige Leads aus dem Marketing", "obj.problem"),
        ("de", "Niemand öffnet unseren Newsletter", "obj.problem"),
        ("de", "500 Neukunden gewinnen", "obj.has-metric"),
        ("de", "Umsatz", "obj.vague"),
        ("de", "Mehr users für unsere App gewinnen", "obj.mixed-language"),
    ],
)
def test_objective_findings(code, text, rule):
    assert rule in _rules(text, kind="objective", language=code)


# --- labels --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "title", "kr", "initiative"),
    [
        (
            "Objetivo 1: Vender más en línea\nResultado clave 1: Aumentar las ventas del 10 % al 20 %\n"
            "Iniciativas:\n- Rediseñar la ficha de producto",
            "Vender más en línea",
            "Aumentar las ventas del 10 % al 20 %",
            "Rediseñar la ficha de producto",
        ),
        (
            "Ziel 1: Online mehr verkaufen\nSchlüsselergebnis 1: Den Umsatz von 10.000 € auf 20.000 € steigern\n"
            "Maßnahmen:\n- Produktseiten überarbeiten",
            "Online mehr verkaufen",
            "Den Umsatz von 10.000 € auf 20.000 € steigern",
            "Produktseiten überarbeiten",
        ),
    ],
)
def test_labels(text, title, kr, initiative):
    okr = parse_text(text)
    assert okr.objectives[0].title == title
    assert okr.objectives[0].key_results[0].text == kr
    assert okr.objectives[0].initiatives == [initiative]
