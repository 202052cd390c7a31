/**
 * Course lint: reads a folder of lessons (the real `lessons/` or a fixture
 * under test/fixtures/lessons/) straight from disk and lists every way it
 * breaks the lesson contract (/work/shared briefs, README "Adding a lesson").
 * Each problem names the lesson file, so a failing test says what to fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lessonFrontmatterSchema, type LessonFrontmatter } from '../../../lessons/schema.ts';
import { frontmatterProblems } from '../../../site/lib/lesson-frontmatter-errors.ts';
import { lessonReferences, type LessonReferences } from '../../../site/lib/lesson-source.ts';

/** LessonFolder is one lesson folder as found on disk. */
export interface LessonFolder {
  folder: string;
  dir: string;
  /** indexFile is the path shown in messages, relative to the project (lessons/03-nfs/index.mdx). */
  indexFile: string;
  source: string;
  body: string;
  rawFrontmatter: unknown;
  frontmatter?: LessonFrontmatter;
  frontmatterProblems: string[];
  references: LessonReferences;
  manifestFiles: string[];
  diagramFiles: string[];
}

function filesIn(dir: string, ext: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(ext)).sort() : [];
}

/** splitFrontmatter separates the YAML frontmatter from the MDX body. */
export function splitFrontmatter(source: string): { yaml: string; body: string } | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  return m ? { yaml: m[1]!, body: m[2]! } : undefined;
}

/** readLessonFolder loads one lesson folder (one that has an index.mdx). */
export function readLessonFolder(root: string, folder: string): LessonFolder {
  const dir = path.join(root, folder);
  const indexPath = path.join(dir, 'index.mdx');
  const indexFile = path.relative(process.cwd(), indexPath);
  const source = fs.readFileSync(indexPath, 'utf8');
  const split = splitFrontmatter(source);
  let rawFrontmatter: unknown;
  const problems: string[] = [];
  let frontmatter: LessonFrontmatter | undefined;
  if (!split) {
    problems.push(`${indexFile}: has no frontmatter (a --- block at the top)`);
  } else {
    try {
      rawFrontmatter = parseYaml(split.yaml);
      const result = lessonFrontmatterSchema.safeParse(rawFrontmatter);
      if (result.success) frontmatter = result.data;
      else problems.push(...frontmatterProblems(result.error, rawFrontmatter).map((p) => `${indexFile}: ${p}`));
    } catch (error) {
      problems.push(`${indexFile}: frontmatter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const body = split?.body ?? source;
  return {
    folder,
    dir,
    indexFile,
    source,
    body,
    rawFrontmatter,
    frontmatter,
    frontmatterProblems: problems,
    references: lessonReferences(body),
    manifestFiles: filesIn(path.join(dir, 'manifests'), '.yaml'),
    diagramFiles: filesIn(path.join(dir, 'diagrams'), '.svg'),
  };
}

/** readCourse loads every lesson folder under `root` that has an index.mdx, in folder-name order. */
export function readCourse(root: string): LessonFolder[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'index.mdx')))
    .map((d) => d.name)
    .sort()
    .map((folder) => readLessonFolder(root, folder));
}

/** lessonProblems lists what is wrong inside one lesson: folder name, exercises vs <Exercise>, manifests and diagrams vs the files. */
export function lessonProblems(lesson: LessonFolder): string[] {
  const problems = [...lesson.frontmatterProblems];
  const { indexFile, references: refs, frontmatter } = lesson;
  if (frontmatter) {
    const expectedFolder = `${String(frontmatter.order).padStart(2, '0')}-${frontmatter.id}`;
    if (lesson.folder !== expectedFolder) {
      problems.push(`${indexFile}: folder is "${lesson.folder}", but order ${frontmatter.order} and id "${frontmatter.id}" say "${expectedFolder}"`);
    }
    const listed = frontmatter.exercises.map((e) => e.id);
    if (listed.join('\n') !== refs.exercises.join('\n')) {
      problems.push(
        `${indexFile}: the <Exercise id> elements (${refs.exercises.join(', ') || 'none'}) must be the frontmatter's exercises in the same order (${listed.join(', ') || 'none'})`,
      );
    }
  }
  for (const file of refs.manifests) {
    if (!lesson.manifestFiles.includes(file)) problems.push(`${indexFile}: <Manifest file="${file}"> but manifests/${file} does not exist`);
  }
  for (const file of lesson.manifestFiles) {
    if (!refs.manifests.includes(file)) problems.push(`${indexFile}: manifests/${file} is never shown with <Manifest file="${file}" />`);
  }
  for (const file of refs.diagrams) {
    if (!lesson.diagramFiles.includes(file)) problems.push(`${indexFile}: <Diagram file="${file}"> but diagrams/${file} does not exist`);
  }
  if (refs.diagrams.length === 0) problems.push(`${indexFile}: has no <Diagram> (every lesson has at least one)`);
  if (refs.manifests.length === 0) problems.push(`${indexFile}: has no <Manifest> (every lesson shows at least one)`);
  return problems;
}

/** courseProblems lists what is wrong across lessons: duplicate orders, ids and exercise ids. */
export function courseProblems(lessons: LessonFolder[]): string[] {
  const problems: string[] = [];
  const seen = (label: string, key: (l: LessonFrontmatter) => Array<string | number>) => {
    const owners = new Map<string | number, string>();
    for (const lesson of lessons) {
      if (!lesson.frontmatter) continue;
      for (const value of key(lesson.frontmatter)) {
        const owner = owners.get(value);
        if (owner) problems.push(`${lesson.indexFile}: ${label} ${JSON.stringify(value)} is already used by ${owner}`);
        else owners.set(value, lesson.indexFile);
      }
    }
  };
  seen('order', (f) => [f.order]);
  seen('lesson id', (f) => [f.id]);
  seen('exercise id', (f) => f.exercises.map((e) => e.id));
  return problems;
}
