import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { AuthGuard } from './common/auth.guard';
import { CoreModule, type ApiContext } from './core.module';
import { DatasetsModule } from './datasets/datasets.module';
import { DocsModule } from './docs/docs.module';
import { ExperimentsModule } from './experiments/experiments.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { ResultsModule } from './results/results.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';

export const FEATURE_MODULES = [
  ExperimentsModule,
  ResultsModule,
  RunsModule,
  DatasetsModule,
  SchedulesModule,
  HealthModule,
  MetricsModule,
  ModelsModule,
  DocsModule,
];

@Module({})
export class AppModule {
  static register(context: ApiContext): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.register(context), ...FEATURE_MODULES],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
