// processAlive against real processes: this one, a finished child, a zombie and PIDs that name groups.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { processAlive } from './process.ts';

describe('processAlive', () => {
  it('is true for a running process and false once it has exited', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawn('sleep', ['5']);
    expect(processAlive(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(processAlive(child.pid!)).toBe(false);
  });

  it('counts a zombie as dead', async () => {
    // The shell prints its background child's pid, then becomes `sleep 3`, which never reaps that child.
    const parent = spawn('/bin/sh', ['-c', 'true & echo $!; exec sleep 3'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      for (let i = 0; i < 100 && processAlive(zombie); i++) await new Promise((r) => setTimeout(r, 20));
      expect(processAlive(zombie)).toBe(false);
      expect(processAlive(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('is false for PIDs that would signal a whole group', () => {
    for (const pid of [0, -1, -process.pid, 1.5, Number.NaN]) expect(processAlive(pid)).toBe(false);
  });
});
