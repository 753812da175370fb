/** Small HTTP helpers of the emulator. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const p of req) parts.push(p as Buffer);
  let buf = Buffer.concat(parts);
  if (!buf.length) return undefined;
  // The driver sets Content-Encoding: gzip from a callback that may finish after the body left, so look at the bytes.
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  return JSON.parse(buf.toString('utf8'));
}

export function tokenOf(req: IncomingMessage): string | undefined {
  return /Snowflake Token="([^"]*)"/.exec(req.headers.authorization ?? '')?.[1];
}

export function token(prefix: string): string {
  return `${prefix}:${randomBytes(24).toString('base64url')}`;
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
