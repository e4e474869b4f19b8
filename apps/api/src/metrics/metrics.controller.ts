import { Controller, Inject, Res } from '@nestjs/common';

import { Operation } from '../common/operation';
import { metricsOp } from './metrics.dto';
import { MetricsService } from './metrics.service';

interface TextResponse {
  setHeader(name: string, value: string): unknown;
}

@Controller()
export class MetricsController {
  constructor(@Inject(MetricsService) private readonly metrics: MetricsService) {}

  @Operation(metricsOp)
  async scrape(@Res({ passthrough: true }) response: TextResponse) {
    const { contentType, body } = await this.metrics.scrape();
    response.setHeader('Content-Type', contentType);
    return body;
  }
}
