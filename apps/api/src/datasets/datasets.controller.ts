import { Controller, Inject } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import { listDatasetsOp, registerDatasetOp } from './datasets.dto';
import { DatasetsService } from './datasets.service';

@Controller()
export class DatasetsController {
  constructor(@Inject(DatasetsService) private readonly datasets: DatasetsService) {}

  @Operation(listDatasetsOp)
  list() {
    return this.datasets.list();
  }

  @Operation(registerDatasetOp)
  register(@Input() input: InputOf<typeof registerDatasetOp>) {
    return this.datasets.register(input.body.settings);
  }
}
