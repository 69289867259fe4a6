// The platform a build without `platforms` builds for, from the environment and the state files of
// the docker CLI and buildx. The files below are in the formats those tools write: config.json and a
// context's meta.json as docker/cli's own test data has them (e2e/context/testdata), a builder's
// state file and `current` as buildx's store marshals its NodeGroup and current structs.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nativePlatform, resolveBuildPlatform, type BuildPlatform, type PlatformSources } from '../src/build-platform.js';

const HOME = '/home/runner';
const DOCKER = `${HOME}/.docker`;
const BUILDX = `${DOCKER}/buildx`;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** docker/cli's e2e test data: a context named remote on an SSH host (its folder is the name's sha256). */
const REMOTE_CONTEXT = {
  [`${DOCKER}/contexts/meta/b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/meta.json`]:
    '{"Name":"remote","Metadata":{"Description":"my remote cluster","StackOrchestrator":"kubernetes"},"Endpoints":{"docker":{"Host":"ssh://someserver","SkipTLSVerify":false},"kubernetes":{"Host":"https://someserver","SkipTLSVerify":false,"DefaultNamespace":"default","Exec":{"command":"heptio-authenticator-aws","args":["token","-i","eks-cf"],"env":null,"apiVersion":"client.authentication.k8s.io/v1alpha1"}}}}'
};
/** A context on this machine's engine, as `docker context create local --docker host=unix:///var/run/docker.sock` writes it. */
const LOCAL_CONTEXT = {
  [`${DOCKER}/contexts/meta/${sha('local')}/meta.json`]:
    '{"Name":"local","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///var/run/docker.sock","SkipTLSVerify":false}}}'
};
const config = (currentContext?: string, extra: Record<string, unknown> = {}) => ({
  [`${DOCKER}/config.json`]: JSON.stringify({
    auths: {},
    HttpHeaders: { 'User-Agent': 'Docker-Client/19.09.0-dev (linux)' },
    credsStore: 'secretservice',
    ...(currentContext ? { currentContext } : {}),
    ...extra
  })
});
/** A builder's state file, as buildx's store writes it (json.Marshal of its NodeGroup). */
const builder = (name: string, driver: string, endpoints: string[], dir = BUILDX) => ({
  [`${dir}/instances/${name}`]: JSON.stringify({
    Name: name,
    Driver: driver,
    Nodes: endpoints.map((endpoint, i) => ({
      Name: `${name}${i}`,
      Endpoint: endpoint,
      Platforms: null,
      DriverOpts: null,
      Flags: ['--allow-insecure-entitlement=network.host'],
      Files: null
    })),
    Dynamic: false
  })
});
/** buildx's `current` file: the builder `docker buildx use` chose, for the context whose key it names. */
const current = (name: string, key = 'unix:///var/run/docker.sock', global = false) => ({
  [`${BUILDX}/current`]: JSON.stringify({ Key: key, Name: name, Global: global })
});
const REMOTE_BUILDER = builder('farm', 'remote', ['tcp://10.1.2.3:1234']);

function resolve(
  over: { env?: Record<string, string>; files?: Record<string, string>; config?: Partial<PlatformSources['config']>; arch?: string } = {}
): BuildPlatform {
  const files = over.files ?? {};
  return resolveBuildPlatform({
    env: over.env ?? {},
    home: HOME,
    arch: over.arch ?? 'x64',
    endianness: 'LE',
    config: { cacheStrategy: 'auto', ...over.config },
    read: file => files[file]
  });
}

const AMD64: BuildPlatform = { target: 'linux/amd64', build: 'linux/amd64' };

