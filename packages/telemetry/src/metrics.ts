import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prefix of every metric this package defines, process metrics included. */
export const METRIC_PREFIX = 'ttpgrid_';

/** The stable names; dashboards and alerts query these, so renaming one is a breaking change. */
export const METRIC_NAMES = {
  experiments: 'ttpgrid_experiments',
  stages: 'ttpgrid_stages',
  stageDuration: 'ttpgrid_stage_duration_seconds',
  taskQueueBacklog: 'ttpgrid_task_queue_backlog',
  gpuSeconds: 'ttpgrid_gpu_seconds_total',
} as const;

/**
 * Stage durations span a cached probe (seconds) to a 50-epoch fine-tune of a base encoder
 * (hours, paper section 3.2), so the buckets grow roughly x2-x3 from 1 s to 16 h.
 */
export const STAGE_DURATION_BUCKETS = [
  1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 57600,
];

export interface TtpgridMetrics {
  registry: Registry;
  /** Experiments by status, from Postgres. */
  experiments: Gauge<'status'>;
  /** Stages by status, from Postgres. */
  stages: Gauge<'status'>;
  /** Wall time of finished stages, by training mode and final status. */
  stageDuration: Histogram<'mode' | 'status'>;
  /** Approximate backlog of a task queue, by queue name and task type (workflow, activity). */
  taskQueueBacklog: Gauge<'task_queue' | 'task_type'>;
  /** GPU-seconds spent by finished stages, by encoder and training mode. */
  gpuSeconds: Counter<'encoder' | 'mode'>;
}

export interface CreateMetricsOptions {
  /** Node process metrics (CPU, memory, event loop, GC) named `ttpgrid_process_*` etc. */
  processMetrics?: boolean;
  /** Constant labels on every series, e.g. `{ service: 'api' }`. */
  defaultLabels?: Record<string, string>;
}

/** A fresh registry with the ttpgrid metrics (and, by default, the process metrics) in it. */
export function createMetrics(options: CreateMetricsOptions = {}): TtpgridMetrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }

  const registers = [registry];
  return {
    registry,
    experiments: new Gauge({
      name: METRIC_NAMES.experiments,
      help: 'Experiments by status',
      labelNames: ['status'],
      registers,
    }),
    stages: new Gauge({
      name: METRIC_NAMES.stages,
      help: 'Stages by status',
      labelNames: ['status'],
      registers,
    }),
    stageDuration: new Histogram({
      name: METRIC_NAMES.stageDuration,
      help: 'Wall time of finished stages in seconds, by mode and status',
      labelNames: ['mode', 'status'],
      buckets: STAGE_DURATION_BUCKETS,
      registers,
    }),
    taskQueueBacklog: new Gauge({
      name: METRIC_NAMES.taskQueueBacklog,
      help: 'Approximate number of tasks waiting in a Temporal task queue',
      labelNames: ['task_queue', 'task_type'],
      registers,
    }),
    gpuSeconds: new Counter({
      name: METRIC_NAMES.gpuSeconds,
      help: 'GPU-seconds spent by finished stages, by encoder and mode',
      labelNames: ['encoder', 'mode'],
      registers,
    }),
  };
}

/** The names a Prometheus scrape of this registry can contain (histogram series expanded). */
export async function exposedMetricNames(registry: Registry): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // The typings say a numeric enum; at run time prom-client reports the type as a string.
    if (String(metric.type) === 'histogram') {
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}
