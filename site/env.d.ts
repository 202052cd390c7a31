/// <reference path="../.astro/types.d.ts" />

declare namespace App {
  interface Locals {
    /** lesson is the lesson being rendered; the lesson page sets it so the MDX components know whose files to read. */
    lesson?: import('./lib/lesson-assets.ts').LessonRef;
  }
}
