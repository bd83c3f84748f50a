// Renders bank text (Markdown) safely: mini-markdown escapes everything before formatting.
import { inlineMarkdown, markdown } from '../../lib/mini-markdown.ts';

/** Block Markdown in a div, or inline Markdown in a span. */
export function Md({ text, inline = false, class: cls }: { text: string; inline?: boolean; class?: string }) {
  return inline ? <span class={cls} dangerouslySetInnerHTML={{ __html: inlineMarkdown(text) }} /> : <div class={cls} dangerouslySetInnerHTML={{ __html: markdown(text) }} />;
}
