// The MDX components' build-time errors: a missing manifest or diagram, or an
// unknown exercise id, fails the build with a message naming lesson and file.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExercise, readDiagram, readManifest, svgSize, type LessonRef } from '../../../site/lib/lesson-assets.ts';

const lesson: LessonRef = {
  id: 'sample',
  folder: '01-sample',
  root: path.resolve('test/fixtures/lessons/valid-course'),
  exercises: [
    { id: 'sample-bind-claim', title: 'Bind a claim to the sample volume' },
    { id: 'sample-run-pod', title: 'Run a pod on the claim' },
  ],
};

describe('readManifest', () => {
  it('returns the file verbatim', () => {
    expect(readManifest(lesson, 'sample-pv.yaml')).toMatch(/^apiVersion: v1\nkind: PersistentVolume\n/);
  });

  it('fails naming the lesson, the file and what is there', () => {
    expect(() => readManifest(lesson, 'mysql-pv.yaml')).toThrowErrorMatchingInlineSnapshot(`[LessonContentError: Lesson "sample" (test/fixtures/lessons/valid-course/01-sample/index.mdx): <Manifest file="mysql-pv.yaml"> names test/fixtures/lessons/valid-course/01-sample/manifests/mysql-pv.yaml, which does not exist. Files in manifests/: sample-deployment.yaml, sample-pv.yaml.]`);
  });

  it('refuses paths that leave manifests/', () => {
    expect(() => readManifest(lesson, '../index.mdx')).toThrowErrorMatchingInlineSnapshot(`[LessonContentError: Lesson "sample" (test/fixtures/lessons/valid-course/01-sample/index.mdx): <Manifest file="../index.mdx"> must name a file directly inside manifests/, e.g. file="example.yaml".]`);
  });
});

describe('readDiagram', () => {
  it('reads the SVG and its size from the viewBox', () => {
    const diagram = readDiagram(lesson, 'volume.svg');
    expect(diagram.svg).toContain('<title id="t">Pod, claim and volume</title>');
    expect([diagram.width, diagram.height]).toEqual([720, 240]);
  });

  it('fails naming the lesson and the file', () => {
    expect(() => readDiagram(lesson, 'pv-nfs.svg')).toThrowErrorMatchingInlineSnapshot(`[LessonContentError: Lesson "sample" (test/fixtures/lessons/valid-course/01-sample/index.mdx): <Diagram file="pv-nfs.svg"> names test/fixtures/lessons/valid-course/01-sample/diagrams/pv-nfs.svg, which does not exist. Files in diagrams/: volume.svg.]`);
  });

  it('falls back to 720x360 without a viewBox', () => {
    expect(svgSize('<svg width="10"></svg>')).toEqual({ width: 720, height: 360 });
  });
});

describe('findExercise', () => {
  it('finds the exercise and its number', () => {
    expect(findExercise(lesson, 'sample-run-pod')).toEqual({ exercise: lesson.exercises[1], number: 2 });
  });

  it('fails naming the lesson and the ids it has', () => {
    expect(() => findExercise(lesson, 'sample-typo')).toThrowErrorMatchingInlineSnapshot(`[LessonContentError: Lesson "sample" (test/fixtures/lessons/valid-course/01-sample/index.mdx): <Exercise id="sample-typo"> is not one of the exercises in its frontmatter ("sample-bind-claim", "sample-run-pod").]`);
  });
});
