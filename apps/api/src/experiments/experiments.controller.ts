import { Controller, HttpCode, Inject, Res } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import { ExperimentEventsService, type EventStreamResponse } from './experiment-events.service';
import {
  archiveExperimentOp,
  cancelExperimentOp,
  experimentEventsOp,
  getExperimentOp,
  listExperimentsOp,
  rerunExperimentOp,
  retryFailedOp,
  submitExperimentOp,
} from './experiments.dto';
import { ExperimentsService } from './experiments.service';

interface StatusResponse {
  status(code: number): unknown;
}

@Controller()
export class ExperimentsController {
  constructor(
    @Inject(ExperimentsService) private readonly experiments: ExperimentsService,
    @Inject(ExperimentEventsService) private readonly eventStream: ExperimentEventsService,
  ) {}

  @Operation(submitExperimentOp)
  async submit(
    @Input() input: InputOf<typeof submitExperimentOp>,
    @Res({ passthrough: true }) response: StatusResponse,
  ) {
    const submission = await this.experiments.submit(input.body, input.headers);
    response.status(submission.created ? 201 : 200);
    return submission;
  }

  @Operation(listExperimentsOp)
  list(@Input() input: InputOf<typeof listExperimentsOp>) {
    return this.experiments.list(input.query);
  }

  @Operation(getExperimentOp)
  describe(@Input() input: InputOf<typeof getExperimentOp>) {
    return this.experiments.describe(input.params.id);
  }

  @Operation(cancelExperimentOp)
  @HttpCode(202)
  cancel(@Input() input: InputOf<typeof cancelExperimentOp>) {
    return this.experiments.cancel(input.params.id);
  }

  @Operation(retryFailedOp)
  @HttpCode(202)
  retryFailed(@Input() input: InputOf<typeof retryFailedOp>) {
    return this.experiments.retryFailed(input.params.id);
  }

  @Operation(archiveExperimentOp)
  @HttpCode(200)
  archive(@Input() input: InputOf<typeof archiveExperimentOp>) {
    return this.experiments.archive(input.params.id, input.body.archived);
  }

  @Operation(rerunExperimentOp)
  async rerun(
    @Input() input: InputOf<typeof rerunExperimentOp>,
    @Res({ passthrough: true }) response: StatusResponse,
  ) {
    const submission = await this.experiments.rerun(input.params.id, input.body, input.headers);
    response.status(submission.created ? 201 : 200);
    return submission;
  }

  @Operation(experimentEventsOp)
  events(@Input() input: InputOf<typeof experimentEventsOp>, @Res() response: EventStreamResponse) {
    return this.eventStream.stream(input.params.id, response);
  }
}
