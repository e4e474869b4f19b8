export * from './exit-codes';
export * from './program';
