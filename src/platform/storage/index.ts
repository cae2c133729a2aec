import { resolve } from 'node:path';
import { LocalFileStorage } from './local-storage.js';
import { S3FileStorage } from './s3-storage.js';
import type { FileStorage, StorageDriver } from './storage.js';

export * from './storage.js';
export { LocalFileStorage } from './local-storage.js';
export { S3FileStorage, s3ClientConfig, type S3StorageOptions } from './s3-storage.js';

/**
 * The storage settings, named as in the configuration (`Config`): pass the loaded config directly once it has
 * the STORAGE_DRIVER and S3_* settings.
 */
export interface StorageSettings {
  storageDriver: StorageDriver;
  /** DATA_DIR; local files go to `<dataDir>/files`. */
  dataDir: string;
  s3Endpoint?: string | undefined;
  s3Region?: string | undefined;
  s3Bucket?: string | undefined;
  s3AccessKeyId?: string | undefined;
  s3SecretAccessKey?: string | undefined;
  s3ForcePathStyle?: boolean | undefined;
  s3KeyPrefix?: string | undefined;
}

/** The configured file storage, ready to use (the local folder is created). */
export async function createStorage(settings: StorageSettings): Promise<FileStorage> {
  if (settings.storageDriver === 's3') {
    if (!settings.s3Bucket) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET');
    return new S3FileStorage({
      endpoint: settings.s3Endpoint || undefined,
      region: settings.s3Region || 'us-east-1',
      bucket: settings.s3Bucket,
      accessKeyId: settings.s3AccessKeyId || undefined,
      secretAccessKey: settings.s3SecretAccessKey || undefined,
      forcePathStyle: settings.s3ForcePathStyle ?? true,
      keyPrefix: settings.s3KeyPrefix || undefined,
    });
  }
  return new LocalFileStorage(resolve(settings.dataDir, 'files')).init();
}
