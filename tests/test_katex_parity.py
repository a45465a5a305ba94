"""The formula checker agrees with the real KaTeX of each version on real formulas and mutations.

The checker runs KaTeX itself (in V8), so the verdict, the message and the position must all be
KaTeX's own as Node gives them; this pins the glue (options, message and position mapping).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from toolkit.tex import CURRENT_VERSION, check_many

VERSIONS = {"0.11.1": "katex-0.11.1", CURRENT_VERSION: "katex"}
"""Each supported KaTeX version and its package name in tests/node/package.json."""

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data" / "formulas.txt"
ORACLE = TESTS / "node" / "katex_oracle.js"

MUTATION_KINDS = (
    "brace-removed",
    "brace-added",
    "command-misspelt",
    "right-dropped",
    "left-dropped",
    "environment-renamed",
    "full-width",
    "script-doubled",
    "ampersand-outside",
)


def load_formulas(path: Path = DATA) -> list[tuple[str, bool]]:
    """`(tex, display)` for every formula line of the data file."""
    formulas = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("$$ "):
            formulas.append((line[3:], True))
        elif line.startswith("$ "):
            formulas.append((line[2:], False))
    return formulas


def _remove_at(tex: str, at: int, length: int = 1) -> str:
    return tex[:at] + tex[at + length :]


def mutations(tex: str, rng: random.Random) -> list[tuple[str, str]]:
    """Systematic broken variants of one good formula: `(kind, tex)`."""
    out: list[tuple[str, str]] = []
    braces = [m.start() for m in re.finditer(r"(?<!\\)[{}]", tex)]
    for at in rng.sample(braces, min(2, len(braces))):
        out.append(("brace-removed", _remove_at(tex, at)))
    if braces:
        at = rng.choice(braces)
        out.append(("brace-added", tex[:at] + rng.choice("{}") + tex[at:]))
    commands = [m for m in re.finditer(r"\\([a-zA-Z]{3,})", tex)]
    for m in rng.sample(commands, min(2, len(commands))):
        name = m.group(1)
        i = rng.randrange(len(name) - 1)
        how = rng.choice(("swap", "double", "drop"))
        if how == "swap":
            new = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        elif how == "double":
            new = name[:i] + name[i] + name[i:]
        else:
            new = name[:i] + name[i + 1 :]
        out.append(("command-misspelt", tex[: m.start(1)] + new + tex[m.end(1) :]))
    rights = list(re.finditer(r"\\right(\\[a-zA-Z]+|\\.|.)", tex))
    if rights:
        m = rng.choice(rights)
        out.append(("right-dropped", tex[: m.start()] + tex[m.end() :]))
    lefts = list(re.finditer(r"\\left(\\[a-zA-Z]+|\\.|.)", tex))
    if lefts:
        m = rng.choice(lefts)
        out.append(("left-dropped", tex[: m.start()] + tex[m.end() :]))
    for side in ("begin", "end"):
        names = list(re.finditer(rf"\\{side}\{{([a-zA-Z*]+)\}}", tex))
        if names:
            m = rng.choice(names)
            other = rng.choice(
                [
                    "matrix",
                    "bmatrix",
                    "aligned",
                    "cases",
                    "align",
                    "array",
                    "pmatrix",
                    m.group(1) + "s",
                    m.group(1).rstrip("*"),
                ]
            )
            if other == m.group(1):
                other += "x"
            out.append(("environment-renamed", tex[: m.start(1)] + other + tex[m.end(1) :]))
    plain = [i for i, c in enumerate(tex) if c in "(),:;=+" and (i == 0 or tex[i - 1] != "\\")]
    if plain:
        at = rng.choice(plain)
        full = chr(ord(tex[at]) + 0xFEE0)
        out.append(("full-width", tex[:at] + full + tex[at + 1 :]))
    else:
        out.append(("full-width", tex + "，"))
    scripts = [m for m in re.finditer(r"(?<!\\)[\^_](\{[^{}]*\}|\\?[a-zA-Z0-9])", tex)]
    if scripts:
        m = rng.choice(scripts)
        out.append(("script-doubled", tex[: m.end()] + tex[m.start()] + "2" + tex[m.end() :]))
    if "&" not in tex:
        words = [m.start() for m in re.finditer(r" ", tex)]
        if words:
            at = rng.choice(words)
            out.append(("ampersand-outside", tex[:at] + " &" + tex[at:]))
    return out


def build_cases() -> list[tuple[str, str, bool]]:
    """Every formula unchanged (`original`) and mutated: `(kind, tex, display)`."""
    cases = []
    for index, (tex, display) in enumerate(load_formulas()):
        cases.append(("original", tex, display))
        rng = random.Random(index)
        cases.extend((kind, new, display) for kind, new in mutations(tex, rng))
    return cases


def run_oracle(
    node_modules: Path, cases: list[tuple[str, bool]], package: str = "katex"
) -> dict[str, object]:
    """Render every `(tex, display)` with the real KaTeX in one Node process."""
    payload = json.dumps([{"tex": tex, "display": display} for tex, display in cases])
    done = subprocess.run(
        ["node", str(ORACLE), str(node_modules), package],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def katex_message(tex: str, error: str) -> str:
    """KaTeX's message without its prefix and the position suffix (as kb shows it)."""
    message = error.removeprefix("KaTeX parse error: ")
    return re.sub(r" at (position \d+|end of input): [\s\S]*$", "", message)


@pytest.mark.node
@pytest.mark.parametrize("version", list(VERSIONS))
def test_checker_agrees_with_katex(
    version: str, node_modules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = build_cases()
    assert len(cases) >= 1500
    oracle = run_oracle(
        node_modules, [(tex, display) for _, tex, display in cases], VERSIONS[version]
    )
    assert oracle["version"] == version
    results = oracle["results"]
    assert isinstance(results, list)
    judged = check_many([(tex, display) for _, tex, display in cases], version)
    total: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    misses = []
    for (kind, tex, _display), result, problems in zip(cases, results, judged, strict=True):
        errors = [p for p in problems if p.is_error]
        total[kind] += 1
        if (
            result["ok"]
            and not errors
            or (
                not result["ok"]
                and errors
                and errors[0].message.startswith("KaTeX: " + katex_message(tex, result["error"]))
            )
        ):
            agree[kind] += 1
        elif not errors:
            missed[kind] += 1
            misses.append(f"  missed [{kind}] {tex!r}: {result['error']}")
        else:
            extra[kind] += 1
            misses.append(f"  differs [{kind}] {tex!r}: {errors[0].message} / {result['error']}")
    lines = [
        f"KaTeX {version}: kb's verdict and message vs KaTeX in Node ({len(cases)} formulas)",
        f"{'kind':22} {'cases':>6} {'agree':>6} {'rate':>8} {'KaTeX fails, we ok':>19}"
        f" {'we differ':>10}",
    ]
    for kind in ("original", *MUTATION_KINDS):
        n = total[kind]
        lines.append(
            f"{kind:22} {n:6d} {agree[kind]:6d} {agree[kind] / max(n, 1):8.2%} "
            f"{missed[kind]:19d} {extra[kind]:10d}"
        )
    n_all = sum(total.values())
    lines.append(
        f"{'all':22} {n_all:6d} {sum(agree.values()):6d} "
        f"{sum(agree.values()) / n_all:8.2%} {sum(missed.values()):19d} "
        f"{sum(extra.values()):10d}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines + misses[:40]))
    assert not misses
