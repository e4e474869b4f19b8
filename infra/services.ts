/**
 * Starts the embedded services (Postgres and the Temporal dev server), waits until both answer,
 * and stops them cleanly on Ctrl-C or SIGTERM. `npm run services`.
 */
import { loadConfig } from '@ttpgrid/config';
import { ServiceStartError, startDevStack } from '@ttpgrid/devstack';

async function main() {
  const config = loadConfig();
  const stack = await startDevStack(config);
  process.stdout.write(
    [
      `postgres  ${stack.databaseUrl}`,
      `temporal  ${stack.temporalAddress}`,
      `temporal UI  ${stack.temporalUiUrl ?? '(external)'}`,
      'press Ctrl-C to stop',
      '',
    ].join('\n'),
  );

  const shutdown = async (signal: string) => {
    process.stdout.write(`${signal}: stopping services\n`);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ServiceStartError ? error.message : String(error);
  process.stderr.write(`ttpgrid services: ${message}\n`);
  process.exit(1);
});
