// Every lesson's exercises.ts covers exactly the exercises of its frontmatter, each with checks, a reference
// solution and at least one broken variant, and every variant file it names exists under variants/.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCourse, LESSONS_ROOT, selectExercises } from '../../../sandbox/checks/course.ts';

const lessonDirs = readdirSync(LESSONS_ROOT).filter((d) => /^\d{2}-/.test(d)).sort();

describe('the course\'s exercises', async () => {
  const course = await loadCourse();

  it('has exercises.ts for every lesson, in lesson order', () => {
    expect(course.map((l) => l.lesson)).toEqual(lessonDirs.map((d) => parse(/^---\n([\s\S]*?)\n---/.exec(readFileSync(join(LESSONS_ROOT, d, 'index.mdx'), 'utf8'))![1]!).id));
  });

  for (const dir of lessonDirs) {
    it(`${dir}: matches the frontmatter; every exercise has checks, a solution and broken variants`, () => {
      const front = parse(/^---\n([\s\S]*?)\n---/.exec(readFileSync(join(LESSONS_ROOT, dir, 'index.mdx'), 'utf8'))![1]!) as { id: string; exercises: { id: string; title: string }[] };
      const lesson = course.find((l) => l.lesson === front.id)!;
      expect(lesson.exercises.map((e) => [e.id, e.title])).toEqual(front.exercises.map((e) => [e.id, e.title]));
      for (const e of lesson.exercises) {
        expect(e.checks.length, e.id).toBeGreaterThan(0);
        expect(new Set(e.checks.map((c) => c.id)).size, `${e.id}: check ids are unique`).toBe(e.checks.length);
        expect(e.variants.length, `${e.id} has a broken variant`).toBeGreaterThan(0);
        for (const v of e.variants) {
          for (const id of Object.keys(v.fails)) expect(e.checks.map((c) => c.id), `${e.id}/${v.name}`).toContain(id);
          for (const s of v.steps) {
            const m = /^apply (variants\/\S+)$/.exec(s.title);
            if (m) expect(existsSync(join(LESSONS_ROOT, dir, m[1]!)), m[1]).toBe(true);
          }
        }
      }
    });
  }

  it('lessons import only the check helpers (DESIGN.md layering)', () => {
    for (const dir of lessonDirs) {
      const source = readFileSync(join(LESSONS_ROOT, dir, 'exercises.ts'), 'utf8');
      const imports = [...source.matchAll(/^import [\s\S]*? from '([^']+)';/gm)].map((m) => m[1]);
      expect(imports, dir).toEqual(['../../sandbox/checks/index.ts']);
    }
  });

  it('resolves LESSON and LESSON/EXERCISE, and names the known ids when it cannot', async () => {
    expect((await selectExercises('nfs')).exercises).toHaveLength(4);
    expect((await selectExercises('nfs/nfs-bind-claim')).exercises.map((e) => e.id)).toEqual(['nfs-bind-claim']);
    await expect(selectExercises('nfs/nope')).rejects.toThrow('lesson "nfs" has no exercise "nope" (exercises: nfs-pv-available, nfs-bind-claim, nfs-mysql-on-claim, nfs-survive-node-failure)');
    await expect(selectExercises('nope')).rejects.toThrow(/^there is no lesson "nope" \(lessons: why-storage, emptydir, hostpath, nfs, ceph-rbd, local-pv, local-path, capstone\)$/);
  });
});
