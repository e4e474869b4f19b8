export * from './backlog';
export * from './exposition';
export * from './metrics';
export * from './server';
export * from './stages';
export * from './updater';
