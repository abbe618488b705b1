// ETags over a resource's API representation, and If-Match checks for conditional writes.
import { createHash } from 'node:crypto';
import { PreconditionFailedError } from './errors.ts';

export function etagOf(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27)}"`;
}

/** Throws 412 unless If-Match is absent, "*", or lists the current ETag (weak or strong). */
export function assertIfMatch(ifMatch: string | undefined, current: unknown): void {
  if (ifMatch === undefined || ifMatch.trim() === '*') return;
  const currentTag = etagOf(current);
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(currentTag)) throw new PreconditionFailedError();
}

interface EtagReply {
  header(name: string, value: string): unknown;
  code(status: number): unknown;
}

/** Sets ETag on a single-resource response; answers 304 (no body) when If-None-Match already has it. */
export function withEtag<T>(request: { headers: Record<string, string | string[] | undefined> }, reply: EtagReply, body: T): T | undefined {
  const tag = etagOf(body);
  reply.header('etag', tag);
  const ifNoneMatch = request.headers['if-none-match'];
  if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(tag)) {
    reply.code(304);
    return undefined;
  }
  return body;
}

/** The If-Match header of a request, if any. */
export function ifMatchOf(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const value = request.headers['if-match'];
  return typeof value === 'string' ? value : undefined;
}
