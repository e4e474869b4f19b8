import type { IncomingMessage } from 'node:http';
import { TextDecoder } from 'node:util';

import {
  Inject,
  Injectable,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  type NestMiddleware,
} from '@nestjs/common';

import { CLASSIFY_OPTIONS, type ClassifyOptions } from './models.options';

/** Report bodies sent as text: plain, Markdown or HTML (the format follows the media type). */
export const REPORT_MEDIA_TYPES = [
  'text/plain',
  'text/markdown',
  'text/x-markdown',
  'text/html',
  'application/xhtml+xml',
];

interface ReportRequest extends IncomingMessage {
  body?: unknown;
}

/**
 * Reads a raw report body on the classify routes, up to the configured size (413 beyond it),
 * into `request.body` as a string. JSON bodies are left to the API's JSON parser; any other
 * media type is answered with 415.
 */
@Injectable()
export class ReportBodyMiddleware implements NestMiddleware {
  constructor(@Inject(CLASSIFY_OPTIONS) private readonly options: ClassifyOptions) {}

  async use(request: ReportRequest, _response: unknown, next: (error?: unknown) => void) {
    const { mediaType, charset } = contentTypeOf(request.headers['content-type']);
    if (isJson(mediaType) || (mediaType === '' && !hasBody(request))) return next();
    if (!REPORT_MEDIA_TYPES.includes(mediaType)) {
      throw new UnsupportedMediaTypeException(
        `send the report as JSON or as ${REPORT_MEDIA_TYPES.join(', ')}`,
      );
    }

    const decoder = decoderFor(charset);
    request.body = decoder.decode(await readBody(request, this.options.maxInputBytes));
    next();
  }
}

function contentTypeOf(header: string | undefined) {
  const [type = '', ...parameters] = (header ?? '').split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().split('='))
    .find(([name]) => name?.toLowerCase() === 'charset')?.[1];
  return { mediaType: type.trim().toLowerCase(), charset: charset?.replace(/"/g, '') };
}

function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType);
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length ?? '0') !== '0';
}

function decoderFor(charset: string | undefined): TextDecoder {
  try {
    return new TextDecoder(charset ?? 'utf-8');
  } catch {
    throw new UnsupportedMediaTypeException(`unsupported charset ${JSON.stringify(charset)}`);
  }
}

function tooLarge(limit: number) {
  return new PayloadTooLargeException(
    `the report is larger than ${limit} bytes (TTPGRID_CLASSIFY_MAX_BYTES)`,
  );
}

/** The body's bytes, or a 413 as soon as it passes the limit (the rest is drained). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.resume();
      reject(tooLarge(limit));
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
