// The site's math finder (content/assets/katex-plugin.js) run over Markdown pages in Node.
// argv[2]: node_modules; argv[3]: the plugin file. stdin: JSON list of page texts.
// stdout: JSON list, per page, of [tex, display, line, written] (written: the formula with
// its dollars as located in the text, or null when it could not be located).
const fs = require('fs');
const path = require('path');

const modules = process.argv[2];
const markdownit = require(path.join(modules, 'markdown-it'));
const katex = require(path.join(modules, 'katex'));
const kbMath = require(process.argv[3])(markdownit, katex);

const pages = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = pages.map((text) => {
  const normal = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  return kbMath.findMath(text).map((f) => [
    f.tex, f.display, f.line, f.start < 0 ? null : normal.slice(f.start, f.end),
  ]);
});
process.stdout.write(JSON.stringify(out));
