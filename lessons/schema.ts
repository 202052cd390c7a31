/**
 * The lesson schema: the single source of truth for a lesson's frontmatter
 * (lessons/<NN>-<id>/index.mdx). The site's content collection, the tests and
 * the sandbox (which reads what cluster a lesson needs) all validate with it.
 */
import { z } from 'zod';

/** lessonId is the short slug used in URLs (/lessons/<id>/) and by `kslab check <id>/<exercise>`. */
export const lessonId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'a lesson id is lower-case letters, digits and dashes, starting with a letter')
  .describe('Short slug used in URLs and by `kslab check <lesson>/<exercise>`, e.g. "nfs".');

export const nodeName = z
  .enum(['lab-control-plane', 'lab-worker', 'lab-worker2'])
  .describe('A node of the cluster shape every sandbox provides (DESIGN.md).');

export const exerciseSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,49}$/, 'an exercise id is lower-case letters, digits and dashes')
      .describe('Exercise id, unique across the whole course, e.g. "bind-nfs-claim".'),
    title: z.string().min(3).describe('What the learner does, as an imperative: "Bind a claim to the NFS volume".'),
  })
  .strict();

export const clusterNeedsSchema = z
  .object({
    nodes: z
      .array(nodeName)
      .min(1)
      .describe('Nodes the lesson uses; every sandbox has all three, this says which ones the text relies on.'),
    nfs: z.boolean().describe('True when the lesson needs the NFS server `nfs` exporting /exports.'),
    ceph: z.boolean().describe('True when the lesson needs the Ceph cluster (monitor ceph:6789, pool rbd) and ceph-csi.'),
  })
  .strict();

export const lessonFrontmatterSchema = z
  .object({
    id: lessonId,
    title: z.string().min(3).describe('Lesson title as shown on the home page and the lesson page.'),
    order: z.number().int().min(0).max(99).describe('Position in the course; lessons are listed by it, 0 first.'),
    summary: z.string().min(20).max(300).describe('One or two sentences for the home page.'),
    minutes: z.number().int().min(5).max(180).describe('Estimated time to read and do the exercises, in minutes.'),
    cluster: clusterNeedsSchema.describe('What the sandbox cluster must provide for this lesson.'),
    exercises: z.array(exerciseSchema).describe('The exercises, in the order the text presents them.'),
  })
  .strict();

export type LessonFrontmatter = z.infer<typeof lessonFrontmatterSchema>;
export type ExerciseMeta = z.infer<typeof exerciseSchema>;
