import { Module } from '@nestjs/common';

import { ExperimentEventsService } from './experiment-events.service';
import { ExperimentsController } from './experiments.controller';
import { ExperimentsService } from './experiments.service';

@Module({
  controllers: [ExperimentsController],
  providers: [ExperimentsService, ExperimentEventsService],
})
export class ExperimentsModule {}
