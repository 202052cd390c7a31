/**
 * The files a lesson's MDX components show: manifests/<file> for <Manifest>
 * and diagrams/<file> for <Diagram>, read at build time from the lesson's
 * folder. A name that does not resolve is a build error naming the lesson and
 * the file, so a typo can never ship as an empty box.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExerciseMeta } from '../../lessons/schema.ts';

/** LessonRef identifies the lesson being rendered: its id and its folder under the lessons root. */
export interface LessonRef {
  id: string;
  folder: string;
  root: string;
  exercises: ExerciseMeta[];
}

/** LessonContentError is a build-time error in a lesson's use of the MDX components. */
export class LessonContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonContentError';
  }
}

function listFiles(dir: string, ext: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .sort();
  } catch {
    return [];
  }
}

/** lessonFile is a path in a lesson folder as the author sees it from the project root (lessons/03-nfs/…). */
function lessonFile(lesson: LessonRef, ...parts: string[]): string {
  return path.relative(process.cwd(), path.join(lesson.root, lesson.folder, ...parts)).split(path.sep).join('/');
}

function lessonLabel(lesson: LessonRef): string {
  return `Lesson "${lesson.id}" (${lessonFile(lesson, 'index.mdx')})`;
}

/** assetPath resolves `file` inside the lesson's `kind` folder, refusing names that would leave it. */
function assetPath(lesson: LessonRef, kind: 'manifests' | 'diagrams', component: string, file: string | undefined): string {
  if (!file || file !== path.basename(file) || file.startsWith('.')) {
    throw new LessonContentError(
      `${lessonLabel(lesson)}: <${component} file=${JSON.stringify(file ?? '')}> must name a file directly inside ${kind}/, e.g. file="example${kind === 'manifests' ? '.yaml' : '.svg'}".`,
    );
  }
  return path.join(lesson.root, lesson.folder, kind, file);
}

function missing(lesson: LessonRef, kind: 'manifests' | 'diagrams', component: string, file: string): LessonContentError {
  const dir = path.join(lesson.root, lesson.folder, kind);
  const present = listFiles(dir, kind === 'manifests' ? '.yaml' : '.svg');
  return new LessonContentError(
    `${lessonLabel(lesson)}: <${component} file="${file}"> names ${lessonFile(lesson, kind, file)}, which does not exist. ` +
      (present.length ? `Files in ${kind}/: ${present.join(', ')}.` : `${lessonFile(lesson, kind)}/ has no files.`),
  );
}

/** readManifest returns the text of a lesson manifest exactly as the learner will apply it. */
export function readManifest(lesson: LessonRef, file: string | undefined): string {
  const p = assetPath(lesson, 'manifests', 'Manifest', file);
  if (!fs.existsSync(p)) throw missing(lesson, 'manifests', 'Manifest', file!);
  return fs.readFileSync(p, 'utf8');
}

/** DiagramFile is a lesson diagram: its SVG text and the size its viewBox gives (for width/height, so the page doesn't jump). */
export interface DiagramFile {
  svg: string;
  width: number;
  height: number;
}

/** readDiagram reads a lesson's SVG diagram and its intrinsic size. */
export function readDiagram(lesson: LessonRef, file: string | undefined): DiagramFile {
  const p = assetPath(lesson, 'diagrams', 'Diagram', file);
  if (!fs.existsSync(p)) throw missing(lesson, 'diagrams', 'Diagram', file!);
  const svg = fs.readFileSync(p, 'utf8');
  return { svg, ...svgSize(svg) };
}

/** svgSize reads width and height from the SVG's viewBox (the lesson diagrams all set one), defaulting to 720×360. */
export function svgSize(svg: string): { width: number; height: number } {
  const viewBox = /<svg\b[^>]*\bviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*["']/i.exec(svg);
  if (!viewBox) return { width: 720, height: 360 };
  return { width: Math.round(Number(viewBox[1])), height: Math.round(Number(viewBox[2])) };
}

/** diagramFiles lists a lesson folder's SVG diagrams (for emitting them as files under /lessons/<id>/diagrams/). */
export function diagramFiles(root: string, folder: string): string[] {
  return listFiles(path.join(root, folder, 'diagrams'), '.svg');
}

/** diagramUrl is where the site serves a lesson's diagram. */
export function diagramUrl(lessonId: string, file: string): string {
  return `/lessons/${lessonId}/diagrams/${file}`;
}

/** findExercise returns the frontmatter entry of the exercise an <Exercise id> names, or fails naming the lesson and the ids it has. */
export function findExercise(lesson: LessonRef, id: string | undefined): { exercise: ExerciseMeta; number: number } {
  const index = lesson.exercises.findIndex((e) => e.id === id);
  if (index < 0) {
    const known = lesson.exercises.map((e) => `"${e.id}"`).join(', ');
    throw new LessonContentError(
      `${lessonLabel(lesson)}: <Exercise id=${JSON.stringify(id ?? '')}> is not one of the exercises in its frontmatter` +
        (known ? ` (${known}).` : ' (it lists none).'),
    );
  }
  return { exercise: lesson.exercises[index]!, number: index + 1 };
}
