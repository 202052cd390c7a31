// The build-time message for invalid frontmatter: file, field, expected X found Y.
import { describe, expect, it } from 'vitest';
import { lessonFrontmatterSchema } from '../../../lessons/schema.ts';
import { LessonFrontmatterError, describeFound, fieldName, frontmatterProblems } from '../../../site/lib/lesson-frontmatter-errors.ts';

const valid = {
  id: 'nfs',
  title: 'NFS persistent volumes and claims',
  order: 3,
  summary: 'Volumes and claims on an NFS server, and what survives a node failure.',
  minutes: 40,
  cluster: { nodes: ['lab-worker'], nfs: true, ceph: false },
  exercises: [{ id: 'nfs-bind-claim', title: 'Bind a claim to the NFS volume' }],
};

function problemsFor(data: unknown): string[] {
  const result = lessonFrontmatterSchema.safeParse(data);
  if (result.success) return [];
  return frontmatterProblems(result.error, data);
}

describe('frontmatter problems', () => {
  it('accepts valid frontmatter', () => {
    expect(problemsFor(valid)).toEqual([]);
  });

  it('says expected X, found Y for each field', () => {
    expect(
      problemsFor({
        ...valid,
        minutes: 'forty',
        order: 2.5,
        summary: 'short',
        cluster: { nodes: [], nfs: 'yes', ceph: false, extra: 1 },
        exercises: [{ id: 'NFS!', title: 'Bind' }],
      }),
    ).toMatchInlineSnapshot(`
      [
        "order: expected an integer, found 2.5 (a number)",
        "summary: expected at least 20 characters, found 5 in "short" (a string)",
        "minutes: expected a number, found "forty" (a string)",
        "cluster.nodes: expected at least 1 item, found a list of 0 items",
        "cluster.nfs: expected true or false, found "yes" (a string)",
        "cluster: unknown field "extra" (not in the lesson schema; check the spelling)",
        "exercises[0].id: an exercise id is lower-case letters, digits and dashes; found "NFS!" (a string)",
      ]
    `);
  });

  it('says which field is missing', () => {
    const { title: _title, ...withoutTitle } = valid;
    expect(problemsFor(withoutTitle)).toMatchInlineSnapshot(`
      [
        "title: is missing (expected a string)",
      ]
    `);
  });

  it('builds an error message naming the file', () => {
    expect(new LessonFrontmatterError('lessons/03-nfs/index.mdx', problemsFor({ ...valid, minutes: 'forty' })).message).toMatchInlineSnapshot(`
      "Invalid frontmatter in lessons/03-nfs/index.mdx (schema: lessons/schema.ts):
        - minutes: expected a number, found "forty" (a string)"
    `);
  });

  it('names paths and values the way YAML reads', () => {
    expect(fieldName(['exercises', 1, 'id'])).toBe('exercises[1].id');
    expect([describeFound('x'), describeFound(3), describeFound([1, 2]), describeFound({}), describeFound(null)]).toEqual([
      '"x" (a string)',
      '3 (a number)',
      'a list of 2 items',
      'a mapping',
      'null',
    ]);
  });
});
