import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './html.js';

describe('html', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('escapes interpolated strings, keeps trusted markup and flattens arrays', () => {
    const name = '<script>alert(1)</script>';
    const out = html`<td title="${name}">${name}</td>${[raw('<br>'), 'a&b', null, undefined, false, 3]}`;
    expect(out.value).toBe('<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td><br>a&amp;b3');
  });
});
