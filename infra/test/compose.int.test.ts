import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { REPO_ROOT } from '@ttpgrid/config';

// Relative until `npm install` links the new workspace package; then '@ttpgrid/telemetry'.
import { createMetrics, exposedMetricNames } from '../../packages/telemetry/src';

import { promqlMetricNames } from './promql';

/** What `compose config` needs to render: the secrets the file insists on, test values only. */
const RENDER_ENV = {
  POSTGRES_PASSWORD: 'compose-test',
  GRAFANA_ADMIN_PASSWORD: 'compose-test',
  TTPGRID_WRITE_TOKEN: 'compose-test',
};

const EXPECTED_SERVICES = [
  'api',
  'grafana',
  'migrate',
  'postgres',
  'prometheus',
  'temporal',
  'temporal-namespace',
  'temporal-schema',
  'temporal-ui',
  'trainer',
  'worker',
];

// TODO(#9): TTPGRID_WORKER_METRICS_HOST must join packages/config/src/env.ts so that the worker
// can bind its metrics server beyond loopback inside a container.
const PENDING_NODE_VARIABLES = ['TTPGRID_WORKER_METRICS_HOST'];

type Service = Record<string, unknown> & { environment?: Record<string, string | null> };
interface RenderedCompose {
  services: Record<string, Service>;
}

/** An empty env file: a developer's .env must not change what the test sees. */
const SCRATCH = mkdtempSync(join(tmpdir(), 'ttpgrid-compose-'));
const EMPTY_ENV_FILE = join(SCRATCH, 'empty.env');
writeFileSync(EMPTY_ENV_FILE, '');
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

// Resolved inside each test, so that a missing compose implementation fails every test.
let cached: { compose: string[]; rendered: RenderedCompose } | undefined;

function stack() {
  if (!cached) {
    const compose = findCompose();
    cached = { compose, rendered: renderCompose(compose, {}) };
  }
  return cached;
}

const services = () => stack().rendered.services;

