import { z } from 'zod';

/** Experiment and run IDs are UUIDs today; any short token is accepted and looked up. */
export const RecordId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'an ID of 1 to 128 letters, digits, - or _');

export const IdParams = z.strictObject({ id: RecordId });

/** A dataset version: the SHA-256 of its inputs and settings (a prefix of 8+ is not enough). */
export const DatasetVersionId = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-hex dataset version');

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

export const ErrorBodySchema = z.object({
  statusCode: z.int(),
  error: z.string(),
  message: z.string(),
  problems: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
});

export const Interval = z.object({ lower: z.number(), upper: z.number(), level: z.number() });

/** The error answers every operation may give, for the OpenAPI document. */
export function errorResponses(...codes: number[]) {
  const descriptions: Record<number, string> = {
    400: 'invalid input: `problems` lists every field path and reason',
    401: 'no bearer token',
    403: 'the token does not allow this',
    404: 'no such record',
    409: 'conflicts with the current state',
    413: 'request body too large',
    422: 'input refused by a data check',
    503: 'a dependency is not available',
  };
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { description: descriptions[code] ?? 'error', schema: ErrorBodySchema },
    ]),
  );
}
