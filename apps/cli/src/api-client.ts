import { z } from 'zod';

import { loadConfig } from '@ttpgrid/config';

import { CliError, EXIT } from './exit-codes';

/** Where the API is and which token to send: `--api-url`, else TTPGRID_API_URL/_API_PORT. */
export interface ApiTarget {
  baseUrl: string;
  writeToken?: string;
  readToken?: string;
}

interface ErrorBody {
  statusCode?: number;
  message?: string;
  problems?: { path: string; reason: string }[];
}

export type Query = Record<string, string | number | boolean | undefined>;

const ApiUrl = z.url({ protocol: /^https?$/ });

/** The API target from configuration, with an optional `--api-url` override (validated). */
export function apiTarget(apiUrl?: string): ApiTarget {
  const config = loadConfig();
  const parsed = ApiUrl.safeParse(apiUrl ?? config.apiUrl);
  if (!parsed.success) {
    throw new CliError(
      `--api-url must be an http(s) URL, got ${JSON.stringify(apiUrl)}`,
      EXIT.badInput,
    );
  }
  return {
    baseUrl: parsed.data.replace(/\/+$/, ''),
    writeToken: config.writeToken,
    readToken: config.readToken,
  };
}

/**
 * A small client of the ttpgrid API. Failures become CliErrors with the exit code they mean:
 * unreachable or not ready (3), bad input or refused token (2), not found (5), anything else (1).
 */
export class ApiClient {
  constructor(private readonly target: ApiTarget) {}

  get baseUrl(): string {
    return this.target.baseUrl;
  }

  read<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, {
      query,
      token: this.target.readToken ?? this.target.writeToken,
    });
  }

  /** GET of a text body (tables). */
  async readText(path: string, query: Query = {}): Promise<string> {
    const response = await this.send('GET', path, {
      query,
      token: this.target.readToken ?? this.target.writeToken,
    });
    return response.text();
  }

  write<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (!this.target.writeToken) {
      throw new CliError(
        'this command needs a write token: set TTPGRID_WRITE_TOKEN',
        EXIT.badInput,
      );
    }
    return this.request<T>('POST', path, { body, headers, token: this.target.writeToken });
  }

  private async request<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const response = await this.send(method, path, options);
    return (await response.json()) as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(`${this.target.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the ttpgrid API at ${this.target.baseUrl} (${reasonOf(error)}); ` +
          'start it with `npm start -w @ttpgrid/api` or set TTPGRID_API_URL',
        EXIT.unreachable,
      );
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within 120 s';
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function errorOf(response: Response): Promise<CliError> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  const message = body.message ?? `${response.status} ${response.statusText}`;
  const problems = (body.problems ?? []).map((problem) => `  - ${problem.path}: ${problem.reason}`);
  const text = problems.length > 1 ? `${message}\n${problems.join('\n')}` : message;

  if (response.status === 401 || response.status === 403) {
    return new CliError(`${text} (check TTPGRID_WRITE_TOKEN / TTPGRID_READ_TOKEN)`, EXIT.badInput);
  }
  if (response.status === 404) return new CliError(text, EXIT.notFound);
  if (response.status === 503)
    return new CliError(`the API is not ready: ${text}`, EXIT.unreachable);
  if (response.status >= 400 && response.status < 500) return new CliError(text, EXIT.badInput);
  return new CliError(`the API failed: ${text}`, EXIT.failure);
}
