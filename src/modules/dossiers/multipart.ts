import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';

export interface ReceivedFile {
  field: string;
  fileName: string;
  bytes: Uint8Array;
  /** The part was cut at the size limit: too large, whatever it contains. */
  truncated: boolean;
}

/**
 * Reads a form post into plain fields and files. URL-encoded bodies come parsed by @fastify/formbody; multipart
 * bodies are streamed here with @fastify/multipart, each file held in memory up to the configured limit (a file
 * over it is marked truncated and rejected by the caller with a clear message, never stored).
 */
export async function readFormPost(request: FastifyRequest): Promise<{ fields: Record<string, string | string[]>; files: ReceivedFile[] }> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, string | string[]>;
    return { fields: body, files: [] };
  }
  const fields: Record<string, string | string[]> = {};
  const files: ReceivedFile[] = [];
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      // A file input left empty still sends a part with no name and no bytes.
      if (!part.filename && chunks.length === 0) continue;
      files.push({ field: part.fieldname, fileName: part.filename.replaceAll('\u0000', ''), bytes: new Uint8Array(Buffer.concat(chunks)), truncated: part.file.truncated });
    } else {
      const value = String(part.value).replaceAll('\u0000', ''); // PostgreSQL refuses U+0000 in text
      const existing = fields[part.fieldname];
      if (existing === undefined) fields[part.fieldname] = value;
      else fields[part.fieldname] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  return { fields, files };
}
