// Reading a lesson's MDX: the terminal pane's command list and the component
// references the lint checks.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fencedBlocks, lessonReferences, shellCommands } from '../../../site/lib/lesson-source.ts';

const sample = fs.readFileSync('test/fixtures/lessons/valid-course/01-sample/index.mdx', 'utf8');

describe('shellCommands', () => {
  it('lists every line of every ```shell block in order, comments marked, output blocks left out', () => {
    expect(shellCommands(sample)).toEqual([
      { kind: 'comment', text: '# create the volume' },
      { kind: 'command', text: 'kubectl apply -f sample-pv.yaml' },
      { kind: 'command', text: 'kubectl get pv' },
      { kind: 'command', text: 'kubectl apply -f sample-deployment.yaml' },
    ]);
  });

  it('handles ~~~ fences, longer fences holding ``` and blocks indented inside components', () => {
    const source = [
      '~~~shell',
      'kubectl get pods',
      '~~~',
      '````markdown',
      '```shell',
      'not a command',
      '```',
      '````',
      '<Exercise id="x">',
      '  ```shell',
      '  kubectl get pvc',
      '  ```',
      '</Exercise>',
    ].join('\n');
    expect(fencedBlocks(source).map((b) => b.lang)).toEqual(['shell', 'markdown', 'shell']);
    expect(shellCommands(source).map((l) => l.text)).toEqual(['kubectl get pods', 'kubectl get pvc']);
  });
});

describe('lessonReferences', () => {
  it('collects Manifest and Diagram files and Exercise ids in order', () => {
    expect(lessonReferences(sample)).toEqual({
      manifests: ['sample-pv.yaml', 'sample-deployment.yaml'],
      diagrams: ['volume.svg'],
      exercises: ['sample-bind-claim', 'sample-run-pod'],
    });
  });

  it('ignores components shown inside code, reads any attribute order and quote style', () => {
    const source = [
      'Use `<Manifest file="inline.yaml" />` like this:',
      '```mdx',
      '<Manifest file="fenced.yaml" />',
      '```',
      "<Diagram alt=\"A > B\" file='real.svg' />",
      '<Manifest',
      '  file={"multi-line.yaml"}',
      '/>',
    ].join('\n');
    expect(lessonReferences(source)).toEqual({ manifests: ['multi-line.yaml'], diagrams: ['real.svg'], exercises: [] });
  });
});
