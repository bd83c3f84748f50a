// Unit tests for the Origin rule behind the CSRF check.
import { expect, test } from 'vitest';
import { allowedOriginsFromEnv, isAllowedOrigin } from './origin.ts';

const URL_ = 'http://lagzero.example:4321/api/auth/signin';

test('the site\'s own origin is allowed, on http or https (TLS may end at a proxy)', () => {
  expect(isAllowedOrigin('http://lagzero.example:4321', URL_, undefined, [])).toBe(true);
  expect(isAllowedOrigin('https://lagzero.example:4321', URL_, undefined, [])).toBe(true);
  expect(isAllowedOrigin('https://lagzero.example', 'http://lagzero.example/api/x', 'lagzero.example', [])).toBe(true);
});

test('other hosts, ports, schemes, "null" and decorated values are refused', () => {
  for (const o of ['http://lagzero.example', 'http://evil.example:4321', 'http://lagzero.example.evil.example:4321', 'null', 'file://', 'ftp://lagzero.example:4321', 'http://lagzero.example:4321/', 'http://u@lagzero.example:4321', '']) {
    expect(isAllowedOrigin(o, URL_, undefined, []), o).toBe(false);
  }
});

test('configured extra origins are allowed exactly', () => {
  expect(isAllowedOrigin('https://docs.example', URL_, undefined, ['https://docs.example'])).toBe(true);
  expect(isAllowedOrigin('https://docs.example.evil', URL_, undefined, ['https://docs.example'])).toBe(false);
  expect(allowedOriginsFromEnv({ LAGZERO_ALLOWED_ORIGINS: ' https://a.example/ , https://b.example' })).toEqual(['https://a.example', 'https://b.example']);
  expect(allowedOriginsFromEnv({})).toEqual([]);
});
