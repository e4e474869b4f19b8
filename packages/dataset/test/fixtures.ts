import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A tiny raw data folder in the layout of `../shared/data`, made up for the tests: a TRAM report
 * export, a TRAM 2 single-label file and ATT&CK JSON Lines for two releases and three domains.
 */
export const FIXTURE_PRIMARY = 'tram/fixture/report.json';
export const FIXTURE_OOD = 'tram/fixture/single_label.json';

interface TechniqueSpec {
  id: string;
  name: string;
  description?: string;
  revoked?: boolean;
  deprecated?: boolean;
}

let stixCounter = 0;

export function stixTechnique(spec: TechniqueSpec, domain = 'enterprise') {
  stixCounter += 1;
  const source = domain === 'enterprise' ? 'mitre-attack' : `mitre-${domain}-attack`;
  return {
    type: 'attack-pattern',
    id: `attack-pattern--${spec.id.replace('.', '-')}-${domain}`,
    name: spec.name,
    description: spec.description ?? `${spec.name} is a technique. It has two sentences.`,
    external_references: [
      { source_name: source, external_id: spec.id, url: `https://attack.mitre.org/${stixCounter}` },
      { source_name: 'Some Report', description: 'A cited report.' },
    ],
    x_mitre_is_subtechnique: spec.id.includes('.'),
    x_mitre_deprecated: spec.deprecated ?? false,
    revoked: spec.revoked ?? false,
  };
}

const ENTERPRISE: TechniqueSpec[] = [
  {
    id: 'T1059',
    name: 'Command and Scripting Interpreter',
    description:
      'Adversaries may abuse interpreters, e.g. <code>cmd.exe</code>, to run commands.' +
      '(Citation: Example Report) ' +
      'See [PowerShell](https://attack.mitre.org/techniques/T1059/001) ' +
      'for one of them.\n\nCommon interpreters include:\n\n* Bash\n* Python 3.11',
  },
  { id: 'T1059.001', name: 'PowerShell', description: 'PowerShell is powerful. It is on Windows.' },
  {
    id: 'T1059.002',
    name: 'AppleScript',
    description: 'AppleScript is deprecated here.',
    deprecated: true,
  },
  { id: 'T1573', name: 'Encrypted Channel' },
  { id: 'T1005', name: 'Data from Local System' },
  { id: 'T1053', name: 'Scheduled Task/Job' },
  { id: 'T1053.001', name: 'At (Linux)', revoked: true },
  { id: 'T1053.002', name: 'At' },
  { id: 'T1999', name: 'Retired Technique', deprecated: true },
  { id: 'T1082', name: 'System Information Discovery' },
  { id: 'T1033', name: 'System Owner/User Discovery' },
];

const MOBILE: TechniqueSpec[] = [
  { id: 'T1521', name: 'Encrypted Channel', description: 'Mobile encrypted channel text.' },
  { id: 'T1533', name: 'Data from Local System' },
  { id: 'T1630', name: 'Mobile Only Technique' },
];

const ICS: TechniqueSpec[] = [{ id: 'T0801', name: 'Monitor Process State' }];

function jsonLines(objects: readonly unknown[]): string {
  return objects.map((object) => `${JSON.stringify(object)}\n`).join('');
}

function attackFiles(version: string): Record<string, string> {
  const tweak = (spec: TechniqueSpec): TechniqueSpec =>
    version === 'v15.1' && spec.id === 'T1005'
      ? { ...spec, description: 'Local data is gathered. A new release adds this.' }
      : spec;
  return {
    [`attack/enterprise-attack_${version}.jsonl`]: jsonLines([
      ...ENTERPRISE.map((spec) => stixTechnique(tweak(spec))),
      { type: 'x-mitre-tactic', id: 'x-mitre-tactic--1', name: 'Execution' },
    ]),
    [`attack/mobile-attack_${version}.jsonl`]: jsonLines(
      MOBILE.map((spec) => stixTechnique(spec, 'mobile')),
    ),
    [`attack/ics-attack_${version}.jsonl`]: jsonLines(
      ICS.map((spec) => stixTechnique(spec, 'ics')),
    ),
  };
}

type Sentence = [text: string, ...labels: string[]];

