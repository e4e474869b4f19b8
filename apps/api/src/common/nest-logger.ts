import type { LoggerService } from '@nestjs/common';

import { createLogger } from '@ttpgrid/config';

/** Nest's own messages as structured log lines; its lifecycle chatter goes to debug. */
export class NestLogAdapter implements LoggerService {
  private readonly logger = createLogger('api.nest');

  log(message: unknown, context?: string) {
    this.logger.debug(String(message), { context });
  }

  warn(message: unknown, context?: string) {
    this.logger.warn(String(message), { context });
  }

  error(message: unknown, trace?: string, context?: string) {
    this.logger.error(String(message), { context, trace });
  }

  debug(message: unknown, context?: string) {
    this.logger.debug(String(message), { context });
  }

  verbose(message: unknown, context?: string) {
    this.logger.debug(String(message), { context });
  }
}
