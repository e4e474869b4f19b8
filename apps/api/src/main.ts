/** Entry point of the API: `npm start -w @ttpgrid/api` (listens on TTPGRID_API_PORT). */
import { createLogger, loadConfig } from '@ttpgrid/config';

import { createApiApp } from './app';
import { apiOptionsFromEnvironment } from './options';

const log = createLogger('api.main');

async function main() {
  const config = loadConfig();
  const options = apiOptionsFromEnvironment(config);
  if (!config.writeToken) log.warn('no TTPGRID_WRITE_TOKEN: every write is refused');

  const api = await createApiApp(config, undefined, options);
  const url = await api.listen(config.apiPort, options.host);
  log.info('api listening', { url, docs: `${url}/api/docs` });

  const stop = () => {
    log.info('api stopping');
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('api stop failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log.error('api failed to start', { error });
  process.exit(1);
});
