import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import type { TtpgridConfig } from '@ttpgrid/config';

import { AppModule } from './app.module';
import type { ApiTokens } from './common/auth.guard';
import { ApiExceptionFilter } from './common/exception.filter';
import { NestLogAdapter } from './common/nest-logger';
import { openDependencies, type ApiDependencies } from './dependencies';
import { defaultApiOptions, type ApiOptions } from './options';
import { hasWebBuild, staticWebMiddleware } from './web/static-web';

export interface ApiApp {
  app: NestExpressApplication;
  options: ApiOptions;
  /** Listens (default: config.apiPort on options.host) and resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Closes the server and the clients the API opened itself. */
  close(): Promise<void>;
}

export interface CreateApiOptions extends Partial<ApiOptions> {
  /** Bearer tokens; default: TTPGRID_WRITE_TOKEN and TTPGRID_READ_TOKEN from the config. */
  tokens?: ApiTokens;
}

/**
 * The ttpgrid API as a Nest application, initialised but not listening. Without `deps` it opens
 * its own Postgres client, Temporal client and artifact store, and closes them on `close()`.
 */
export async function createApiApp(
  config: TtpgridConfig,
  deps?: ApiDependencies,
  overrides: CreateApiOptions = {},
): Promise<ApiApp> {
  const { tokens, ...optionOverrides } = overrides;
  const options: ApiOptions = { ...defaultApiOptions(config), ...optionOverrides };
  const opened = deps ? null : openDependencies(config);
  const module = AppModule.register({
    config,
    options,
    tokens: tokens ?? { writeToken: config.writeToken, readToken: config.readToken },
    deps: deps ?? opened!.deps,
  });

  const app = await NestFactory.create<NestExpressApplication>(module, {
    bodyParser: false,
    logger: new NestLogAdapter(),
    forceCloseConnections: true,
  });
  configureHttp(app, config, options);
  await app.init();

  return {
    app,
    options,
    listen: async (port = config.apiPort, host = options.host) => {
      await app.listen(port, host);
      const address = app.getHttpServer().address() as { port: number };
      return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    },
    close: async () => {
      await app.close();
      await opened?.close();
    },
  };
}

function configureHttp(app: NestExpressApplication, config: TtpgridConfig, options: ApiOptions) {
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.useBodyParser('json', {
    limit: options.bodyLimitBytes,
    type: ['application/json', 'application/*+json'],
  });
  app.useGlobalFilters(new ApiExceptionFilter(config.rawDataDir));
  if (hasWebBuild(options.webDist)) app.use(staticWebMiddleware(options.webDist));
}
