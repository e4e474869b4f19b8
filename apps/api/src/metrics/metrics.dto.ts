import { defineOperation } from '../common/operation';

export const metricsOp = defineOperation({
  id: 'metrics',
  method: 'get',
  path: '/metrics',
  tag: 'health',
  access: 'public',
  summary: 'Prometheus metrics (text exposition)',
  description:
    'Process metrics, ttpgrid_experiments and ttpgrid_stages by status (from Postgres), ' +
    'ttpgrid_stage_duration_seconds and ttpgrid_gpu_seconds_total (stages finished since the ' +
    'API started), ttpgrid_task_queue_backlog of the CPU and GPU task queues.',
  responses: { 200: { description: 'metrics', contentType: 'text/plain; version=0.0.4' } },
});

export const METRICS_OPERATIONS = [metricsOp];
