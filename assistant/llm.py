"""The LLM layer: one LangChain chat model for every caller, and structured output into domain types.

Backends
- `local` (default): the embedded model, served by llama.cpp on loopback (see local_model).
- `openai`: OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp) via a base URL.
- `fake`: a deterministic scripted model for tests and demos; never the default.
Both real backends are a `ChatOpenAI`: the embedded default and production take the same path.

Settings: command-line flags > environment (OKR_LLM, OKR_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL,
OKR_*) > config file ($OKR_CONFIG or ~/.config/okr-assistant/config.toml) > defaults.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

T = TypeVar("T", bound=BaseModel)
Backend = Literal["local", "openai", "fake"]
Structured = Literal["auto", "json_schema", "function_calling", "json_object_schema"]


class LLMError(RuntimeError):
    """A model problem the user can act on; the message is one line naming problem and fix."""


class ReplyError(LLMError):
    """The model answered, but not with what the schema asks for."""

    usage: dict | None = None  # tokens the failed answer cost, so retries are counted too


def config_file() -> Path:
    return Path(os.environ.get("OKR_CONFIG") or Path.home() / ".config" / "okr-assistant" / "config.toml")


class Settings(BaseSettings):
    """Which model to use and how. Flags are passed as init arguments and win over everything."""

    model_config = SettingsConfigDict(env_prefix="OKR_", extra="ignore", populate_by_name=True)

    llm: Backend = Field(default="local", description="local, openai or fake")
    model: str | None = Field(default=None, description="model name for the openai backend")
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OKR_BASE_URL", "OPENAI_BASE_URL", "base_url")
    )
    api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OKR_API_KEY", "OPENAI_API_KEY", "api_key")
    )
    timeout: float = Field(default=300.0, description="seconds to wait for one model reply")
    max_retries: int = Field(default=2, description="client retries on 429/5xx (0 for the local server)")
    temperature: float = 0.2
    structured: Structured = Field(default="auto", description="how to ask for structured output")
    threads: int | None = Field(default=None, description="CPU threads for the local model")
    max_tokens: int = 1200

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file())

    @property
    def method(self) -> Structured:
        """llama.cpp's server constrains output with json_object + schema; elsewhere use tools."""
        if self.structured != "auto":
            return self.structured
        return "function_calling" if self.llm == "openai" else "json_object_schema"

    def check(self) -> None:
        """Configuration mistakes found before any work starts."""
        if self.llm == "openai" and not self.api_key and not self.base_url:
            raise LLMError(
                "OKR_LLM=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)"
            )

    def describe(self) -> str:
        """What is in use, for people: never includes the API key."""
        if self.llm == "local":
            from assistant.local_model import MODEL_NAME

            return MODEL_NAME
        if self.llm == "fake":
            return "fake (scripted test model)"
        return f"{self.model or 'gpt-4o-mini'} via {self.base_url or 'api.openai.com'}"


