import { isActive, type AttackCatalog, type AttackTechnique } from './attack';
import { cleanDescription, MARKUP } from './description';
import { compareIds } from './labels';
import { splitDescription } from './sentences';
import type { DatasetSettings } from './settings';

export interface AuxiliarySentence {
  text: string;
  classId: string;
  /** The technique or sub-technique whose description the sentence comes from. */
  sourceId: string;
}

export interface AuxiliaryStatistics {
  attackVersion: string;
  descriptions: number;
  sentences: number;
  duplicatesWithinAuxiliary: number;
  duplicatesRemoved: number;
  /** Classes whose own technique is missing, revoked or deprecated in the auxiliary release. */
  classesWithoutTechnique: string[];
  /** Revoked or deprecated sub-techniques of the classes, whose descriptions were left out. */
  retiredSubtechniquesSkipped: string[];
  classesWithFewerThanThree: string[];
  citationsRemoved: number;
  linksReduced: number;
  codeTagsRemoved: number;
}

export interface AuxiliaryData {
  sentences: AuxiliarySentence[];
  statistics: AuxiliaryStatistics;
}

type AuxiliaryRules = DatasetSettings['auxiliary'];

interface ClassRef {
  id: string;
  aliases: string[];
}

/**
 * The paper's auxiliary data D^A: for each class, the sentences of the descriptions of its active
 * technique and active sub-techniques in the auxiliary ATT&CK release (paper, section 3.1).
 */
export function buildAuxiliaryData(
  classes: readonly ClassRef[],
  catalog: AttackCatalog,
  rules: AuxiliaryRules,
): AuxiliaryData {
  const sentences: AuxiliarySentence[] = [];
  const missing: string[] = [];
  const used: AttackTechnique[] = [];
  const active = [...catalog.techniques.values()].filter(isActive);

  for (const dataClass of classes) {
    const techniques = techniquesOfClass(dataClass, catalog, active, rules.includeSubtechniques);
    if (!techniques.some((technique) => technique.id === dataClass.id)) {
      missing.push(dataClass.id);
    }

    used.push(...techniques);
    for (const technique of techniques) {
      const texts = splitDescription(cleanDescription(technique.description), rules.splitter);
      texts.forEach((text) =>
        sentences.push({ text, classId: dataClass.id, sourceId: technique.id }),
      );
    }
  }

  const deduped = dedupeAuxiliary(sentences);
  const kept = rules.dedupe ? deduped : sentences;
  const statistics: AuxiliaryStatistics = {
    attackVersion: catalog.version,
    descriptions: used.length,
    sentences: kept.length,
    duplicatesWithinAuxiliary: sentences.length - deduped.length,
    duplicatesRemoved: sentences.length - kept.length,
    classesWithoutTechnique: missing,
    retiredSubtechniquesSkipped: retiredSubtechniquesOf(classes, catalog),
    classesWithFewerThanThree: classesUnderThree(classes, kept),
    ...markupCounts(used),
  };
  return { sentences: kept, statistics };
}

/** The class's own technique, then its same-named aliases, each followed by its sub-techniques. */
function techniquesOfClass(
  dataClass: ClassRef,
  catalog: AttackCatalog,
  active: readonly AttackTechnique[],
  includeSubtechniques: boolean,
): AttackTechnique[] {
  return [dataClass.id, ...dataClass.aliases].flatMap((id) => {
    const technique = catalog.techniques.get(id);
    if (technique === undefined || !isActive(technique)) {
      return [];
    }

    const subtechniques = includeSubtechniques
      ? active.filter((candidate) => candidate.id.startsWith(`${id}.`))
      : [];
    return [technique, ...subtechniques.sort((a, b) => compareIds(a.id, b.id))];
  });
}

function retiredSubtechniquesOf(classes: readonly ClassRef[], catalog: AttackCatalog): string[] {
  const prefixes = classes.map((dataClass) => `${dataClass.id}.`);
  return [...catalog.techniques.values()]
    .filter((t) => !isActive(t) && prefixes.some((prefix) => t.id.startsWith(prefix)))
    .map((t) => t.id)
    .sort(compareIds);
}

function dedupeAuxiliary(sentences: readonly AuxiliarySentence[]): AuxiliarySentence[] {
  const seen = new Set<string>();
  return sentences.filter((sentence) => {
    if (seen.has(sentence.text)) {
      return false;
    }
    seen.add(sentence.text);
    return true;
  });
}

function classesUnderThree(classes: readonly ClassRef[], sentences: readonly AuxiliarySentence[]) {
  const counts = new Map<string, number>();
  sentences.forEach((s) => counts.set(s.classId, (counts.get(s.classId) ?? 0) + 1));
  return classes.map((c) => c.id).filter((id) => (counts.get(id) ?? 0) < 3);
}

function markupCounts(techniques: readonly AttackTechnique[]) {
  const count = (pattern: RegExp) =>
    techniques.reduce((total, t) => total + (t.description.match(pattern)?.length ?? 0), 0);
  return {
    citationsRemoved: count(MARKUP.citation),
    linksReduced: count(MARKUP.markdownLink),
    codeTagsRemoved: count(MARKUP.codeTag),
  };
}
