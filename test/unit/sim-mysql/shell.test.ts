import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mysqlTiming } from '../../../sandbox/providers/sim/images/mysql/index.ts';
import { makeHarness, type Harness, type Running } from './harness.ts';

let h: Harness;
let c: Running;
beforeAll(() => {
  mysqlTiming.scale = 0;
});
afterAll(() => {
  mysqlTiming.scale = 1;
});
beforeEach(async () => {
  h = makeHarness();
  c = h.start({ volume: h.volume('d') });
  await c.waitForLog('port: 3306  MySQL Community Server - GPL.');
});
afterEach(async () => {
  await h.cleanup();
});

describe('the mysql image shell', () => {
  it('bash -c sees the datadir owned by mysql, and pipes into the client', async () => {
    await c.exec(['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE inventory']);
    const ls = await c.exec(['bash', '-c', 'ls -ld /var/lib/mysql/inventory']);
    expect(ls.stdout).toMatch(/^drwxr-x---\s+2 mysql\s+mysql\s+4096 .* \/var\/lib\/mysql\/inventory\n$/);
    const piped = await c.exec(['sh', '-c', 'echo "SHOW DATABASES;" | mysql -uroot -ppassword | grep inventory']);
    expect(piped.stdout).toBe('inventory\n');
  });

  it('an interactive shell shows the bash-5.1# prompt', async () => {
    const r = await c.exec(['bash'], { tty: true, stdin: 'exit\n' });
    expect(r.stdout).toContain('bash-5.1# ');
  });
});