def load_settings(**flags: Any) -> Settings:
    """Settings with command-line flags on top; None flags mean 'not given'."""
    given = {k: v for k, v in flags.items() if v is not None}
    try:
        settings = Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise LLMError(f"bad setting {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    settings.check()
    return settings


def chat_model(settings: Settings, progress=None):
    """The LangChain chat model for these settings (starting the local server if needed)."""
    if settings.llm == "fake":
        from assistant.fake_llm import ScriptedDraftModel

        return ScriptedDraftModel()
    from langchain_openai import ChatOpenAI

    if settings.llm == "local":
        from assistant import local_model

        try:
            server = local_model.serve(threads=settings.threads, progress=progress or (lambda _: None))
        except local_model.ModelUnavailable as exc:
            raise LLMError(str(exc)) from None
        return ChatOpenAI(
            base_url=server.base_url,
            api_key="local",
            model="local",
            max_retries=0,
            timeout=settings.timeout,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
        )
    settings.check()
    return ChatOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key or "not-needed",
        model=settings.model or "gpt-4o-mini",
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_reply(text: str, schema: type[T]) -> T:
    """The schema instance in a model's text reply, tolerating code fences and chatter around it."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    last: Exception | None = None
    for candidate in candidates:
        try:
            return schema.model_validate_json(candidate.strip())
        except (ValidationError, ValueError) as exc:
            last = exc
    detail = _first_error(last) if isinstance(last, ValidationError) else "no JSON object in the reply"
    raise ReplyError(f"the model's reply does not match the {schema.__name__} schema: {detail}")


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(map(str, err['loc'])) or 'reply'}: {err['msg']}"


def _translate(exc: Exception, settings: Settings) -> LLMError | None:
    """Client exceptions as one actionable line; None for exceptions that are not the model's."""
    try:
        import openai
    except ImportError:  # pragma: no cover - openai is installed with the draft extra
        return None
    where = settings.base_url or ("the local model server" if settings.llm == "local" else "api.openai.com")
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(
            f"the model at {where} did not answer within {settings.timeout:.0f}s; raise OKR_TIMEOUT or use a faster model"
        )
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"cannot reach the model server at {where}; start it or check OPENAI_BASE_URL")
    if isinstance(exc, openai.AuthenticationError):
        return LLMError("the model server rejected the API key; check OPENAI_API_KEY")
    if isinstance(exc, openai.NotFoundError):
        return LLMError(f"model {settings.model!r} not found at {where}; check OKR_MODEL")
    if isinstance(exc, openai.RateLimitError):
        return LLMError(
            f"rate limited by {where} after {settings.max_retries} retries; lower --workers or retry later"
        )
    if isinstance(exc, openai.APIStatusError):
        return LLMError(f"the model server at {where} answered HTTP {exc.status_code}: {str(exc)[:160]}")
    return None


def _parsed(text: str, schema: type[T], usage: dict) -> T:
    try:
        return parse_reply(text, schema)
    except ReplyError as exc:
        exc.usage = usage
        raise


def ask(
    chat, messages: list, schema: type[T], settings: Settings, retries: int = 1, on_retry=None
) -> tuple[T, Counter]:
    """The one re-ask loop: a reply that does not parse is shown its error and asked again.

    Usage is summed over every attempt, failed ones included (they cost the same tokens)."""
    usage: Counter = Counter()
    attempt = list(messages)
    for n in range(retries + 1):
        try:
            result, used = structured(chat, attempt, schema, settings)
        except ReplyError as exc:
            usage.update({k: v for k, v in (exc.usage or {}).items() if isinstance(v, int)})
            if n == retries:
                raise
            if on_retry:
                on_retry(str(exc))
            attempt = [*messages, ("human", f"Your reply was not valid ({exc}). Reply again with JSON only.")]
            continue
        usage.update({k: v for k, v in used.items() if isinstance(v, int)})
        return result, usage
    raise AssertionError("unreachable")  # pragma: no cover


def structured(chat, messages: list, schema: type[T], settings: Settings) -> tuple[T, dict]:
    """Ask `chat` for an instance of `schema`; returns it with token usage when known."""
    try:
        if settings.method == "json_object_schema":
            bound = chat.bind(response_format={"type": "json_object", "schema": schema.model_json_schema()})
            reply = bound.invoke(messages)
            usage = dict(getattr(reply, "usage_metadata", None) or {})
            return _parsed(str(reply.content), schema, usage), usage
        runnable = chat.with_structured_output(schema, method=settings.method, include_raw=True)
        out = runnable.invoke(messages)
        raw = out.get("raw")
        usage = dict(getattr(raw, "usage_metadata", None) or {})
        if out.get("parsed") is not None:
            return out["parsed"], usage
        content = str(getattr(raw, "content", "") or "")
        calls = getattr(raw, "tool_calls", None) or []
        if calls:
            content = json.dumps(calls[0].get("args", {}))
        return _parsed(content, schema, usage), usage
    except LLMError:
        raise
    except Exception as exc:
        translated = _translate(exc, settings)
        if translated is None:
            raise
        raise translated from None
