"""Shared fixtures. Unit tests never touch the network or a real model."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("NO_COLOR", "1")

import pytest
import yaml


@pytest.fixture(scope="session")
def small_home(tmp_path_factory):
    """An OKR_HOME and a six-example library, so index builds in tests take seconds, not half a minute."""
    import shutil

    from assistant import catalogue, kb

    root = tmp_path_factory.mktemp("okr-home")
    lib = root / "lib"
    lib.mkdir()
    wanted = {"m30-seo-1", "m30-email-1", "m30-cs-1", "saas-9", "m10-7", "saas-7"}
    by_lang: dict[str, list] = {}
    for ex in kb.examples():
        if ex.group in wanted:
            by_lang.setdefault(ex.language, []).append(ex.model_dump(exclude={"language", "source"}))
    for lang, items in by_lang.items():
        data = {"source": "tests", "language": lang, "examples": items}
        (lib / f"small.{lang}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    metrics = root / "metrics"  # one function of the catalogue: its index builds in seconds
    metrics.mkdir()
    shutil.copy(catalogue.shipped_dir() / "ecommerce.yaml", metrics)
    return {"OKR_HOME": str(root / "home"), "OKR_KB_DIR": str(lib), "OKR_CATALOGUE_DIR": str(metrics)}
