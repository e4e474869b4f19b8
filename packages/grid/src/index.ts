export * from './augment';
export * from './cases';
export * from './cells';
export * from './hashing';
export * from './plan';
export * from './random';
export * from './spec';
