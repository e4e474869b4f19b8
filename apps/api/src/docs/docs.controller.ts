import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Controller, Inject, Res } from '@nestjs/common';

import type { TtpgridConfig } from '@ttpgrid/config';

import { Operation } from '../common/operation';
import { API_CONFIG } from '../tokens';
import { docsOp, openApiOp } from './docs.dto';
import { buildOpenApiDocument, renderDocsPage } from './openapi';

interface TextResponse {
  setHeader(name: string, value: string): unknown;
}

@Controller()
export class DocsController {
  private readonly document: ReturnType<typeof buildOpenApiDocument>;

  constructor(@Inject(API_CONFIG) config: TtpgridConfig) {
    const pkg = JSON.parse(readFileSync(join(config.repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    this.document = buildOpenApiDocument(pkg.version);
  }

  @Operation(docsOp)
  page(@Res({ passthrough: true }) response: TextResponse) {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    return renderDocsPage(this.document);
  }

  @Operation(openApiOp)
  openApi() {
    return this.document;
  }
}
