// Serves each lesson's diagrams/*.svg as a file of the built site
// (/lessons/<id>/diagrams/<file>), read from the lesson folder at build time.
import type { APIRoute, GetStaticPaths } from 'astro';
import { courseLessons } from '../../../../lib/course.ts';
import { diagramFiles, readDiagram } from '../../../../lib/lesson-assets.ts';

export const getStaticPaths = (async () => {
  const lessons = await courseLessons();
  return lessons.flatMap(({ ref }) =>
    diagramFiles(ref.root, ref.folder).map((file) => ({ params: { id: ref.id, file }, props: { svg: readDiagram(ref, file).svg } })),
  );
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(props.svg as string, { headers: { 'Content-Type': 'image/svg+xml; charset=utf-8' } });
