import type { Command } from 'commander';

import { LocalArtifactStore } from '@ttpgrid/artifacts';
import { loadConfig } from '@ttpgrid/config';
import { createDatabase } from '@ttpgrid/db';
import { collectCheckpoints, type RetentionPolicy } from '@ttpgrid/orchestration';

import { CliError, EXIT } from '../exit-codes';

/** `ttpgrid gc`: removes stage weights the retention policy no longer needs. */
export function registerGcCommand(program: Command) {
  program
    .command('gc')
    .description('remove stage weights that no unfinished stage, run or kept model needs')
    .option('--dry-run', 'report what would be removed, remove nothing')
    .option('--policy <policy>', 'default, or keep-all (remove nothing)', 'default')
    .option('--json', 'print one JSON object')
    .action(async (options: { dryRun?: boolean; policy: string; json?: boolean }) => {
      if (options.policy !== 'default' && options.policy !== 'keep-all') {
        throw new CliError(`--policy must be default or keep-all, not ${options.policy}`, 2);
      }
      const config = loadConfig();
      const db = createDatabase(config.databaseUrl);
      try {
        const report = await collectCheckpoints(db, new LocalArtifactStore(config.artifactDir), {
          policy: options.policy as RetentionPolicy,
          dryRun: options.dryRun ?? false,
        }).catch((error: Error) => {
          throw new CliError(`cannot reach Postgres: ${error.message}`, EXIT.unreachable);
        });
        const verb = report.dryRun ? 'would free' : 'freed';
        process.stdout.write(
          options.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : `${report.examined} stored checkpoints, ${report.kept} kept, ` +
                `${report.removed.length} removed; ${verb} ${formatBytes(report.bytesFreed)}\n`,
        );
      } finally {
        await db.$disconnect();
      }
    });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
