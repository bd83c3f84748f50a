// The quiz's Markdown renderer: the formatting question writers use, and no way to inject markup.
import { describe, expect, it } from 'vitest';
import { inlineMarkdown, markdown } from './mini-markdown.ts';

describe('mini markdown', () => {
  it('renders inline code, emphasis and safe links', () => {
    expect(inlineMarkdown('Set `acks=all` and **enable** *idempotence*')).toBe('Set <code>acks=all</code> and <strong>enable</strong> <em>idempotence</em>');
    expect(inlineMarkdown('[docs](https://kafka.apache.org/)')).toBe('<a href="https://kafka.apache.org/">docs</a>');
    expect(inlineMarkdown('[x](javascript:alert(1))')).not.toContain('<a');
  });

  it('escapes HTML everywhere, including inside code', () => {
    const html = markdown('<img src=x onerror=alert(1)>\n\n```js\n</code><script>bad()</script>\n```\n\n`<b>`');
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('renders paragraphs, lists and fenced code blocks', () => {
    expect(markdown('First line\nsame paragraph\n\n- one\n- two\n\n1. a\n2. b\n\n```ts\nconst x = 1;\n```')).toBe(
      '<p>First line same paragraph</p><ul><li>one</li><li>two</li></ul><ol><li>a</li><li>b</li></ol><pre><code data-lang="ts">const x = 1;</code></pre>',
    );
  });
});
