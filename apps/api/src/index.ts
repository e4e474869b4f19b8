export * from './app';
export * from './common/auth.guard';
export * from './dependencies';
export * from './docs/openapi';
export * from './options';
