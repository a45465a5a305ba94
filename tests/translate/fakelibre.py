"""A LibreTranslate-compatible server on 127.0.0.1 with a deterministic fake translation.

`POST /translate?q=…&source=zh&target=en&api_key=…` answers `{"translatedText": …}`. Each
run of Chinese characters becomes words (a small word map, else `z<hex>` per character), so
the result is ASCII, reproducible and still carries every `{{n}}` placeholder. Tests steer
failures through `FakeLibre.plan`: the next requests get 429, 500, a hang or broken JSON.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WORDS = {
    "注意力": "attention",
    "机制": "mechanism",
    "缩放": "scaled",
    "点积": "dot product",
    "常见": "common",
    "问题": "questions",
    "基础": "basics",
    "微调": "fine-tuning",
    "原理": "principle",
    "显存": "GPU memory",
    "内存": "memory",
    "与": "and",
    "的": "",
    "为什么": "why",
    "能": "can",
    "省": "save",
    "软件": "software",
    "默认": "default",
    "配置": "settings",
    "首页": "home",
    "目录": "contents",
    "分组查询": "grouped query",
}
_HAN_RUN = re.compile("[\u4e00-\u9fff]+")
_PUNCT = {
    "，": ", ",
    "。": ". ",
    "：": ": ",
    "（": " (",
    "）": ") ",
    "、": ", ",
    "？": "? ",
    "！": "! ",
    "；": "; ",
    "“": '"',
    "”": '"',
}


def fake_translate(text: str) -> str:
    """The server's translation: deterministic, ASCII, placeholders untouched."""

    def run(match: re.Match[str]) -> str:
        words, chunk = [], match.group(0)
        while chunk:
            for size in range(min(4, len(chunk)), 0, -1):
                if chunk[:size] in WORDS:
                    if WORDS[chunk[:size]]:
                        words.append(WORDS[chunk[:size]])
                    chunk = chunk[size:]
                    break
            else:
                words.append(f"z{ord(chunk[0]):x}")
                chunk = chunk[1:]
        return " " + " ".join(words) + " "

    out = _HAN_RUN.sub(run, text)
    for zh, en in _PUNCT.items():
        out = out.replace(zh, en)
    out = re.sub(r"[ ]{2,}", " ", out)
    return "\n".join(line.strip() for line in out.split("\n"))


class FakeLibre:
    """The server, its request log and its failure plan."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.plan: deque[str] = deque()
        """Actions for the next requests: `429`, `500`, `hang`, `malformed`, `ok`."""
        self.drop_placeholder_in: str | None = None
        """Texts containing this lose their `{{0}}` every time."""
        self.texts: list[str] = []
        self.keys: set[str] = set()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # Polled every 50 ms, so that stop() returns at once rather than after up to 0.5 s.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """Base URL to give LibreTranslator (it appends `translate`)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> FakeLibre:
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                query = parse_qs(urlsplit(self.path).query)
                text = query.get("q", [""])[0]
                with fake.lock:
                    action = fake.plan.popleft() if fake.plan else "ok"
                    fake.keys.add(query.get("api_key", [""])[0])
                if fake.delay:
                    # A real delay: tests that must stop or overlap a run half-way need time.
                    time.sleep(fake.delay)
                if action == "429":
                    self._reply(429, b'{"error": "slow down"}', {"Retry-After": "1"})
                elif action == "500":
                    self._reply(500, b'{"error": "boom"}')
                elif action == "hang":
                    # A real delay, longer than the clients' timeouts (0.3-0.5 s): the timeout
                    # is what is under test.
                    time.sleep(1.5)
                    self._reply(200, json.dumps({"translatedText": "late"}).encode())
                elif action == "malformed":
                    self._reply(200, b'{"translatedText": "half')
                else:
                    result = fake_translate(text)
                    if fake.drop_placeholder_in and fake.drop_placeholder_in in text:
                        result = result.replace("{{0}}", "", 1)
                    with fake.lock:
                        fake.texts.append(text)
                    self._reply(200, json.dumps({"translatedText": result}).encode())

            def _reply(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


if __name__ == "__main__":
    # `python fakelibre.py DELAY`: serve until killed, print the URL, log texts to stdout.
    server = FakeLibre(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0).start()
    print(server.url, flush=True)
    threading.Event().wait()
