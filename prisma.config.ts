import { defineConfig } from 'prisma/config';

// Prisma 7 reads no .env file: DATABASE_URL must be exported. Generation needs no database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://unused@127.0.0.1:1/unused' },
});
