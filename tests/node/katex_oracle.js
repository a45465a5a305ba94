// The real KaTeX as a test oracle: reads [{tex, display}, …] as JSON on stdin and writes
// {version, ms, results: [{ok, error}, …]} as JSON on stdout, all in one Node process.
// `ms` is the time spent rendering, measured inside Node (start-up excluded).
// Usage: node tests/node/katex_oracle.js <node_modules folder> [package] < formulas.json
// where package is `katex` (the current release) or an alias such as `katex-0.11.1`.
// Options as docsify-katex 1.4.3 and content/assets/katex-plugin.js pass them, but throwing.
"use strict";

const path = require("path");
const modules = path.resolve(process.argv[2] || path.join(__dirname, "..", ".node", "node_modules"));
const katex = require(path.join(modules, process.argv[3] || "katex"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
    const formulas = JSON.parse(input);
    const results = new Array(formulas.length);
    const start = process.hrtime.bigint();
    for (let i = 0; i < formulas.length; i++) {
        const {tex, display} = formulas[i];
        try {
            katex.renderToString(tex, {throwOnError: true, displayMode: Boolean(display),
                strict: "ignore"});
            results[i] = {ok: true, error: null};
        } catch (error) {
            results[i] = {ok: false, error: String(error.message || error)};
        }
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(JSON.stringify({version: katex.version, ms, results}));
});
