/**
 * LessonCatalog is what the sandbox needs to know about the course: which
 * lesson ids exist, where each lesson's manifests are (copied into a
 * session's working folder), which exercises it has (for the check route)
 * and which nodes the text relies on (for the power buttons). It reads the
 * frontmatter of lessons/<NN>-<id>/index.mdx and validates it with the same
 * schema the site uses (lessons/schema.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lessonFrontmatterSchema, type LessonFrontmatter } from '../../lessons/schema.ts';

export interface CatalogLesson {
  id: string;
  title: string;
  /** folder is the lesson's directory (absolute). */
  folder: string;
  exercises: string[];
  nodes: LessonFrontmatter['cluster']['nodes'];
  /** manifests are the file names under manifests/ (*.yaml, *.yml). */
  manifests: string[];
}

export class LessonCatalog {
  private readonly byId = new Map<string, CatalogLesson>();

  /** load reads every lesson folder under root; a folder without a valid index.mdx is skipped with a warning. */
  static load(root: string, warn: (message: string) => void = () => {}): LessonCatalog {
    const catalog = new LessonCatalog();
    if (!existsSync(root)) return catalog;
    for (const dir of readdirSync(root, { withFileTypes: true })) {
      if (!dir.isDirectory() || !/^\d{2}-/.test(dir.name)) continue;
      const folder = join(root, dir.name);
      const index = join(folder, 'index.mdx');
      if (!existsSync(index)) continue;
      const text = readFileSync(index, 'utf8');
      const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
      if (!match) {
        warn(`${index}: no frontmatter`);
        continue;
      }
      const parsed = lessonFrontmatterSchema.safeParse(parseYaml(match[1]!));
      if (!parsed.success) {
        warn(`${index}: invalid frontmatter: ${parsed.error.issues[0]?.message ?? ''}`);
        continue;
      }
      const manifestsDir = join(folder, 'manifests');
      const manifests = existsSync(manifestsDir)
        ? readdirSync(manifestsDir).filter((f) => /\.ya?ml$/.test(f)).sort()
        : [];
      catalog.byId.set(parsed.data.id, {
        id: parsed.data.id,
        title: parsed.data.title,
        folder,
        exercises: parsed.data.exercises.map((e) => e.id),
        nodes: parsed.data.cluster.nodes,
        manifests,
      });
    }
    return catalog;
  }

  get(id: string): CatalogLesson | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
