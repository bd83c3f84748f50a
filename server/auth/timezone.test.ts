// Unit tests for time zone validation.
import { expect, test } from 'vitest';
import { canonicalTimeZone } from './timezone.ts';

test('IANA names are accepted and canonicalised; anything else is refused', () => {
  expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
  expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
  expect(canonicalTimeZone('UTC')).toBe('UTC');
  expect(canonicalTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
  for (const bad of ['Mars/Olympus', '', 'Europe/Berlin; DROP TABLE users', '../../etc/passwd', 'x'.repeat(65)]) {
    expect(canonicalTimeZone(bad), bad).toBeNull();
  }
});
