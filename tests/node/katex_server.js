// The real KaTeX of several versions as a long-running oracle for the differential fuzzer.
// Usage: node tests/node/katex_server.js <node_modules folder>
// stdin: one JSON object per line, {"package": "katex" | "katex-0.11.1", "tex", "display"};
// stdout: one JSON object per line, {"ok": bool, "error": message or null}.
// Options as in katex_oracle.js: what docsify-katex 1.4.3 and our plugin pass, but throwing.
"use strict";

const path = require("path");
const readline = require("readline");
const modules = path.resolve(process.argv[2]);
const loaded = {};

function katexOf(name) {
    if (!loaded[name]) loaded[name] = require(path.join(modules, name));
    return loaded[name];
}

const lines = readline.createInterface({input: process.stdin, terminal: false});
lines.on("line", (line) => {
    const {package: name, tex, display} = JSON.parse(line);
    let reply;
    try {
        katexOf(name).renderToString(tex, {throwOnError: true, displayMode: Boolean(display),
            strict: "ignore"});
        reply = {ok: true, error: null};
    } catch (error) {
        reply = {ok: false, error: String(error && error.message || error)};
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
});
