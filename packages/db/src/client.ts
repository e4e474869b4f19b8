import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/client';

export type Database = PrismaClient;

/** A Prisma client over node-postgres; one per process, closed with `$disconnect()`. */
export function createDatabase(databaseUrl: string): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl });
  return new PrismaClient({ adapter });
}
