"""`kb lint --external`: check that http(s) links answer, politely and within a time budget."""

from __future__ import annotations

import itertools
import json
import re
import socket
import ssl
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.client import HTTPException, RemoteDisconnected
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from toolkit import __version__
from toolkit.document import Link
from toolkit.fileio import write_atomic
from toolkit.findings import Finding, clip
from toolkit.retry_after import retry_after
from toolkit.rules.base import Page
from toolkit.rules.links import EXTERNAL_LINK_BROKEN
from toolkit.site import default_cache_path

CHECKED_KINDS = frozenset({"inline", "reference", "autolink", "image", "html"})
USER_AGENT = f"kb/{__version__} (link checker of the LLM interview book)"

_HTTP = re.compile(r"^https?://", re.IGNORECASE)
_CREDENTIALS = re.compile(r"^(https?://)[^/?#@]*@", re.IGNORECASE)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEAD_REFUSED = frozenset({405, 501})
# Other 5xx (501 Not Implemented, 505 HTTP Version Not Supported…) do not change on retry.
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
# quote() leaves reserved characters and existing %-escapes alone and encodes the rest as UTF-8.
_SAFE_PATH = "/%!$&'()*+,;=:@-._~"
_CACHE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class ExternalSettings:
    """How long, how often and how politely external links are requested."""

    timeout: float = 10.0
    """Seconds one request may take."""
    retries: int = 2
    """Further attempts after a 429 or a transient 5xx answer."""
    backoff: float = 1.0
    """Seconds before the first retry when the server sends no Retry-After; doubles each time."""
    max_retry_after: float = 30.0
    """Longest wait a Retry-After header can ask for."""
    max_workers: int = 8
    """Requests in flight at once, over all hosts."""
    max_per_host: int = 2
    """Requests in flight at once to one host name."""
    time_limit: float = 120.0
    """Seconds for the whole check; URLs not settled by then are reported once, as not checked."""
    max_redirects: int = 10
    use_cache: bool = True
    cache_path: Path | None = None
    """JSON file of earlier results; None means `external-links.json` beside the heading cache."""
    cache_ok_for: float = 24 * 3600.0
    cache_failure_for: float = 3600.0


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    detail: str
    """What happened, e.g. `404 Not Found` or `redirect loop` (the URL is added when reported)."""


@dataclass(frozen=True, slots=True)
class _Answer:
    """An HTTP response: only its status line and the headers the checker acts on."""

    status: int
    reason: str
    location: str | None = None
    retry_after: str | None = None
    retries: int = 0

    def outcome(self) -> _Outcome:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = self.reason
        detail = f"{self.status} {phrase}".rstrip()
        if self.retries:
            detail += f" (after {self.retries} {'retry' if self.retries == 1 else 'retries'})"
        return _Outcome(200 <= self.status < 300, detail)


@dataclass(frozen=True, slots=True)
class _Use:
    page: Page
    link: Link
    shown: str
    """The target as written, minus any `user:pass@`."""


class _OutOfTime(Exception):
    """The time limit ran out before the URL was settled."""


def check_external_links(
    pages: Iterable[Page], *, settings: ExternalSettings | None = None
) -> list[Finding]:
    """Request every http(s) URL of the pages once; one LNK009 finding per use of a broken one.

    URLs still unsettled when the time limit runs out are not findings: one note on stderr
    says how many there were.
    """
    settings = settings or ExternalSettings()
    uses, outcomes = _collect(pages)
    cache_path = (settings.cache_path or _default_cache_path()) if settings.use_cache else None
    cache = _load_cache(cache_path, settings) if cache_path else {}
    for url in uses:
        if url not in outcomes and url in cache:
            outcomes[url] = cache[url][0]
    todo = [url for url in uses if url not in outcomes]
    checked = _Checker(settings).run(todo)
    outcomes.update(checked)
    if cache_path and checked:
        now = time.time()
        cache.update((url, (outcome, now)) for url, outcome in checked.items())
        _save_cache(cache_path, cache)
    if len(checked) < len(todo):
        print(
            f"kb: note: {len(todo) - len(checked)} of {len(uses)} external URLs not checked: "
            f"the {settings.time_limit:g} s time limit ran out (they are not reported as broken)",
            file=sys.stderr,
        )
    findings = {
        use.page.finding(
            EXTERNAL_LINK_BROKEN,
            use.link.line,
            use.link.column,
            f"{clip(use.shown)}: {outcome.detail}",
        )
        for url, url_uses in uses.items()
        if (outcome := outcomes.get(url)) is not None and not outcome.ok
        for use in url_uses
    }
    return sorted(findings)


