// When the labs index calls a lab passed or attempted.
import { describe, expect, it } from 'vitest';
import { labMark } from './index-marks.ts';

describe('labMark', () => {
  it('is passed once any finished run passed, whatever came after', () => {
    expect(labMark([{ state: 'done', outcome: 'fail' }, { state: 'done', outcome: 'pass' }, { state: 'running', outcome: null }])).toBe('passed');
  });
  it('is attempted for failed, errored or unfinished runs only', () => {
    expect(labMark([{ state: 'done', outcome: 'fail' }])).toBe('attempted');
    expect(labMark([{ state: 'queued', outcome: null }])).toBe('attempted');
    expect(labMark([{ state: 'running', outcome: 'pass' }])).toBe('attempted');
  });
  it('is nothing without runs', () => {
    expect(labMark([])).toBeNull();
  });
});
