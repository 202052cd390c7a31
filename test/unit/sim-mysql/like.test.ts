import { describe, expect, it } from 'vitest';
import { likeMatch } from '../../../sandbox/providers/sim/images/mysql/engine.ts';

describe('LIKE', () => {
  it('matches % and _ case-insensitively, with \\ escapes', () => {
    expect(likeMatch('The Phoenix Project', '%phoenix%')).toBe(true);
    expect(likeMatch('abc', 'a_c')).toBe(true);
    expect(likeMatch('abc', 'a_')).toBe(false);
    expect(likeMatch('50%', '50\\%')).toBe(true);
    expect(likeMatch('500', '50\\%')).toBe(false);
    expect(likeMatch('', '%')).toBe(true);
    expect(likeMatch('a_b', 'a\\_b')).toBe(true);
    expect(likeMatch('axb', 'a\\_b')).toBe(false);
  });

  it('stays fast on hostile patterns', () => {
    const start = performance.now();
    expect(likeMatch('a'.repeat(5000), '%a'.repeat(200) + 'b')).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
