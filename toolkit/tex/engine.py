"""The real KaTeX of one version, running in-process in V8 (mini-racer)."""

from __future__ import annotations

import atexit
import json
import re
from typing import Any

from toolkit.tex.store import katex_source

# The options docsify-katex 1.4.3 and content/assets/katex-plugin.js pass (displayMode, the
# default htmlAndMathml output), except that errors throw instead of showing in red. Neither
# passes `macros`, so KaTeX makes a fresh macro table per call: a \gdef never reaches the
# next formula, and every formula is judged alone.
_GLUE = r"""
var kb = (function (katex) {
  function cp(s, i) { return Array.from(s.slice(0, i)).length; }
  function opts(display, output) {
    return {displayMode: display, throwOnError: true, strict: "ignore", output: output};
  }
  function failure(tex, e) {
    if (!(e instanceof katex.ParseError)) {
      return ["internal", String(e && e.message || e), null, null];
    }
    var pos = typeof e.position === "number" ? e.position : null;
    var raw = e.rawMessage;
    if (typeof raw !== "string") {
      raw = String(e.message).replace(/^KaTeX parse error: /, "");
      if (pos !== null) raw = raw.replace(/ at (position \d+|end of input): [\s\S]*$/, "");
    }
    var len = typeof e.length === "number" && pos !== null ? e.length : null;
    return ["parse", raw, pos === null ? null : cp(tex, pos),
            len === null ? null : cp(tex, pos + len) - cp(tex, pos)];
  }
  // Unicode typed in math becomes a text-mode symbol, like one inside \text{}: what tells
  // them apart is the container, so the walk carries whether it is inside text.
  function walk(node, tex, out, inText) {
    if (Array.isArray(node)) {
      for (var i = 0; i < node.length; i++) walk(node[i], tex, out, inText);
      return;
    }
    if (!node || typeof node !== "object") return;
    var leaf = typeof node.text === "string";
    if (leaf && !inText && /[^\x00-\x7f]/.test(node.text)
        && node.loc && node.loc.lexer && node.loc.lexer.input === tex) {
      out.push([cp(tex, node.loc.start), node.text]);
    }
    var childText = inText;
    if (node.type === "text" || node.type === "hbox") childText = true;
    else if (!leaf && node.mode === "text") childText = true;
    else if (!leaf && node.mode === "math") childText = false;
    for (var key in node) {
      if (key !== "loc" && Object.prototype.hasOwnProperty.call(node, key)) {
        walk(node[key], tex, out, childText);
      }
    }
  }
  function html(tex, display) {
    try { return katex.renderToString(tex, opts(display, "html")); } catch (e) { return null; }
  }
  function judge(tex, display, fixes) {
    try {
      katex.renderToString(tex, opts(display, "htmlAndMathml"));
    } catch (e) {
      return {error: failure(tex, e)};
    }
    if (!/[^\x00-\x7f]/.test(tex)) return {};
    var chars = [];
    walk(katex.__parse(tex, opts(display, "htmlAndMathml")), tex, chars, false);
    var safe = [];
    var before = null;
    var points = null;
    for (var i = 0; i < chars.length; i++) {
      var fix = fixes[chars[i][1]];
      if (fix === undefined) continue;
      if (before === null) { before = html(tex, display); points = Array.from(tex); }
      var changed = points.slice();
      changed[chars[i][0]] = fix;
      if (html(changed.join(""), display) === before) safe.push(chars[i][0]);
    }
    return {chars: chars, safe: safe};
  }
  return {
    version: katex.version,
    judgeAll: function (payload) {
      var input = JSON.parse(payload);
      var out = [];
      for (var i = 0; i < input.items.length; i++) {
        out.push(judge(input.items[i][0], input.items[i][1], input.fixes));
      }
      return JSON.stringify(out);
    },
    defined: function (names) {
      return JSON.stringify(JSON.parse(names).filter(function (name) {
        try { katex.__parse(name, opts(false, "html")); return true; } catch (e) {
          return !/^Undefined control sequence/.test(e.rawMessage || e.message.slice(19));
        }
      }));
    },
  };
})(module.exports.default || module.exports);
"""

_PRELUDE = (
    "var module = {exports: {}}; var exports = module.exports;"
    "var console = {log: function () {}, warn: function () {}, error: function () {}};"
)


class Engine:
    """One V8 context with one KaTeX version loaded; judges formulas in batches."""

    def __init__(self, version: str, fixes: dict[str, str]) -> None:
        source = katex_source(version)
        from py_mini_racer import MiniRacer

        self._context = MiniRacer()
        # V8's threads can deadlock the interpreter's exit if the context is left to the
        # garbage collector; close it explicitly first.
        atexit.register(self._context.close)
        self._context.eval(_PRELUDE + source + "\n;" + _GLUE)
        loaded = self._context.eval("kb.version")
        if loaded != version:
            from toolkit.errors import KbError

            raise KbError(f"the cached katex.min.js of {version} says it is {loaded}")
        self.version = version
        self._fixes = fixes
        self._source = source
        self._names: tuple[str, ...] | None = None

    def judge(self, items: list[tuple[str, bool]]) -> list[dict[str, Any]]:
        """KaTeX's verdict on each `(tex, display)`: `error`, or math-mode `chars` and `safe`."""
        payload = json.dumps({"items": items, "fixes": self._fixes}, ensure_ascii=False)
        result: list[dict[str, Any]] = json.loads(
            str(self._context.call("kb.judgeAll", payload, timeout_sec=600))
        )
        return result

    def command_names(self) -> tuple[str, ...]:
        """Control sequences named in KaTeX's code that this KaTeX defines (for suggestions)."""
        if self._names is None:
            found = sorted(set(_NAME.findall(self._source)))
            names = [f"\\{n}" for n in found]
            defined = json.loads(str(self._context.call("kb.defined", json.dumps(names))))
            self._names = tuple(defined)
        return self._names


_NAME = re.compile(r"[\"']\\\\([a-zA-Z]{2,})[\"']")
