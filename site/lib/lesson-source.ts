/**
 * Reading a lesson's MDX source for what the lesson contract puts in it:
 * the commands of its ```shell blocks (shown in the terminal pane) and the
 * files/ids its <Manifest>, <Diagram> and <Exercise> elements name (checked
 * by the tests against the lesson folder). Pure functions over the text.
 */

/** FencedBlock is one fenced code block of a Markdown/MDX text. */
export interface FencedBlock {
  lang: string;
  lines: string[];
}

const fenceOpen = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;

/** fencedBlocks lists the fenced code blocks of `source` in order (CommonMark fences: ``` or ~~~, closing fence at least as long). */
export function fencedBlocks(source: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = source.split(/\r?\n/);
  let open: { fence: string; block: FencedBlock } | null = null;
  for (const line of lines) {
    if (open) {
      const trimmed = line.trim();
      if (trimmed.startsWith(open.fence[0]!.repeat(open.fence.length)) && /^(`+|~+)$/.test(trimmed)) {
        blocks.push(open.block);
        open = null;
      } else {
        open.block.lines.push(line);
      }
      continue;
    }
    const m = fenceOpen.exec(line);
    if (m) open = { fence: m[2]!, block: { lang: m[3]!.toLowerCase(), lines: [] } };
  }
  // An unclosed fence runs to the end of the document (CommonMark).
  if (open) blocks.push(open.block);
  return blocks;
}

/** ShellLine is one line of a ```shell block: a command to run, or a `#` comment that labels the next commands. */
export interface ShellLine {
  kind: 'command' | 'comment';
  text: string;
}

/** shellCommands returns every non-empty line of every ```shell block, in order (the learner's commands, per the lesson contract). */
export function shellCommands(source: string): ShellLine[] {
  return fencedBlocks(source)
    .filter((b) => b.lang === 'shell')
    .flatMap((b) => b.lines)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((text) => ({ kind: text.startsWith('#') ? 'comment' : 'command', text }));
}

/** withoutCode blanks fenced blocks and inline code spans so that examples of the syntax inside code are not read as real uses. */
export function withoutCode(source: string): string {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of source.split(/\r?\n/)) {
    if (fence) {
      const t = line.trim();
      if (/^(`+|~+)$/.test(t) && t.startsWith(fence)) fence = null;
      out.push('');
      continue;
    }
    const m = fenceOpen.exec(line);
    if (m) {
      fence = m[2]!;
      out.push('');
      continue;
    }
    out.push(line.replace(/`[^`\n]*`/g, ''));
  }
  return out.join('\n');
}

/** ComponentUse is one element such as `<Manifest file="x.yaml" />` found in a lesson, with its attributes. */
export interface ComponentUse {
  name: string;
  attributes: Record<string, string>;
  line: number;
}

/** componentUses finds every `<Name …>` element of the given MDX component in `source` (outside code), with its string attributes. */
export function componentUses(source: string, name: string): ComponentUse[] {
  const text = withoutCode(source);
  const uses: ComponentUse[] = [];
  const element = new RegExp(`<${name}\\b((?:[^>"'{]|"[^"]*"|'[^']*'|\\{[^}]*\\})*)>`, 'g');
  for (const m of text.matchAll(element)) {
    const attributes: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["'`]([^"'`]*)["'`]\s*\})/g)) {
      attributes[a[1]!] = a[2] ?? a[3] ?? a[4] ?? '';
    }
    uses.push({ name, attributes, line: text.slice(0, m.index).split('\n').length });
  }
  return uses;
}

/** LessonReferences is what one lesson's text names: manifest files, diagram files, exercise ids (in order of appearance). */
export interface LessonReferences {
  manifests: string[];
  diagrams: string[];
  exercises: string[];
}

/** lessonReferences collects the `file`/`id` attributes of the lesson's Manifest, Diagram and Exercise elements. */
export function lessonReferences(source: string): LessonReferences {
  const attr = (name: string, key: string) =>
    componentUses(source, name)
      .map((u) => u.attributes[key])
      .filter((v): v is string => typeof v === 'string');
  return {
    manifests: attr('Manifest', 'file'),
    diagrams: attr('Diagram', 'file'),
    exercises: attr('Exercise', 'id'),
  };
}
