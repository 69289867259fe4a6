/**
 * On-disk entry store shared by the v1 (artifactcache REST) and v2 (Twirp +
 * Azure blob) front-ends of the local cache server.
 *
 * Layout under `dir`:
 *   index.json            committed entries (metadata only), rewritten atomically
 *   entries/<id>.bin      committed archives (exactly what the client uploaded)
 *   uploads/<id>.part     archive being uploaded (v1 chunks / v2 Put Blob or block list)
 *   uploads/<id>.blocks/  staged Azure blocks (v2 Put Block) until Put Block List
 *
 * Archives are only ever streamed to / from disk, never held in memory.
 * Pending uploads are not persisted: a restarted server forgets them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';

export type Protocol = 'v1' | 'v2';

export interface EntryRecord {
  id: number;
  key: string;
  version: string;
  size: number;
  /** Protocol whose client created the entry. Entries are visible to both. */
  protocol: Protocol;
  /** ms since epoch when the reservation was made */
  createdAt: number;
  /** ms since epoch when the entry became visible (commit / finalize) */
  committedAt: number;
}

export interface PendingUpload {
  id: number;
  key: string;
  version: string;
  protocol: Protocol;
  createdAt: number;
  partFile: string;
  /** v1: inclusive byte ranges received through PATCH */
  ranges: Array<[number, number]>;
  /** v2: staged Azure blocks, by (decoded) block id */
  blocks: Map<string, { file: string; size: number }>;
  /** v2: size of the blob once Put Blob / Put Block List succeeded */
  blobSize?: number;
  /** requests currently writing into this upload */
  inFlight: number;
}

export interface LookupResult {
  entry: EntryRecord;
  matchedKey: string;
  exact: boolean;
}

export type ReserveResult = { ok: true; pending: PendingUpload } | { ok: false; reason: 'exists' | 'pending'; existing: EntryRecord | PendingUpload };

export class EntryStore {
  readonly dir: string;
  private readonly entriesDir: string;
  private readonly uploadsDir: string;
  private readonly indexFile: string;
  private readonly pendingTtlMs: number;
  private committed = new Map<number, EntryRecord>();
  private pending = new Map<number, PendingUpload>();
  private nextId = 1;
  private indexWrite: Promise<void> = Promise.resolve();

