import { Tokenizer } from '@huggingface/tokenizers';

/** Token ids of one sentence: special tokens included, truncated to the model's maxLength. */
export interface EncodedSentence {
  ids: number[];
  /** Whether the sentence had more tokens than maxLength and was cut. */
  truncated: boolean;
}

/** A right-padded batch in the layout the ONNX graph takes: row-major [rows, width]. */
export interface PaddedBatch {
  rows: number;
  width: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

interface TokenizerJson {
  padding?: { pad_id?: number } | null;
  [key: string]: unknown;
}

/**
 * Tokenization as the Python trainer does it (`tokenizer(texts, truncation=True,
 * max_length=maxLength)`, then right padding to the longest row of a batch).
 *
 * tokenizers.js has no truncation, so it is done here the way Hugging Face's `tokenizers` does
 * for a single sequence: content tokens are cut from the right so that content plus the
 * post-processor's special tokens (`[CLS] … [SEP]`, `<s> … </s>`) fit in maxLength. The
 * truncation and padding sections of tokenizer.json are ignored, as transformers overrides them.
 */
export class SentenceTokenizer {
  private readonly tokenizer: Tokenizer;
  readonly padId: number;

  constructor(
    tokenizerJson: TokenizerJson,
    tokenizerConfig: Record<string, unknown>,
    readonly maxLength: number,
  ) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.padId = padIdOf(tokenizerJson, tokenizerConfig, this.tokenizer);
  }

  encode(text: string): EncodedSentence {
    const full = this.tokenizer.encode(text).ids;
    if (full.length <= this.maxLength) {
      return { ids: full, truncated: false };
    }

    const content = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const prefix = prefixLength(full, content);
    const suffix = full.slice(prefix + content.length);
    const keep = this.maxLength - prefix - suffix.length;
    const ids = [...full.slice(0, prefix), ...content.slice(0, Math.max(keep, 0)), ...suffix];
    return { ids, truncated: true };
  }

  /** Rows padded with the pad id to the longest row; mask 1 on real tokens, 0 on padding. */
  pad(rows: readonly number[][]): PaddedBatch {
    const width = Math.max(1, ...rows.map((row) => row.length));
    const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(rows.length * width);

    rows.forEach((row, r) => {
      row.forEach((id, c) => {
        inputIds[r * width + c] = BigInt(id);
        attentionMask[r * width + c] = 1n;
      });
    });
    return { rows: rows.length, width, inputIds, attentionMask };
  }
}

/** Where the content tokens start inside the encoding with special tokens. */
function prefixLength(full: readonly number[], content: readonly number[]): number {
  for (let start = 0; start + content.length <= full.length; start += 1) {
    if (content.every((id, offset) => full[start + offset] === id)) {
      return start;
    }
  }
  throw new Error('tokenizer post-processor reorders content tokens; cannot truncate');
}

function padIdOf(
  json: TokenizerJson,
  config: Record<string, unknown>,
  tokenizer: Tokenizer,
): number {
  const fromConfig =
    typeof config.pad_token === 'string' ? tokenizer.token_to_id(config.pad_token) : undefined;
  return fromConfig ?? json.padding?.pad_id ?? tokenizer.token_to_id('[PAD]') ?? 0;
}
