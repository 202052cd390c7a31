/**
 * lessonsRoot is the folder that holds the lesson folders (`lessons/<NN>-<id>/`).
 *
 * It is `./lessons` of the project. KSLAB_LESSONS_DIR may point the site at
 * another folder (e.g. `test/fixtures/lessons`) so the site can be built and
 * looked at before the real lessons exist; the build of the course never sets it.
 * process.cwd() rather than import.meta.url because Astro bundles this module
 * into a chunk under dist/ while building, and the build always runs from the
 * project root (`npm run build`).
 */
import path from 'node:path';

export const lessonsRoot: string = path.resolve(process.cwd(), process.env.KSLAB_LESSONS_DIR ?? 'lessons');

/** lessonFolderOf returns the lesson folder name (e.g. "03-nfs") of a lesson's index.mdx path. */
export function lessonFolderOf(indexFilePath: string): string {
  return path.basename(path.dirname(indexFilePath));
}