describe('resolveBuildPlatform', () => {
  it.each<[string, Parameters<typeof resolve>[0], BuildPlatform]>([
    ['nothing set: the engine of the default context, this machine', {}, AMD64],
    ['an arm64 machine', { arch: 'arm64' }, { target: 'linux/arm64', build: 'linux/arm64' }],
    [
      'DOCKER_DEFAULT_PLATFORM: what is built for',
      { env: { DOCKER_DEFAULT_PLATFORM: 'linux/arm64' } },
      { target: 'linux/arm64', build: 'linux/amd64' }
    ],
    [
      'DOCKER_DEFAULT_PLATFORM with a remote engine: the target known, the builder not',
      { env: { DOCKER_DEFAULT_PLATFORM: 'linux/arm64', DOCKER_HOST: 'tcp://10.0.0.5:2376' } },
      { target: 'linux/arm64' }
    ],
    ['DOCKER_HOST on a unix socket', { env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } }, AMD64],
    ['DOCKER_HOST on loopback TCP', { env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }, AMD64],
    [
      'DOCKER_HOST on another machine',
      { env: { DOCKER_HOST: 'tcp://10.0.0.5:2376' } },
      { problem: "DOCKER_HOST is tcp://10.0.0.5:2376, another machine's engine" }
    ],
    [
      'DOCKER_HOST over SSH',
      { env: { DOCKER_HOST: 'ssh://ci@build-host' } },
      { problem: "DOCKER_HOST is ssh://ci@build-host, another machine's engine" }
    ],
    [
      'DOCKER_CONTEXT naming a remote context',
      { env: { DOCKER_CONTEXT: 'remote' }, files: REMOTE_CONTEXT },
      { problem: "docker context remote is ssh://someserver, another machine's engine" }
    ],
    [
      "config.json's currentContext naming a remote context",
      { files: { ...config('remote'), ...REMOTE_CONTEXT } },
      { problem: "docker context remote is ssh://someserver, another machine's engine" }
    ],
    ['a context on the local engine', { files: { ...config('local'), ...LOCAL_CONTEXT } }, AMD64],
    [
      'DOCKER_HOST wins over the context',
      { env: { DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CONTEXT: 'remote' }, files: REMOTE_CONTEXT },
      AMD64
    ],
    ['DOCKER_CONFIG moves the config', { env: { DOCKER_CONFIG: '/etc/docker-ci' }, files: { ...config('remote'), ...REMOTE_CONTEXT } }, AMD64],
    [
      'a context whose meta file is not there',
      { env: { DOCKER_CONTEXT: 'gone' } },
      { problem: 'docker context gone: its endpoint could not be read' }
    ],
    [
      'builder: a docker-container builder on the local engine',
      { config: { builder: 'ci' }, files: builder('ci', 'docker-container', ['unix:///var/run/docker.sock']) },
      AMD64
    ],
    [
      'builder: a docker-container builder on a remote context',
      { config: { builder: 'ci' }, files: { ...builder('ci', 'docker-container', ['remote']), ...REMOTE_CONTEXT } },
      { problem: "builder ci is ssh://someserver, another machine's engine" }
    ],
    [
      'builder: a remote builder on a unix socket',
      { config: { builder: 'ci' }, files: builder('ci', 'remote', ['unix:///run/buildkit/buildkitd.sock']) },
      AMD64
    ],
    [
      'builder: a remote builder elsewhere',
      { config: { builder: 'farm' }, files: REMOTE_BUILDER },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    [
      'builder: a kubernetes builder',
      { config: { builder: 'k8s' }, files: builder('k8s', 'kubernetes', ['kubernetes:///k8s?deployment=&kubeconfig=']) },
      { problem: 'builder k8s uses the kubernetes driver' }
    ],
    [
      'builder: two nodes, the first (which builds without --platform) here',
      { config: { builder: 'ci' }, files: builder('ci', 'docker-container', ['unix:///var/run/docker.sock', 'ssh://ubuntu@1.2.3.4']) },
      AMD64
    ],
    [
      'builder: two nodes, the first elsewhere',
      { config: { builder: 'ci' }, files: builder('ci', 'docker-container', ['ssh://ubuntu@1.2.3.4', 'unix:///var/run/docker.sock']) },
      { problem: "builder ci is ssh://ubuntu@1.2.3.4, another machine's engine" }
    ],
    ['builder: no nodes', { config: { builder: 'ci' }, files: builder('ci', 'remote', []) }, { problem: 'builder ci has no nodes' }],
    [
      'builder: no state file, no context',
      { config: { builder: 'ci' } },
      { problem: 'builder ci: no buildx state file and no docker context of that name' }
    ],
    [
      'builder: a state file that is not JSON',
      { config: { builder: 'ci' }, files: { [`${BUILDX}/instances/ci`]: '{' } },
      { problem: 'builder ci: its state file could not be read' }
    ],
    ['builder: a docker context by name', { config: { builder: 'local' }, files: LOCAL_CONTEXT }, AMD64],
    ['buildkit-endpoint on loopback TCP', { config: { buildkitEndpoint: 'tcp://127.0.0.1:1234' } }, AMD64],
    ['buildkit-endpoint in a container of the engine', { config: { buildkitEndpoint: 'docker-container://buildkitd' } }, AMD64],
    [
      'buildkit-endpoint in a pod',
      { config: { buildkitEndpoint: 'kube-pod://buildkitd-0' } },
      { problem: 'buildkit-endpoint kube-pod://buildkitd-0 is not on this machine' }
    ],
    [
      "buildx's current builder, set for this context",
      { files: { ...REMOTE_BUILDER, ...current('farm') } },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    [
      "buildx's current builder, set for another context: the context's own builder",
      { files: { ...REMOTE_BUILDER, ...current('farm', 'remote') } },
      AMD64
    ],
    [
      "buildx's current builder, global",
      { files: { ...REMOTE_BUILDER, ...current('farm', 'remote', true) } },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    [
      "the context's default builder (buildx's defaults folder, by the key's hash)",
      { files: { ...REMOTE_BUILDER, [`${BUILDX}/defaults/${sha('unix:///var/run/docker.sock').slice(0, 20)}`]: 'farm' } },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    ["BUILDX_CONFIG moves buildx's state", { env: { BUILDX_CONFIG: '/opt/buildx' }, files: { ...REMOTE_BUILDER, ...current('farm') } }, AMD64],
    [
      'BUILDX_BUILDER names the builder',
      { env: { BUILDX_BUILDER: 'farm' }, files: REMOTE_BUILDER },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    ['BUILDX_BUILDER that is no builder name', { env: { BUILDX_BUILDER: '../x' } }, { problem: 'builder ../x: not a builder name' }],
    [
      'the pull path: docker build keeps to the engine, whatever buildx uses',
      { config: { cacheStrategy: 'pull' }, files: { ...REMOTE_BUILDER, ...current('farm') } },
      AMD64
    ],
    [
      'the pull path after `docker buildx install`: docker build is buildx, on the current builder',
      {
        config: { cacheStrategy: 'pull' },
        files: { ...REMOTE_BUILDER, ...current('farm'), ...config(undefined, { aliases: { builder: 'buildx' } }) }
      },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    [
      'the pull path with BUILDX_BUILDER: docker build keeps it',
      { config: { cacheStrategy: 'pull' }, env: { BUILDX_BUILDER: 'farm' }, files: REMOTE_BUILDER },
      { problem: 'builder farm tcp://10.1.2.3:1234 is not on this machine' }
    ],
    [
      'the buildx path only: the engine is not what builds',
      {
        config: { cacheStrategy: 'buildx', builder: 'ci' },
        env: { DOCKER_HOST: 'tcp://10.0.0.5:2376' },
        files: builder('ci', 'remote', ['tcp://127.0.0.1:1234'])
      },
      AMD64
    ],
    ['an architecture with no platform name here', { arch: 'mips' }, { problem: "this machine's architecture mips has no platform name here" }]
  ])('%s', (_, over, expected) => {
    expect(resolve(over)).toEqual(expected);
  });
});

describe('nativePlatform', () => {
  it.each<[string, 'BE' | 'LE', string | undefined]>([
    ['x64', 'LE', 'linux/amd64'],
    ['arm64', 'LE', 'linux/arm64'],
    ['arm', 'LE', 'linux/arm/v7'],
    ['ia32', 'LE', 'linux/386'],
    ['ppc64', 'LE', 'linux/ppc64le'],
    ['s390x', 'BE', 'linux/s390x'],
    ['riscv64', 'LE', 'linux/riscv64'],
    ['mips', 'BE', undefined]
  ])('%s (%s) → %s', (arch, endianness, platform) => {
    expect(nativePlatform(arch, endianness)).toBe(platform);
  });
});
