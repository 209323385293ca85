"""The example library: complete, consistent with the seeds, and loud about broken files."""

from pathlib import Path

import pytest

from assistant import catalogue, kb

ROOT = Path(__file__).resolve().parent.parent


def test_library_size_and_languages():
    examples, labelled = kb.load()
    assert len(examples) >= 80
    assert sum(len(e.key_results) for e in examples) >= 250
    assert {e.language for e in examples} == {"it", "pl", "fa"}
    assert {
        "seo",
        "social",
        "content",
        "email",
        "paid-ads",
        "pr",
        "partnerships",
        "customer-success",
        "mobile",
        "product",
        "engineering",
        "sales",
        "marketing",
    } <= {e.team for e in examples}
    assert {i.label for i in labelled} == {"good", "bad"}
    assert {i.kind for i in labelled} == {"objective", "key_result", "action"}


def test_polish_and_italian_articles_are_linked_as_translations():
    examples = kb.examples()
    it = {e.group: e for e in examples if e.language == "it" and e.group.startswith("m30-")}
    pl = {e.group: e for e in examples if e.language == "pl"}
    assert len(pl) == 32 and set(pl) == set(it)
    for group, ex in pl.items():
        assert len(ex.key_results) == len(it[group].key_results)
        assert ex.objective_en == it[group].objective_en


def test_every_example_has_an_english_rendering_and_a_source():
    for ex in kb.examples():
        assert ex.objective_en and ex.source.endswith(".txt")
        assert all(kr.en for kr in ex.key_results)


def test_expected_findings_name_real_rules():
    from assistant.validator import rule_by_id

    known = set(rule_by_id())
    examples, _labelled = kb.load()
    for ex in examples:
        assert set(ex.expect) <= known
        for kr in ex.key_results:
            assert set(kr.expect) <= known


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (
            "language: it\nexamples:\n  - id: a\n    group: a\n    team: seo\n    objective: x\n",
            r"bad.yaml:3: objective_en",
        ),
        ("language: it\nexamples: [\n", r"bad.yaml:\d+: not valid YAML"),
        (
            "examples:\n  - {id: a, group: a, team: x, objective: o, objective_en: o, key_results: []}\n",
            "language",
        ),
        ("- just a list\n", "bad.yaml:1"),
        (
            "language: it\nexamples:\n  - id: a\n    group: a\n    team: seo\n    objective: x\n    objective_en: x\n"
            "    key_results: []\n    colour: red\n",
            r"bad.yaml:3: colour",
        ),
    ],
)
def test_broken_file_names_file_and_line(tmp_path, content, needle):
    (tmp_path / "bad.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(kb.LibraryError, match=needle):
        kb.load(str(tmp_path))


def test_duplicate_ids_across_files(tmp_path):
    entry = "language: it\nexamples:\n  - {id: a, group: a, team: x, objective: o, objective_en: o, key_results: []}\n"
    (tmp_path / "a.yaml").write_text(entry, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(entry, encoding="utf-8")
    with pytest.raises(kb.LibraryError, match="duplicate id 'a'"):
        kb.load(str(tmp_path))


def test_content_hash_changes_with_the_library(tmp_path):
    (tmp_path / "a.yaml").write_text("language: it\nexamples: []\n", encoding="utf-8")
    before = kb.content_hash(str(tmp_path))
    (tmp_path / "a.yaml").write_text("language: pl\nexamples: []\n", encoding="utf-8")
    assert kb.content_hash(str(tmp_path)) != before


def _okr(*objectives):
    from assistant.domain import KeyResult, Objective, OKRSet

    return OKRSet(
        objectives=[Objective(title=t, key_results=[KeyResult(text=k) for k in krs]) for t, krs in objectives]
    )


SET_A = ("Win the Italian market", ["Raise monthly orders from 300 to 450 by 31 March 2027"])
SET_B = ("Keep customers longer", ["Cut monthly churn from 4% to 3% by 31 March 2027"])


def test_kb_add_never_overwrites_and_never_adds_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("OKR_HOME", str(tmp_path))
    first, n1, dup1 = kb.save_user_examples(_okr(SET_A), "our okrs.md")
    second, n2, dup2 = kb.save_user_examples(_okr(SET_B), "our-okrs.txt")  # same stem, other content
    assert first != second and first.exists() and second.exists()
    assert (n1, dup1, n2, dup2) == (1, 0, 1, 0)
    again, n3, dup3 = kb.save_user_examples(_okr(SET_A, SET_B), "copy.md")
    assert (again, n3, dup3) == (None, 0, 2)  # the same content is not indexed twice
    ids = [e.id for e in kb.load_all()]
    assert len(ids) == len(set(ids))
    assert sorted(p.stem for p, _ in kb.user_files()) == ["our-okrs", "our-okrs-2"]
    assert kb.remove_user_file("our-okrs-2") == second and not second.exists()
    with pytest.raises(kb.LibraryError, match=r"not in your library.*our-okrs"):
        kb.remove_user_file("../../etc/passwd")


def test_a_broken_user_file_is_skipped_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("OKR_HOME", str(tmp_path))
    good, _, _ = kb.save_user_examples(_okr(SET_A), "good.md")
    (good.parent / "half.yaml").write_text("language: en\nexamples:\n  - id: user-half-1\n    objective: [\n")
    with pytest.warns(kb.LibraryWarning, match=r"half\.yaml: skipped .*okr kb remove half"):
        examples = kb.load_all()
    assert any(e.id.startswith("user-good") for e in examples)
    assert len(examples) > 80  # the shipped library is all there


def test_every_library_key_result_names_the_metric_it_moves():
    """The bridge from similar examples to candidate metrics, and the eval's relevance, read these
    labels; a translation measures what its original measures."""
    import yaml

    ids = set(catalogue.load().metrics)
    by_group: dict[str, list] = {}
    for path in sorted((ROOT / "examples_kb").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for example in data.get("examples", []):
            labels = []
            for kr in example["key_results"]:
                assert "metric" in kr, f"{path.name} {example['id']}: {kr['en']!r} has no metric label"
                assert kr["metric"] is None or kr["metric"] in ids, f"unknown metric {kr['metric']!r}"
                labels.append(kr["metric"])
            by_group.setdefault(example["group"], []).append(labels)
    assert all(len({tuple(x) for x in v}) == 1 for v in by_group.values())
    assert sum(1 for v in by_group.values() for label in v[0] if label) >= 120
