import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';

import type { TtpgridConfig } from '@ttpgrid/config';
import type { Database } from '@ttpgrid/db';

import { RecordNotFoundError, StateConflictError } from '../grid/result-rows';
import { RUN_STATUS } from '../grid/types';
import { deployWorkflowId, type DeployResult, type DeployWorkflowInput } from './types';

export interface DeploymentRequest {
  experimentId: string;
  runId?: string | null;
  negativesLimit?: number | null;
}

export interface DeploymentStarted {
  workflowId: string;
  experimentId: string;
  runId: string | null;
  negativesLimit: number | null;
}

export interface DeploymentStatus {
  workflowId: string;
  /** running, succeeded, failed, cancelled, terminated or timed_out. */
  status: string;
  modelId: string | null;
  error: string | null;
}

const DEPLOY_WORKFLOW_TYPE = 'deployModelWorkflow';

const STATUS_NAMES: Record<string, string> = {
  RUNNING: 'running',
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'running',
};

/**
 * Checks that the experiment (and the named run) can be deployed, then starts the deploy
 * workflow. A deployment of the same experiment still running is a conflict.
 */
export async function startDeployment(
  client: Client,
  db: Database,
  config: Pick<TtpgridConfig, 'cpuTaskQueue' | 'trainerTaskQueue'>,
  request: DeploymentRequest,
): Promise<DeploymentStarted> {
  await checkDeployable(db, request);
  const workflowId = deployWorkflowId(request.experimentId);
  const input: DeployWorkflowInput = {
    experimentId: request.experimentId,
    runId: request.runId ?? null,
    negativesLimit: request.negativesLimit ?? null,
    trainerTaskQueue: config.trainerTaskQueue,
  };

  try {
    await client.workflow.start(DEPLOY_WORKFLOW_TYPE, {
      taskQueue: config.cpuTaskQueue,
      workflowId,
      args: [input],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new StateConflictError(`a deployment of this experiment is running: ${workflowId}`);
    }
    throw error;
  }
  return {
    workflowId,
    experimentId: input.experimentId,
    runId: input.runId ?? null,
    negativesLimit: input.negativesLimit ?? null,
  };
}

async function checkDeployable(db: Database, request: DeploymentRequest) {
  const experiment = await db.experiment.findUnique({ where: { id: request.experimentId } });
  if (!experiment) throw new RecordNotFoundError('experiment', request.experimentId);

  if (request.runId) {
    const run = await db.run.findUnique({ where: { id: request.runId } });
    if (!run || run.experimentId !== request.experimentId) {
      throw new RecordNotFoundError('run', request.runId);
    }
    if (run.status !== RUN_STATUS.succeeded) {
      throw new StateConflictError(`run ${run.id} is ${run.status}: only succeeded runs deploy`);
    }
    return;
  }

  const succeeded = await db.run.count({
    where: { experimentId: request.experimentId, status: RUN_STATUS.succeeded },
  });
  if (succeeded === 0) {
    throw new StateConflictError(`experiment ${request.experimentId} has no succeeded run yet`);
  }
}

/** The latest deploy workflow under this ID; null when Temporal knows no deployment by it. */
export async function describeDeployment(
  client: Client,
  workflowId: string,
): Promise<DeploymentStatus | null> {
  const handle = client.workflow.getHandle(workflowId);
  let statusName: string;
  try {
    const description = await handle.describe();
    // Other workflows (experiments, stages) are not deployments, whatever their ID.
    if (description.type !== DEPLOY_WORKFLOW_TYPE) return null;
    statusName = description.status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }

  const status = STATUS_NAMES[statusName] ?? statusName.toLowerCase();
  if (status === 'succeeded') {
    const result = (await handle.result()) as DeployResult;
    return { workflowId, status, modelId: result.modelId, error: null };
  }
  if (status === 'failed') {
    return { workflowId, status, modelId: null, error: await failureOf(handle) };
  }
  return { workflowId, status, modelId: null, error: null };
}

async function failureOf(handle: ReturnType<Client['workflow']['getHandle']>): Promise<string> {
  try {
    await handle.result();
    return 'failed';
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const messages: string[] = [];
    for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
      messages.push(cause.message);
    }
    return messages.join(': ') || error.message;
  }
}
