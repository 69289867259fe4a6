// The registry's HTTP API as a runner has it where that client cannot answer (a proxy, an auth it
// does not speak): every call unsupported, so the code asks `docker buildx imagetools`, which the
// tests' fake process seam answers. For `vi.mock('../src/registry-api.js', () => import(...))`.
const unsupported = () => Promise.resolve({ unsupported: 'a test over the fake process seam' });

export const getManifest = unsupported;
export const inspectManifest = unsupported;
export const manifestExists = unsupported;
export const copyManifest = unsupported;