def _collect(pages: Iterable[Page]) -> tuple[dict[str, list[_Use]], dict[str, _Outcome]]:
    """Group the uses of each URL to request; URLs that cannot be requested are settled here."""
    uses: dict[str, list[_Use]] = defaultdict(list)
    invalid: dict[str, _Outcome] = {}
    for page in pages:
        for link in page.doc.links:
            target = link.target.strip()
            if link.kind not in CHECKED_KINDS or not _HTTP.match(target):
                continue
            try:
                url = request_url(target)
            except ValueError as error:
                url = target
                invalid[url] = _Outcome(False, f"not a valid URL ({error})")
            uses[url].append(_Use(page, link, _CREDENTIALS.sub(r"\1", target)))
    return dict(uses), invalid


def request_url(target: str) -> str:
    """The URL as sent: no credentials, no fragment, IDNA host, non-ASCII percent-encoded."""
    parts = urlsplit(target)
    host = parts.hostname
    if not host:
        raise ValueError("no host")
    port = parts.port
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe=_SAFE_PATH) or "/"
    query = quote(parts.query, safe=_SAFE_PATH + "?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


class _Checker:
    """Requests URLs on a thread pool, at most `max_per_host` at a time per host name."""

    def __init__(self, settings: ExternalSettings) -> None:
        self.settings = settings
        self.deadline = time.monotonic() + settings.time_limit
        self.stop = threading.Event()
        self.opener = _opener()
        self._gates: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def run(self, urls: list[str]) -> dict[str, _Outcome]:
        """Outcomes of the URLs settled before the time limit."""
        if not urls:
            return {}
        pool = ThreadPoolExecutor(
            max_workers=min(self.settings.max_workers, len(urls)), thread_name_prefix="kb-external"
        )
        try:
            futures: dict[Future[_Outcome | None], str] = {
                pool.submit(self.check, url): url for url in _interleave_hosts(urls)
            }
            done, _ = wait(futures, timeout=self._remaining())
        finally:
            # Requests in flight end by the deadline: their timeouts are clamped to it.
            self.stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
        return {
            futures[future]: outcome
            for future in done
            if not future.cancelled() and (outcome := future.result()) is not None
        }

    def check(self, url: str) -> _Outcome | None:
        """Follow one URL's redirects to a final answer; None when time ran out first."""
        try:
            return self._follow(url)
        except _OutOfTime:
            return None

    def _follow(self, url: str) -> _Outcome:
        seen = {url}
        current = url
        for _ in range(self.settings.max_redirects + 1):
            answer = self._settle(current)
            if isinstance(answer, _Answer) and answer.status in _REDIRECTS and answer.location:
                try:
                    current = request_url(urljoin(current, answer.location))
                except ValueError as error:
                    return _Outcome(False, f"redirect to an invalid URL ({error})")
                if current in seen:
                    return _Outcome(False, "redirect loop")
                seen.add(current)
                continue
            outcome = answer.outcome() if isinstance(answer, _Answer) else answer
            if not outcome.ok and current != url:
                return replace(outcome, detail=f"{outcome.detail} (redirected to {current})")
            return outcome
        return _Outcome(False, f"more than {self.settings.max_redirects} redirects")

    def _settle(self, url: str) -> _Answer | _Outcome:
        """HEAD the URL (GET when HEAD is refused), retrying 429 and transient 5xx answers."""
        method = "HEAD"
        attempt = 0
        while True:
            answer = self._attempt(method, url)
            if method == "HEAD" and isinstance(answer, _Answer) and answer.status in _HEAD_REFUSED:
                method = "GET"
                answer = self._attempt(method, url)
            if not isinstance(answer, _Answer):
                return answer
            if answer.status not in _TRANSIENT or attempt == self.settings.retries:
                return replace(answer, retries=attempt)
            self._pause(answer.retry_after, attempt)
            attempt += 1

    def _pause(self, retry_after: str | None, attempt: int) -> None:
        delay = parse_retry_after(retry_after, self.settings.max_retry_after)
        if delay is None:
            delay = self.settings.backoff * 2**attempt
        if delay >= self._remaining() or self.stop.wait(delay):
            raise _OutOfTime

    def _attempt(self, method: str, url: str) -> _Answer | _Outcome:
        gate = self._gate(urlsplit(url).hostname or "")
        if self._remaining() <= 0 or not gate.acquire(timeout=self._remaining()):
            raise _OutOfTime
        try:
            timeout = min(self.settings.timeout, self._remaining())
            if self.stop.is_set() or timeout <= 0:
                raise _OutOfTime
            try:
                return _request(self.opener, method, url, timeout)
            except (OSError, HTTPException, ValueError) as error:
                if timeout < self.settings.timeout and isinstance(_cause(error), TimeoutError):
                    raise _OutOfTime from None
                return _Outcome(False, _describe(error, timeout))
        finally:
            gate.release()

    def _gate(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._gates:
                self._gates[host] = threading.BoundedSemaphore(self.settings.max_per_host)
            return self._gates[host]

    def _remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


def _interleave_hosts(urls: list[str]) -> list[str]:
    """Round-robin over hosts, so that workers do not all queue behind one host's limit."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).hostname or ""].append(url)
    rounds = itertools.zip_longest(*by_host.values())
    return [url for batch in rounds for url in batch if url is not None]


def _opener() -> urllib.request.OpenerDirector:
    """http(s) only; no cookies, no redirects followed (we count them), proxies without logins."""
    opener = urllib.request.OpenerDirector()
    opener.addheaders = []
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.ProxyHandler(_proxies_without_credentials()),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ]
    for handler in handlers:
        opener.add_handler(handler)
    return opener


def _proxies_without_credentials() -> dict[str, str]:
    """The environment's proxies; a `user:pass@` in a proxy URL is never sent."""
    return {
        scheme: _CREDENTIALS.sub(r"\1", proxy) if scheme != "no" else proxy
        for scheme, proxy in urllib.request.getproxies().items()
    }


def _request(
    opener: urllib.request.OpenerDirector, method: str, url: str, timeout: float
) -> _Answer:
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        # The body is never read: the status line and headers settle the question.
        with opener.open(request, timeout=timeout) as response:
            return _Answer(response.status, response.reason)
    except HTTPError as error:
        try:
            return _Answer(
                error.code,
                str(error.reason),
                error.headers.get("Location"),
                error.headers.get("Retry-After"),
            )
        finally:
            error.close()


def _cause(error: BaseException) -> BaseException | str:
    return error.reason if isinstance(error, URLError) else error


def _describe(error: BaseException, timeout: float) -> str:
    """A short account of a failed request, e.g. `timed out after 10 s`."""
    cause = _cause(error)
    if isinstance(cause, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(cause, RemoteDisconnected):
        return "connection closed without a response"
    if isinstance(cause, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "connection reset"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, socket.gaierror):
        return f"host not found ({cause.strerror})"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted ({cause.verify_message})"
    if isinstance(cause, ssl.SSLError):
        return f"TLS error ({cause.reason or cause})"
    if isinstance(cause, HTTPException):
        return f"invalid HTTP response ({type(cause).__name__})"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(cause)


def parse_retry_after(value: str | None, cap: float) -> float | None:
    """Seconds a Retry-After header asks for (seconds or an HTTP date), at most `cap`."""
    seconds = retry_after(value)
    return None if seconds is None else min(seconds, cap)


# Cache -------------------------------------------------------------------------------------


def _default_cache_path() -> Path:
    # Results are about URLs, not about one site: one file beside the heading caches.
    return default_cache_path(Path.cwd()).with_name("external-links.json")


def _load_cache(path: Path, settings: ExternalSettings) -> dict[str, tuple[_Outcome, float]]:
    """Results still fresh: good ones for `cache_ok_for`, failures for `cache_failure_for`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _CACHE_FORMAT:
        return {}
    urls = data.get("urls")
    now = time.time()
    fresh: dict[str, tuple[_Outcome, float]] = {}
    for url, entry in urls.items() if isinstance(urls, dict) else ():
        if not isinstance(entry, dict):
            continue
        ok, detail, at = entry.get("ok"), entry.get("detail"), entry.get("checked")
        if not (isinstance(ok, bool) and isinstance(detail, str) and isinstance(at, int | float)):
            continue
        if now - at < (settings.cache_ok_for if ok else settings.cache_failure_for):
            fresh[url] = (_Outcome(ok, detail), float(at))
    return fresh


def _save_cache(path: Path, cache: dict[str, tuple[_Outcome, float]]) -> None:
    """Write the cache; a failure only costs requests next time."""
    urls = {
        url: {"ok": outcome.ok, "detail": outcome.detail, "checked": at}
        for url, (outcome, at) in sorted(cache.items())
    }
    payload = json.dumps({"format": _CACHE_FORMAT, "urls": urls}, ensure_ascii=False, indent=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, payload.encode("utf-8"))
    except OSError:
        pass
