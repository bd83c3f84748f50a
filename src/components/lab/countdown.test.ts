import { describe, expect, it } from 'vitest';
import { announcement, formatLeft, isAnnounced } from './countdown.ts';

describe('the run countdown', () => {
  it('shows m:ss, rounding part seconds up and stopping at 0:00', () => {
    expect(formatLeft(23)).toBe('0:23');
    expect(formatLeft(22.2)).toBe('0:23');
    expect(formatLeft(120)).toBe('2:00');
    expect(formatLeft(65)).toBe('1:05');
    expect(formatLeft(-3)).toBe('0:00');
  });

  it('announces the start, every 15 seconds, 10 and 5 seconds, and zero, and nothing in between', () => {
    const spoken = Array.from({ length: 61 }, (_, i) => 60 - i).filter((s) => isAnnounced(s, 60));
    expect(spoken).toEqual([60, 45, 30, 15, 10, 5, 0]);
    expect(isAnnounced(47, 47)).toBe(true);
    expect(isAnnounced(46, 47)).toBe(false);
  });

  it('says the time left in words', () => {
    expect(announcement(90)).toBe('1 minute 30 seconds left');
    expect(announcement(120)).toBe('2 minutes left');
    expect(announcement(1)).toBe('1 second left');
    expect(announcement(0)).toMatch(/Time limit reached/);
  });
});
