import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertStorageKey,
  collectBytes,
  StorageKeyError,
  StorageNotFoundError,
  StorageRejectedError,
  type FileStorage,
  type PutOptions,
  type StorageBody,
  type StoredFile,
} from './storage.js';

/**
 * Files on local disk, one file per key under `root` (by default `<DATA_DIR>/files`). Keys map to paths
 * segment by segment, so `uploads/2026/11/abc.pdf` is `<root>/uploads/2026/11/abc.pdf`.
 *
 * - Atomic writes: bytes go to `<root>/.tmp/<random>.part` (same file system), are fsynced, then renamed over the
 *   final path; the directory is fsynced so the rename survives a crash. Keys cannot start with a dot, so the
 *   temporary folder never collides with a key.
 * - The root must not be inside a folder the web server serves statically: files are only ever sent by
 *   application routes that check access (and set `Content-Disposition` and `X-Content-Type-Options: nosniff`).
 * - Files are created with mode 0600 and folders with 0700: only the service account reads them.
 */
export class LocalFileStorage implements FileStorage {
  readonly driver = 'local' as const;
  readonly root: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    if (!isAbsolute(root)) throw new Error(`local storage root must be an absolute path, got ${root}`);
    this.root = resolve(root);
    this.tmpDir = join(this.root, '.tmp');
  }

  /** Creates the root and its temporary folder, and removes temporary files left by a crash (older than an hour). */
  async init(): Promise<this> {
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    await this.removeStaleTemporaryFiles(60 * 60 * 1000);
    return this;
  }

  async put(key: string, body: StorageBody, options: PutOptions): Promise<StoredFile> {
    const finalPath = this.pathOf(key);
    const maxBytes = options.maxBytes ?? Infinity;
    if (body instanceof Uint8Array && body.byteLength > maxBytes) throw new StorageRejectedError(key, 'too_large');

    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const tmpPath = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const handle = await open(tmpPath, 'wx', 0o600);
    let closed = false;
    try {
      const hash = createHash('sha256');
      let size = 0;
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = body instanceof Uint8Array ? [body] : body;
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.byteLength;
        if (size > maxBytes) throw new StorageRejectedError(key, 'too_large');
        hash.update(bytes);
        await writeAll(handle, bytes);
      }
      const sha256 = hash.digest('hex');
      if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== sha256) {
        throw new StorageRejectedError(key, 'checksum_mismatch');
      }
      await handle.sync();
      await handle.close();
      closed = true;
      await mkdir(dirname(finalPath), { recursive: true, mode: 0o700 });
      await rename(tmpPath, finalPath);
      await syncDirectory(dirname(finalPath));
      return { key, size, sha256 };
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await rm(tmpPath, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isMissing(error)) throw new StorageNotFoundError(key);
      throw error;
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new StorageNotFoundError(key);
    }
    return handle.createReadStream();
  }

  async getBytes(key: string): Promise<Uint8Array> {
    return (await collectBytes(await this.get(key)))!;
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      const s = await stat(path);
      if (!s.isFile()) return false;
      await rm(path);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Deletes `.part` files older than `maxAgeMs` (an interrupted write leaves one behind). Returns how many. */
  async removeStaleTemporaryFiles(maxAgeMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const path = join(this.tmpDir, name);
      const s = await stat(path).catch(() => null);
      if (s && now - s.mtimeMs > maxAgeMs) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** The absolute path of a key; validation plus a containment check as a second line of defence. */
  private pathOf(key: string): string {
    assertStorageKey(key);
    const path = resolve(this.root, ...key.split('/'));
    if (!path.startsWith(this.root + sep)) throw new StorageKeyError(key, 'resolves outside the storage root');
    return path;
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/** fsync on the folder makes a rename durable; some platforms cannot open folders, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
