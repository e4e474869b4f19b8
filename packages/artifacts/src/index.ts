export * from './jsonl';
export * from './store';
