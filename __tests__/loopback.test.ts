// The one answer to "is this address on the machine's loopback", for registries and BuildKit endpoints.
import { describe, expect, it } from 'vitest';
import { isLoopbackEndpoint, isLoopbackHost } from '../src/loopback.js';

describe('isLoopbackHost (a registry or URL host, with or without a port)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3:443', true],
    ['localhost', true],
    ['localhost:5000', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['128.0.0.1', false],
    ['10.127.0.1', false],
    ['127.0.0.1.example.com', false],
    ['localhost.example.com:5000', false],
    ['ghcr.io', false],
    ['[::2]:5000', false],
    ['', false]
  ])('%s: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('isLoopbackEndpoint (a BuildKit address)', () => {
  it.each([
    ['tcp://127.0.0.1:1234', true],
    ['tcp://localhost:1234', true],
    ['tcp://[::1]:1234', true],
    ['tcp://127.0.0.1', true],
    ['tcp://192.0.2.1:1234', false],
    ['tcp://buildkit.example.com:1234', false],
    ['unix:///run/buildkit/buildkitd.sock', false],
    ['docker-container://127.0.0.1', false],
    ['127.0.0.1:1234', false]
  ])('%s: %s', (endpoint, expected) => {
    expect(isLoopbackEndpoint(endpoint)).toBe(expected);
  });
});
