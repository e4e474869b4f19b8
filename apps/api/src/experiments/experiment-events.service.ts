import { Inject, Injectable } from '@nestjs/common';

import { createLogger } from '@ttpgrid/config';
import { isActiveStatus, type ExperimentItem } from '@ttpgrid/orchestration';

import type { ApiOptions } from '../options';
import { API_OPTIONS } from '../tokens';
import { ExperimentsService } from './experiments.service';

/** The parts of a Node response an event stream writes to. */
export interface EventStreamResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(): unknown;
  on(event: 'close', listener: () => void): unknown;
  flushHeaders?(): void;
}

/**
 * Server-sent events of an experiment: `progress` with its list item every interval, then one
 * `end` event when it reaches a final status. Stops when the client goes away.
 */
@Injectable()
export class ExperimentEventsService {
  private readonly log = createLogger('api.events');

  constructor(
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  /** Resolves once the stream has ended; throws (before writing) for an unknown experiment. */
  async stream(experimentId: string, response: EventStreamResponse): Promise<void> {
    const first = await this.experiments.item(experimentId);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders?.();

    let closed = false;
    response.on('close', () => (closed = true));
    let item: ExperimentItem = first;
    for (let id = 1; !closed; id += 1) {
      const finished = !isActiveStatus(item.status);
      response.write(eventText(finished ? 'end' : 'progress', id, item));
      if (finished) break;
      await sleep(this.options.eventIntervalMs);
      if (closed) break;
      item = await this.nextItem(experimentId, item);
    }
    response.end();
  }

  private async nextItem(experimentId: string, previous: ExperimentItem) {
    try {
      return await this.experiments.item(experimentId);
    } catch (error) {
      this.log.warn('progress read failed, repeating the last one', { experimentId, error });
      return previous;
    }
  }
}

function eventText(type: string, id: number, data: unknown): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
