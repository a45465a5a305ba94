#!/usr/bin/env node
// Extract KaTeX's own tables (functions, environments, symbols, macros, delimiters)
// into toolkit/data/katex.json for the pure-Python formula checker (toolkit/tex.py).
//
// Regenerate after changing the pinned katex version in tests/node/package.json:
//
//   .venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); \
//       import conftest; conftest.install_node_packages()"
//   node scripts/extract_katex_data.js tests/.node/node_modules/katex > toolkit/data/katex.json
//
// The tables are module-local in katex/dist/katex.js, so the script evaluates that file
// with one extra statement that hands them out, and fails loudly if the file's shape changed.
"use strict";

const fs = require("fs");
const path = require("path");

const katexDir = path.resolve(process.argv[2] || "tests/.node/node_modules/katex");
const version = JSON.parse(fs.readFileSync(path.join(katexDir, "package.json"), "utf8")).version;
const source = fs.readFileSync(path.join(katexDir, "dist", "katex.js"), "utf8");

const marker = '__webpack_exports__ = __webpack_exports__["default"];';
for (const needed of [marker, "const _functions", "const _environments", "const _macros",
    "const delimiters", "const implicitCommands", "const uSubsAndSups", "const unicodeAccents",
    "var src_symbols"]) {
    if (!source.includes(needed)) {
        throw new Error(`katex.js ${version} no longer contains '${needed}': update this script`);
    }
}
const patched = source.replace(marker, "__webpack_exports__.default.__kbInternals = {" +
    "functions: _functions, environments: _environments, macros: _macros, " +
    "symbols: src_symbols, delimiters, implicitCommands, uSubsAndSups, unicodeAccents};\n" +
    marker);
const mod = {exports: {}};
new Function("module", "exports", "require", patched)(mod, mod.exports, require);
const katex = mod.exports;
const internals = katex.__kbInternals;

const sorted = (obj) => Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));

const functions = {};
for (const [name, spec] of Object.entries(internals.functions)) {
    functions[name] = {
        type: spec.type,
        numArgs: spec.numArgs,
        numOptionalArgs: spec.numOptionalArgs || 0,
        argTypes: spec.argTypes || null,
        allowedInText: Boolean(spec.allowedInText),
        allowedInMath: spec.allowedInMath !== false,
        allowedInArgument: Boolean(spec.allowedInArgument),
        infix: Boolean(spec.infix),
        primitive: Boolean(spec.primitive),
    };
}

function refusesInline(name, numArgs) {
    const tex = `\\begin{${name}}${"{1}".repeat(numArgs)}x\\end{${name}}`;
    try {
        katex.__parse(tex, {displayMode: false, throwOnError: true, strict: "ignore"});
        return false;
    } catch (error) {
        return /only in display mode/.test(String(error.message));
    }
}

const environments = {};
for (const [name, spec] of Object.entries(internals.environments)) {
    environments[name] = {
        numArgs: spec.numArgs,
        numOptionalArgs: spec.numOptionalArgs || 0,
        argTypes: spec.argTypes || null,
        // AMS top-level environments (align, gather, equation, CD) refuse inline math.
        displayOnly: refusesInline(name, spec.numArgs),
    };
}

// A string macro's arity is the highest #n in its body; a function macro looks at what
// follows it at expansion time, so only its name is recorded.
const macros = {};
for (const [name, body] of Object.entries(internals.macros)) {
    if (typeof body === "string") {
        macros[name] = body;
    } else if (typeof body === "function") {
        macros[name] = null;
    } else {
        macros[name] = {numArgs: body.numArgs, tokens: body.tokens.map((t) => t.text).reverse(),
            unexpandable: Boolean(body.unexpandable)};
    }
}

const symbolGroups = (table) => sorted(Object.fromEntries(
    Object.entries(table).map(([name, sym]) => [name, sym.group])));

const data = {
    katex_version: version,
    generated_by: "scripts/extract_katex_data.js",
    functions: sorted(functions),
    environments: sorted(environments),
    macros: sorted(macros),
    symbols: {math: symbolGroups(internals.symbols.math), text: symbolGroups(internals.symbols.text)},
    delimiters: [...internals.delimiters].sort(),
    implicit_commands: Object.keys(internals.implicitCommands).sort(),
    unicode_sup_sub: sorted(internals.uSubsAndSups),
    unicode_accents: Object.keys(internals.unicodeAccents).sort(),
};
process.stdout.write(JSON.stringify(data, null, 1) + "\n");
