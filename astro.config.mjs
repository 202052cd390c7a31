// The course site (site/) is built by Astro into dist/, which `kslab serve` serves.
// Static output, no adapter: the sandbox server serves dist/ itself.
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import rehypeCodeBlocks from './site/lib/rehype-code-blocks.ts';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [mdx()],
  markdown: {
    // Light theme to match the page; Shiki runs at build time, so no highlighting JS ships.
    shikiConfig: { theme: 'github-light' },
    rehypePlugins: [rehypeCodeBlocks],
  },
  // The site makes no requests to other hosts (no CDN fonts, no telemetry).
  devToolbar: { enabled: false },
});
