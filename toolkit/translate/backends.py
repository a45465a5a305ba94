"""Machine translation through deep-translator: limits, retries, timeouts, secrets kept out.

deep-translator calls `requests.get/post` with no timeout and raises exceptions that drop the
response, so `Retry-After` is lost. `_Transport` stands in for the `requests` module inside
the backend's module: it adds the run's timeout and remembers the last response of the
calling thread; outside a `kb translate` call it behaves exactly like `requests`.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import requests

from toolkit.config import TranslateConfig
from toolkit.errors import KbError
from toolkit.retry_after import retry_after
from toolkit.translate import BACKENDS
from toolkit.translate.limits import LIMITS, join_chunks, split_text

_CLASSES = {
    "google": ("deep_translator.google", "GoogleTranslator"),
    "deepl": ("deep_translator.deepl", "DeeplTranslator"),
    "microsoft": ("deep_translator.microsoft", "MicrosoftTranslator"),
    "libre": ("deep_translator.libre", "LibreTranslator"),
    "mymemory": ("deep_translator.mymemory", "MyMemoryTranslator"),
    "chatgpt": ("deep_translator.chatgpt", "ChatGptTranslator"),
}
# deep-translator's own variable names, so an existing setup keeps working.
KEY_VARIABLES = {
    "deepl": "DEEPL_API_KEY",
    "microsoft": "MICROSOFT_API_KEY",
    "libre": "LIBRE_API_KEY",
    "chatgpt": "OPENAI_API_KEY",
}
_LANGUAGES = {
    "google": ("zh-CN", "en"),
    "deepl": ("zh", "en"),
    "microsoft": ("zh-Hans", "en"),
    "libre": ("zh", "en"),
    "mymemory": ("zh-CN", "en-GB"),
    "chatgpt": ("chinese", "english"),
}
_AUTH = {401, 403}


@dataclass(frozen=True, slots=True)
class BackendSettings:
    """Which backend, where, with which key, and how patiently."""

    name: str
    url: str | None = None
    api_key: str | None = None
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    """Seconds before the first retry without Retry-After; doubles each time."""
    max_wait: float = 60.0
    """Longest Retry-After honoured."""
    concurrency: int | None = None
    region: str | None = None


class TranslationFailed(Exception):
    """A text could not be translated after the allowed retries (message has no secrets)."""


class _Transport:
    """Stands in for `requests` in a deep-translator module (see the module docstring)."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real
        self.local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def get(self, url: str, **kwargs: Any) -> Any:
        """`requests.get` with the run's timeout; remembers the response."""
        return self._send("GET", url, kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        """`requests.post` with the run's timeout; remembers the response."""
        return self._send("POST", url, kwargs)

    def _send(self, method: str, url: str, kwargs: dict[str, Any]) -> Any:
        kwargs.setdefault("timeout", getattr(self.local, "timeout", None))
        self.local.response = None
        response = self._real.request(method, url, **kwargs)
        self.local.response = response
        return response


_INSTALL_LOCK = threading.Lock()


def _transport(module: ModuleType) -> _Transport | None:
    with _INSTALL_LOCK:
        current = getattr(module, "requests", None)
        if isinstance(current, _Transport):
            return current
        if current is None:
            return None
        transport = _Transport(current)
        module.requests = transport  # type: ignore[attr-defined]
        return transport


class Backend:
    """One deep-translator translator, called with retries, limits and redaction."""

    def __init__(self, settings: BackendSettings, sleep: Callable[[float], None] = time.sleep):
        if settings.name not in BACKENDS:
            raise KbError(
                f"unknown backend {settings.name!r}; expected one of {', '.join(BACKENDS)}"
            )
        self.settings = settings
        self.name = settings.name
        self.limits = LIMITS[settings.name]
        self.concurrency = settings.concurrency or self.limits.concurrency
        self._sleep = sleep
        self._secrets = tuple(s for s in (settings.api_key,) if s)
        module_name, class_name = _CLASSES[settings.name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            raise KbError(
                f"backend {settings.name}: cannot import {module_name}: {error}"
            ) from None
        self._transport = _transport(module)
        self._translator = self._construct(getattr(module, class_name))

    def _construct(self, cls: Any) -> Any:
        settings = self.settings
        source, target = _LANGUAGES[settings.name]
        kwargs: dict[str, Any] = {"source": source, "target": target}
        if settings.name in KEY_VARIABLES:
            if not settings.api_key and settings.name != "libre":
                raise KbError(
                    f"backend {settings.name} needs an API key: set {KEY_VARIABLES[settings.name]} "
                    "(or name another variable with api-key-env in [tool.kb.translate])"
                )
            # LibreTranslator insists on a key even for servers that do not ask for one.
            kwargs["api_key"] = settings.api_key or "none"
        if settings.name == "libre":
            kwargs["custom_url"] = _libre_url(settings.url)
        if settings.name == "microsoft" and settings.region:
            kwargs["region"] = settings.region
        try:
            return cls(**kwargs)
        except Exception as error:
            raise KbError(f"backend {settings.name}: {self.redact(str(error))}") from None

    def redact(self, message: str) -> str:
        """The message with every secret replaced by `***`."""
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return re.sub(r"((?:api_key|auth_key|key)=)[^&\s]+", r"\1***", message)

    def translate(self, text: str) -> str:
        """Translate one text, split at sentence ends when it exceeds the backend's limit."""
        chunks = split_text(text, self.limits.max_chars)
        results = [self._translate_chunk(chunk) for chunk in chunks]
        return join_chunks(results)

    def _translate_chunk(self, text: str) -> str:
        core = text.strip()
        if not core:
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        attempt = 0
        while True:
            try:
                result = self._call(core)
            except _Retry as retry:
                attempt += 1
                if attempt > self.settings.retries:
                    raise TranslationFailed(
                        f"{self.name}: {retry.reason} (gave up after {attempt} attempts)"
                    ) from None
                self._sleep(retry.wait if retry.wait is not None else self._backoff(attempt))
                continue
            # deep-translator strips surrounding whitespace: put the source's back.
            return lead + result.strip() + trail

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.backoff * 2 ** (attempt - 1), self.settings.max_wait))

    def _call(self, text: str) -> str:
        if self._transport is not None:
            self._transport.local.timeout = self.settings.timeout
        try:
            result = self._translator.translate(text)
        except requests.Timeout:
            raise _Retry(f"no answer within {self.settings.timeout:g} s") from None
        except (requests.ConnectionError, ConnectionError) as error:
            raise _Retry(f"connection failed: {self.redact(str(error))}") from None
        except ValueError as error:  # includes requests' JSONDecodeError
            raise _Retry(f"malformed answer: {self.redact(str(error))[:200]}") from None
        except ImportError as error:
            raise KbError(f"backend {self.name}: {error}") from None
        except Exception as error:
            raise self._classify(error) from None
        if not isinstance(result, str):
            raise _Retry(f"malformed answer: {type(result).__name__} instead of text")
        return result

    def _classify(self, error: Exception) -> Exception:
        response = getattr(self._transport.local, "response", None) if self._transport else None
        status = response.status_code if response is not None else None
        if status in _AUTH:
            return KbError(
                f"backend {self.name}: the server refused the request (HTTP {status}); "
                "check the API key and URL"
            )
        if status == 429 or type(error).__name__ == "TooManyRequests":
            wait_for = retry_after(
                response.headers.get("Retry-After") if response is not None else None
            )
            if wait_for is not None:
                wait_for = min(wait_for, self.settings.max_wait)
            return _Retry("too many requests (HTTP 429)", wait_for)
        if status is not None and status >= 500:
            return _Retry(f"server error (HTTP {status})")
        if status is not None and 200 <= status < 300:
            return _Retry(f"malformed answer: {self.redact(str(error))[:200]}")
        detail = f"HTTP {status}" if status is not None else type(error).__name__
        return TranslationFailed(f"{self.name}: {detail}: {self.redact(str(error))[:200]}")

    def translate_many(
        self, texts: Mapping[str, str], on_result: Callable[[str, str | None, str | None], None]
    ) -> None:
        """Translate texts concurrently; `on_result(key, translation, error)` in this thread."""
        pending = dict(texts)
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures: dict[Future[str], str] = {}
            keys = iter(pending)
            try:
                for key in _take(keys, self.concurrency * 2):
                    futures[pool.submit(self.translate, pending[key])] = key
                while futures:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        key = futures.pop(future)
                        try:
                            on_result(key, future.result(), None)
                        except TranslationFailed as error:
                            on_result(key, None, str(error))
                        for more in _take(keys, 1):
                            futures[pool.submit(self.translate, pending[more])] = more
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _take(keys: Iterator[str], count: int) -> list[str]:
    taken = []
    for key in keys:
        taken.append(key)
        if len(taken) >= count:
            break
    return taken


def _libre_url(url: str | None) -> str | None:
    if not url:
        return None
    # deep-translator appends "translate" to the URL as it is: it must end with a slash.
    return url if url.endswith("/") else url + "/"


def settings_from(
    name: str, config: TranslateConfig, environ: Mapping[str, str] | None = None
) -> BackendSettings:
    """Backend settings from `[tool.kb.translate]` and the environment (keys only from there)."""
    env = os.environ if environ is None else environ
    key_variable = config.api_key_env or KEY_VARIABLES.get(name, "")
    api_key = env.get(key_variable) if key_variable else None
    url = env.get("KB_TRANSLATE_URL") or config.url
    return BackendSettings(
        name=name,
        url=url or None,
        api_key=api_key or None,
        timeout=float(config.timeout),
        retries=config.retries,
        backoff=float(config.backoff),
        concurrency=config.concurrency,
        region=env.get("MICROSOFT_REGION") or config.region,
    )
