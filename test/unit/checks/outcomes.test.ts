// Field comparisons report expected vs actual for exactly the fields that differ, with the first mistake's hint first.
import { describe, expect, it } from 'vitest';
import { compareFields, quantityBytes, sameQuantity, show } from '../../../sandbox/checks/outcomes.ts';
import { parseFlags } from '../../../sandbox/cli/commands/cli-flags.ts';
import { fromServer, mergeProgress } from '../../../site/scripts/sandbox/exercises-progress.ts';
import { nextToAutoCheck } from '../../../site/scripts/sandbox/exercises.ts';

describe('compareFields', () => {
  it('passes with a summary when every field matches', () => {
    expect(compareFields('mysql-pv', [{ field: 'class', expected: 'nfs', actual: 'nfs', hint: 'x' }])).toEqual({ status: 'pass', detail: 'mysql-pv: class nfs' });
  });
  it('fails with only the differing fields and their hints in order', () => {
    const r = compareFields('mysql-pvc', [
      { field: 'storageClassName', expected: 'nfs', actual: 'nfs', hint: 'never shown' },
      { field: 'request', expected: '1Gi', actual: '2Gi', matches: (a) => sameQuantity(a, '1Gi'), hint: 'too large.' },
      { field: 'accessModes', expected: 'ReadWriteOnce', actual: undefined, hint: 'no modes.' },
    ]);
    expect(r).toEqual({
      status: 'fail',
      detail: 'mysql-pvc: request is 2Gi, expected 1Gi; accessModes is (none), expected ReadWriteOnce',
      hint: 'too large. no modes.',
      expected: { request: '1Gi', accessModes: 'ReadWriteOnce' },
      actual: { request: '2Gi', accessModes: '(none)' },
    });
  });
});

describe('quantities', () => {
  it('compares by value, as the API does', () => {
    expect(sameQuantity('1Gi', '1073741824')).toBe(true);
    expect(sameQuantity('1G', '1Gi')).toBe(false);
    expect(quantityBytes('64Mi')).toBe(64 * 2 ** 20);
    expect(quantityBytes('lots')).toBeUndefined();
    expect(show([])).toBe('(none)');
  });
});

describe('grader flags', () => {
  it('reads --flag value, --flag=value, booleans and positionals; refuses unknown options', () => {
    expect(parseFlags(['nfs', '--format=junit', '--kubeconfig', 'kc'], ['--format', '--kubeconfig'], ['--help'])).toEqual({ flags: { '--format': 'junit', '--kubeconfig': 'kc' }, positional: ['nfs'] });
    expect(() => parseFlags(['--colour'], ['--format'], [])).toThrow('unknown option "--colour"');
    expect(() => parseFlags(['--format'], ['--format'], [])).toThrow('--format needs a value');
  });
});

describe('page progress', () => {
  it('never downgrades a pass, and picks the first unpassed exercise to re-check', () => {
    let m = mergeProgress({}, 'nfs', 'nfs-pv-available', 'pass');
    m = mergeProgress(m, 'nfs', 'nfs-pv-available', 'fail');
    expect(m).toEqual({ nfs: { 'nfs-pv-available': 'pass' } });
    expect(fromServer([{ lesson: 'nfs', exercise: '', status: 'visited' }, { lesson: 'nfs', exercise: 'a', status: 'fail' }])).toEqual({ nfs: { a: 'fail' } });
    expect(nextToAutoCheck(['a', 'b', 'c'], { a: 'pass', b: 'fail' })).toBe('b');
    expect(nextToAutoCheck(['a'], { a: 'pass' })).toBeUndefined();
  });
});
