// Astro's ambient types (astro:content, import.meta.env). The collection-specific
// types come from .astro/types.d.ts, which `astro build`/`astro sync` generates
// and tsconfig.json includes when it exists.
/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** lesson is the lesson being rendered; the lesson page sets it so the MDX components know whose files to read. */
    lesson?: import('./lib/lesson-assets.ts').LessonRef;
  }
}
