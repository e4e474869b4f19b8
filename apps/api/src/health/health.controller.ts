import { Controller, Inject, Res } from '@nestjs/common';

import { Operation } from '../common/operation';
import { livenessOp, readinessOp } from './health.dto';
import { HealthService } from './health.service';

interface StatusResponse {
  status(code: number): unknown;
}

@Controller()
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Operation(livenessOp)
  liveness() {
    return { status: 'ok' };
  }

  /** 503 names the failed dependency in `checks` and in `message`. */
  @Operation(readinessOp)
  async readiness(@Res({ passthrough: true }) response: StatusResponse) {
    const readiness = await this.health.readiness();
    if (readiness.status === 'ready') return readiness;

    response.status(503);
    const failed = Object.entries(readiness.checks)
      .filter(([, check]) => !check.ok)
      .map(([name]) => name);
    return {
      statusCode: 503,
      error: 'Service Unavailable',
      message: `not ready: ${failed.join(', ')}`,
      ...readiness,
    };
  }
}
