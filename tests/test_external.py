"""`kb lint --external` against a local HTTP server that misbehaves on purpose."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from toolkit.cli import main
from toolkit.document import parse
from toolkit.external import ExternalSettings, check_external_links, parse_retry_after
from toolkit.findings import Finding
from toolkit.rules.base import Page

FAST = ExternalSettings(
    timeout=0.5, backoff=0.05, max_retry_after=2, time_limit=10, use_cache=False
)


@dataclass
class State:
    """What the server saw: every request, and how many were in flight at once."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    peak: int = 0
    answered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def count(self, path: str, method: str | None = None) -> int:
        return sum(1 for m, p, _ in self.requests if p == path and method in (None, m))


class Server(ThreadingHTTPServer):
    state: State


class Handler(BaseHTTPRequestHandler):
    server: Server
    _in_flight = False

    def do_HEAD(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _serve(self) -> None:
        state = self.server.state
        with state.lock:
            seen_before = state.count(self.path)
            state.requests.append((self.command, self.path, dict(self.headers)))
            state.active += 1
            state.peak = max(state.peak, state.active)
        self._in_flight = True
        try:
            self._route(urlsplit(self.path).path, parse_qs(urlsplit(self.path).query), seen_before)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, as it should
        finally:
            self._leave()

    def _leave(self) -> None:
        """The request stops counting as in flight (once). Called before the answer is sent:
        the client may start its next request as soon as it has read this one's answer, before
        this handler's thread gets to run again (counted after, the peak read one too high)."""
        state = self.server.state
        with state.lock:
            if self._in_flight:
                self._in_flight = False
                state.active -= 1

    def _route(self, path: str, query: dict[str, list[str]], seen_before: int) -> None:
        if path in ("/ok", "/auth", "/chain/0"):
            self._answer(200)
        elif path == "/loop":
            self._answer(301, Location="/loop")
        elif path.startswith("/chain/"):
            self._answer(301, Location=f"/chain/{int(path.rsplit('/', 1)[1]) - 1}")
        elif path == "/busy":
            self._answer(200) if seen_before else self._answer(429, **{"Retry-After": "1"})
        elif path == "/broken":
            self._answer(500)
        elif path == "/slow":
            self.server.state.stop.wait(float(query.get("s", ["3"])[0]))
            self._answer(200)
        elif path == "/reset":
            # SO_LINGER 0: close() sends RST instead of an orderly FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif path == "/get-only":
            self._answer(405 if self.command == "HEAD" else 200)
        else:
            self._answer(404)

    def _answer(self, status: int, **headers: str) -> None:
        self._leave()
        with self.server.state.lock:
            self.server.state.answered += 1
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for scheme in ("http", "https", "all"):
        monkeypatch.delenv(f"{scheme}_proxy", raising=False)
        monkeypatch.delenv(f"{scheme.upper()}_PROXY", raising=False)


@pytest.fixture
def server() -> Iterator[tuple[str, State]]:
    """Base URL and state of a server on 127.0.0.1, in a thread."""
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.state = State()
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.state
    finally:
        httpd.state.stop.set()
        httpd.shutdown()
        httpd.server_close()


def page(name: str, text: str) -> Page:
    return Page(parse(text, Path(name)), name, name, ("docsify",))


def lines(findings: list[Finding]) -> list[str]:
    return [f.text() for f in findings]


@pytest.mark.slow
def test_findings_name_each_use_of_each_broken_url(server: tuple[str, State]) -> None:
    base, state = server
    a = page(
        "a.md",
        "\n".join(
            [
                f"[ok]({base}/ok)",
                f"[loop]({base}/loop)",
                f"[chain]({base}/chain/3)",
                f"[gone]({base}/missing)",
                f"[busy]({base}/busy)",
                f"[broken]({base}/broken)",
                f"[slow]({base}/slow)",
                f"[reset]({base}/reset)",
                f"[head]({base}/get-only) and again <{base}/missing#section>",
                f"![pic]({base}/ok) [not http](ftp://127.0.0.1/x) [local](b.md)",
            ]
        ),
    )
    b = page("b.md", f'<img src="{base}/missing">\n\n[ref][1]\n\n[1]: {base}/broken\n')

    findings = check_external_links([a, b], settings=FAST)

    assert all(f.code == "LNK009" for f in findings)
    assert lines(findings) == [
        f"a.md:2:1: LNK009 {base}/loop: redirect loop",
        f"a.md:4:1: LNK009 {base}/missing: 404 Not Found",
        f"a.md:6:1: LNK009 {base}/broken: 500 Internal Server Error (after 2 retries)",
        f"a.md:7:1: LNK009 {base}/slow: timed out after 0.5 s",
        f"a.md:8:1: LNK009 {base}/reset: connection reset",
        f"a.md:9:{len(f'[head]({base}/get-only) and again ') + 1}: LNK009 "
        f"{base}/missing#section: 404 Not Found",
        f"b.md:1:11: LNK009 {base}/missing: 404 Not Found",
        f"b.md:3:1: LNK009 {base}/broken: 500 Internal Server Error (after 2 retries)",
    ]
    calls = Counter((m, p) for m, p, _ in state.requests)
    assert calls[("HEAD", "/missing")] == 1  # once per run, whatever the pages and fragments
    assert calls[("HEAD", "/ok")] == 1
    assert calls[("HEAD", "/broken")] == 3
    assert calls[("HEAD", "/busy")] == 2
    assert calls[("HEAD", "/get-only")] == calls[("GET", "/get-only")] == 1
    assert [calls[("HEAD", f"/chain/{n}")] for n in range(4)] == [1, 1, 1, 1]
    assert not any(p.startswith("ftp") or p == "/b.md" for _, p, _ in state.requests)


@pytest.mark.slow
def test_retry_after_is_honoured(server: tuple[str, State]) -> None:
    base, state = server
    start = time.monotonic()
    assert check_external_links([page("a.md", f"<{base}/busy>")], settings=FAST) == []
    assert time.monotonic() - start >= 0.9


def test_network_failures_say_what_happened(server: tuple[str, State]) -> None:
    base, _ = server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    tls = base.replace("http://", "https://")
    text = f"<{closed}/ok>\n<{tls}/ok>\n"
    findings = check_external_links([page("a.md", text)], settings=FAST)
    assert findings[0].message == f"{closed}/ok: connection refused"
    assert findings[1].message.startswith(f"{tls}/ok: TLS error")


def test_too_many_redirects(server: tuple[str, State]) -> None:
    base, _ = server
    settings = ExternalSettings(max_redirects=2, use_cache=False, time_limit=10)
    findings = check_external_links([page("a.md", f"<{base}/chain/3>")], settings=settings)
    assert lines(findings) == [f"a.md:1:1: LNK009 {base}/chain/3: more than 2 redirects"]


def test_cache_spares_requests(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    pages = [page("a.md", f"<{base}/ok>\n<{base}/missing>\n")]
    cached = ExternalSettings(timeout=0.5, time_limit=10, cache_path=tmp_path / "c" / "ext.json")

    first = check_external_links(pages, settings=cached)
    sent = len(state.requests)
    assert sent == 2
    assert check_external_links(pages, settings=cached) == first
    assert len(state.requests) == sent

    # Failures are kept a shorter time than good results.
    check_external_links(
        pages,
        settings=ExternalSettings(
            timeout=0.5, time_limit=10, cache_path=cached.cache_path, cache_failure_for=0
        ),
    )
    assert state.count("/missing") == 2
    assert state.count("/ok") == 1


def test_cache_lives_in_kb_cache_dir(
    server: tuple[str, State], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = server
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path / "kb"))
    check_external_links([page("a.md", f"<{base}/ok>")], settings=ExternalSettings(time_limit=10))
    cache = json.loads((tmp_path / "kb" / "external-links.json").read_text(encoding="utf-8"))
    assert cache["urls"][f"{base}/ok"]["ok"] is True


def test_credentials_are_never_sent(server: tuple[str, State]) -> None:
    base, state = server
    with_login = base.replace("http://", "http://user:secret@")
    findings = check_external_links(
        [page("a.md", f"<{with_login}/auth>\n[x]({with_login}/missing)\n")], settings=FAST
    )
    assert lines(findings) == [f"a.md:2:1: LNK009 {base}/missing: 404 Not Found"]
    for _, _, headers in state.requests:
        assert not {"Authorization", "Cookie", "Proxy-Authorization"} & set(headers)
        assert headers["User-Agent"].startswith("kb/")
    assert state.count("/auth") == 1


@pytest.mark.slow
def test_requests_per_host_stay_within_the_limit(server: tuple[str, State]) -> None:
    base, state = server
    text = "\n".join(f"<{base}/slow?s=0.15&n={n}>" for n in range(12))
    settings = ExternalSettings(max_workers=8, max_per_host=2, use_cache=False, time_limit=10)
    assert check_external_links([page("a.md", text)], settings=settings) == []
    assert len(state.requests) == 12
    assert state.peak == 2


def test_time_limit_stops_the_run(
    server: tuple[str, State], capsys: pytest.CaptureFixture[str]
) -> None:
    base, state = server
    # The server answers after a minute (or when the test ends): a run that waited for any
    # answer instead of stopping at its 0.5 s limit would have seen one.
    text = "\n".join(f"<{base}/slow?s=60&n={n}>" for n in range(16))
    settings = ExternalSettings(
        timeout=120, time_limit=0.5, max_workers=8, max_per_host=8, use_cache=False
    )
    assert check_external_links([page("a.md", text)], settings=settings) == []
    assert state.answered == 0
    assert len(state.requests) <= 8  # eight workers: the other URLs were never sent
    err = capsys.readouterr().err
    assert "16 of 16 external URLs not checked: the 0.5 s time limit ran out" in err


def _lint_external(
    book: Path,
    files: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, list[str]]:
    """Write a small book and run `kb lint --external` on it: status and finding lines."""
    for name, text in files.items():
        (book / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(book)
    monkeypatch.setenv("KB_CACHE_DIR", str(book / "cache"))
    status = main(["lint", "--external", "--no-cache"])
    return status, capsys.readouterr().out.splitlines()


def test_lint_external_end_to_end(
    server: tuple[str, State],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, _ = server
    files = {
        "pyproject.toml": '[tool.kb]\nroot = "."\n',
        "README.md": f"# 书\n\n[好]({base}/ok)\n\n[坏]({base}/missing)\n",
    }
    status, out = _lint_external(tmp_path, files, monkeypatch, capsys)
    assert out == [f"README.md:5:1: LNK009 {base}/missing: 404 Not Found"]
    assert status == 1


@pytest.mark.slow
def test_suppressions_and_per_file_ignores_reach_external_findings(
    server: tuple[str, State],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, _ = server
    files = {
        "pyproject.toml": '[tool.kb]\nroot = "."\n'
        '[tool.kb.per-file-ignores]\n"old.md" = ["LNK009"]\n',
        "README.md": f"# 书\n\n<!-- kb-disable-next-line LNK009 -->\n[坏]({base}/missing)\n\n"
        f"[也坏]({base}/broken)\n",
        "old.md": f"# 旧\n\n[坏]({base}/missing)\n",
    }
    status, out = _lint_external(tmp_path, files, monkeypatch, capsys)
    assert [line.split(" ", 2)[:2] for line in out] == [["README.md:6:1:", "LNK009"]]
    assert status == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("1", 1.0),
        ("120", 30.0),
        (formatdate(time.time() - 60, usegmt=True), 0.0),
        ("next Tuesday", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, 30.0) == seconds


def test_parse_retry_after_http_date_in_future() -> None:
    wait = parse_retry_after(formatdate(time.time() + 10, usegmt=True), 30.0)
    assert wait is not None and 8 <= wait <= 10
