// A broken lesson fails `astro build` with a message that names the lesson file
// and what is wrong (frontmatter field; missing manifest). Builds the fixture
// courses under test/fixtures/lessons/invalid-* into a temporary folder, so
// dist/ is left alone.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-site-fixture-'));

afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** buildFixture runs the site build against a fixture course and returns its exit code and output. */
async function buildFixture(fixture: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['node_modules/astro/astro.js', 'build', '--outDir', outDir], {
      env: { ...process.env, KSLAB_LESSONS_DIR: `test/fixtures/lessons/${fixture}`, ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('site build with a broken lesson', () => {
  it('fails on invalid frontmatter, naming the file and each field', async () => {
    const { code, output } = await buildFixture('invalid-frontmatter');
    expect(code).not.toBe(0);
    expect(output).toContain('Invalid frontmatter in test/fixtures/lessons/invalid-frontmatter/01-bad/index.mdx');
    expect(output).toContain('minutes: expected a number, found "ten" (a string)');
    expect(output).toContain('frontmatter: unknown field "author"');
  });

  it('fails on a <Manifest> whose file does not exist, naming the lesson and the file', async () => {
    const { code, output } = await buildFixture('invalid-references');
    expect(code).not.toBe(0);
    expect(output).toContain(
      'Lesson "refs" (test/fixtures/lessons/invalid-references/01-refs/index.mdx): <Manifest file="missing.yaml"> names test/fixtures/lessons/invalid-references/01-refs/manifests/missing.yaml, which does not exist.',
    );
  });

  it('succeeds on the valid fixture course', async () => {
    const { code, output } = await buildFixture('valid-course');
    expect(output).toContain('Complete!');
    expect(code).toBe(0);
    expect(fs.existsSync(path.join(outDir, 'lessons/sample/index.html'))).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'lessons/sample/diagrams/volume.svg'))).toBe(true);
  });
});
