/**
 * rehypeCodeBlocks wraps every fenced code block of a lesson in a figure-like
 * box with its language and a copy button. The button is rendered `hidden`:
 * reading works without JavaScript, and site/scripts/copy-buttons.ts reveals
 * the buttons only where it can make them work (progressive enhancement).
 * It runs after Astro's Shiki step, so it sees `<pre class="astro-code" data-language>`.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';

/** codeLanguage reads the language of a highlighted (data-language) or plain (class="language-x") code block. */
export function codeLanguage(pre: Element): string {
  const fromShiki = pre.properties?.dataLanguage;
  if (typeof fromShiki === 'string' && fromShiki) return fromShiki;
  const code = pre.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
  const classes = code?.properties?.className;
  const lang = Array.isArray(classes) ? classes.map(String).find((c) => c.startsWith('language-')) : undefined;
  return lang ? lang.slice('language-'.length) : 'text';
}

/** languageLabel is what the block's header says: "Commands" for shell blocks, "Output" for text, else the language. */
export function languageLabel(lang: string): string {
  if (lang === 'shell' || lang === 'sh' || lang === 'bash') return 'Commands';
  if (lang === 'text' || lang === 'plaintext' || lang === 'txt') return 'Output';
  return lang.toUpperCase();
}

function wrap(pre: Element): Element {
  const lang = codeLanguage(pre);
  return {
    type: 'element',
    tagName: 'div',
    properties: { className: ['code-block', `code-block--${lang}`], dataCopyScope: '' },
    children: [
      {
        type: 'element',
        tagName: 'div',
        properties: { className: ['code-block__header'] },
        children: [
          { type: 'element', tagName: 'span', properties: { className: ['code-block__lang'] }, children: [{ type: 'text', value: languageLabel(lang) }] },
          {
            type: 'element',
            tagName: 'button',
            properties: { type: 'button', className: ['copy-button'], dataCopy: '', hidden: true, ariaLabel: `Copy ${languageLabel(lang).toLowerCase()}` },
            children: [{ type: 'text', value: 'Copy' }],
          },
        ],
      },
      pre,
    ],
  };
}

type Parent = { children: Array<RootContent | ElementContent> };

/** visit wraps <pre> elements anywhere in the tree, including inside MDX elements such as <Exercise> (mdxJsxFlowElement). */
function visit(parent: Parent): void {
  parent.children = parent.children.map((child) => {
    if (child.type === 'element' && child.tagName === 'pre') return wrap(child);
    if ('children' in child && Array.isArray(child.children)) visit(child as Parent);
    return child;
  });
}

export default function rehypeCodeBlocks() {
  return (tree: Root) => visit(tree as Parent);
}
