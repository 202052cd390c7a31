/**
 * Request plumbing shared by the handlers: reading and decoding bodies
 * (JSON, YAML, protobuf), content negotiation for Tables and partial object
 * metadata, and writing Status errors and `Warning` headers the way
 * kube-apiserver does (k8s.io/apiserver pkg/endpoints/handlers/responsewriters).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StatusError, badRequest } from '../api/status.ts';
import type { KObject } from '../store/types.ts';

/** MAX_BODY_BYTES is the apiserver's request size limit (3 MiB, DefaultMaxRequestSizeBytes). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** readBody collects a request body up to MAX_BODY_BYTES (413 beyond, as the apiserver answers). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** ProtobufDecoder decodes a `k8s\0`-framed protobuf body (../api/protobuf). */
export type ProtobufDecoder = (body: Uint8Array) => KObject;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** decodeObjectBody decodes a create/update body by Content-Type. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined, protobuf?: ProtobufDecoder): unknown {
  const type = mediaType(contentType);
  if (type === 'application/vnd.kubernetes.protobuf') {
    if (!protobuf) throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
    return protobuf(body);
  }
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the body of the request was empty');
  if (type === 'application/yaml' || type === 'application/apply-patch+yaml') {
    // kubectl sends apply patches as JSON (which is YAML); parse that the fast way.
    if (text.trimStart().startsWith('{')) {
      try {
        return JSON.parse(text);
      } catch {
        /* not JSON after all: fall through to the YAML parser */
      }
    }
    try {
      return parseYaml(text);
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
    }
  }
  if (type === '' || type === 'application/json' || type.endsWith('+json') || type === '*/*') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

/** AcceptedForm is what a GET answer should be: a plain object, a Table, or partial metadata. */
export type AcceptedForm = { as: 'object' } | { as: 'Table'; version: 'v1' | 'v1beta1' } | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

/**
 * negotiateForm reads the Accept header: the first media type with
 * `as=Table;g=meta.k8s.io` (or PartialObjectMetadata[List]) wins, else a plain object.
 */
export function negotiateForm(accept: string | undefined): AcceptedForm {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type !== 'application/json' && type !== '*/*') continue;
    const p = new Map(params.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const; }));
    const as = p.get('as');
    if (!as) return { as: 'object' };
    if (p.get('g') !== 'meta.k8s.io') continue;
    const v = p.get('v');
    if (v !== 'v1' && v !== 'v1beta1') continue;
    if (as === 'Table') return { as: 'Table', version: v };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadata', version: v };
  }
  return { as: 'object' };
}

/** warningHeader formats one warning as RFC 7234 `299 - "text"` (apiserver pkg/warning). */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text.replace(/[\r\n]+/g, ' '))}`;
}

/** sendJson writes a JSON body with the status code, warnings and extra headers. */
export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = [], contentType = 'application/json', headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const h: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  };
  if (warnings.length) h['Warning'] = [...new Set(warnings)].map(warningHeader);
  res.writeHead(code, h);
  res.end(text);
}

/** sendError writes a Status body for any thrown error (non-Status errors become 500 InternalError). */
export function sendError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof StatusError) {
    sendJson(res, err.code, err.toStatus());
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  });
}
