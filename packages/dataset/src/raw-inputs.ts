import { buildAttackCatalog, parseAttackFile, type AttackCatalog } from './attack';
import { loadInputFile, type LoadedFile } from './inputs';
import { attackFilePath, type AttackDomain, type DatasetSettings } from './settings';
import { parseTramFile, type TramSentence } from './tram';
import type { InputFile } from './version';

/** Everything the recipe reads, parsed, with the content hash of every file by role. */
export interface RawInputs {
  files: InputFile[];
  primary: TramSentence[];
  labelCatalog: AttackCatalog;
  auxiliaryCatalog: AttackCatalog;
  ood: { source: string; rows: TramSentence[] } | null;
}

/** Reads each file once, however many roles it plays (e.g. one ATT&CK release for both uses). */
class InputReader {
  readonly files: InputFile[] = [];
  private readonly loaded = new Map<string, Promise<LoadedFile>>();

  constructor(private readonly rawDataDir: string) {}

  async read(path: string, role: string): Promise<LoadedFile> {
    const pending = this.loaded.get(path) ?? loadInputFile(this.rawDataDir, path, role);
    this.loaded.set(path, pending);

    const file = await pending;
    this.files.push({ ...file.input, role });
    return file;
  }
}

export async function loadRawInputs(
  settings: DatasetSettings,
  rawDataDir: string,
): Promise<RawInputs> {
  const reader = new InputReader(rawDataDir);
  const primaryFile = await reader.read(settings.primary.path, 'primary');
  const primary = parseTramFile(primaryFile.location, primaryFile.text, settings.primary.format);

  const { labels, auxiliary } = settings;
  const labelCatalog = await readCatalog(reader, labels.attackVersion, labels.domains, 'labels');
  const auxiliaryCatalog = await readCatalog(
    reader,
    auxiliary.attackVersion,
    auxiliary.domains,
    'auxiliary',
  );
  const ood = settings.ood.path === null ? null : await readOod(reader, settings.ood.path);

  const files = [...reader.files].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
  return { files, primary, labelCatalog, auxiliaryCatalog, ood };
}

async function readCatalog(
  reader: InputReader,
  version: string,
  domains: readonly AttackDomain[],
  use: string,
): Promise<AttackCatalog> {
  const contents = [];
  for (const domain of domains) {
    const file = await reader.read(attackFilePath(domain, version), `${use}:${domain}`);
    contents.push(parseAttackFile(file.location, file.text, domain));
  }
  return buildAttackCatalog(version, contents);
}

async function readOod(reader: InputReader, path: string) {
  const file = await reader.read(path, 'ood');
  return { source: path, rows: parseTramFile(file.location, file.text, 'tram2-single-label') };
}
