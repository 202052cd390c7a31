// The course lint catches what it is meant to catch: one fixture course per
// kind of mistake (test/fixtures/lessons/invalid-*), with the exact wording an
// author will read.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { courseProblems, lessonProblems, readCourse } from './course-lint.ts';

const fixture = (name: string) => readCourse(path.resolve('test/fixtures/lessons', name));

describe('course lint', () => {
  it('finds nothing wrong with the valid fixture course', () => {
    const lessons = fixture('valid-course');
    expect(lessons.map((l) => l.folder)).toEqual(['01-sample', '02-second']);
    expect(lessons.flatMap(lessonProblems)).toEqual([]);
    expect(courseProblems(lessons)).toEqual([]);
  });

  it('names the file and every field of invalid frontmatter', () => {
    expect(fixture('invalid-frontmatter').flatMap(lessonProblems)).toMatchInlineSnapshot(`
      [
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: order: expected an integer, found 1.5 (a number)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: minutes: expected a number, found "ten" (a string)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: cluster.nodes[0]: expected one of "lab-control-plane", "lab-worker", "lab-worker2", found "lab-worker3" (a string)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: cluster.nfs: expected true or false, found "yes please" (a string)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: cluster.ceph: is missing (expected true or false)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: exercises[0].id: an exercise id is lower-case letters, digits and dashes; found "Bad Id" (a string)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: frontmatter: unknown field "author" (not in the lesson schema; check the spelling)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: has no <Diagram> (every lesson has at least one)",
        "test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx: has no <Manifest> (every lesson shows at least one)",
      ]
    `);
  });

  it('finds missing and unshown files, exercises out of order, and a folder that does not match the id', () => {
    expect(fixture('invalid-references').flatMap(lessonProblems)).toMatchInlineSnapshot(`
      [
        "test/fixtures/lessons/invalid-references/01-refs/index.mdx: folder is "01-refs", but order 2 and id "refs" say "02-refs"",
        "test/fixtures/lessons/invalid-references/01-refs/index.mdx: the <Exercise id> elements (refs-second, refs-first) must be the frontmatter's exercises in the same order (refs-first, refs-second)",
        "test/fixtures/lessons/invalid-references/01-refs/index.mdx: <Manifest file="missing.yaml"> but manifests/missing.yaml does not exist",
        "test/fixtures/lessons/invalid-references/01-refs/index.mdx: manifests/unshown.yaml is never shown with <Manifest file="unshown.yaml" />",
        "test/fixtures/lessons/invalid-references/01-refs/index.mdx: <Diagram file="missing.svg"> but diagrams/missing.svg does not exist",
      ]
    `);
  });

  it('finds orders and exercise ids used twice across the course', () => {
    expect(courseProblems(fixture('invalid-course'))).toMatchInlineSnapshot(`
      [
        "test/fixtures/lessons/invalid-course/02-second/index.mdx: order 1 is already used by test/fixtures/lessons/invalid-course/01-first/index.mdx",
        "test/fixtures/lessons/invalid-course/02-second/index.mdx: exercise id "clash-exercise" is already used by test/fixtures/lessons/invalid-course/01-first/index.mdx",
      ]
    `);
  });
});