describe('docker-compose.yml, rendered by a real compose implementation', () => {
  it('defines the whole stack', () => {
    expect(Object.keys(services()).sort()).toEqual(EXPECTED_SERVICES);
  });

  it('reserves an NVIDIA GPU for each trainer and scales trainers by replicas', () => {
    const deploy = services().trainer!.deploy as Deploy;
    const [device, ...others] = deploy.resources.reservations.devices;

    expect(others).toEqual([]);
    expect(device).toMatchObject({ driver: 'nvidia', count: 1 });
    expect(device!.capabilities).toContain('gpu');
    expect(deploy.replicas).toBe(1);

    const scaled = renderCompose(stack().compose, { TTPGRID_TRAINER_REPLICAS: '3' });
    expect((scaled.services.trainer!.deploy as Deploy).replicas).toBe(3);
  });

  it('points every application service at the stack Postgres and Temporal', () => {
    for (const name of ['migrate', 'api', 'worker']) {
      const env = services()[name]!.environment!;
      expect(env.DATABASE_URL, name).toMatch(
        /^postgresql:\/\/ttpgrid:[^@]+@postgres:5432\/ttpgrid$/,
      );
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
    }
    expect(services().trainer!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('mounts one artifact volume at TTPGRID_ARTIFACT_DIR in the API, worker and trainer', () => {
    const paths = ['api', 'worker', 'trainer'].map((name) => {
      const service = services()[name]!;
      const path = service.environment!.TTPGRID_ARTIFACT_DIR!;
      expect(volumeMounts(service), name).toContainEqual({ source: 'artifacts', target: path });
      return path;
    });

    expect(new Set(paths).size).toBe(1);
  });

  it('gives each service only environment variables its code reads', () => {
    const nodeKnown = new Set([...envTsVariables(), ...PENDING_NODE_VARIABLES]);
    for (const name of ['migrate', 'api', 'worker']) {
      const unknown = Object.keys(services()[name]!.environment!).filter(
        (variable) => !nodeKnown.has(variable),
      );
      expect(unknown, name).toEqual([]);
    }

    const trainerKnown = trainerVariables();
    const unknown = Object.keys(services().trainer!.environment!).filter(
      (variable) => !trainerKnown.has(variable),
    );
    expect(unknown).toEqual([]);
  });

  it('builds from Dockerfiles that exist', () => {
    for (const name of ['api', 'worker', 'migrate', 'trainer']) {
      const build = services()[name]!.build as { context: string; dockerfile: string };
      expect(existsSync(join(build.context, build.dockerfile)), name).toBe(true);
    }
  });

  it('refuses to render without the secrets', () => {
    const result = runCompose(stack().compose, { ...RENDER_ENV, POSTGRES_PASSWORD: '' });

    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD');
  });
});

describe('promqlMetricNames', () => {
  it('finds selectors and skips functions, labels, ranges, grouping and numbers', () => {
    const expr =
      '3600 * histogram_quantile(0.9, max by (le, mode) ' +
      '(rate(a_bucket{job="x"}[$__rate_interval])))' +
      ' / on (mode) group_left b_total offset 5m + 1e3 * c';

    expect(promqlMetricNames(expr).sort()).toEqual(['a_bucket', 'b_total', 'c']);
  });
});

describe('Prometheus scrape configuration', () => {
  const config = parse(readRepoFile('infra/prometheus/prometheus.yml')) as PrometheusConfig;
  const ports: Record<string, string> = {
    api: 'TTPGRID_API_PORT',
    worker: 'TTPGRID_WORKER_METRICS_PORT',
    trainer: 'TTPGRID_TRAINER_METRICS_PORT',
  };

  it('scrapes /metrics of the API, every worker and every trainer on their ports', () => {
    for (const [service, portVariable] of Object.entries(ports)) {
      const job = config.scrape_configs.find((candidate) => candidate.job_name === service);
      const port = services()[service]!.environment![portVariable];

      expect(job?.metrics_path ?? '/metrics', service).toBe('/metrics');
      expect(scrapeTargets(job!), service).toContain(`${service}:${port}`);
    }
  });

  it('is the folder mounted into the prometheus service', () => {
    expect(volumeMounts(services().prometheus!)).toContainEqual({
      source: join(REPO_ROOT, 'infra/prometheus'),
      target: '/etc/prometheus',
    });
  });
});

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readRepoFile('infra/grafana/dashboards/ttpgrid.json')) as unknown;
  const queried = new Set(collectExpressions(dashboard).flatMap(promqlMetricNames));

  it('queries only metrics that the telemetry package or the trainer export', async () => {
    const exported = new Set([
      ...(await exposedMetricNames(createMetrics().registry)),
      ...trainerMetricNames(),
    ]);

    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('covers grid progress, stage durations, GPU use, backlog and tokens per second', () => {
    for (const name of [
      'ttpgrid_experiments',
      'ttpgrid_stages',
      'ttpgrid_stage_duration_seconds_bucket',
      'ttpgrid_trainer_gpu_utilization_ratio',
      'ttpgrid_trainer_gpu_memory_bytes',
      'ttpgrid_task_queue_backlog',
      'ttpgrid_trainer_tokens_per_second',
    ]) {
      expect(queried, name).toContain(name);
    }
  });

  it('uses the provisioned datasource and is where the provider looks', () => {
    const datasources = parse(
      readRepoFile('infra/grafana/provisioning/datasources/prometheus.yml'),
    ) as { datasources: Array<{ uid: string; url: string }> };
    const providers = parse(readRepoFile('infra/grafana/provisioning/dashboards/ttpgrid.yml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    const uids = new Set(collectValues(dashboard, 'uid').filter((uid) => uid !== 'ttpgrid'));

    expect([...uids]).toEqual([datasources.datasources[0]!.uid]);
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
    expect(volumeMounts(services().grafana!)).toContainEqual({
      source: join(REPO_ROOT, 'infra/grafana/dashboards'),
      target: providers.providers[0]!.options.path,
    });
  });
});

interface Deploy {
  replicas: number;
  resources: { reservations: { devices: Array<{ capabilities: string[] }> } };
}

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; port: number }>;
}

interface PrometheusConfig {
  scrape_configs: ScrapeJob[];
}

/** The Docker client's compose plugin, else Debian's docker-compose; neither is a failure. */
function findCompose(): string[] {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const probe = spawnSync(command[0]!, [...command.slice(1), 'version'], { timeout: 30_000 });
    if (probe.status === 0) return command;
  }
  throw new Error(
    'no compose implementation: install the Docker compose plugin or Debian docker-compose ' +
      '(bash infra/setup.sh --for-tests)',
  );
}

function runCompose(command: string[], env: Record<string, string>) {
  const args = [
    ...command.slice(1),
    '--project-directory',
    REPO_ROOT,
    '--env-file',
    EMPTY_ENV_FILE,
  ];
  args.push('-f', join(REPO_ROOT, 'docker-compose.yml'), 'config');
  return spawnSync(command[0]!, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    // A clean environment: a developer's TTPGRID_* or .env values must not change the result.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
}

function renderCompose(command: string[], extra: Record<string, string>): RenderedCompose {
  const result = runCompose(command, { ...RENDER_ENV, ...extra });
  if (result.status !== 0) {
    throw new Error(`${command.join(' ')} config failed: ${result.stderr || result.error}`);
  }
  return parse(result.stdout) as RenderedCompose;
}

/** Volume mounts as {source, target}: compose v1 prints `src:dst:mode`, v2 prints objects. */
function volumeMounts(service: Service): Array<{ source: string; target: string }> {
  const volumes = (service.volumes ?? []) as Array<string | { source: string; target: string }>;
  return volumes.map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source, target: volume.target };
    const [source, target] = volume.split(':');
    return { source: source!, target: target! };
  });
}

