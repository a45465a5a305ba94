"""Differential fuzzing: kb against the real KaTeX of each version in Node, on generated TeX.

Each disagreement fails, and the case hypothesis shrank it to is saved under
tests/fixtures/katex/ with KaTeX's verdict, where tests/test_katex_cases.py replays it for good
(no Node needed). Agreement is counted per version and per kind of construct and printed at the
end of the run (tests/fuzz/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given

from tests.fuzz.conftest import AGREEMENT, FUZZ_KATEX
from tests.fuzz.tex_grammar import tex_cases
from tests.test_katex_parity import VERSIONS, katex_message
from toolkit.tex import check_tex

SERVER = Path(__file__).resolve().parents[1] / "node" / "katex_server.js"
SAVED = Path(__file__).resolve().parents[1] / "fixtures" / "katex"


class KatexServer:
    """One Node process answering `(package, tex, display)` with KaTeX's verdict."""

    def __init__(self, node_modules: Path) -> None:
        self._process = subprocess.Popen(
            ["node", str(SERVER), str(node_modules)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def verdict(self, package: str, tex: str, display: bool) -> tuple[bool, str | None]:
        """KaTeX's `(ok, error message)` for one formula."""
        assert self._process.stdin is not None and self._process.stdout is not None
        line = json.dumps({"package": package, "tex": tex, "display": display})
        self._process.stdin.write(line + "\n")
        self._process.stdin.flush()
        reply = json.loads(self._process.stdout.readline())
        return bool(reply["ok"]), reply["error"]

    def close(self) -> None:
        """End the Node process."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)


@pytest.fixture(scope="session")
def katex_server(node_modules: Path) -> Iterator[KatexServer]:
    server = KatexServer(node_modules)
    yield server
    server.close()


def agrees(tex: str, display: bool, version: str, ok: bool, error: str | None) -> bool:
    """kb says what KaTeX says: no error, or KaTeX's error with its message."""
    errors = [p for p in check_tex(tex, display, version) if p.is_error]
    if ok or error is None:
        return not errors
    return bool(errors) and errors[0].message.startswith("KaTeX: " + katex_message(tex, error))


_saved_this_run: dict[str, Path] = {}


def save_case(version: str, tex: str, display: bool, ok: bool, error: str | None) -> Path:
    """Keep a disagreement for tests/test_katex_cases.py; each smaller one replaces the last."""
    SAVED.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(f"{version}\0{display}\0{tex}".encode()).hexdigest()[:12]
    path = SAVED / f"{version}-{digest}.json"
    previous = _saved_this_run.get(version)
    if previous is not None and previous != path:
        previous.unlink(missing_ok=True)
    case = {"version": version, "display": display, "tex": tex, "ok": ok, "error": error}
    path.write_text(json.dumps(case, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _saved_this_run[version] = path
    return path


@pytest.mark.node
@pytest.mark.parametrize("version", list(VERSIONS))
@FUZZ_KATEX
@given(case=tex_cases())
def test_kb_agrees_with_katex(
    version: str, case: tuple[str, str, bool], katex_server: KatexServer
) -> None:
    construct, tex, display = case
    ok, error = katex_server.verdict(VERSIONS[version], tex, display)
    agreed = agrees(tex, display, version, ok, error)
    AGREEMENT[(version, construct)][agreed] += 1
    if not agreed:
        path = save_case(version, tex, display, ok, error)
        ours = check_tex(tex, display, version)
        pytest.fail(
            f"kb and KaTeX {version} disagree on {tex!r} (saved as {path.name}): "
            f"KaTeX {'ok' if ok else error!r}, kb {ours}"
        )


def test_katex_message_strips_the_position() -> None:
    message = "KaTeX parse error: Double superscript at position 4: x^2^̲3"
    assert katex_message("x^2^3", message) == "Double superscript"
    assert re.fullmatch(
        r"Expected '}', got 'EOF'",
        katex_message("{a", "KaTeX parse error: Expected '}', got 'EOF' at end of input: {a"),
    )
