// Oracle for heading ids: docsify 4's own slugify and getAndRemoveConfig, taken from the
// installed lib/docsify.js, over headings rendered by docsify's own marked (1.x).
// stdin: JSON list of pages, each a list of heading lines ("## text"); stdout: JSON ids per page.
const fs = require('fs');
const path = require('path');

const modules = process.argv[2];
const source = fs.readFileSync(path.join(modules, 'docsify', 'lib', 'docsify.js'), 'utf8');
const marked = require(path.join(modules, 'marked'));

function between(start, end) {
  const from = source.indexOf(start);
  const to = source.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error('docsify.js changed: cannot find ' + start);
  return source.slice(from, to + end.length);
}
const slugifySource = between('var cache$1 = {};', 'slugify.clear = function () {\n    cache$1 = {};\n  };');
const configSource = between('function getAndRemoveConfig(str) {', 'return { str: str, config: config };\n  }');
const docsify = new Function(
  'hasOwn',
  slugifySource + '\n' + configSource + '\nreturn { slugify: slugify, getAndRemoveConfig: getAndRemoveConfig };'
)(Object.prototype.hasOwnProperty);

// The id part of docsify's renderer.heading (lib/docsify.js), without the router.
function headingId(text) {
  let { str, config } = docsify.getAndRemoveConfig(text);
  for (const marker of ['<!-- {docsify-ignore} -->', '{docsify-ignore}',
                        '<!-- {docsify-ignore-all} -->', '{docsify-ignore-all}']) {
    if (str.indexOf(marker) >= 0) str = str.replace(marker, '');
  }
  return docsify.slugify(config.id || str);
}

const pages = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = pages.map((headings) => {
  docsify.slugify.clear();
  const tokens = marked.lexer(headings.join('\n\n'));
  const parser = new marked.Parser(marked.defaults);
  return tokens.filter((t) => t.type === 'heading').map((t) => headingId(parser.parseInline(t.tokens)));
});
process.stdout.write(JSON.stringify(out));
