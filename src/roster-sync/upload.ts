// An uploaded export: the request body streamed to a temp file (never buffered), metered, hashed and checked to be a zip.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, ValidationError } from '../http/errors.ts';

export class UploadedExport {
  /** Set once a sync owns the file; an unclaimed upload is removed when the response is sent. */
  claimed = false;

  constructor(readonly file: string, readonly bytes: number, readonly sha256: string) {}

  /** What the idempotency check hashes: the same zip sent twice is the same request. */
  toJSON(): { sha256: string; bytes: number } {
    return { sha256: this.sha256, bytes: this.bytes };
  }

  async remove(): Promise<void> {
    await rm(path.dirname(this.file), { recursive: true, force: true });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number) {
    super(413, 'KINSHIP_PAYLOAD_TOO_LARGE', 'Payload too large', `The export is larger than ${limit} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super(415, 'KINSHIP_UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', detail);
  }
}

/** Local file header, or the end record of an empty archive. */
const ZIP_SIGNATURES = [0x04034b50, 0x06054b50];

/** fastify content-type parser body for application/zip: pipes the raw request stream to a file under os.tmpdir(). */
export async function receiveZip(request: FastifyRequest, payload: NodeJS.ReadableStream): Promise<UploadedExport> {
  const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 1_048_576;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'roster-upload-'));
  const file = path.join(dir, 'upload.zip');
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > limit) return callback(new PayloadTooLargeError(limit));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(payload, meter, createWriteStream(file));
    if (bytes === 0) throw new ValidationError('The body is empty: send the OneRoster export as a zip', [{ path: '/body', message: 'is empty' }]);
    const head = Buffer.alloc(4);
    const handle = await open(file, 'r');
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
    if (bytes < 4 || !ZIP_SIGNATURES.includes(head.readUInt32LE(0))) {
      throw new ValidationError('The body is not a zip archive', [{ path: '/body', message: 'is not a zip archive' }]);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return new UploadedExport(file, bytes, hash.digest('hex'));
}
