import { Controller, Inject } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import { runDetailOp } from './runs.dto';
import { RunsService } from './runs.service';

@Controller()
export class RunsController {
  constructor(@Inject(RunsService) private readonly runs: RunsService) {}

  @Operation(runDetailOp)
  detail(@Input() input: InputOf<typeof runDetailOp>) {
    return this.runs.detail(input.params.id);
  }
}
