import { z } from 'zod';

import type { ApiOptions } from '../options';

/** Limits of report classification. */
export interface ClassifyOptions {
  /**
   * Largest report accepted, in UTF-8 bytes; larger ones are answered with 413. Raw text bodies
   * are read up to it; JSON bodies are also capped by the API's body limit.
   */
  maxInputBytes: number;
}

export const CLASSIFY_OPTIONS = Symbol('CLASSIFY_OPTIONS');

const MAX_CONFIGURABLE_BYTES = 64 * 1024 * 1024;

const ClassifyEnvironment = z.object({
  TTPGRID_CLASSIFY_MAX_BYTES: z.coerce.number().int().min(1).max(MAX_CONFIGURABLE_BYTES).optional(),
});

/**
 * TTPGRID_CLASSIFY_MAX_BYTES, validated like the API's own variables; the API's body limit when
 * unset. TODO(#8): move the variable into packages/config/src/env.ts with the others.
 */
export function classifyOptionsFromEnvironment(
  api: Pick<ApiOptions, 'bodyLimitBytes'>,
  env: NodeJS.ProcessEnv = process.env,
): ClassifyOptions {
  const parsed = ClassifyEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`invalid API configuration: ${problems.join('; ')}`);
  }
  return { maxInputBytes: parsed.data.TTPGRID_CLASSIFY_MAX_BYTES ?? api.bodyLimitBytes };
}
