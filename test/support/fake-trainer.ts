import { createHash } from 'node:crypto';

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';

import { getJsonLines, putJson, putJsonLines, type ArtifactStore } from '@ttpgrid/artifacts';
import type {
  EmbedSentencesInput,
  EvaluateInput,
  TrainStageInput,
  TrainStageOutput,
} from '@ttpgrid/contracts';

/**
 * A stand-in for the Python trainer in fast workflow tests (the unit under test is the
 * orchestration): deterministic checkpoints and predictions derived from the inputs, with
 * switches to fail, slow down or block a stage.
 */
export class FakeTrainer {
  readonly trainedStages: string[] = [];
  readonly trainedInputs: TrainStageInput[] = [];
  readonly evaluations: string[] = [];
  failSeeds = new Set<number>();
  trainDelayMs = 0;
  blockTraining = false;

  constructor(private readonly store: ArtifactStore) {}

  activities() {
    return {
      trainStage: (input: TrainStageInput) => this.trainStage(input),
      evaluateCheckpoint: (input: EvaluateInput) => this.evaluate(input),
      embedSentences: (input: EmbedSentencesInput) => this.embed(input),
    };
  }

  async start(address: string, taskQueue: string) {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection, taskQueue, activities: this.activities() });
    const running = worker.run();
    return async () => {
      worker.shutdown();
      await running;
      await connection.close();
    };
  }

  private async trainStage(input: TrainStageInput): Promise<TrainStageOutput> {
    if (this.failSeeds.has(input.seed)) {
      throw ApplicationFailure.nonRetryable(`fake failure for seed ${input.seed}`, 'BadSpec');
    }
    await this.waitWhileBlocked();
    this.trainedStages.push(input.stageKey);
    this.trainedInputs.push(input);

    const parent = input.init.kind === 'parent' ? input.init.checkpointKey : null;
    const checkpointKey = await putJson(this.store, {
      fake: true,
      stageKey: input.stageKey,
      parent,
      trainingSetKey: input.trainingSetKey,
      seed: input.seed,
    });
    const rows = await getJsonLines(this.store, input.trainingSetKey);
    return outputFor(input, checkpointKey, rows.length);
  }

  private async waitWhileBlocked() {
    const context = Context.current();
    const deadline = Date.now() + this.trainDelayMs;
    while (this.blockTraining || Date.now() < deadline) {
      context.heartbeat();
      await Promise.race([context.sleep(200), context.cancelled]);
    }
  }

  private async evaluate(input: EvaluateInput) {
    this.evaluations.push(input.checkpointKey);
    const rows = await getJsonLines<{ text: string; label: string }>(this.store, input.evalSetKey);
    const labels = [...new Set(rows.map((row) => row.label))].sort();
    const predictions = rows.map((row, index) => {
      const roll = digest(`${input.checkpointKey}|${row.text}`) % 3;
      const predicted = roll === 0 ? (labels[index % labels.length] as string) : row.label;
      return { index, gold: row.label, predicted, top5: [{ label: predicted, probability: 0.9 }] };
    });
    const predictionsKey = await putJsonLines(this.store, predictions);
    return { contractVersion: 1 as const, predictionsKey, sentences: rows.length, seconds: 0 };
  }

  private async embed(input: EmbedSentencesInput) {
    const rows = await getJsonLines<{ text: string }>(this.store, input.sentencesKey);
    const dimension = 8;
    const values = new Float32Array(rows.length * dimension);
    rows.forEach((row, r) => {
      const raw = Array.from(
        { length: dimension },
        (_, d) => (digest(`${row.text}|${d}`) % 97) + 1,
      );
      const norm = Math.hypot(...raw);
      raw.forEach((value, d) => (values[r * dimension + d] = value / norm));
    });
    const embeddingsKey = await this.store.put(Buffer.from(values.buffer));
    return { contractVersion: 1 as const, embeddingsKey, count: rows.length, dimension };
  }
}

function outputFor(input: TrainStageInput, checkpointKey: string, examples: number) {
  const epochs = input.hyperparameters.epochs;
  return {
    contractVersion: 1 as const,
    stageKey: input.stageKey,
    checkpointKey,
    devCurve: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 1 / (i + 1),
      devMicroF1: 0.5,
      devMacroF1: 0.4,
    })),
    bestEpoch: epochs,
    steps: epochs * Math.ceil(examples / input.hyperparameters.batchSize),
    stepsPerEpoch: Math.ceil(examples / input.hyperparameters.batchSize),
    trainingExamples: examples,
    truncatedSentences: 0,
    tokensPerSecond: 1000,
    modelFlopUtilization: null,
    device: 'cpu',
    precision: input.precision,
    resumedFromEpoch: 0,
    seconds: { total: 1, training: 1, eval: 0 },
  } satisfies TrainStageOutput;
}

function digest(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}