/**
 * Classes after the recipe: T1059 (6 incl. the sub-technique), T1573 (4, aliased T1521),
 * T1005 (3, only Mobile T1533 labels), T1053 (3, one revoked T1053.001), T1630 (3, Mobile only).
 * Dropped: T1082 (2 sentences), T9999 (unknown, 1), T1999 (deprecated, 1, kept as own class → 1).
 */
export const PRIMARY_SENTENCES: Sentence[] = [
  ['Attackers ran cmd.exe to list files on the host.', 'T1059'],
  ['The implant spawns a shell to execute the payload script.', 'T1059'],
  ['  Attackers ran cmd.exe to list files on the host.  ', 'T1082'],
  ['A PowerShell one-liner downloaded the second stage.', 'T1059.001'],
  ['Encoded PowerShell commands launched the loader from memory.', 'T1059.001'],
  ['Bash scripts were used to persist on Linux servers.', 'T1059'],
  ['The group relied on Python scripts for automation tasks.', 'T1059'],
  ['Traffic to the server was wrapped in custom AES encryption.', 'T1573'],
  ['The beacon encrypts its channel with RC4 and a static key.', 'T1521'],
  ['Command traffic used TLS with a self-signed certificate.', 'T1573'],
  ['An encrypted channel hides the exfiltrated archives.', 'T1573'],
  ['The app reads files stored on the phone.', 'T1533'],
  ['Documents from the local disk were collected.', 'T1533'],
  ['It gathers local files before sending them.', 'T1533'],
  ['A scheduled task ran the dropper every hour.', 'T1053'],
  ['The at command scheduled the backdoor.', 'T1053.001'],
  ['Cron jobs restarted the miner after reboot.', 'T1053'],
  ['The mobile malware abuses a unique mobile feature.', 'T1630'],
  ['Another mobile only behaviour was observed.', 'T1630'],
  ['A third mobile sample did the same thing.', 'T1630'],
  ['The tool collects the OS version and hostname.', 'T1082'],
  ['It lists installed software and hardware details.', 'T1082'],
  ['Something with an unknown label.', 'T9999'],
  ['Something with a retired label.', 'T1999'],
  ['This sentence carries two labels.', 'T1059', 'T1573'],
  ['The weather was nice that day.'],
  ['Nothing malicious happened here.'],
  ['The weather was nice that day.'],
  ['   '],
];

function reportExport(sentences: readonly Sentence[]) {
  return {
    name: 'Fixture',
    text: '',
    sentences: sentences.map(([text, ...labels], order) => ({
      text,
      order,
      disposition: 'accept',
      mappings: labels.map((id) => ({ attack_id: id, confidence: '100.0' })),
    })),
  };
}

export const OOD_ROWS = [
  { text: 'A fresh report says PowerShell was used.', label: 'T1059.001', doc_title: 'x' },
  { text: 'A fresh report says PowerShell was used.', label: 'T1059.001', doc_title: 'x' },
  { text: 'Attackers ran cmd.exe to list files on the host.', label: 'T1059' },
  { text: 'Traffic was encrypted with a new cipher.', label: 'T1573.001' },
  { text: 'The system owner was discovered.', label: 'T1033' },
  { text: 'Unknown label row.', label: 'T8888' },
];

export interface FixtureDir {
  root: string;
  remove(): Promise<void>;
}

/** Writes the fixture folder; `files` adds or replaces files by relative path. */
export async function createFixtureDir(files: Record<string, string> = {}): Promise<FixtureDir> {
  const root = await mkdtemp(join(tmpdir(), 'ttpgrid-dataset-'));
  const contents: Record<string, string> = {
    [FIXTURE_PRIMARY]: JSON.stringify(reportExport(PRIMARY_SENTENCES), null, 2),
    [FIXTURE_OOD]: JSON.stringify(OOD_ROWS, null, 2),
    ...attackFiles('v14.1'),
    ...attackFiles('v15.1'),
    ...files,
  };

  for (const [path, text] of Object.entries(contents)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

export function reportExportText(sentences: readonly Sentence[]): string {
  return JSON.stringify(reportExport(sentences));
}

/** Settings that point the recipe at the fixture files. */
export const FIXTURE_SETTINGS = {
  primary: { path: FIXTURE_PRIMARY },
  ood: { path: FIXTURE_OOD },
} as const;
