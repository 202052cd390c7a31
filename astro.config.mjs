// The course site (site/) is built by Astro into dist/, which `kslab serve` serves.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  output: 'static',
  integrations: [mdx()],
});