  constructor(dir: string, opts: { pendingTtlMs?: number } = {}) {
    this.dir = path.resolve(dir);
    this.entriesDir = path.join(this.dir, 'entries');
    this.uploadsDir = path.join(this.dir, 'uploads');
    this.indexFile = path.join(this.dir, 'index.json');
    this.pendingTtlMs = opts.pendingTtlMs ?? 10 * 60 * 1000;
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.entriesDir, { recursive: true });
    // Pending uploads do not survive a restart.
    await fsp.rm(this.uploadsDir, { recursive: true, force: true });
    await fsp.mkdir(this.uploadsDir, { recursive: true });
    let raw: string | undefined;
    try {
      raw = await fsp.readFile(this.indexFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (raw !== undefined) {
      const parsed = JSON.parse(raw) as { nextId?: number; entries?: EntryRecord[] };
      for (const e of parsed.entries ?? []) {
        try {
          const st = await fsp.stat(this.entryFile(e.id));
          if (st.size === e.size) this.committed.set(e.id, e);
        } catch {
          // archive missing: drop the entry
        }
      }
      this.nextId = Math.max(parsed.nextId ?? 1, ...[...this.committed.keys()].map(id => id + 1), 1);
    }
  }

  entryFile(id: number): string {
    return path.join(this.entriesDir, `${id}.bin`);
  }

  list(): EntryRecord[] {
    return [...this.committed.values()].sort(newestFirst);
  }

  getCommitted(id: number): EntryRecord | undefined {
    return this.committed.get(id);
  }

  getPending(id: number): PendingUpload | undefined {
    this.expirePending();
    return this.pending.get(id);
  }

  findPending(key: string, version: string, protocol: Protocol): PendingUpload | undefined {
    this.expirePending();
    for (const p of this.pending.values()) {
      if (p.key === key && p.version === version && p.protocol === protocol) return p;
    }
    return undefined;
  }

  pendingCount(): number {
    this.expirePending();
    return this.pending.size;
  }

  storedBytes(): number {
    let n = 0;
    for (const e of this.committed.values()) n += e.size;
    return n;
  }

  /**
   * Resolve keys the way the Actions cache service documents it: for each key
   * in order (primary key first, then restore keys), an exact key match wins,
   * otherwise the newest entry whose key starts with it. Version must match.
   */
  lookup(keys: string[], version: string): LookupResult | undefined {
    const candidates = [...this.committed.values()].filter(e => e.version === version).sort(newestFirst);
    for (const k of keys) {
      const exact = candidates.find(e => e.key === k);
      if (exact) return { entry: exact, matchedKey: exact.key, exact: true };
      const prefix = candidates.find(e => e.key.startsWith(k));
      if (prefix) return { entry: prefix, matchedKey: prefix.key, exact: false };
    }
    return undefined;
  }

  /** All committed entries with exactly this key (any version). */
  byKey(key: string): EntryRecord[] {
    return [...this.committed.values()].filter(e => e.key === key).sort(newestFirst);
  }

  async reserve(key: string, version: string, protocol: Protocol): Promise<ReserveResult> {
    this.expirePending();
    for (const e of this.committed.values()) {
      if (e.key === key && e.version === version) return { ok: false, reason: 'exists', existing: e };
    }
    for (const p of this.pending.values()) {
      if (p.key === key && p.version === version) return { ok: false, reason: 'pending', existing: p };
    }
    const id = this.nextId++;
    const pending: PendingUpload = {
      id,
      key,
      version,
      protocol,
      createdAt: Date.now(),
      partFile: path.join(this.uploadsDir, `${id}.part`),
      ranges: [],
      blocks: new Map(),
      inFlight: 0
    };
    // Create it now so concurrent v1 chunks can all open it with 'r+'.
    await fsp.writeFile(pending.partFile, '');
    this.pending.set(id, pending);
    return { ok: true, pending };
  }

  /** v1 PATCH: stream `body` into the part file at `start`. Returns bytes written. */
  async writeChunk(p: PendingUpload, start: number, body: NodeJS.ReadableStream): Promise<number> {
    const ws = createWriteStream(p.partFile, { flags: 'r+', start });
    p.inFlight++;
    try {
      await pipeline(body, ws);
    } finally {
      p.inFlight--;
    }
    return ws.bytesWritten;
  }

  /** v2 Put Blob: replace the whole blob with `body`. Returns bytes written. */
  async writeBlob(p: PendingUpload, body: NodeJS.ReadableStream): Promise<number> {
    await this.dropBlocks(p);
    const ws = createWriteStream(p.partFile, { flags: 'w' });
    p.inFlight++;
    try {
      await pipeline(body, ws);
    } finally {
      p.inFlight--;
    }
    p.blobSize = ws.bytesWritten;
    return ws.bytesWritten;
  }

  /** v2 Put Block: stage one block. Returns bytes written. */
  async stageBlock(p: PendingUpload, blockId: string, body: NodeJS.ReadableStream): Promise<number> {
    const blocksDir = `${p.partFile.replace(/\.part$/, '')}.blocks`;
    await fsp.mkdir(blocksDir, { recursive: true });
    const file = path.join(blocksDir, createHash('sha256').update(blockId).digest('hex'));
    const ws = createWriteStream(file, { flags: 'w' });
    p.inFlight++;
    try {
      await pipeline(body, ws);
    } finally {
      p.inFlight--;
    }
    p.blocks.set(blockId, { file, size: ws.bytesWritten });
    return ws.bytesWritten;
  }

  /** v2 Put Block List: concatenate staged blocks (streamed) into the blob. */
  async commitBlockList(p: PendingUpload, blockIds: string[]): Promise<number> {
    const missing = blockIds.filter(id => !p.blocks.has(id));
    if (missing.length > 0) throw new StoreError(400, 'InvalidBlockList', `unknown block id(s): ${missing.join(', ')}`);
    const ws = createWriteStream(p.partFile, { flags: 'w' });
    let writeError: Error | undefined;
    ws.on('error', err => (writeError = err));
    let total = 0;
    p.inFlight++;
    try {
      for (const id of blockIds) {
        const b = p.blocks.get(id);
        if (!b) throw new Error(`block ${id} went away while the block list was committed`);
        for await (const chunk of createReadStream(b.file)) {
          if (writeError) throw writeError;
          if (!ws.write(chunk)) await drainOrClose(ws);
        }
        total += b.size;
      }
      ws.end();
      await finished(ws);
      if (writeError) throw writeError;
    } catch (err) {
      ws.destroy();
      throw err;
    } finally {
      p.inFlight--;
    }
    await this.dropBlocks(p);
    p.blobSize = total;
    return total;
  }

  /**
   * Make a pending upload visible. v1: `size` must equal the contiguous byte
   * ranges received. v2: `size` must equal the uploaded blob size.
   */
  async commit(p: PendingUpload, size: number): Promise<EntryRecord> {
    if (!Number.isSafeInteger(size) || size < 0) throw new StoreError(400, 'InvalidSize', `invalid size ${size}`);
    if (p.inFlight > 0) throw new StoreError(409, 'UploadInProgress', 'upload still in progress');
    if (p.protocol === 'v1') {
      const ranges = [...p.ranges].sort((a, b) => a[0] - b[0]);
      let next = 0;
      for (const [s, e] of ranges) {
        if (s !== next) throw new StoreError(400, 'InvalidRange', `uploaded ranges not contiguous at byte ${next}`);
        next = e + 1;
      }
      if (next !== size) {
        throw new StoreError(400, 'SizeMismatch', `Cache size ${size} does not match uploaded size ${next}`);
      }
    } else {
      if (p.blobSize === undefined) throw new StoreError(404, 'BlobNotFound', 'no blob was uploaded for this entry');
      if (p.blobSize !== size) {
        throw new StoreError(400, 'SizeMismatch', `size_bytes ${size} does not match uploaded blob size ${p.blobSize}`);
      }
    }
    const st = await fsp.stat(p.partFile);
    if (st.size !== size) throw new StoreError(400, 'SizeMismatch', `archive on disk is ${st.size} bytes, expected ${size}`);
    await fsp.rename(p.partFile, this.entryFile(p.id));
    this.pending.delete(p.id);
    const entry: EntryRecord = {
      id: p.id,
      key: p.key,
      version: p.version,
      size,
      protocol: p.protocol,
      createdAt: p.createdAt,
      committedAt: Date.now()
    };
    this.committed.set(entry.id, entry);
    await this.saveIndex();
    return entry;
  }

  private async dropBlocks(p: PendingUpload): Promise<void> {
    if (p.blocks.size === 0) return;
    p.blocks.clear();
    await fsp.rm(`${p.partFile.replace(/\.part$/, '')}.blocks`, { recursive: true, force: true });
  }

  private expirePending(): void {
    const now = Date.now();
    for (const p of [...this.pending.values()]) {
      if (p.inFlight === 0 && now - p.createdAt > this.pendingTtlMs) {
        this.pending.delete(p.id);
        void fsp.rm(p.partFile, { force: true }).catch(() => undefined);
        void this.dropBlocks(p).catch(() => undefined);
      }
    }
  }

  private saveIndex(): Promise<void> {
    const run = async (): Promise<void> => {
      const tmp = `${this.indexFile}.${process.pid}.tmp`;
      const data = JSON.stringify({ nextId: this.nextId, entries: this.list() }, null, 2);
      await fsp.writeFile(tmp, data);
      await fsp.rename(tmp, this.indexFile);
    };
    this.indexWrite = this.indexWrite.then(run, run);
    return this.indexWrite;
  }
}

export class StoreError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

function drainOrClose(ws: NodeJS.WritableStream): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      ws.off('drain', done);
      ws.off('close', done);
      resolve();
    };
    ws.on('drain', done);
    ws.on('close', done);
  });
}

function newestFirst(a: EntryRecord, b: EntryRecord): number {
  return b.committedAt - a.committedAt || b.id - a.id;
}
