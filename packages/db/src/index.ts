export * from './client';
export * from './migrate';
export { Prisma } from './generated/client';
export type * from './generated/models';
