/** Injection tokens: tsx and vitest emit no decorator metadata, so every injection is explicit. */
export const API_CONFIG = Symbol('API_CONFIG');
export const API_OPTIONS = Symbol('API_OPTIONS');
export const API_TOKENS = Symbol('API_TOKENS');
export const DATABASE = Symbol('DATABASE');
export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');
export const ARTIFACT_STORE = Symbol('ARTIFACT_STORE');
