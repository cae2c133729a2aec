import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * The file-storage port: where uploaded documents, scans and generated PDFs live. Two adapters implement it
 * (local disk under DATA_DIR/files, and any S3-compatible object store); services only see this interface.
 *
 * Contract shared by every adapter:
 * - Keys are chosen by the caller (see `newStorageKey`) and validated by `assertStorageKey`: slash-separated
 *   segments of letters, digits, `.`, `_` and `-`, each starting with a letter or digit, at most 512 characters.
 *   So no `..`, no absolute paths, no backslashes, no hidden files: a key can never leave the storage root.
 * - `put` is atomic: a reader sees either the whole previous object or the whole new one, never a partial file.
 *   A second `put` on the same key replaces the object (last writer wins); callers use fresh random keys for
 *   evidence that must never change.
 * - `put` returns the size and SHA-256 of exactly the bytes stored, computed while writing.
 * - The content type is a hint for the backend (S3 serves it back); the database row that names the key is the
 *   source of truth for type, name and hash.
 */
export interface FileStorage {
  readonly driver: StorageDriver;
  put(key: string, body: StorageBody, options: PutOptions): Promise<StoredFile>;
  /** A stream of the object's bytes; rejects with `StorageNotFoundError` when the key holds nothing. */
  get(key: string): Promise<Readable>;
  /** The whole object in memory (for small files: PDFs to stamp, images to check). */
  getBytes(key: string): Promise<Uint8Array>;
  /** Size in bytes, or null when the key holds nothing. */
  stat(key: string): Promise<{ size: number } | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; true when something was there. Deleting a missing key is not an error. */
  delete(key: string): Promise<boolean>;
}

export type StorageDriver = 'local' | 's3';

/** Bytes in memory, or a stream (a Node Readable or any async iterable of chunks, e.g. a multipart file part). */
export type StorageBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface PutOptions {
  /** MIME type of the content, e.g. `application/pdf`. */
  contentType: string;
  /** Refuse (and store nothing) when the body is longer; protects the disk from unbounded streams. */
  maxBytes?: number;
  /** Refuse (and store nothing) when the body's SHA-256 (hex) differs: end-to-end integrity for copies. */
  expectedSha256?: string;
}

export interface StoredFile {
  key: string;
  size: number;
  /** Lower-case hex SHA-256 of the stored bytes. */
  sha256: string;
}

/** The key is not acceptable (path traversal attempt, bad characters, too long). A programming error. */
export class StorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid storage key ${JSON.stringify(key.slice(0, 100))}: ${reason}`);
    this.name = 'StorageKeyError';
  }
}

/** Nothing is stored under this key. */
export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored file under key ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** The body broke a `put` condition (`maxBytes`, `expectedSha256`); nothing was stored. */
export class StorageRejectedError extends Error {
  constructor(
    readonly key: string,
    readonly reason: 'too_large' | 'checksum_mismatch',
  ) {
    super(`refused to store ${key}: ${reason}`);
    this.name = 'StorageRejectedError';
  }
}

const segmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const maxStorageKeyLength = 512;

/** Throws `StorageKeyError` unless `key` is a safe relative key (see the contract on `FileStorage`). */
export function assertStorageKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new StorageKeyError(String(key), 'empty');
  if (key.length > maxStorageKeyLength) throw new StorageKeyError(key, `longer than ${maxStorageKeyLength} characters`);
  for (const segment of key.split('/')) {
    if (segment.length === 0) throw new StorageKeyError(key, 'empty segment (leading, trailing or double slash)');
    if (!segmentPattern.test(segment)) {
      throw new StorageKeyError(key, `segment ${JSON.stringify(segment)} must start with a letter or digit and use only letters, digits, . _ -`);
    }
  }
}

/**
 * A fresh, unguessable key under `prefix`, e.g. `uploads/2026/11/k3v0…q1`. The year/month folders keep
 * directories small on local disk and let an operator archive old months by prefix.
 */
export function newStorageKey(prefix: string, at: Date = new Date(), extension = ''): string {
  const random = randomBytes(16).toString('base64url').replace(/[-_]/g, (c) => (c === '-' ? 'x' : 'y'));
  const month = String(at.getUTCMonth() + 1).padStart(2, '0');
  const key = `${prefix}/${at.getUTCFullYear()}/${month}/${random}${extension ? `.${extension}` : ''}`;
  assertStorageKey(key);
  return key;
}

/** Reads a stream (or async iterable) fully into memory; used by `getBytes` and by the S3 adapter's `put`. */
export async function collectBytes(body: AsyncIterable<Uint8Array | string>, maxBytes = Infinity): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBytes) return null;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}
