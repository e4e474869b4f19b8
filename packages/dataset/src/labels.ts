import { isActive, parentIdOf, type AttackCatalog, type AttackTechnique } from './attack';
import type { AttackDomain, DatasetSettings } from './settings';

/** A class of the dataset: its canonical (Enterprise where one exists) technique ID. */
export interface LabelClass {
  id: string;
  name: string;
  domain: AttackDomain;
  /** Same-named techniques of the other labelling domains merged into this class. */
  aliases: string[];
}

/** A revoked or deprecated ID met on the way from a raw label to its class, and what was done. */
export interface RetiredStep {
  id: string;
  status: 'revoked' | 'deprecated';
  action: string;
}

export type LabelResolution =
  | { status: 'class'; rawId: string; classId: string; retired: RetiredStep[] }
  | { status: 'unknown'; rawId: string; unknownId: string; retired: RetiredStep[] }
  | { status: 'dropped'; rawId: string; retired: RetiredStep[] };

type LabelRules = Pick<DatasetSettings['primary'], 'subtechniquesToParent' | 'mergeSameName'> &
  Pick<DatasetSettings['labels'], 'revokedBy' | 'retiredWithoutSuccessor'>;

const MAX_HOPS = 16;
const DOMAIN_ORDER: Record<AttackDomain, number> = { enterprise: 0, mobile: 1, ics: 2 };

/**
 * Maps raw label IDs to classes with the labelling ATT&CK release: revoked IDs follow their
 * successor, sub-techniques become their parent, and techniques of the same name across
 * Enterprise, Mobile and ICS become one class under the Enterprise ID (paper, section 3.1).
 */
export class LabelResolver {
  private readonly byName = new Map<string, AttackTechnique[]>();
  private readonly cache = new Map<string, LabelResolution>();

  constructor(
    private readonly catalog: AttackCatalog,
    private readonly rules: LabelRules,
  ) {
    for (const technique of catalog.techniques.values()) {
      if (isActive(technique)) {
        const key = nameKeyOf(technique);
        this.byName.set(key, [...(this.byName.get(key) ?? []), technique]);
      }
    }
  }

  get attackVersion(): string {
    return this.catalog.version;
  }

  resolve(rawId: string): LabelResolution {
    const cached = this.cache.get(rawId);
    if (cached !== undefined) {
      return cached;
    }

    const resolution = this.walk(rawId);
    this.cache.set(rawId, resolution);
    return resolution;
  }

  /** The class a technique belongs to: itself, or the canonical member of its name group. */
  classOf(techniqueId: string): LabelClass {
    const technique = this.catalog.techniques.get(techniqueId);
    if (technique === undefined) {
      throw new Error(`technique ${techniqueId} is not in ATT&CK ${this.catalog.version}`);
    }

    const group = this.nameGroupOf(technique);
    const canonical = group[0] ?? technique;
    const aliases = group.map((member) => member.id).filter((id) => id !== canonical.id);
    return { id: canonical.id, name: canonical.name, domain: canonical.domain, aliases };
  }

  private walk(rawId: string): LabelResolution {
    const retired: RetiredStep[] = [];
    let id = rawId;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const technique = this.catalog.techniques.get(id);
      if (technique === undefined) {
        return { status: 'unknown', rawId, unknownId: id, retired };
      }

      const next = isActive(technique) ? undefined : this.retire(technique, retired);
      if (next === null) {
        return { status: 'dropped', rawId, retired };
      }
      if (next !== undefined) {
        id = next;
        continue;
      }

      if (this.rules.subtechniquesToParent && technique.isSubtechnique) {
        id = parentIdOf(id);
        continue;
      }
      return { status: 'class', rawId, classId: this.classOf(id).id, retired };
    }
    throw new Error(`label ${rawId}: revoked-by chain longer than ${MAX_HOPS} steps (a cycle?)`);
  }

  /** Records a retired technique; returns the ID to continue with, null to drop, or undefined. */
  private retire(technique: AttackTechnique, retired: RetiredStep[]): string | null | undefined {
    const status = technique.revoked ? 'revoked' : 'deprecated';
    const successor =
      this.rules.revokedBy[technique.id] ?? this.catalog.revokedBy.get(technique.id);
    if (successor !== undefined) {
      retired.push({ id: technique.id, status, action: `followed revoked-by to ${successor}` });
      return successor;
    }

    if (this.rules.subtechniquesToParent && technique.isSubtechnique) {
      const parent = parentIdOf(technique.id);
      retired.push({
        id: technique.id,
        status,
        action: `no successor; mapped to parent ${parent}`,
      });
      return parent;
    }

    if (this.rules.retiredWithoutSuccessor === 'drop') {
      retired.push({ id: technique.id, status, action: 'no successor; sentences dropped' });
      return null;
    }
    retired.push({ id: technique.id, status, action: 'no successor; kept as its own class' });
    return undefined;
  }

  private nameGroupOf(technique: AttackTechnique): AttackTechnique[] {
    if (!this.rules.mergeSameName || !isActive(technique)) {
      return [technique];
    }

    const group = this.byName.get(nameKeyOf(technique)) ?? [technique];
    return [...group].sort(
      (a, b) => DOMAIN_ORDER[a.domain] - DOMAIN_ORDER[b.domain] || compareIds(a.id, b.id),
    );
  }
}

/** Names are compared case-insensitively with runs of whitespace collapsed, within one level. */
function nameKeyOf(technique: AttackTechnique): string {
  const level = technique.isSubtechnique ? 'sub' : 'technique';
  return `${level}:${technique.name.trim().replace(/\s+/g, ' ').toLowerCase()}`;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
