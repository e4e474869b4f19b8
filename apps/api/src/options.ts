import { join } from 'node:path';

import { z } from 'zod';

import type { TtpgridConfig } from '@ttpgrid/config';

import { DATA_WATCH_SCHEDULE_ID } from '@ttpgrid/orchestration';

/** Settings of the API beyond the shared configuration. */
export interface ApiOptions {
  /** Interface to listen on; loopback unless a container needs more. */
  host: string;
  /** The web UI's static build, served at / when it exists; null turns it off. */
  webDist: string | null;
  /** Largest request body accepted, in bytes; larger ones are answered with 413. */
  bodyLimitBytes: number;
  /** Time between progress events of `GET /api/experiments/:id/events`. */
  eventIntervalMs: number;
  scheduleId: string;
  /** The stage histogram and GPU-seconds count stages finished from this time (default: start). */
  metricsFinishedSince?: Date;
}

export function defaultApiOptions(config: TtpgridConfig): ApiOptions {
  return {
    host: '127.0.0.1',
    webDist: join(config.repoRoot, 'apps/web/dist'),
    bodyLimitBytes: 1024 * 1024,
    eventIntervalMs: 2000,
    scheduleId: DATA_WATCH_SCHEDULE_ID,
  };
}

const ApiEnvironment = z.object({
  TTPGRID_API_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).optional(),
  TTPGRID_WEB_DIST: z.string().min(1).optional(),
});

/**
 * The API's own variables, validated like the shared ones. TODO(#6): move TTPGRID_API_HOST and
 * TTPGRID_WEB_DIST into packages/config/src/env.ts (compose needs 0.0.0.0 in a container).
 */
export function apiOptionsFromEnvironment(
  config: TtpgridConfig,
  env: NodeJS.ProcessEnv = process.env,
): ApiOptions {
  const parsed = ApiEnvironment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`invalid API configuration: ${problems.join('; ')}`);
  }
  const defaults = defaultApiOptions(config);
  return {
    ...defaults,
    host: parsed.data.TTPGRID_API_HOST ?? defaults.host,
    webDist: parsed.data.TTPGRID_WEB_DIST ?? defaults.webDist,
  };
}
