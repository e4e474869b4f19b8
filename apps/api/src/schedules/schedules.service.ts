import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';

import type { TtpgridConfig } from '@ttpgrid/config';
import {
  deleteDataWatch,
  describeDataWatch,
  triggerDataWatch,
  upsertDataWatchSchedule,
} from '@ttpgrid/orchestration';

import type { ApiOptions } from '../options';
import { API_CONFIG, API_OPTIONS, TEMPORAL_CLIENT } from '../tokens';
import type { DataWatchBody } from './schedules.dto';

/** The data-watch Temporal Schedule: create or update, describe, trigger, delete. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(API_CONFIG) private readonly config: TtpgridConfig,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
  ) {}

  upsert(body: z.output<typeof DataWatchBody>) {
    return upsertDataWatchSchedule(this.client, {
      scheduleId: this.options.scheduleId,
      intervalSeconds: body.intervalSeconds,
      taskQueue: this.config.cpuTaskQueue,
      input: body.sources ? { sources: body.sources } : {},
      paused: body.paused,
    });
  }

  async describe() {
    const schedule = await describeDataWatch(this.client, this.options.scheduleId);
    return schedule ?? this.missing();
  }

  async trigger() {
    const triggered = await triggerDataWatch(this.client, this.options.scheduleId);
    return triggered ?? this.missing();
  }

  async remove() {
    const deleted = await deleteDataWatch(this.client, this.options.scheduleId);
    return deleted ? { scheduleId: this.options.scheduleId, deleted } : this.missing();
  }

  private missing(): never {
    throw new NotFoundException(
      `schedule ${this.options.scheduleId} does not exist: create it with POST /api/schedules/data-watch`,
    );
  }
}
