// The real course (lessons/*/index.mdx) keeps the lesson contract: valid
// frontmatter, folder named <NN>-<id>, unique orders and exercise ids, every
// <Manifest>/<Diagram> names a file that exists, every manifest is shown.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { courseProblems, lessonProblems, readCourse } from './course-lint.ts';

const lessons = readCourse(path.resolve('lessons'));

describe('the course in lessons/', () => {
  it('has at least one lesson', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(1);
  });

  it.each(lessons.map((l) => [l.folder, l]))('lessons/%s keeps the lesson contract', (_folder, lesson) => {
    expect(lessonProblems(lesson)).toEqual([]);
  });

  it('uses every order, lesson id and exercise id once', () => {
    expect(courseProblems(lessons)).toEqual([]);
  });
});
