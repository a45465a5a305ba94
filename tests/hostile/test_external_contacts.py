"""`kb lint --external` opens connections only to the hosts its links name (audited)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.hostile.conftest import REPO

pytestmark = pytest.mark.slow

_AUDIT = """\
import json, sys
seen = []
def hook(event, args):
    if event == "socket.connect":
        seen.append(list(args[1][:2]))
    elif event == "socket.getaddrinfo":
        seen.append(["lookup", str(args[0])])
sys.addaudithook(hook)
from toolkit.cli import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    json.dump(seen, out)
raise SystemExit(status)
"""


class _Ok(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(404 if self.path == "/gone" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def servers() -> Iterator[list[tuple[str, int]]]:
    """Two local servers on two loopback addresses."""
    running = [ThreadingHTTPServer((host, 0), _Ok) for host in ("127.0.0.1", "127.0.0.2")]
    for server in running:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [(str(s.server_address[0]), int(s.server_address[1])) for s in running]
    for server in running:
        server.shutdown()
        server.server_close()


def test_external_contacts_only_the_hosts_in_links(
    project: Path, servers: list[tuple[str, int]]
) -> None:
    (one, port1), (two, port2) = servers
    (project / "content" / "links.md").write_text(
        f"# 链接\n\n[a](http://{one}:{port1}/ok) [b](http://user:pw@{two}:{port2}/gone)\n"
        f"<http://{one}:{port1}/ok> [本地](/README.md)\n",
        encoding="utf-8",
    )
    log = project.parent / "connects.json"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(PYTHONPATH=str(REPO), KB_CACHE_DIR=str(project.parent / "cache"))
    done = subprocess.run(
        [sys.executable, "-c", _AUDIT, str(log), "lint", "--external", "content/links.md"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    column = len(f"[a](http://{one}:{port1}/ok) ") + 1
    assert done.stdout.splitlines() == [
        f"content/links.md:3:{column}: LNK009 http://{two}:{port2}/gone: 404 Not Found"
    ]
    contacted = {tuple(c) for c in json.loads(log.read_text()) if c[0] != "lookup"}
    assert contacted == {(one, port1), (two, port2)}
