import { timingSafeEqual } from 'node:crypto';

import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';

import { API_TOKENS } from '../tokens';
import { operationOf, type Access } from './operation';

/** The bearer tokens from configuration; an unset read token leaves reading open. */
export interface ApiTokens {
  writeToken?: string;
  readToken?: string;
}

interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
}

/** Compares two secrets in constant time (for equal lengths; unequal lengths never match). */
export function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    // Still spend a comparison, so a length mismatch answers as fast as a content mismatch.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** The bearer token of a request, or null when there is none. */
export function bearerToken(request: AuthRequest, allowQueryToken: boolean): string | null {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (match) return match[1]!;

  // EventSource cannot send headers: the event stream alone takes `?access_token=`.
  const queryToken = request.query?.access_token;
  return allowQueryToken && typeof queryToken === 'string' && queryToken ? queryToken : null;
}

/**
 * Writes need the write token; reads need the read token (or the write token) when a read token
 * is configured. Missing credentials are 401, wrong ones 403. Without a configured write token
 * every write is refused: the API never runs open for writing by accident.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(@Inject(API_TOKENS) private readonly tokens: ApiTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const operation = operationOf(context);
    const access: Access = operation?.access ?? 'read';
    if (access === 'public') return true;

    const request = context.switchToHttp().getRequest<AuthRequest>();
    const allowQuery = operation?.id === 'experimentEvents';
    const token = bearerToken(request, allowQuery);
    return access === 'write' ? this.checkWrite(token) : this.checkRead(token);
  }

  private checkWrite(token: string | null): boolean {
    const { writeToken } = this.tokens;
    if (!writeToken) {
      throw new ForbiddenException('writes are disabled: the server has no TTPGRID_WRITE_TOKEN');
    }
    if (token === null) throw new UnauthorizedException('a bearer token is required');
    if (!tokensMatch(token, writeToken)) {
      throw new ForbiddenException('the token does not allow writing');
    }
    return true;
  }

  private checkRead(token: string | null): boolean {
    const { readToken, writeToken } = this.tokens;
    if (!readToken) return true;
    if (token === null) throw new UnauthorizedException('a bearer token is required');

    const readable = tokensMatch(token, readToken);
    const writable = writeToken ? tokensMatch(token, writeToken) : false;
    if (!readable && !writable) throw new ForbiddenException('the token does not allow reading');
    return true;
  }
}
