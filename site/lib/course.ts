/**
 * The course as the pages see it: the lessons collection sorted by `order`,
 * each with what the pages need (URL, folder, neighbours). Route data is
 * computed here once; the .astro pages only render it.
 */
import { getCollection } from 'astro:content';
import type { LessonFrontmatter } from '../../lessons/schema.ts';
import { lessonFolderOf, lessonsRoot } from './lessons-root.ts';
import type { LessonRef } from './lesson-assets.ts';

/**
 * LessonEntry is the part of a `lessons` collection entry the pages use. Spelled
 * out (rather than CollectionEntry<'lessons'>) so this module type-checks before
 * `astro sync` has generated the collection types.
 */
export interface LessonEntry {
  id: string;
  collection: 'lessons';
  data: LessonFrontmatter;
  body?: string;
  filePath?: string;
}

/** CourseLesson is one lesson with its place in the course. */
export interface CourseLesson {
  entry: LessonEntry;
  url: string;
  ref: LessonRef;
  previous?: LessonEntry;
  next?: LessonEntry;
}

/** lessonUrl is the page of a lesson. */
export function lessonUrl(id: string): string {
  return `/lessons/${id}/`;
}

/** courseLessons returns every lesson in `order`, with its neighbours for previous/next navigation. */
export async function courseLessons(): Promise<CourseLesson[]> {
  const entries = ((await getCollection('lessons')) as LessonEntry[]).sort((a, b) => a.data.order - b.data.order);
  return entries.map((entry, i) => ({
    entry,
    url: lessonUrl(entry.data.id),
    ref: {
      id: entry.data.id,
      folder: lessonFolderOf(entry.filePath ?? `${entry.id}/index.mdx`),
      root: lessonsRoot,
      exercises: entry.data.exercises,
    },
    previous: entries[i - 1],
    next: entries[i + 1],
  }));
}
