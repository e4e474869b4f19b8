import { Controller, HttpCode, Inject, Req, Res } from '@nestjs/common';

import { Operation } from '../common/operation';
import type { ClassifyRequestParts } from './classify.request';
import { ClassifyService } from './classify.service';
import { classifyNavigatorOp, classifyOp } from './models.dto';

interface DownloadResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * The classify routes validate their own input (classify.request.ts): the body is either JSON
 * or raw report text, which `@Input()` cannot tell apart.
 */
@Controller()
export class ClassifyController {
  constructor(@Inject(ClassifyService) private readonly classifier: ClassifyService) {}

  @Operation(classifyOp)
  @HttpCode(200)
  classify(@Req() request: ClassifyRequestParts) {
    return this.classifier.classify(request);
  }

  @Operation(classifyNavigatorOp)
  @HttpCode(200)
  async navigator(
    @Req() request: ClassifyRequestParts,
    @Res({ passthrough: true }) response: DownloadResponse,
  ) {
    const { layer, fileName } = await this.classifier.navigatorLayer(request);
    response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    return layer;
  }
}
