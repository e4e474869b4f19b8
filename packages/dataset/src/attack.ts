import { DatasetInputError } from './errors';
import type { AttackDomain } from './settings';
import { isRecord } from './tram';

/** One ATT&CK technique or sub-technique (a STIX `attack-pattern`) of one domain and release. */
export interface AttackTechnique {
  id: string;
  stixId: string;
  name: string;
  domain: AttackDomain;
  description: string;
  revoked: boolean;
  deprecated: boolean;
  isSubtechnique: boolean;
}

/** The techniques of one ATT&CK release over the chosen domains, by ATT&CK ID. */
export interface AttackCatalog {
  version: string;
  domains: AttackDomain[];
  techniques: Map<string, AttackTechnique>;
  /** ATT&CK ID → ATT&CK ID, from `revoked-by` relationship objects where the files carry them. */
  revokedBy: Map<string, string>;
}

export interface AttackFileContent {
  domain: AttackDomain;
  techniques: AttackTechnique[];
  revocations: { sourceRef: string; targetRef: string }[];
}

const ATTACK_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

/** Parses a JSON Lines file of STIX objects; other object types than the ones used are skipped. */
export function parseAttackFile(
  location: string,
  text: string,
  domain: AttackDomain,
): AttackFileContent {
  const content: AttackFileContent = { domain, techniques: [], revocations: [] };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') {
      return;
    }

    const where = `line ${index + 1}`;
    const object = parseStixLine(location, where, line);
    if (object.type === 'attack-pattern') {
      content.techniques.push(techniqueOf(location, where, object, domain));
    } else if (object.type === 'relationship' && object.relationship_type === 'revoked-by') {
      content.revocations.push(revocationOf(location, where, object));
    }
  });
  return content;
}

function parseStixLine(location: string, where: string, line: string): Record<string, unknown> {
  let object: unknown;
  try {
    object = JSON.parse(line);
  } catch (error) {
    throw new DatasetInputError(location, where, `not valid JSON (${(error as Error).message})`);
  }

  if (!isRecord(object) || typeof object.type !== 'string') {
    throw new DatasetInputError(location, where, 'expected a STIX object with a "type"');
  }
  return object;
}

function techniqueOf(
  location: string,
  where: string,
  object: Record<string, unknown>,
  domain: AttackDomain,
): AttackTechnique {
  const id = attackIdOf(object);
  if (id === undefined) {
    throw new DatasetInputError(location, where, 'attack-pattern without an ATT&CK external_id');
  }
  if (typeof object.name !== 'string' || typeof object.id !== 'string') {
    throw new DatasetInputError(location, where, `attack-pattern ${id} lacks "id" or "name"`);
  }

  return {
    id,
    stixId: object.id,
    name: object.name,
    domain,
    description: typeof object.description === 'string' ? object.description : '',
    revoked: object.revoked === true,
    deprecated: object.x_mitre_deprecated === true,
    isSubtechnique: object.x_mitre_is_subtechnique === true || id.includes('.'),
  };
}

function attackIdOf(object: Record<string, unknown>): string | undefined {
  const references = Array.isArray(object.external_references) ? object.external_references : [];
  const reference = references.find(
    (entry: unknown) =>
      isRecord(entry) &&
      typeof entry.source_name === 'string' &&
      ATTACK_SOURCES.has(entry.source_name) &&
      typeof entry.external_id === 'string',
  ) as { external_id: string } | undefined;
  return reference?.external_id;
}

function revocationOf(location: string, where: string, object: Record<string, unknown>) {
  if (typeof object.source_ref !== 'string' || typeof object.target_ref !== 'string') {
    throw new DatasetInputError(location, where, 'revoked-by relationship lacks its refs');
  }
  return { sourceRef: object.source_ref, targetRef: object.target_ref };
}

/**
 * Joins the domains of one release. Should two objects share an ATT&CK ID, an active one wins
 * over a revoked or deprecated one, then the earlier domain in the configured order.
 */
export function buildAttackCatalog(version: string, files: AttackFileContent[]): AttackCatalog {
  const techniques = new Map<string, AttackTechnique>();
  for (const file of files) {
    for (const technique of file.techniques) {
      const current = techniques.get(technique.id);
      if (current === undefined || (!isActive(current) && isActive(technique))) {
        techniques.set(technique.id, technique);
      }
    }
  }

  return {
    version,
    domains: files.map((file) => file.domain),
    techniques,
    revokedBy: revokedByIds(files),
  };
}

function revokedByIds(files: AttackFileContent[]): Map<string, string> {
  const idOfStix = new Map<string, string>();
  files.flatMap((file) => file.techniques).forEach((t) => idOfStix.set(t.stixId, t.id));

  const revokedBy = new Map<string, string>();
  for (const { sourceRef, targetRef } of files.flatMap((file) => file.revocations)) {
    const source = idOfStix.get(sourceRef);
    const target = idOfStix.get(targetRef);
    if (source !== undefined && target !== undefined) {
      revokedBy.set(source, target);
    }
  }
  return revokedBy;
}

export function isActive(technique: AttackTechnique): boolean {
  return !technique.revoked && !technique.deprecated;
}

export function parentIdOf(id: string): string {
  return id.split('.')[0] ?? id;
}
