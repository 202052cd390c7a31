import { describe, expect, it } from 'vitest';
import { LineEditor, commonPrefix } from '../../../sandbox/terminal/line-editor.ts';

function editor(history: string[] = [], completer?: ConstructorParameters<typeof LineEditor>[0]['completer']) {
  const e = new LineEditor({ history, ...(completer ? { completer } : {}) });
  e.start('$ ');
  return e;
}

function typed(e: LineEditor, ...keys: string[]) {
  const events = [];
  let echo = '';
  for (const k of keys) {
    const out = e.feed(k);
    echo += out.echo;
    events.push(...out.events);
  }
  return { echo, events };
}

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

describe('LineEditor', () => {
  it('echoes typed characters and ends the line on Enter', () => {
    const e = editor();
    const { echo, events } = typed(e, 'kubectl', ' get', '\r');
    expect(echo).toBe('kubectl get\r\n');
    expect(events).toEqual([{ type: 'line', text: 'kubectl get' }]);
  });
  it('edits in the middle of the line with Left/Right, Backspace and Delete', () => {
    const e = editor();
    typed(e, 'kubectl gt pods', LEFT, LEFT, LEFT, LEFT, LEFT, LEFT, 'e');
    expect(e.current()).toMatchObject({ line: 'kubectl get pods', cursor: 10 });
    typed(e, RIGHT, '\x7f', 'x', '\x1b[3~');
    expect(e.current()).toMatchObject({ line: 'kubectl gexpods', cursor: 11 });
  });
  it('Ctrl-A / Ctrl-E move to start and end; Ctrl-U and Ctrl-K kill; Ctrl-W kills a word', () => {
    const e = editor();
    typed(e, 'get pods', '\x01', 'kubectl ');
    expect(e.current()).toMatchObject({ line: 'kubectl get pods', cursor: 8 });
    typed(e, '\x05', '\x17');
    expect(e.current().line).toBe('kubectl get ');
    typed(e, '\x17', '\x17');
    expect(e.current().line).toBe('');
    typed(e, 'abc def', LEFT, LEFT, LEFT, '\x0b');
    expect(e.current().line).toBe('abc ');
    typed(e, '\x15');
    expect(e.current()).toMatchObject({ line: '', cursor: 0 });
  });
  it('browses history with Up/Down and keeps the draft', () => {
    const history = ['kubectl get pv', 'kubectl get pvc'];
    const e = editor(history);
    typed(e, 'draft', UP);
    expect(e.current().line).toBe('kubectl get pvc');
    typed(e, UP, UP);
    expect(e.current().line).toBe('kubectl get pv');
    typed(e, DOWN, DOWN);
    expect(e.current().line).toBe('draft');
  });
  it('adds entered lines to history, skipping blanks and repeats', () => {
    const history: string[] = [];
    const e = editor(history);
    typed(e, 'ls\r');
    e.start('$ ');
    typed(e, 'ls\r');
    e.start('$ ');
    typed(e, '  \r');
    expect(history).toEqual(['ls']);
  });
  it('Ctrl-C abandons the line; Ctrl-D on an empty line is end of input', () => {
    const e = editor();
    expect(typed(e, 'kube', '\x03')).toEqual({ echo: 'kube^C\r\n', events: [{ type: 'interrupt' }] });
    e.start('$ ');
    expect(typed(e, '\x04').events).toEqual([{ type: 'eof' }]);
  });
  it('handles escape sequences split across chunks', () => {
    const e = editor(['prev']);
    typed(e, '\x1b', '[A');
    expect(e.current().line).toBe('prev');
  });
  it('queues what follows Enter in one chunk (a multi-line paste) for the next prompt', () => {
    const e = editor();
    const { events } = typed(e, 'kubectl get nodes\r\nkubectl get pv\r');
    expect(events).toEqual([{ type: 'line', text: 'kubectl get nodes' }]);
    expect(e.takeQueued()).toBe('kubectl get pv\r');
  });
  it('ignores other control characters', () => {
    const e = editor();
    typed(e, 'a\x00\x07b');
    expect(e.current().line).toBe('ab');
  });
  it('completes a unique candidate and lists several', () => {
    const e = editor([], (line, cursor) => {
      const word = line.slice(0, cursor).split(' ').pop()!;
      return { start: cursor - word.length, candidates: ['describe', 'delete'].filter((c) => c.startsWith(word)) };
    });
    typed(e, 'kubectl des', '\t');
    expect(e.current().line).toBe('kubectl describe ');
    const e2 = editor([], () => ({ start: 8, candidates: ['describe', 'delete'] }));
    typed(e2, 'kubectl d');
    const { echo } = typed(e2, '\t');
    expect(e2.current().line).toBe('kubectl de');
    expect(typed(e2, '\t').echo).toContain('describe  delete');
    expect(echo).toBe('e');
  });
  it('commonPrefix', () => {
    expect(commonPrefix(['persistentvolumes', 'persistentvolumeclaims'])).toBe('persistentvolume');
  });
});
