"""The one settings object: precedence, the names other tools use, clear errors, and that nothing
else in the package reads the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import config
from assistant.llm import LLMError, load_settings

PACKAGE = Path(config.__file__).parent


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (
        "OKR_LLM",
        "OKR_MODEL",
        "OKR_BASE_URL",
        "OPENAI_BASE_URL",
        "OKR_API_KEY",
        "OPENAI_API_KEY",
        "OKR_HOME",
        "XDG_CACHE_HOME",
        "OKR_TIMEOUT",
        "OKR_CHROMA_PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OKR_CONFIG", str(tmp_path / "config.toml"))
    return tmp_path


def test_flags_beat_environment_beat_file_beat_defaults(clean_env, monkeypatch):
    assert config.settings().timeout == 300.0
    (clean_env / "config.toml").write_text('timeout = 60\nmodel = "from-file"\nllm = "fake"\n')
    assert (config.settings().timeout, config.settings().model) == (60.0, "from-file")
    monkeypatch.setenv("OKR_TIMEOUT", "30")
    assert config.settings().timeout == 30.0
    assert config.settings(timeout=5, model=None).timeout == 5.0  # None means "flag not given"
    assert config.settings(timeout=5, model=None).model == "from-file"


def test_names_other_tools_use(clean_env, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1234/v1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_env / "cache"))
    s = config.settings()
    assert s.base_url == "http://127.0.0.1:1234/v1"
    assert s.home_dir == clean_env / "cache" / "okr-assistant"
    monkeypatch.setenv("OKR_HOME", str(clean_env / "home"))
    assert config.settings().home_dir == clean_env / "home"
    monkeypatch.setenv("OKR_BASE_URL", "http://okr-wins/v1")
    assert config.settings().base_url == "http://okr-wins/v1"


def test_api_key_never_in_repr(clean_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123")
    s = config.settings()
    assert s.api_key == "sk-secret-123"
    assert "sk-secret" not in repr(s) and "sk-secret" not in s.describe()


def test_bad_values_are_one_clear_line(clean_env, monkeypatch):
    monkeypatch.setenv("OKR_CHROMA_PORT", "eighty")
    with pytest.raises(config.SettingsError, match=r"chroma_port \(OKR_CHROMA_PORT\)"):
        config.settings()
    monkeypatch.delenv("OKR_CHROMA_PORT")
    with pytest.raises(LLMError, match="llm"):
        load_settings(llm="gpt")
    (clean_env / "config.toml").write_text("timeout = [\n")
    with pytest.raises(config.SettingsError, match=r"config\.toml: cannot read the config file"):
        config.settings()


def test_openai_without_key_or_server_is_refused_early(clean_env):
    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        load_settings(llm="openai")
    assert load_settings(llm="openai", base_url="http://127.0.0.1:9/v1").llm == "openai"


@pytest.mark.parametrize("value, on", [("", False), ("0", False), ("1", True), ("yes", True)])
def test_flag(monkeypatch, value, on):
    monkeypatch.setenv("NO_COLOR", value)
    assert config.flag("NO_COLOR") is on


def test_nothing_else_reads_the_environment():
    readers = re.compile(r"os\.environ|os\.getenv|getenv\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "config.py" and readers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
