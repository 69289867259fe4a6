// What the probes' answers mean: the engine's image store, a newer engine than any tested, the
// summary's engine line.
import { describe, expect, it } from 'vitest';
import { engineLine, imageStoreOf, NEWEST_TESTED_ENGINE_MAJOR, untestedEngineNote } from '../src/facts.js';

describe('imageStoreOf', () => {
  it("names the containerd store when docker info's DriverStatus names its snapshotter", () => {
    // Docker 29.8's answer on the stack's docker29 engine (containerd store, chosen by the engine itself).
    expect(imageStoreOf('[["driver-type","io.containerd.snapshotter.v1"]]')).toBe('containerd');
    expect(imageStoreOf('[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"]]')).toBe('classic');
    expect(imageStoreOf('')).toBe('classic');
  });
});

describe('untestedEngineNote', () => {
  it('is silent for every engine up to the newest tested major, development builds included', () => {
    for (const version of ['20.10.24+dfsg1', '28.5.2', '29.4.2', '29.8.1-dev', `${NEWEST_TESTED_ENGINE_MAJOR}.99.0`]) {
      expect(untestedEngineNote(version), version).toBeUndefined();
    }
  });

  it('names a newer major and the newest tested one, and says the run goes on', () => {
    expect(untestedEngineNote('30.0.1')).toBe(
      'Docker engine 30.0.1 is newer than any this action is tested on (the newest is 29.x): it goes on as usual; if something fails, say so in an issue with this version'
    );
  });

  it('is silent for a version it cannot read (the run goes on, as for any engine)', () => {
    expect(untestedEngineNote('master-dockerproject-2026')).toBeUndefined();
  });
});

describe('engineLine', () => {
  it('says version, image store and buildx', () => {
    expect(engineLine({ dockerServer: '29.8.1-dev', imageStore: 'containerd', buildx: '0.37.2' })).toBe(
      'Docker 29.8.1-dev, containerd image store, buildx 0.37.2'
    );
    expect(engineLine({ dockerServer: '20.10.24', imageStore: 'classic' })).toBe('Docker 20.10.24, classic image store, buildx not installed');
  });
});
