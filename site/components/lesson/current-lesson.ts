/**
 * currentLesson returns the lesson being rendered, which the lesson page puts in
 * Astro.locals before rendering the MDX, so that the MDX components can be used
 * without props saying which lesson they belong to.
 */
import type { LessonRef } from '../../lib/lesson-assets.ts';

export function currentLesson(locals: App.Locals, component: string): LessonRef {
  if (!locals.lesson) {
    throw new Error(`<${component}> can only be used inside a lesson (lessons/<NN>-<id>/index.mdx rendered by the lesson page).`);
  }
  return locals.lesson;
}
