/**
 * course loads every lesson's exercises (lessons/<NN>-<id>/exercises.ts)
 * and finds one by `lesson` or `lesson/exercise`, the address the CLI and
 * the API use. A lesson folder without exercises.ts has no checks yet.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Exercise, LessonExercises } from './types.ts';

/** LESSONS_ROOT is the course's lessons folder. */
export const LESSONS_ROOT = fileURLToPath(new URL('../../lessons/', import.meta.url));

let loaded: Promise<LessonExercises[]> | undefined;

/** loadCourse imports every lessons/<NN>-<id>/exercises.ts once, in lesson order. */
export function loadCourse(root = LESSONS_ROOT): Promise<LessonExercises[]> {
  if (root === LESSONS_ROOT && loaded) return loaded;
  const p = (async () => {
    const out: LessonExercises[] = [];
    for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && /^\d{2}-/.test(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = join(root, dir.name, 'exercises.ts');
      if (!existsSync(file)) continue;
      const mod = (await import(pathToFileURL(file).href)) as { default: LessonExercises };
      out.push(mod.default);
    }
    return out;
  })();
  if (root === LESSONS_ROOT) loaded = p;
  return p;
}

/** Selection is what an address like "nfs" or "nfs/nfs-bind-claim" names. */
export interface Selection {
  lesson: LessonExercises;
  exercises: Exercise[];
}

/** selectExercises resolves "LESSON[/EXERCISE]"; it throws with the known ids when nothing matches. */
export async function selectExercises(address: string, course?: LessonExercises[]): Promise<Selection> {
  const lessons = course ?? (await loadCourse());
  const [lessonId, exerciseId, extra] = address.split('/');
  const lesson = lessons.find((l) => l.lesson === lessonId);
  if (!lesson || extra !== undefined) {
    throw new Error(`there is no lesson "${lessonId}" (lessons: ${lessons.map((l) => l.lesson).join(', ')})`);
  }
  if (!exerciseId) return { lesson, exercises: lesson.exercises };
  const exercise = lesson.exercises.find((e) => e.id === exerciseId);
  if (!exercise) {
    throw new Error(`lesson "${lesson.lesson}" has no exercise "${exerciseId}" (exercises: ${lesson.exercises.map((e) => e.id).join(', ')})`);
  }
  return { lesson, exercises: [exercise] };
}
