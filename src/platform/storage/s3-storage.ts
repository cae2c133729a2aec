import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  assertStorageKey,
  collectBytes,
  StorageNotFoundError,
  StorageRejectedError,
  type FileStorage,
  type PutOptions,
  type StorageBody,
  type StoredFile,
} from './storage.js';

export interface S3StorageOptions {
  /** Service address for S3-compatible stores (MinIO, Ceph, Viettel/VNPT/FPT object storage); empty for AWS. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  /** Empty to use the SDK's default credential chain (environment, instance role...). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; most self-hosted stores need it. */
  forcePathStyle?: boolean | undefined;
  /** Prepended to every key (`motcua/` lets several installations share one bucket). Must end with `/` if set. */
  keyPrefix?: string | undefined;
  /**
   * Send the SHA-256 we computed with each upload (`x-amz-checksum-sha256`), so the store rejects a body damaged
   * on the way. Turn off for stores that refuse unknown checksum headers.
   */
  sendChecksum?: boolean | undefined;
}

/**
 * Objects in an S3-compatible bucket behind the `FileStorage` port. A PutObject is atomic on the store's side
 * (readers never see half an object), which gives the port's atomic-write guarantee.
 *
 * Bodies are collected in memory before upload (bounded by `maxBytes`), because the hash and size must be known
 * before the request: uploads into this system are bounded documents (tens of MB), not media. The SDK's automatic
 * "flexible checksums" are set to `WHEN_REQUIRED`: the default `aws-chunked` trailer encoding is not understood by
 * many S3-compatible stores, and we send our own SHA-256 instead.
 */
export class S3FileStorage implements FileStorage {
  readonly driver = 's3' as const;
  private readonly prefix: string;

  constructor(
    private readonly options: S3StorageOptions,
    readonly client: S3Client = new S3Client(s3ClientConfig(options)),
  ) {
    this.prefix = options.keyPrefix ?? '';
    if (this.prefix) assertStorageKey(this.prefix.replace(/\/$/, ''));
    if (this.prefix && !this.prefix.endsWith('/')) throw new Error('S3 key prefix must end with /');
  }

  async put(key: string, body: StorageBody, options: PutOptions): Promise<StoredFile> {
    const objectKey = this.objectKey(key);
    const maxBytes = options.maxBytes ?? Infinity;
    const bytes = body instanceof Uint8Array ? body : await collectBytes(body, maxBytes);
    if (bytes === null || bytes.byteLength > maxBytes) throw new StorageRejectedError(key, 'too_large');
    const digest = createHash('sha256').update(bytes).digest();
    const sha256 = digest.toString('hex');
    if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== sha256) {
      throw new StorageRejectedError(key, 'checksum_mismatch');
    }
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: objectKey,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: options.contentType,
        Metadata: { sha256 },
        ...(this.options.sendChecksum === false ? {} : { ChecksumSHA256: digest.toString('base64') }),
      }),
    );
    return { key, size: bytes.byteLength, sha256 };
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      const body = out.Body;
      // In Node the SDK returns an http.IncomingMessage (a Readable); other runtimes get a web stream or Blob.
      if (body instanceof Readable) return body;
      if (body) return Readable.from([await body.transformToByteArray()]);
      return Readable.from([]);
    } catch (error) {
      if (isNotFound(error)) throw new StorageNotFoundError(key);
      throw error;
    }
  }

  async getBytes(key: string): Promise<Uint8Array> {
    return (await collectBytes(await this.get(key)))!;
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      return { size: out.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<boolean> {
    // S3 deletes are idempotent and do not say whether anything was there; a HEAD first answers that.
    const existed = await this.exists(key);
    if (existed) await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
    return existed;
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.prefix + key;
  }
}

/** The S3 client configuration for these options (exported for tests and for a health check). */
export function s3ClientConfig(options: S3StorageOptions): S3ClientConfig {
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
