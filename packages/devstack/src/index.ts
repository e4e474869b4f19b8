export * from './ports';
export * from './postgres';
export * from './stack';
export * from './temporal';
export * from './trainer';
