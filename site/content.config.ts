// The course content: one entry per lessons/<NN>-<id>/index.mdx, validated by
// the lesson schema (lessons/schema.ts is the single source of truth).
import { defineCollection } from 'astro:content';
import { lessonFrontmatterSchema } from '../lessons/schema.ts';
import { lessonLoader } from './lib/lesson-loader.ts';

export const collections = {
  lessons: defineCollection({ loader: lessonLoader(), schema: lessonFrontmatterSchema }),
};
