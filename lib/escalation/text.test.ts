import fc from 'fast-check';
import { expect, test } from 'vitest';
import { mdFence, mdText, stableJson, xmlEscape } from './text';

test('Markdown text: HTML, emphasis, links and table pipes are escaped, list starts too', () => {
  expect(mdText('<script>alert(1)</script> *bold* [x](y) a|b')).toBe('\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](y) a\\|b');
  expect(mdText('- not a list')).toBe('\\- not a list');
  expect(mdText('1. not a list')).toBe('1\\. not a list');
  expect(mdText('203.0.113.7: fine')).toBe('203.0.113.7: fine');
  expect(mdText('===')).toBe('\\===');
  expect(mdText('two\nlines')).toBe('two lines');
});

test('property: escaped Markdown text holds no unescaped < or > and no line break', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      const out = mdText(s);
      expect(/(^|[^\\])[<>]/.test(out.replace(/\\\\/g, ''))).toBe(false);
      expect(out).not.toMatch(/\n/);
    }),
  );
});

test('a fence is longer than any backtick run inside it', () => {
  expect(mdFence('451 busy')).toBe('```text\n451 busy\n```');
  expect(mdFence('a ```` b')).toBe('`````text\na ```` b\n`````');
});

test('XML escaping and stable JSON', () => {
  expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{\n  "a": {\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
});
