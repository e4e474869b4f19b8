import { Controller, HttpCode, Inject } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import {
  deleteDataWatchOp,
  describeDataWatchOp,
  triggerDataWatchOp,
  upsertDataWatchOp,
} from './schedules.dto';
import { SchedulesService } from './schedules.service';

@Controller()
export class SchedulesController {
  constructor(@Inject(SchedulesService) private readonly schedules: SchedulesService) {}

  @Operation(upsertDataWatchOp)
  @HttpCode(200)
  upsert(@Input() input: InputOf<typeof upsertDataWatchOp>) {
    return this.schedules.upsert(input.body);
  }

  @Operation(describeDataWatchOp)
  describe() {
    return this.schedules.describe();
  }

  @Operation(triggerDataWatchOp)
  @HttpCode(202)
  trigger() {
    return this.schedules.trigger();
  }

  @Operation(deleteDataWatchOp)
  remove() {
    return this.schedules.remove();
  }
}
