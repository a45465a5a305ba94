/*
 * LLM 面试知识: render `$…$` and `$$…$$` with KaTeX inside docsify 4.
 *
 * Math is found exactly as `kb lint` finds it (toolkit/document.py): markdown-it in
 * CommonMark mode with tables and strikethrough, front matter, and a port of mdit-py-plugins'
 * dollarmath with allow_space=True, double_inline=True, plus kb's guard (`_math_guard`): a
 * formula that would swallow a backtick loses to the code span, and a `$` right after a digit
 * does not open nor one right before a digit close (`$5 和 $10` is currency). Code blocks are
 * never math because markdown-it has already taken them when the math rules run.
 *
 * docsify's marked would eat backslashes and underscores inside formulas, so every formula is
 * replaced by a placeholder before marked runs (hook.beforeEach) and by KaTeX's HTML after it
 * (hook.afterEach). In an ATX heading the placeholder is an HTML comment, so the heading's id
 * does not depend on the formula; elsewhere it is a plain word that marked leaves alone.
 *
 * Loaded in the browser after markdown-it and KaTeX (it registers itself as a docsify
 * plugin); in Node, `require` it and call the exported factory with markdown-it and KaTeX.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) {
    module.exports = factory;
    return;
  }
  root.KbMath = factory(root.markdownit, root.katex);
  root.$docsify = root.$docsify || {};
  root.$docsify.plugins = (root.$docsify.plugins || []).concat(root.KbMath.docsifyPlugin);
})(typeof self !== 'undefined' ? self : this, function (markdownit, katex) {
  'use strict';

  // Python's str.isdigit: decimal digits plus the other Numeric_Type=Digit characters.
  var DIGIT = /^[\p{Nd}\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e\u2780-\u2788\u278a-\u2792\u{10a40}-\u{10a43}\u{10e60}-\u{10e68}\u{11052}-\u{1105a}\u{1f100}-\u{1f10a}]$/u;
  // dollarmath's DOLLAR_EQNO_REV: `$$ … $$ (label)` read backwards.
  var EQNO_REV = /^\s*\)([^)$\r\n]+?)\(\s*\${2}/;
  var SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;

  function isDigit(ch) {
    return ch !== undefined && DIGIT.test(ch);
  }

  // The code point that ends just before `pos` (none at the start).
  function charBefore(src, pos) {
    if (pos <= 0) return undefined;
    var low = src.charCodeAt(pos - 1);
    if (low >= 0xdc00 && low <= 0xdfff && pos >= 2) {
      var high = src.charCodeAt(pos - 2);
      if (high >= 0xd800 && high <= 0xdbff) return src.slice(pos - 2, pos);
    }
    return src[pos - 1];
  }

  function charAt(src, pos) {
    if (pos >= src.length) return undefined;
    return String.fromCodePoint(src.codePointAt(pos));
  }

  // dollarmath's is_escaped, negative-index wrap included (Python's src[-1] is the last char).
  function isEscaped(src, backPos) {
    var backslashes = 0;
    while (backPos >= 0) {
      backPos -= 1;
      if (src.at(backPos) === '\\') backslashes += 1;
      else break;
    }
    return backslashes % 2 === 1;
  }

  function pyStrip(text) {
    return text.replace(/^\s+|\s+$/g, '');
  }

  function reversed(text) {
    return Array.from(text).reverse().join('');
  }

  function mathInline(state, silent) {
    var src = state.src;
    var start = state.pos;
    if (src[start] !== '$') return false;
    // `$5 和 $10` is currency: a `$` right after a digit does not open (toolkit/document.py).
    if (isDigit(charBefore(src, start))) return false;
    if (isEscaped(src, start)) return false;
    if (start + 1 >= src.length) return false;
    var isDouble = src[start + 1] === '$';
    var pos = start + 1 + (isDouble ? 1 : 0);
    var end;
    for (;;) {
      end = src.indexOf('$', pos);
      if (end < 0) return false;
      if (isEscaped(src, end)) {
        pos = end + 1;
        continue;
      }
      if (isDouble) {
        if (end + 1 >= src.length) return false;
        if (src[end + 1] !== '$') {
          pos = end + 1;
          continue;
        }
        end += 1;
      }
      break;
    }
    // ... and one right before a digit does not close.
    if (isDigit(charAt(src, end + 1))) return false;
    var text = isDouble ? src.slice(start + 2, end - 1) : src.slice(start + 1, end);
    if (!text) return false;
    // Code spans win over math (toolkit/document.py `_math_stops_at_code`).
    if (src.slice(start, end + 1).indexOf('`') >= 0) return false;
    if (!silent) {
      var token = state.push(isDouble ? 'math_inline_double' : 'math_inline', 'math', 0);
      token.content = text;
      token.markup = isDouble ? '$$' : '$';
      token.meta = { span: [start, end + 1] };
    }
    state.pos = end + 1;
    return true;
  }

  function blockContent(state, startLine, startPos, endLine, end) {
    var contentStart = startPos + 2;
    if (startLine === endLine) return state.src.slice(contentStart, end);
    var parts = [state.src.slice(contentStart, state.eMarks[startLine]), '\n'];
    for (var line = startLine + 1; line < endLine; line++) {
      parts.push(state.src.slice(state.bMarks[line], state.eMarks[line]), '\n');
    }
    parts.push(state.src.slice(state.bMarks[endLine], end));
    return parts.join('');
  }

  function mathBlock(state, startLine, endLine) {
    if (state.sCount[startLine] - state.blkIndent >= 4) return false;
    var src = state.src;
    var haveEnd = false;
    var startPos = state.bMarks[startLine] + state.tShift[startLine];
    var end = state.eMarks[startLine];
    if (startPos + 2 > end) return false;
    if (src[startPos] !== '$' || src[startPos + 1] !== '$') return false;
    var nextLine = startLine;
    var label = null;
    var lineText = src.slice(startPos, end);
    var match;
    if (pyStrip(lineText).length > 3) {
      if (pyStrip(lineText).endsWith('$$')) {
        haveEnd = true;
        end = end - 2 - (lineText.length - pyStrip(lineText).length);
      } else {
        var trailingClose = lineText.slice(2).indexOf('$$') >= 0;
        match = EQNO_REV.exec(reversed(lineText));
        if (match) {
          haveEnd = true;
          label = reversed(match[1]);
          end -= match[0].length;
        } else if (trailingClose) {
          return false;
        }
      }
    }
    if (!haveEnd) {
      for (;;) {
        nextLine += 1;
        if (nextLine >= endLine) break;
        var start = state.bMarks[nextLine] + state.tShift[nextLine];
        end = state.eMarks[nextLine];
        lineText = src.slice(start, end);
        if (pyStrip(lineText).endsWith('$$')) {
          haveEnd = true;
          end = end - 2 - (lineText.length - pyStrip(lineText).length);
          break;
        }
        // allow_blank_lines: a blank line does not end the block.
        match = EQNO_REV.exec(reversed(lineText));
        if (match) {
          haveEnd = true;
          label = reversed(match[1]);
          end -= match[0].length;
          break;
        }
      }
    }
    if (!haveEnd) return false;
    state.line = nextLine + 1;
    var token = state.push(label ? 'math_block_label' : 'math_block', 'math', 0);
    token.block = true;
    token.content = blockContent(state, startLine, startPos, nextLine, end);
    token.markup = '$$';
    token.map = [startLine, state.line];
    token.meta = { start: startPos, end: state.eMarks[nextLine] };
    return true;
  }

  // mdit-py-plugins' front_matter: a `---` block at the very top is not Markdown.
  function frontMatter(state, startLine, endLine, silent) {
    var src = state.src;
    if (startLine !== 0 || src[0] !== '-') return false;
    var start = state.bMarks[startLine] + state.tShift[startLine];
    var maximum = state.eMarks[startLine];
    var pos = start + 1;
    while (pos <= maximum && pos < src.length && src[pos] === '-') pos++;
    var markers = pos - start;
    if (markers < 3) return false;
    if (silent) return true;
    var nextLine = startLine;
    var autoClosed = false;
    for (;;) {
      nextLine++;
      if (nextLine >= endLine) return false;
      start = state.bMarks[nextLine] + state.tShift[nextLine];
      maximum = state.eMarks[nextLine];
      if (state.sCount[nextLine] === 0 && src.startsWith('...', start) &&
          state.skipSpaces(start + 3) >= maximum) {
        autoClosed = true;
        break;
      }
      if (start < maximum && state.sCount[nextLine] < state.blkIndent) break;
      if (src[start] !== '-') continue;
      if (state.sCount[nextLine] - state.blkIndent >= 4) continue;
      pos = start + 1;
      while (pos < maximum && src[pos] === '-') pos++;
      if (pos - start < markers) continue;
      pos = state.skipSpaces(pos);
      if (pos < maximum) continue;
      autoClosed = true;
      break;
    }
    var oldParent = state.parentType;
    var oldLineMax = state.lineMax;
    state.parentType = 'container';
    state.lineMax = nextLine;
    var token = state.push('front_matter', '', 0);
    token.hidden = true;
    token.block = true;
    state.parentType = oldParent;
    state.lineMax = oldLineMax;
    state.line = nextLine + (autoClosed ? 1 : 0);
    token.map = [startLine, state.line];
    return true;
  }

  var parser = null;

  function markdownParser() {
    if (parser === null) {
      parser = markdownit('commonmark', { html: true }).enable(['table', 'strikethrough']);
      parser.block.ruler.before('table', 'front_matter', frontMatter, {
        alt: ['paragraph', 'reference', 'blockquote', 'list'],
      });
      parser.inline.ruler.before('escape', 'math_inline', mathInline);
      parser.block.ruler.before('fence', 'math_block', mathBlock);
    }
    return parser;
  }

  // Where a line of an inline token's content sits in its source line (prefixes stripped).
  function findPiece(line, piece, from) {
    if (!piece) return Math.min(from, line.length);
    if (line.endsWith(piece) && line.length - piece.length >= from) return line.length - piece.length;
    var stripped = line.replace(/\s+$/, '');
    if (stripped.endsWith(piece) && stripped.length - piece.length >= from) {
      return stripped.length - piece.length;
    }
    return line.indexOf(piece, from);
  }

  function Source(text) {
    this.text = text;
    this.lines = text.split('\n');
    this.lineStarts = [0];
    for (var i = 0; i < this.lines.length - 1; i++) {
      this.lineStarts.push(this.lineStarts[i] + this.lines[i].length + 1);
    }
    this.cursor = {};
  }

  // Map offsets in an inline token's content to offsets in the source text.
  Source.prototype.spans = function (content, firstLine) {
    var pieces = [];
    var at = 0;
    var self = this;
    content.split('\n').forEach(function (piece, number) {
      var index = firstLine + number;
      var mapped = -1;
      if (index < self.lines.length) {
        var column = findPiece(self.lines[index], piece, self.cursor[index] || 0);
        if (column >= 0) {
          mapped = self.lineStarts[index] + column;
          self.cursor[index] = column + piece.length;
        }
      }
      pieces.push([at, mapped]);
      at += piece.length + 1;
    });
    return function (offset) {
      var best = pieces[0];
      for (var i = 1; i < pieces.length && pieces[i][0] <= offset; i++) best = pieces[i];
      return best[1] < 0 ? -1 : best[1] + (offset - best[0]);
    };
  };

  function sameText(written, parsed) {
    if (written === parsed) return true;
    var a = written.split('\n');
    var b = parsed.split('\n');
    if (a.length !== b.length || a[0] !== b[0]) return false;
    for (var i = 1; i < a.length; i++) {
      if (!a[i].endsWith(b[i].replace(/^\s+/, ''))) return false;
    }
    return true;
  }

  function normalise(markdown) {
    return markdown.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
  }

  /*
   * Every formula of a Markdown page, in source order:
   * {tex, display, line, start, end, heading, block}; start/end delimit the formula with its
   * dollars in the normalised text (-1 when it could not be located).
   */
  function findMath(markdown) {
    var text = normalise(markdown);
    var source = new Source(text);
    var tokens = markdownParser().parse(text, {});
    var found = [];
    var rowLine = 0;
    var heading = null;
    tokens.forEach(function (token) {
      if (token.type === 'tr_open' && token.map) rowLine = token.map[0];
      if (token.type === 'heading_open') heading = token.markup.charAt(0) === '#' ? 'atx' : 'setext';
      if (token.type === 'heading_close') heading = null;
      if (token.type === 'math_block' || token.type === 'math_block_label') {
        found.push({
          tex: token.content, display: true, line: token.map[0] + 1,
          start: token.meta.start, end: token.meta.end, heading: null, block: true,
        });
      }
      if (token.type !== 'inline') return;
      var firstLine = token.map ? token.map[0] : rowLine;
      var toOffset = source.spans(token.content, firstLine);
      (token.children || []).forEach(function (child) {
        if (child.type !== 'math_inline' && child.type !== 'math_inline_double') return;
        var span = child.meta.span;
        var written = token.content.slice(span[0], span[1]);
        var start = toOffset(span[0]);
        var end = start < 0 ? -1 : toOffset(span[1] - 1) + 1;
        if (start < 0 || end <= start || !sameText(text.slice(start, end), written)) {
          start = end = -1;
        }
        found.push({
          tex: child.content, display: child.type === 'math_inline_double',
          line: firstLine + token.content.slice(0, span[0]).split('\n').length,
          start: start, end: end, heading: heading, block: false,
        });
      });
    });
    return found;
  }

  function placeholderPrefix(text) {
    var prefix = 'kbmath';
    while (text.indexOf(prefix) >= 0) prefix += 'x';
    return prefix;
  }

  /* Replace each formula by a placeholder: {text, formulas, prefix, missed}. */
  function stash(markdown) {
    var text = normalise(markdown);
    var formulas = findMath(text);
    var prefix = placeholderPrefix(text);
    var out = [];
    var at = 0;
    var missed = 0;
    formulas.forEach(function (formula, index) {
      if (formula.start < at) {
        missed += 1;
        formula.index = -1;
        return;
      }
      formula.index = index;
      formula.source = text.slice(formula.start, formula.end);
      out.push(text.slice(at, formula.start));
      if (formula.heading === 'atx') {
        out.push('<!--' + prefix + '-' + index + '-->');
      } else {
        out.push(prefix + index + 'e');
      }
      at = formula.end;
      // A placeholder line followed by `---` or `===` would become a setext heading.
      if (formula.block) {
        var nextEnd = text.indexOf('\n', at + 1);
        var next = text.slice(at + 1, nextEnd < 0 ? text.length : nextEnd);
        if (SETEXT_UNDERLINE.test(next)) out.push('\n');
      }
    });
    out.push(text.slice(at));
    return { text: out.join(''), formulas: formulas, prefix: prefix, missed: missed };
  }

  function render(tex, display) {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: false,
      strict: 'ignore',
      output: 'htmlAndMathml',
    });
  }

  function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  /* Put KaTeX's HTML where marked left the placeholders (never inside tags or attributes). */
  function restore(html, stashed) {
    var byIndex = {};
    stashed.formulas.forEach(function (formula) {
      if (formula.index >= 0) byIndex[formula.index] = formula;
    });
    var word = new RegExp(stashed.prefix + '(\\d+)e', 'g');
    var comment = new RegExp('^<!--' + stashed.prefix + '-(\\d+)-->$');
    var inCode = 0;
    return html.split(/(<!--[\s\S]*?-->|<[^>]*>)/).map(function (part, i) {
      if (i % 2 === 1) {
        var tagged = comment.exec(part);
        if (tagged && byIndex[tagged[1]]) {
          var formula = byIndex[tagged[1]];
          return render(formula.tex, formula.display);
        }
        if (/^<(code|pre)\b/i.test(part)) inCode += 1;
        else if (/^<\/(code|pre)>/i.test(part)) inCode = Math.max(inCode - 1, 0);
        return part;
      }
      return part.replace(word, function (whole, index) {
        var found = byIndex[index];
        if (!found) return whole;
        // marked and markdown-it disagreed about code here: show the source as written.
        return inCode ? escapeHtml(found.source) : render(found.tex, found.display);
      });
    }).join('');
  }

  function restoreComments(element, stashed) {
    if (!element || !stashed) return;
    var comment = new RegExp('^' + stashed.prefix + '-(\\d+)$');
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_COMMENT);
    var found = [];
    while (walker.nextNode()) found.push(walker.currentNode);
    found.forEach(function (node) {
      var match = comment.exec(node.data);
      var formula = match && stashed.formulas[Number(match[1])];
      if (!formula) return;
      var holder = document.createElement('span');
      holder.innerHTML = render(formula.tex, formula.display);
      node.parentNode.replaceChild(holder.firstChild, node);
    });
  }

  function docsifyPlugin(hook) {
    var current = null;
    var shown = null;
    hook.beforeEach(function (markdown) {
      current = stash(markdown);
      return current.text;
    });
    hook.afterEach(function (html) {
      var out = current ? restore(html, current) : html;
      shown = current;
      current = null;
      return out;
    });
    hook.doneEach(function () {
      // The sub-sidebar repeats the page's headings, formulas included.
      restoreComments(document.querySelector('.sidebar-nav'), shown);
    });
  }

  return {
    findMath: findMath,
    stash: stash,
    restore: restore,
    render: render,
    docsifyPlugin: docsifyPlugin,
  };
});
