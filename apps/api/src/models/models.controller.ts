import { Controller, HttpCode, Inject } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import { deploymentStatusOp, deployModelOp, getModelOp, listModelsOp } from './models.dto';
import { ModelsService } from './models.service';

@Controller()
export class ModelsController {
  constructor(@Inject(ModelsService) private readonly models: ModelsService) {}

  @Operation(deployModelOp)
  @HttpCode(202)
  deploy(@Input() input: InputOf<typeof deployModelOp>) {
    return this.models.deploy(input.body);
  }

  @Operation(deploymentStatusOp)
  deployment(@Input() input: InputOf<typeof deploymentStatusOp>) {
    return this.models.deployment(input.params.id);
  }

  @Operation(listModelsOp)
  list(@Input() _input: InputOf<typeof listModelsOp>) {
    return this.models.list();
  }

  @Operation(getModelOp)
  detail(@Input() input: InputOf<typeof getModelOp>) {
    return this.models.detail(input.params.id);
  }
}
