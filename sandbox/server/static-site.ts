/**
 * StaticSite serves the built course site (Astro's `dist/`): files with
 * their content types, `/lessons/x` redirected to `/lessons/x/`, directory
 * indexes, the site's own 404 page with status 404, and long caching only
 * for Astro's content-hashed `/_astro/` assets. Paths are resolved inside
 * the root and nothing outside it is ever read.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { extname, join, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** contentTypes covers what an Astro build emits. */
export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export type StaticResolution =
  | { kind: 'file'; path: string; contentType: string; immutable: boolean }
  | { kind: 'redirect'; location: string }
  | { kind: 'not-found' };

/** resolveStatic maps a URL path to a file under root (pure apart from stat; tested). */
export function resolveStatic(root: string, urlPath: string): StaticResolution {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'not-found' };
  }
  if (path.includes('\0') || !path.startsWith('/')) return { kind: 'not-found' };
  const base = resolve(root);
  const target = resolve(base, '.' + path);
  if (target !== base && !target.startsWith(base + sep)) return { kind: 'not-found' };
  if (existsSync(target)) {
    const st = statSync(target);
    if (st.isDirectory()) {
      if (!path.endsWith('/')) return { kind: 'redirect', location: `${urlPath}/` };
      const index = join(target, 'index.html');
      if (existsSync(index)) return { kind: 'file', path: index, contentType: contentTypes['.html']!, immutable: false };
      return { kind: 'not-found' };
    }
    if (st.isFile()) {
      return {
        kind: 'file',
        path: target,
        contentType: contentTypes[extname(target).toLowerCase()] ?? 'application/octet-stream',
        immutable: path.startsWith('/_astro/'),
      };
    }
  }
  // Astro with build.format 'file' writes /x.html for /x.
  if (!extname(target) && existsSync(`${target}.html`)) {
    return { kind: 'file', path: `${target}.html`, contentType: contentTypes['.html']!, immutable: false };
  }
  return { kind: 'not-found' };
}

/** serveStatic answers a GET/HEAD for the site. */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const resolved = resolveStatic(root, pathname);
  if (resolved.kind === 'redirect') {
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    res.writeHead(301, { Location: resolved.location + query, 'Content-Length': '0' });
    res.end();
    return;
  }
  if (resolved.kind === 'not-found') {
    const page = join(root, '404.html');
    if (existsSync(page)) {
      sendFile(req, res, 404, page, contentTypes['.html']!, false);
    } else {
      const body = existsSync(root)
        ? 'Not found.\n'
        : `The course site is not built yet: run \`npm run build\` (or \`npm start\`, which builds it first).\n`;
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
    return;
  }
  sendFile(req, res, 200, resolved.path, resolved.contentType, resolved.immutable);
}

/**
 * contentSecurityPolicy allows the page's own scripts (files, and inline ones
 * by hash), its own styles (xterm.js sets inline styles), images and the
 * sandbox API/WebSocket on the same host — nothing from elsewhere. Terminal
 * output is untrusted text; this keeps a mistake in the page from becoming a
 * way to load or send anything off-site (wetty's helmet CSP does the same).
 */
export function contentSecurityPolicy(html: string, host: string | undefined): string {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.add(`'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
  }
  const sockets = host ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' ${[...hashes].join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function sendFile(req: IncomingMessage, res: ServerResponse, status: number, path: string, contentType: string, immutable: boolean): void {
  const st = statSync(path);
  if (contentType.startsWith('text/html')) {
    const html = readFileSync(path);
    res.writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': html.length,
      'Last-Modified': st.mtime.toUTCString(),
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': contentSecurityPolicy(html.toString('utf8'), req.headers.host),
      // The page's sandbox client looks for this entry to know a sandbox is behind it
      // (the same pages served as plain static files keep the copy-only pane).
      'Server-Timing': 'kslab;desc="sandbox"',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
    return;
  }
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': st.size,
    'Last-Modified': st.mtime.toUTCString(),
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}
