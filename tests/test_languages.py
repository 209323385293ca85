"""Numbers, ranges and timeframes as people write them, in every shipped language."""

from pathlib import Path

import pytest

from assistant import languages
from assistant.features import analyse
from assistant.languages import normalise, parse_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("3,000", 3000),
        ("8 000", 8000),
        ("2.000", 2000),
        ("2,5", 2.5),
        ("1.5", 1.5),
        ("1,234,567", 1234567),
        ("1.234,5", 1234.5),
        ("12", 12),
        ("0.5", 0.5),
    ],
)
def test_parse_number(token, value):
    assert parse_number(token) == pytest.approx(value)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Grow ARR to $80k", 80_000),
        ("en", "Reach €1.5M in online sales", 1_500_000),
        ("pl", "Obniżenie kosztu do 300 zł", 300),
        ("it", "Generare 500.000 dollari di ricavi", 500_000),
        ("it", "Raggiungere un tasso del 2,5%", 2.5),
        ("pl", "Zwiększenie liczby subskrybentów o 8 000", 8000),
        ("fa", "افزایش کل لیست ایمیل به ۱۰۰۰۰ مشترک", 10_000),
        ("fa", "رشد MAU به میزان ۵٪", 5),
        ("it", "Posizionarsi per cinque parole chiave", 5),
        ("pl", "Opublikowanie dziesięciu artykułów", 10),
        ("fa", "پنج حالت مختلف را تست کنید", 5),
    ],
)
def test_quantities_in_context(lang, text, expected):
    facts = analyse(text, languages.get(lang))
    assert expected in [pytest.approx(q) for q in facts.quantities]


def test_persian_digits_and_percent_are_normalised():
    assert normalise("۲۰٪ و ۳٫۵") == "20% و 3.5"


@pytest.mark.parametrize(
    ("lang", "text", "baseline", "target"),
    [
        ("en", "Raise activation from 12% to 18%", 12, 18),
        ("en", "Reduce bug reports from an average of 72 to 60", 72, 60),
        ("it", "Aumentare il tasso dal 10% al 15%", 10, 15),
        ("it", "Riduci il time-to-value da sette a tre giorni", 7, 3),
        ("pl", "Zwiększenie konwersji z 2% do 4%", 2, 4),
        ("fa", "نرخ کلیک را از ۱۰٪ به ۱۵٪ افزایش دهید", 10, 15),
    ],
)
def test_ranges(lang, text, baseline, target):
    facts = analyse(text, languages.get(lang))
    assert (facts.baseline, facts.target) == (baseline, target)
    assert facts.has_baseline


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Ship it by Q3"),
        ("en", "Grow sign-ups this quarter"),
        ("en", "by 30 June 2026"),
        ("en", "within six months"),
        ("en", "by 2026-06-30"),
        ("it", "entro sei mesi"),
        ("it", "nel terzo trimestre"),
        ("it", "entro il prossimo trimestre"),
        ("it", "entro fine anno"),
        ("pl", "do końca roku"),
        ("pl", "w ciągu sześciu miesięcy"),
        ("pl", "w tym kwartale"),
        ("fa", "تا پایان سال"),
        ("fa", "در این سه ماهه"),
        ("fa", "هر ماه"),
    ],
)
def test_timeframes(lang, text):
    assert analyse(f"X {text}", languages.get(lang)).has_timeframe


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Cut cycle time from 42 to 30 days"),
        ("it", "Aumenta la fidelizzazione a 30 giorni dal 45% al 60%"),
        ("pl", "Skrócenie cyklu z 42 do 30 dni"),
        ("fa", "کاهش زمان فعال‌سازی تا سه روز"),
    ],
)
def test_durations_that_are_not_deadlines(lang, text):
    assert not analyse(text, languages.get(lang)).has_timeframe


def test_timeframe_numbers_are_not_targets():
    facts = analyse("Improve local SEO visibility within six months", languages.get("en"))
    assert facts.quantities == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vogliamo vendere di più online", "it"),
        ("we want more people to know our brand", "en"),
        ("Zwiększenie liczby obserwujących o 50%", "pl"),
        ("افزایش تعامل رسانه‌های اجتماعی", "fa"),
        ("Aumentare i follower di Instagram del 30%", "it"),
    ],
)
def test_detect(text, lang):
    assert languages.detect(text) == lang


def test_every_language_file_compiles_and_has_the_same_sections():
    codes = languages.available()
    assert {"en", "it", "pl", "fa"} <= set(codes)
    for code in codes:
        lang = languages.get(code)
        assert set(lang.verbs) >= {"increase", "decrease", "stay", "achieve", "activity", "objective"}, code
        assert lang.number_words and lang.labels["objective"], code


def test_unknown_language_names_the_available_ones():
    with pytest.raises(KeyError, match=r"available: .*en"):
        languages.get("xx")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Nos cuesta mucho contratar buenos desarrolladores", "es"),
        ("La app se cierra sola y la gente la desinstala", "es"),
        ("Abbiamo troppa stampa negativa", "it"),
        ("Vogliamo crescere grazie ai partner", "it"),
        ("I nostri rilasci hanno troppi bug", "it"),
        ("Nikt nie otwiera naszych maili", "pl"),
    ],
)
def test_short_goals_are_detected_in_their_language(text, code):
    """Short goals without diacritics used to fall back to English (and got drafted in English)."""
    assert languages.detect(text) == code


def test_language_files_are_cached_by_content_and_never_stale(tmp_path):
    import yaml

    from assistant.languages import load_data as _load

    path = tmp_path / "xx.yaml"
    path.write_text("code: xx\nmonths: {1: uno}\nwords: [a, b]\n", encoding="utf-8")
    first = _load(path)
    assert first == yaml.safe_load(path.read_text()) and list((tmp_path / "__pycache__").glob("xx.*"))
    assert _load(path) == first  # from the cached copy
    path.write_text("code: xx\nwords: [c]\n", encoding="utf-8")
    assert _load(path) == {"code": "xx", "words": ["c"]}  # new content, new copy
    assert len(list((tmp_path / "__pycache__").glob("xx.*"))) == 1  # the old copy is gone


@pytest.mark.parametrize("code", languages.available())
def test_word_lists_hold_only_strings(code):
    """YAML 1.1 reads a bare no/on/yes/off as a boolean, and the word then silently never matches
    (English and Spanish "no" was False for a while): quote them."""
    import yaml

    raw = yaml.safe_load((Path(languages.__file__).parent / f"{code}.yaml").read_text(encoding="utf-8"))

    def odd(value, where=""):
        if isinstance(value, dict):
            return [x for k, v in value.items() for x in odd(v, f"{where}.{k}")]
        if isinstance(value, list):
            return [f"{where}: {v!r}" for v in value if isinstance(v, bool) or v is None] + [
                x for v in value if isinstance(v, (dict, list)) for x in odd(v, where)
            ]
        return []

    assert odd(raw) == []


@pytest.mark.parametrize("code", languages.available())
def test_every_catalogue_entry_is_named_in_every_language(code):
    """The composed-sentence tests skip a metric with no name in a language (drafts would fall back
    to English), so a language added without naming every metric and phrasing fails here."""
    from assistant import catalogue

    cat = catalogue.load()
    assert [m.id for m in cat.metrics.values() if not m.name.get(code)] == []
    assert [o.id for o in cat.objectives.values() if not o.text.get(code)] == []
