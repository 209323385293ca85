"""The LLM layer: one LangChain chat model for every caller, and structured output into domain types.

Backends
- `local` (default): the embedded model, served by llama.cpp on loopback (see local_model).
- `openai`: OpenAI, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp) via a base URL.
- `fake`: a deterministic scripted model for tests and demos; never the default.
Both real backends are a `ChatOpenAI`: the embedded default and production take the same path.

Settings come from `assistant.config` (flags > environment > config file > defaults).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant import config
from assistant.config import Settings
from assistant.redact import redact

T = TypeVar("T", bound=BaseModel)


class LLMError(RuntimeError):
    """A model problem the user can act on; the message is one line naming problem and fix."""


class ReplyError(LLMError):
    """The model answered, but not with what the schema asks for."""

    usage: dict | None = None  # tokens the failed answer cost, so retries are counted too


def load_settings(**flags: Any) -> Settings:
    """Settings with command-line flags on top (None means 'not given'), checked for the
    configuration mistakes that would otherwise surface only after the work has started."""
    try:
        settings = config.settings(**flags)
    except config.SettingsError as exc:
        raise LLMError(str(exc)) from None
    check(settings)
    return settings


def check(settings: Settings) -> None:
    """Configuration mistakes found before any work starts."""
    if settings.llm == "openai" and not settings.api_key and not settings.base_url:
        raise LLMError(
            "OKR_LLM=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local OpenAI-compatible server)"
        )


def chat_model(settings: Settings, progress=None):
    """The LangChain chat model for these settings (starting the local server if needed)."""
    if settings.llm == "fake":
        from assistant.fake_llm import ScriptedDraftModel

        return ScriptedDraftModel()
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    if settings.llm == "local":
        from assistant import local_model

        try:
            server = local_model.serve(threads=settings.threads, progress=progress or (lambda _: None))
        except local_model.ModelUnavailable as exc:
            raise LLMError(str(exc)) from None
        return ChatOpenAI(
            base_url=server.base_url,
            api_key=SecretStr("local"),
            model="local",
            max_retries=0,
            timeout=settings.timeout,
            temperature=settings.temperature,
            max_completion_tokens=settings.max_tokens,  # the field's name; sent as before
        )
    check(settings)
    return ChatOpenAI(
        base_url=settings.base_url,
        api_key=SecretStr(settings.api_key or "not-needed"),
        model=settings.model or "gpt-4o-mini",
        max_retries=settings.max_retries,
        timeout=settings.timeout,
        temperature=settings.temperature,
        max_completion_tokens=settings.max_tokens,
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
    # Every line below is shown to people: credentials in the URL and keys echoed in bodies masked.
    where = redact(
        settings.base_url or ("the local model server" if settings.llm == "local" else "api.openai.com"),
        secrets=[settings.api_key],
    )
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
        body = " ".join(redact(str(exc), secrets=[settings.api_key]).split())  # redact before cutting
        return LLMError(f"the model server at {where} answered HTTP {exc.status_code}: {body[:160]}")
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
