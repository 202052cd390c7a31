import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { execInContainer } from '../../../sandbox/providers/sim/containers/process.ts';
import { exec, ManualClock, makeContainer, sh, type TestContainer } from './harness.ts';

const MiB = 1024 * 1024;

describe('busybox applets', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  it('ls -l prints busybox columns, owners from the container passwd, and total', async () => {
    c = makeContainer({ mounts: (base) => [{ containerPath: '/producer_dir', hostPath: mkdir(base, 'vol'), source: mountSource.nodeDisk() }] });
    await sh(c, 'echo "hello world" > /producer_dir/hello');
    const r = await exec(c, ['ls', '-l', '/producer_dir']);
    const mtime = fs.statSync(path.join(c.base, 'vol', 'hello')).mtime;
    const when = `${mtime.toUTCString().slice(8, 11)} ${String(mtime.getUTCDate()).padStart(2)} ${mtime.toISOString().slice(11, 16)}`;
    expect(r.stdout).toBe(`total 4\n-rw-r--r--    1 root     root            12 ${when} hello\n`);
  });

  it('ls of a missing path, one per line without a tty, columns with one', async () => {
    c = makeContainer();
    expect(await exec(c, ['ls', '/nope'])).toEqual({ stdout: '', stderr: 'ls: /nope: No such file or directory\n', code: 1 });
    await sh(c, 'touch /tmp/note.txt /tmp/started.txt');
    expect((await exec(c, ['ls', '/tmp'])).stdout).toBe('note.txt\nstarted.txt\n');
    expect((await exec(c, ['ls', '/tmp'], { tty: true })).stdout).toBe('note.txt     started.txt\r\n');
    expect((await exec(c, ['ls', '/'])).stdout).toBe('bin\ndev\netc\nhome\nlib\nlib64\nproc\nroot\nsys\ntmp\nusr\nvar\n');
    expect((await exec(c, ['ls', '--color=auto', '/tmp'])).stdout).toBe('note.txt\nstarted.txt\n');
    const bogus = await exec(c, ['ls', '--bogus']);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/^ls: unrecognized option '--bogus'\nBusyBox v1\.36\.1/);
    const long = await sh(c, 'mkdir --parents /tmp/a/b && grep --color=auto root /etc/passwd && rm --recursive --force /tmp/a && ls /tmp');
    expect(long).toEqual({ stdout: 'root:x:0:0:root:/root:/bin/sh\nnote.txt\nstarted.txt\n', stderr: '', code: 0 });
  });

  it('ls lays out columns down first, width = longest name + 2, as busybox does', async () => {
    c = makeContainer();
    const names = ['#ib_16384_0.dblwr', '#ib_16384_1.dblwr', '#innodb_redo', 'auto.cnf', 'binlog.000001', 'mysql_upgrade_history', 'sys'];
    await sh(c, `mkdir /tmp/d && cd /tmp/d && touch ${names.map((n) => `'${n}'`).join(' ')}`);
    const r = await exec(c, ['ls', '/tmp/d'], { tty: true });
    expect(r.stdout.split('\r\n')).toEqual([
      '#ib_16384_0.dblwr      auto.cnf               sys',
      '#ib_16384_1.dblwr      binlog.000001',
      '#innodb_redo           mysql_upgrade_history',
      '',
    ]);
  });

  it('df -h shows a 64Mi memory emptyDir as busybox prints it, then full after dd', async () => {
    c = makeContainer({
      mounts: (base) => [{ containerPath: '/cache', hostPath: mkdir(base, 'cache'), capacityBytes: 64 * MiB, source: mountSource.tmpfs(64 * MiB) }],
    });
    expect((await exec(c, ['df', '-h', '/cache'])).stdout).toBe(
      'Filesystem                Size      Used Available Use% Mounted on\n' + 'tmpfs                    64.0M         0     64.0M   0% /cache\n',
    );
    const dd = await exec(c, ['dd', 'if=/dev/zero', 'of=/cache/big', 'bs=1M', 'count=100']);
    expect(dd.code).toBe(1);
    expect(dd.stderr).toMatch(/^dd: error writing '\/cache\/big': No space left on device\n65\+0 records in\n64\+0 records out\n67108864 bytes \(64\.0MB\) copied, [0-9.]+ seconds, [0-9.]+[KMGT]?B\/s\n$/);
    expect((await exec(c, ['df', '-h', '/cache'])).stdout).toBe(
      'Filesystem                Size      Used Available Use% Mounted on\n' + 'tmpfs                    64.0M     64.0M         0 100% /cache\n',
    );
    expect(fs.statSync(path.join(c.base, 'cache', 'big')).size).toBe(64 * MiB);
  });

  it('mount lists the container mount table, volumes included', async () => {
    c = makeContainer({
      mounts: (base) => [
        { containerPath: '/var/lib/mysql', hostPath: mkdir(base, 'nfs'), source: mountSource.nfs('nfs', '/exports/mysql') },
        { containerPath: '/data', hostPath: mkdir(base, 'rbd'), source: mountSource.rbd('/dev/rbd0'), capacityBytes: 1024 * MiB },
        { containerPath: '/logs', hostPath: mkdir(base, 'logs'), readOnly: true, source: mountSource.nodeDisk() },
      ],
    });
    const lines = (await exec(c, ['mount'])).stdout.split('\n');
    expect(lines).toContain('/dev/rbd0 on /data type ext4 (rw,relatime,stripe=16)');
    expect(lines).toContain('/dev/vda1 on /logs type ext4 (ro,relatime)');
    expect(lines.find((l) => l.startsWith('nfs:/exports/mysql on /var/lib/mysql type nfs4 (rw,relatime,vers=4.2,'))).toBeDefined();
    const df = (await exec(c, ['df', '-h', '/data'])).stdout.split('\n')[1];
    expect(df).toBe('/dev/rbd0                 1.0G         0      1.0G   0% /data');
  });

  it('refuses writes on a read-only volume with the kernel wording', async () => {
    c = makeContainer({ mounts: (base) => [{ containerPath: '/var/log/pods', hostPath: mkdir(base, 'pods'), readOnly: true, source: mountSource.nodeDisk() }] });
    const r = await sh(c, 'echo x > /var/log/pods/x; touch /var/log/pods/y; mkdir /var/log/pods/z; rm -f /var/log/pods');
    expect(r.stderr).toBe(
      "sh: can't create /var/log/pods/x: Read-only file system\ntouch: /var/log/pods/y: Read-only file system\nmkdir: can't create directory '/var/log/pods/z': Read-only file system\nrm: '/var/log/pods' is a directory\n",
    );
  });

  it('cat reports a missing file as busybox does (lesson 0)', async () => {
    c = makeContainer();
    expect(await exec(c, ['cat', '/tmp/note.txt'])).toEqual({ stdout: '', stderr: "cat: can't open '/tmp/note.txt': No such file or directory\n", code: 1 });
  });

  it('keeps host paths out of reach: /etc/shadow is the image file, .. stops at /', async () => {
    c = makeContainer();
    const hostSecret = path.join(c.base, 'host-secret');
    fs.writeFileSync(hostSecret, 'do not read\n');
    const r = await sh(c, `cat /etc/shadow | head -1; cat ${hostSecret}; cat ../../../../../../${hostSecret}; ls /../../..`);
    expect(r.stdout).toBe('root:*::0:::::\nbin\ndev\netc\nhome\nlib\nlib64\nproc\nroot\nsys\ntmp\nusr\nvar\n');
    expect(r.stderr).toContain(`cat: can't open '${hostSecret}': No such file or directory`);
    expect(r.stdout).not.toContain('do not read');
    // Writing to a host-looking path lands in the container's own writable layer.
    await sh(c, `mkdir -p ${path.dirname(hostSecret)} && echo overwritten > ${hostSecret}`);
    expect(fs.readFileSync(hostSecret, 'utf8')).toBe('do not read\n');
    expect(fs.readFileSync(path.join(c.rootfs, hostSecret), 'utf8')).toBe('overwritten\n');
  });

  it('rm -rf of a volume empties it but cannot remove the mount point', async () => {
    c = makeContainer({ mounts: (base) => [{ containerPath: '/data', hostPath: mkdir(base, 'data'), source: mountSource.nodeDisk() }] });
    await sh(c, 'mkdir -p /data/a/b && echo x > /data/a/b/f');
    const r = await exec(c, ['rm', '-rf', '/data']);
    expect(r.stderr).toBe("rm: can't remove '/data': Resource busy\n");
    expect(fs.readdirSync(path.join(c.base, 'data'))).toEqual([]);
  });

  it('grep, wc, head, tail, tee, base64, seq, cp, mv, find and stat work on container files', async () => {
    c = makeContainer();
    const r = await sh(
      c,
      [
        'seq 5 > /tmp/n',
        'grep -c . /tmp/n',
        'grep -v -E "^(1|2)$" /tmp/n | tr "\\n" " "; echo',
        'wc -l /tmp/n; wc -l < /tmp/n; echo hello | wc',
        'head -n 2 /tmp/n | tail -n 1',
        'echo secret | base64 | tee /tmp/b64; base64 -d /tmp/b64',
        'cp /tmp/n /tmp/m && mv /tmp/m /tmp/k && ls /tmp',
        'find /tmp -name "*.x" -o -name k',
        'stat -c "%n %s %A %U" /tmp/n',
        'grep -i HELLO /nope; echo $?',
      ].join('\n'),
    );
    expect(r.stdout).toBe(
      '5\n3 4 5 \n5 /tmp/n\n5\n        1         1         6\n2\nc2VjcmV0Cg==\nsecret\nb64\nk\nn\n/tmp/k\n/tmp/n 10 -rw-r--r-- root\n2\n',
    );
    expect(r.stderr).toBe('grep: /nope: No such file or directory\n');
  });

  it('sed substitutes, prints, deletes and edits files in place', async () => {
    c = makeContainer();
    const r = await sh(
      c,
      [
        'printf "one\\ntwo\\nthree\\n" > /tmp/t',
        "sed 's/o/0/g' /tmp/t",
        "sed -n '2p' /tmp/t",
        "sed '/two/d' /tmp/t",
        "sed -n '$p' /tmp/t",
        "echo hello world | sed 's/\\(hello\\) \\(world\\)/\\2 \\1/'",
        "echo abc | sed -E 's/(b+)/[&]/'",
        "sed -i 's/three/3/' /tmp/t && cat /tmp/t",
        "sed -n '1,2p' /tmp/t",
      ].join('\n'),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0ne\ntw0\nthree\ntwo\none\nthree\nthree\nworld hello\na[b]c\none\ntwo\n3\none\ntwo\n');
  });

  it('expr and timeout behave as in old-style scripts', async () => {
    c = makeContainer({ clock: new ManualClock(undefined, 60_000) });
    const r = await sh(c, 'i=0; i=`expr $i + 1`; echo $i; expr 7 \\* 6; expr length hello; expr abc123 : "[a-z]*"; expr abc123 : "\\([a-z]*\\)"; expr 1 = 2; echo $?; timeout 5 sleep 10; echo $?; timeout 5 true; echo $?');
    expect(r).toEqual({ stdout: '1\n42\n5\n3\nabc\n0\n1\n124\n0\n', stderr: '', code: 0 });
  });

  it('tar writes ustar archives and extracts them, as kubectl cp runs it', async () => {
    c = makeContainer();
    await sh(c, 'mkdir -p /tmp/src/sub && echo hello > /tmp/src/sub/hello && chmod 600 /tmp/src/sub/hello');
    const out = await exec(c, ['tar', 'cf', '-', '/tmp/src']);
    expect(out.stderr).toBe("tar: removing leading '/' from member names\n");
    const bytes = Buffer.from(out.stdout, 'latin1');
    expect(out.stdout.slice(0, 8)).toBe('tmp/src/');
    expect(out.stdout.slice(257, 263)).toBe('ustar\0');
    expect(bytes.length % 512).toBe(0);
    const r = await sh(c, 'cd /tmp && tar cf - src | tar -xmf - -C /root && cat /root/src/sub/hello && ls -l /root/src/sub | tail -n 1 | cut -c1-10 && tar tf - < /dev/null; echo x | tar xf - ; echo $?; tar czf - src; echo $?');
    expect(r.stdout).toBe('hello\n-rw-------\n1\n1\n');
    expect(r.stderr).toBe('tar: short read\ntar: compression is not supported in this simulated container\n');
    const garbage = await exec(c, ['tar', 'xf', '-'], { stdin: 'x'.repeat(1024) });
    expect(garbage).toEqual({ stdout: '', stderr: 'tar: invalid tar header checksum\n', code: 1 });
  });

  it('xargs runs a command with the words it reads', async () => {
    c = makeContainer();
    const r = await sh(c, 'touch /tmp/a.log /tmp/b.log /tmp/keep; find /tmp -name "*.log" | xargs rm; ls /tmp; echo 1 2 3 | xargs -n 1 echo n; printf "x\\ny\\n" | xargs -I {} echo "<{}>"');
    expect(r).toEqual({ stdout: 'keep\nn 1\nn 2\nn 3\n<x>\n<y>\n', stderr: '', code: 0 });
  });

  it('id, whoami, hostname, uname and env describe the container', async () => {
    c = makeContainer({ hostname: 'scratch-6c9d5b7f4-k2v8q' });
    const r = await sh(c, 'id; whoami; hostname; uname; env | grep -E "^(HOSTNAME|HOME|PATH)=" | sort');
    expect(r.stdout).toBe(
      'uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\nscratch-6c9d5b7f4-k2v8q\nLinux\nHOME=/root\nHOSTNAME=scratch-6c9d5b7f4-k2v8q\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n',
    );
  });

  it('date prints busybox default format from the injected clock', async () => {
    c = makeContainer({ clock: new ManualClock(Date.parse('2026-11-25T09:05:03Z')) });
    expect((await exec(c, ['date'])).stdout).toBe('Wed Nov 25 09:05:03 UTC 2026\n');
    expect((await exec(c, ['date', '+%Y-%m-%d %H:%M'])).stdout).toBe('2026-11-25 09:05\n');
    expect((await exec(c, ['uptime'])).stdout).toMatch(/^ 09:05:03 up 0 min,  0 users,  load average: 0\.08, 0\.05, 0\.01\n$/);
  });

  it('tail -f follows a growing file until it is interrupted', async () => {
    c = makeContainer();
    await sh(c, 'echo first > /tmp/log');
    let out = '';
    const controller = new AbortController();
    const p = execInContainer(c.container, ['tail', '-f', '/tmp/log'], { stdin: false, tty: false, stdout: (d) => (out += Buffer.from(d)), stderr: () => {}, signal: controller.signal });
    await waitUntil(() => out === 'first\n');
    await sh(c, 'echo second >> /tmp/log');
    c.clock.advance(1000);
    await waitUntil(() => out === 'first\nsecond\n');
    controller.abort();
    expect(await p.exited).toBe(137);
  });

  it('stops cat /dev/zero piped into head without hanging', async () => {
    c = makeContainer();
    const r = await sh(c, 'cat /dev/zero | head -c 5 | wc -c');
    expect(r.stdout).toBe('5\n');
  });

  it('refuses a dd block the server would have to hold in memory, and copies large blocks whole', async () => {
    c = makeContainer();
    const big = await exec(c, ['dd', 'if=/dev/zero', 'of=/tmp/x', 'bs=1G', 'count=1']);
    expect(big).toEqual({ stdout: '', stderr: 'dd: bs=1G: block larger than 64M (limit of this simulated container)\n', code: 1 });
    const ok = await exec(c, ['dd', 'if=/dev/zero', 'of=/tmp/x', 'bs=4M', 'count=2']);
    expect(ok.stderr).toMatch(/^2\+0 records in\n2\+0 records out\n8388608 bytes \(8\.0MB\) copied/);
  });

  it('caps what one container may write in total (guarding the host disk)', async () => {
    c = makeContainer({ maxWrittenBytes: 3 * MiB, mounts: (base) => [{ containerPath: '/data', hostPath: mkdir(base, 'd'), source: mountSource.nodeDisk() }] });
    const r = await exec(c, ['dd', 'if=/dev/zero', 'of=/data/big', 'bs=1M', 'count=10']);
    expect(r.stderr).toMatch(/^dd: error writing '\/data\/big': No space left on device\n/);
    expect(fs.statSync(path.join(c.base, 'd', 'big')).size).toBe(3 * MiB);
  });
  it('words write errors on a full volume as busybox does, and the script goes on', async () => {
    c = makeContainer({ mounts: (base) => [{ containerPath: '/full', hostPath: mkdir(base, 'full'), capacityBytes: 4096, source: mountSource.tmpfs(4096) }] });
    const r = await sh(c, 'head -c 4096 /dev/zero > /full/a; echo more > /full/b; cat /etc/passwd > /full/c; echo next');
    expect(r.stdout).toBe('next\n');
    expect(r.stderr).toBe('echo: write error: No space left on device\ncat: write error: No space left on device\n');
  });

  it('reports I/O errors while a volume\'s server is down, and works again after', async () => {
    let down = false;
    c = makeContainer({ mounts: (base) => [{ containerPath: '/nfs', hostPath: mkdir(base, 'nfs'), source: mountSource.nfs('nfs', '/exports'), health: () => (down ? 'EIO' : undefined) }] });
    await sh(c, 'echo data > /nfs/f');
    down = true;
    const r = await sh(c, 'ls /nfs; cat /nfs/f; echo x > /nfs/g');
    expect(r.stderr).toBe("ls: /nfs: I/O error\ncat: can't open '/nfs/f': I/O error\nsh: can't create /nfs/g: I/O error\n");
    down = false;
    expect((await exec(c, ['cat', '/nfs/f'])).stdout).toBe('data\n');
  });

});

function mkdir(base: string, name: string): string {
  const p = path.join(base, name);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

async function waitUntil(done: () => boolean): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > 3000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}
