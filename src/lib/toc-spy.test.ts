import { describe, expect, it } from 'vitest';
import { currentSection } from './toc-spy.ts';

describe('the current section of a lesson', () => {
  it('is the last heading at or above the line', () => {
    expect(currentSection([-900, -200, 150, 700], 300)).toBe(2);
    expect(currentSection([-900, -200, 300, 700], 300)).toBe(2);
    expect(currentSection([-900, -200, 301, 700], 300)).toBe(1);
  });

  it('is none before the first heading reaches the line', () => {
    expect(currentSection([400, 900], 300)).toBe(-1);
    expect(currentSection([], 300)).toBe(-1);
  });
});
