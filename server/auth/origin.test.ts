// Unit tests for the Origin rule behind the CSRF check.
import { expect, test } from 'vitest';
import { allowedOriginsFromEnv, isAllowedOrigin } from './origin.ts';

const URL_ = 'http://lagzero.example:4321/api/auth/signin';

const CONFIGURED = ['https://lagzero.example'];

test('the site\'s own origin is allowed, on http or https (TLS may end at a proxy), once its name is configured', () => {
  expect(isAllowedOrigin('http://lagzero.example:4321', URL_, undefined, CONFIGURED)).toBe(true);
  expect(isAllowedOrigin('https://lagzero.example:4321', URL_, undefined, CONFIGURED)).toBe(true);
  expect(isAllowedOrigin('https://lagzero.example', 'http://lagzero.example/api/x', 'lagzero.example', CONFIGURED)).toBe(true);
});

test('loopback names and IP literals need no configuration: DNS cannot rebind them', () => {
  expect(isAllowedOrigin('http://127.0.0.1:4321', 'http://127.0.0.1:4321/api/x', undefined, [])).toBe(true);
  expect(isAllowedOrigin('http://localhost:4321', 'http://localhost:4321/api/x', undefined, [])).toBe(true);
  expect(isAllowedOrigin('http://192.168.1.20:4321', 'http://192.168.1.20:4321/api/x', undefined, [])).toBe(true);
  expect(isAllowedOrigin('http://[::1]:4321', 'http://[::1]:4321/api/x', undefined, [])).toBe(true);
});

test('a rebound DNS name is refused even though its Origin equals the Host it sent', () => {
  expect(isAllowedOrigin('http://evil.example:4321', 'http://evil.example:4321/api/x', 'evil.example:4321', [])).toBe(false);
  expect(isAllowedOrigin('http://lagzero.example:4321', URL_, undefined, [])).toBe(false);
});

test('other hosts, ports, schemes, "null" and decorated values are refused', () => {
  for (const o of ['http://lagzero.example', 'http://evil.example:4321', 'http://lagzero.example.evil.example:4321', 'null', 'file://', 'ftp://lagzero.example:4321', 'http://lagzero.example:4321/', 'http://u@lagzero.example:4321', '']) {
    expect(isAllowedOrigin(o, URL_, undefined, CONFIGURED), o).toBe(false);
  }
});

test('configured extra origins are allowed exactly', () => {
  expect(isAllowedOrigin('https://docs.example', URL_, undefined, ['https://docs.example'])).toBe(true);
  expect(isAllowedOrigin('https://docs.example.evil', URL_, undefined, ['https://docs.example'])).toBe(false);
  expect(allowedOriginsFromEnv({ LAGZERO_ALLOWED_ORIGINS: ' https://a.example/ , https://b.example' })).toEqual(['https://a.example', 'https://b.example']);
  expect(allowedOriginsFromEnv({})).toEqual([]);
});
