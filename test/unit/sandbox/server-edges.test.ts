import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { contentSecurityPolicy, resolveStatic } from '../../../sandbox/server/static-site.ts';
import { parseCookies, sessionCookie } from '../../../sandbox/server/api.ts';
import { defaultDataDir } from '../../../sandbox/server/sandbox-server.ts';
import { openapiDocument } from '../../../sandbox/server/openapi.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kslab-dist-'));
  mkdirSync(join(root, 'lessons', 'emptydir'), { recursive: true });
  mkdirSync(join(root, '_astro'));
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'lessons', 'emptydir', 'index.html'), '<h1>emptydir</h1>');
  writeFileSync(join(root, '_astro', 'app.abc123.js'), 'x');
  writeFileSync(join(root, 'style.css'), 'x');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveStatic', () => {
  it('serves files with their content types and directory indexes', () => {
    expect(resolveStatic(root, '/')).toMatchObject({ kind: 'file', contentType: 'text/html; charset=utf-8' });
    expect(resolveStatic(root, '/lessons/emptydir/')).toMatchObject({ kind: 'file', path: join(root, 'lessons/emptydir/index.html') });
    expect(resolveStatic(root, '/style.css')).toMatchObject({ contentType: 'text/css; charset=utf-8', immutable: false });
    expect(resolveStatic(root, '/_astro/app.abc123.js')).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
  });
  it('redirects a directory without its slash', () => {
    expect(resolveStatic(root, '/lessons/emptydir')).toEqual({ kind: 'redirect', location: '/lessons/emptydir/' });
  });
  it('never leaves the root', () => {
    for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/lessons/..%2f..%2f..%2fetc/passwd', '/%00', '/%zz']) {
      expect(resolveStatic(root, p)).toEqual({ kind: 'not-found' });
    }
  });
  it('says not found for what is not there', () => {
    expect(resolveStatic(root, '/lessons/nope/')).toEqual({ kind: 'not-found' });
  });
});

describe('contentSecurityPolicy', () => {
  it('allows inline scripts by hash only, and sockets to the same host', () => {
    const csp = contentSecurityPolicy('<script type="module">run()</script><script src="/a.js"></script>', '127.0.0.1:4321');
    expect(csp).toContain(`script-src 'self' 'sha256-${createHash('sha256').update('run()').digest('base64')}'`);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4321 wss://127.0.0.1:4321");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('cookies', () => {
  it('parses the session cookie among others', () => {
    expect(parseCookies('a=1; kslab_session=tok; b=2')).toEqual({ a: '1', kslab_session: 'tok', b: '2' });
    expect(parseCookies(undefined)).toEqual({});
  });
  it('sets it HttpOnly and SameSite=Lax', () => {
    expect(sessionCookie('tok', 60, false)).toBe('kslab_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60');
    expect(sessionCookie('tok', 60, true)).toMatch(/; Secure$/);
  });
});

describe('defaultDataDir', () => {
  it('follows XDG_STATE_HOME, else ~/.local/state', () => {
    expect(defaultDataDir({ XDG_STATE_HOME: '/x/state' }, '/home/l')).toBe('/x/state/k8s-storage-lab');
    expect(defaultDataDir({}, '/home/l')).toBe('/home/l/.local/state/k8s-storage-lab');
  });
});

describe('openapiDocument', () => {
  it('lists every route the server answers', () => {
    const doc = openapiDocument() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/session', '/api/session/keepalive', '/api/cluster', '/api/cluster/events', '/api/cluster/reset',
        '/api/cluster/nodes/{node}/power', '/api/lessons/{lesson}', '/api/lessons/{lesson}/exercises/{exercise}/{action}',
        '/api/terminal', '/api/openapi.json', '/api/health',
      ].sort(),
    );
  });
});
