// Every fenced block of a lesson gets a header and a (hidden until JS) copy
// button, including blocks inside MDX components such as <Exercise>.
import type { Element, Root } from 'hast';
import { describe, expect, it } from 'vitest';
import rehypeCodeBlocks, { codeLanguage, languageLabel } from '../../../site/lib/rehype-code-blocks.ts';

const pre = (lang: string): Element => ({
  type: 'element',
  tagName: 'pre',
  properties: { className: ['astro-code'], dataLanguage: lang },
  children: [{ type: 'element', tagName: 'code', properties: {}, children: [{ type: 'text', value: 'kubectl get pv' }] }],
});

describe('rehypeCodeBlocks', () => {
  it('wraps top-level and nested blocks with a labelled header and a hidden copy button', () => {
    const inExercise = { type: 'mdxJsxFlowElement', name: 'Exercise', attributes: [], children: [pre('shell')] };
    const tree = { type: 'root', children: [pre('text'), inExercise] } as unknown as Root;
    rehypeCodeBlocks()(tree);
    const [outer, exercise] = tree.children as Element[];
    for (const [box, label] of [
      [outer, 'Output'],
      [(exercise as unknown as { children: Element[] }).children[0], 'Commands'],
    ] as const) {
      expect(box!.tagName).toBe('div');
      expect(box!.properties.dataCopyScope).toBe('');
      const header = box!.children[0] as Element;
      expect((header.children[0] as Element).children).toEqual([{ type: 'text', value: label }]);
      const button = header.children[1] as Element;
      expect(button.tagName).toBe('button');
      expect(button.properties.hidden).toBe(true);
      expect((box!.children[1] as Element).tagName).toBe('pre');
    }
  });

  it('reads the language from Shiki or from a language- class, and names it for people', () => {
    expect(codeLanguage(pre('yaml'))).toBe('yaml');
    const plain: Element = {
      type: 'element',
      tagName: 'pre',
      properties: {},
      children: [{ type: 'element', tagName: 'code', properties: { className: ['language-shell'] }, children: [] }],
    };
    expect(codeLanguage(plain)).toBe('shell');
    expect([languageLabel('shell'), languageLabel('text'), languageLabel('yaml')]).toEqual(['Commands', 'Output', 'YAML']);
  });
});