function scrapeTargets(job: ScrapeJob): string[] {
  const fromStatic = (job.static_configs ?? []).flatMap((config) => config.targets);
  const fromDns = (job.dns_sd_configs ?? []).flatMap((config) =>
    config.names.map((name) => `${name}:${config.port}`),
  );
  return [...fromStatic, ...fromDns];
}

function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** The variables packages/config reads: the keys of its EnvSchema. */
function envTsVariables(): string[] {
  const source = readRepoFile('packages/config/src/env.ts');
  const schema = source.slice(source.indexOf('const EnvSchema'), source.indexOf('});'));
  return [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);
}

function trainerSources(): string[] {
  const folder = join(REPO_ROOT, 'apps/trainer/src/ttpgrid_trainer');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.py'))
    .map((file) => readFileSync(join(folder, file), 'utf8'));
}

/** Settings aliases plus any variable the trainer reads or defaults with os.environ. */
function trainerVariables(): Set<string> {
  const pattern = /alias="([A-Z0-9_]+)"|os\.environ\.(?:get|setdefault)\("([A-Z0-9_]+)"/g;
  const names = trainerSources().flatMap((source) =>
    [...source.matchAll(pattern)].map((match) => match[1] ?? match[2]!),
  );
  return new Set(names);
}

/** Series names prometheus_client exposes for the trainer's metric definitions. */
function trainerMetricNames(): string[] {
  const source = readRepoFile('apps/trainer/src/ttpgrid_trainer/telemetry.py');
  const pattern = /\b(Gauge|Counter|Histogram|Summary)\(\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g;
  return [...source.matchAll(pattern)].flatMap(([, kind, name]) => {
    if (kind === 'Gauge') return [name!];
    if (kind === 'Counter') {
      const base = name!.replace(/_total$/, '');
      return [`${base}_total`, `${base}_created`];
    }
    const series = kind === 'Histogram' ? ['_bucket', '_sum', '_count'] : ['_sum', '_count'];
    return [name!, ...series.map((suffix) => `${name}${suffix}`)];
  });
}

function collectExpressions(node: unknown): string[] {
  return collectValues(node, 'expr');
}

function collectValues(node: unknown, key: string): string[] {
  if (Array.isArray(node)) return node.flatMap((item) => collectValues(item, key));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([name, value]) =>
    name === key && typeof value === 'string' ? [value] : collectValues(value, key),
  );
}
