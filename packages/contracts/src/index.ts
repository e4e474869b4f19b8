export * from './artifacts';
export * from './schema';
export * from './trainer';
