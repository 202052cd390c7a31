/**
 * lessonLoader is the content-layer loader of the `lessons` collection: Astro's
 * glob loader over `lessons/<NN>-<id>/index.mdx`, with the frontmatter checked
 * against lessons/schema.ts first so that a mistake fails the build with a
 * message naming the file and the field ("minutes: expected an integer, found
 * "ten" (a string)") instead of Astro's generic schema error.
 */
import path from 'node:path';
import { glob } from 'astro/loaders';
import type { Loader, LoaderContext } from 'astro/loaders';
import { lessonFrontmatterSchema } from '../../lessons/schema.ts';
import { LessonFrontmatterError, frontmatterProblems } from './lesson-frontmatter-errors.ts';
import { lessonsRoot } from './lessons-root.ts';

export function lessonLoader(base: string = lessonsRoot): Loader {
  const inner = glob({
    pattern: '*/index.mdx',
    base,
    // The entry id is the lesson's own id (its URL), not the folder name.
    generateId: ({ entry, data }) => (typeof data.id === 'string' ? data.id : path.dirname(entry)),
  });
  return {
    name: 'kslab-lessons',
    load: (context: LoaderContext) =>
      inner.load({
        ...context,
        parseData: async (props) => {
          const result = lessonFrontmatterSchema.safeParse(props.data);
          if (!result.success) {
            const file = props.filePath ? path.relative(process.cwd(), props.filePath) : `lesson ${props.id}`;
            throw new LessonFrontmatterError(file, frontmatterProblems(result.error, props.data));
          }
          return context.parseData(props);
        },
      }),
  };
}
