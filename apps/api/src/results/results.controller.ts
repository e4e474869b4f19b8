import { Controller, Inject, Res } from '@nestjs/common';

import { Input, Operation, type InputOf } from '../common/operation';
import { compareOp, experimentTableOp, experimentTechniquesOp, leaderboardOp } from './results.dto';
import { ResultsService } from './results.service';

interface TextResponse {
  setHeader(name: string, value: string): unknown;
}

@Controller()
export class ResultsController {
  constructor(@Inject(ResultsService) private readonly results: ResultsService) {}

  @Operation(experimentTableOp)
  async table(
    @Input() input: InputOf<typeof experimentTableOp>,
    @Res({ passthrough: true }) response: TextResponse,
  ) {
    const table = await this.results.table(input.params.id, input.query);
    if (table.contentType) response.setHeader('Content-Type', table.contentType);
    return table.body;
  }

  @Operation(leaderboardOp)
  leaderboard(@Input() input: InputOf<typeof leaderboardOp>) {
    return this.results.leaderboard(input.query);
  }

  @Operation(experimentTechniquesOp)
  techniques(@Input() input: InputOf<typeof experimentTechniquesOp>) {
    return this.results.techniques(input.params.id);
  }

  @Operation(compareOp)
  compare(@Input() input: InputOf<typeof compareOp>) {
    return this.results.compare(input.query);
  }
}
