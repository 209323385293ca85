"""The one redaction point: every message that leaves the program goes through `redact`.

Servers echo requests back in error bodies (the Authorization header included), people put
credentials in URLs (`http://user:token@host`), and exception texts quote both. Rather than trust
each caller to leave secrets out, every error line, progress line and batch error row is passed
through here. Patterns err on the side of hiding: a masked word costs less than a leaked key.
Only the standard library is imported, so `okr check` pays nothing for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"

# Credentials in a URL's authority: scheme://user:password@host or scheme://token@host.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@'\"<>]+@")
# Query parameters that carry keys: ?key=..., &api_key=..., &access_token=..., &sig=...
_QUERY_KEY = re.compile(
    r"(?i)([?&](?:key|api[-_]?key|token|access[-_]?token|auth|sig|signature|password)=)[^&\s#'\"]+"
)
# The value of an Authorization header ("Bearer <token>", "Basic <token>", a bare key), in a raw
# header, JSON or a Python dict repr.
_AUTH_HEADER = re.compile(
    r"(?i)((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)(?:[A-Za-z]+[ \t]+)?[^\s'\",}]+"
)
# name=value / "name": "value" for names that hold secrets.
_NAMED = re.compile(
    r"(?i)(\b(?:x-)?(?:api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|auth[-_]?token|"
    r"id[-_]?token|token|client[-_]?secret|secret|password|passwd)['\"]?\s*[:=]\s*['\"]?)"
    r"[^\s'\"&,;}]+"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]{8,}")
# Key formats recognisable on their own: OpenAI (sk-, sk-proj-), Hugging Face, GitHub, Slack, AWS.
_KNOWN_KEYS = re.compile(
    r"(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_\-]{8,}|hf_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{16,}|"
    r"github_pat_[A-Za-z0-9_]{16,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16})"
)
_MIN_LITERAL = 8  # shorter configured "keys" (such as "local") are ordinary words in messages


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with API keys, bearer tokens and URL credentials replaced by ***.

    `secrets` are literal values to hide as well (the configured API key, whatever its shape)."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= _MIN_LITERAL:
            text = text.replace(secret, MASK)
    text = _URL_USERINFO.sub(rf"\1{MASK}@", text)
    text = _QUERY_KEY.sub(rf"\1{MASK}", text)
    text = _AUTH_HEADER.sub(rf"\1{MASK}", text)
    text = _BEARER.sub(rf"\1 {MASK}", text)
    text = _NAMED.sub(rf"\1{MASK}", text)
    return _KNOWN_KEYS.sub(MASK, text)


def redact_url(url: str | None) -> str | None:
    """A URL fit to show people: credentials in it (user:token@, ?key=) masked."""
    return redact(url) if url else url
