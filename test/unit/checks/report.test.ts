// The grader's output formats: text for people, JSON for programs, JUnit XML for CI.
import { describe, expect, it } from 'vitest';
import { renderJson, renderJunit, renderText, type ExerciseReport } from '../../../sandbox/checks/report.ts';

const reports: ExerciseReport[] = [
  {
    lesson: 'nfs',
    exercise: 'nfs-bind-claim',
    title: 'Bind a claim to the NFS volume',
    passed: false,
    results: [
      {
        id: 'claim-matches-volume',
        title: 'mysql-pvc asks for what mysql-pv offers',
        status: 'fail',
        detail: 'mysql-pvc: accessModes is ReadWriteMany, expected ReadWriteOnce',
        hint: 'The claim asks for ReadWriteMany but the volume only offers ReadWriteOnce; a volume must offer every access mode the claim asks for.',
        expected: { accessModes: 'ReadWriteOnce' },
        actual: { accessModes: 'ReadWriteMany' },
        ms: 12,
      },
      { id: 'claim-bound', title: 'mysql-pvc is Bound to mysql-pv', status: 'error', detail: 'the check could not look at the cluster: <timeout> & "more"', hint: 'Check again.', ms: 30_000 },
    ],
  },
  { lesson: 'nfs', exercise: 'nfs-pv-available', title: 'Create the NFS PersistentVolume', passed: true, results: [{ id: 'pv-spec', title: 'mysql-pv is right', status: 'pass', detail: 'ok', ms: 3 }] },
];

describe('check reports', () => {
  it('text shows each failing check with expected vs found and the hint, and a closing count line', () => {
    expect(renderText(reports)).toBe(
      [
        'FAIL  nfs/nfs-bind-claim  Bind a claim to the NFS volume',
        '  ✗ claim-matches-volume: mysql-pvc asks for what mysql-pv offers',
        '      mysql-pvc: accessModes is ReadWriteMany, expected ReadWriteOnce',
        '      accessModes: expected ReadWriteOnce, found ReadWriteMany',
        '      hint: The claim asks for ReadWriteMany but the volume only offers ReadWriteOnce; a volume must offer every access mode the claim asks for.',
        '  ! claim-bound: mysql-pvc is Bound to mysql-pv',
        '      the check could not look at the cluster: <timeout> & "more"',
        '      hint: Check again.',
        'PASS  nfs/nfs-pv-available  Create the NFS PersistentVolume',
        '  ✓ pv-spec: mysql-pv is right',
        '',
        '1 passed, 2 failed (1/2 exercises complete)',
        '',
      ].join('\n'),
    );
  });

  it('json carries everything, with an overall passed flag', () => {
    const parsed = JSON.parse(renderJson(reports));
    expect(parsed.passed).toBe(false);
    expect(parsed.exercises[0].results[0].expected).toEqual({ accessModes: 'ReadWriteOnce' });
    expect(parsed.exercises[1].passed).toBe(true);
  });

  it('JUnit has one suite per exercise, a failure or error per check, and escapes XML', () => {
    const xml = renderJunit(reports);
    expect(xml).toContain('<testsuites name="kslab" tests="3" failures="1" errors="1" time="30.015">');
    expect(xml).toContain('<testsuite name="nfs/nfs-bind-claim" tests="2" failures="1" errors="1" time="30.012">');
    expect(xml).toContain('<testcase classname="nfs.nfs-bind-claim" name="claim-matches-volume: mysql-pvc asks for what mysql-pv offers" time="0.012">');
    expect(xml).toContain('<failure message="mysql-pvc: accessModes is ReadWriteMany, expected ReadWriteOnce" type="fail">');
    expect(xml).toContain('<error message="the check could not look at the cluster: &lt;timeout&gt; &amp; &quot;more&quot;" type="error">');
    expect(xml).toContain('<testcase classname="nfs.nfs-pv-available" name="pv-spec: mysql-pv is right" time="0.003"/>');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  });
});
