import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, normalize, sep } from 'node:path';

/** Paths the UI never answers, so a missing API route stays a JSON 404. */
const RESERVED_PREFIXES = ['/api', '/metrics', '/health'];

interface StaticRequest extends IncomingMessage {
  path?: string;
}

interface StaticResponse {
  sendFile(
    path: string,
    options: { headers?: Record<string, string> },
    done: (error?: Error) => void,
  ): void;
}

type Next = (error?: unknown) => void;

/** True when the folder holds a built UI. */
export function hasWebBuild(webDist: string | null): webDist is string {
  return webDist !== null && existsSync(join(webDist, 'index.html'));
}

/**
 * Serves the web UI's static build: files under `webDist` by path, and `index.html` for any
 * other GET that asks for HTML (client-side routes). /api, /metrics and /health pass through.
 */
export function staticWebMiddleware(webDist: string) {
  const root = normalize(webDist);
  const index = join(root, 'index.html');

  return (request: StaticRequest, response: StaticResponse, next: Next) => {
    const path = request.path ?? new URL(request.url ?? '/', 'http://local').pathname;
    if (!['GET', 'HEAD'].includes(request.method ?? '') || isReserved(path)) return next();

    const file = fileFor(root, path);
    if (file) return send(response, file, immutableAsset(path), next);
    if (acceptsHtml(request)) return send(response, index, false, next);
    return next();
  };
}

function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The file a path names inside the build, or null (also for anything outside it). */
function fileFor(root: string, path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(`${root}${sep}`)) return null;
  try {
    return statSync(candidate).isFile() ? candidate : null;
  } catch {
    return null;
  }
}

function acceptsHtml(request: IncomingMessage): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** Hashed bundle files under assets/ never change; index.html must always be revalidated. */
function immutableAsset(path: string): boolean {
  return path.startsWith('/assets/');
}

function send(response: StaticResponse, file: string, immutable: boolean, next: Next) {
  const cache = immutable ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.sendFile(file, { headers: { 'Cache-Control': cache } }, (error) => {
    if (error) next(error);
  });
}
