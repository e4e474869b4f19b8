import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';

import type { ApiOptions } from '../options';
import { API_OPTIONS } from '../tokens';
import { ClassifyController } from './classify.controller';
import { ClassifyService } from './classify.service';
import { ModelsController } from './models.controller';
import { CLASSIFY_OPTIONS, classifyOptionsFromEnvironment } from './models.options';
import { ModelsService } from './models.service';
import { ReportBodyMiddleware } from './report-body.middleware';

/** Deployed models (deploy, list, show) and report classification with them. */
@Module({
  controllers: [ModelsController, ClassifyController],
  providers: [
    {
      provide: CLASSIFY_OPTIONS,
      useFactory: (options: ApiOptions) => classifyOptionsFromEnvironment(options),
      inject: [API_OPTIONS],
    },
    ModelsService,
    ClassifyService,
  ],
})
export class ModelsModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(ReportBodyMiddleware).forRoutes(ClassifyController);
  }
}
