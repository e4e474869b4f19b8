import { z } from 'zod';

/** Content address of an artifact: the lowercase hex SHA-256 of its bytes. */
export const ArtifactKey = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an artifact key is 64 lowercase hex characters (SHA-256)');
export type ArtifactKey = z.infer<typeof ArtifactKey>;
