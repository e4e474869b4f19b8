import { Module, type DynamicModule } from '@nestjs/common';

import type { TtpgridConfig } from '@ttpgrid/config';

import type { ApiTokens } from './common/auth.guard';
import type { ApiDependencies } from './dependencies';
import type { ApiOptions } from './options';
import {
  API_CONFIG,
  API_OPTIONS,
  API_TOKENS,
  ARTIFACT_STORE,
  DATABASE,
  TEMPORAL_CLIENT,
} from './tokens';

export interface ApiContext {
  config: TtpgridConfig;
  options: ApiOptions;
  tokens: ApiTokens;
  deps: ApiDependencies;
}

/** Configuration and clients, provided to every feature module under explicit tokens. */
@Module({})
export class CoreModule {
  static register(context: ApiContext): DynamicModule {
    const providers = [
      { provide: API_CONFIG, useValue: context.config },
      { provide: API_OPTIONS, useValue: context.options },
      { provide: API_TOKENS, useValue: context.tokens },
      { provide: DATABASE, useValue: context.deps.db },
      { provide: TEMPORAL_CLIENT, useValue: context.deps.client },
      { provide: ARTIFACT_STORE, useValue: context.deps.store },
    ];
    return {
      module: CoreModule,
      global: true,
      providers,
      exports: providers.map((provider) => provider.provide),
    };
  }
}
