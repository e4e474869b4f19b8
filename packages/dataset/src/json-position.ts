/**
 * Finds the offset of the first JSON syntax error in a text. Node 20's `JSON.parse` messages do
 * not always carry a position, so a failed parse is re-scanned with this small validator to name
 * the line and column in the error message. Returns undefined for valid JSON.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.value();
    scanner.whitespace();
    return scanner.offset < text.length ? scanner.offset : undefined;
  } catch {
    return scanner.offset;
  }
}

const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class JsonScanner {
  offset = 0;

  constructor(private readonly text: string) {}

  value(): void {
    this.whitespace();
    const char = this.text[this.offset];
    if (char === '{') {
      this.sequence('}', () => {
        this.string();
        this.expect(':');
        this.value();
      });
    } else if (char === '[') {
      this.sequence(']', () => this.value());
    } else if (char === '"') {
      this.string();
    } else {
      this.scalar();
    }
  }

  whitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.offset] ?? '')) {
      this.offset += 1;
    }
  }

  private sequence(close: string, item: () => void): void {
    this.offset += 1;
    this.whitespace();
    if (this.text[this.offset] === close) {
      this.offset += 1;
      return;
    }

    for (;;) {
      this.whitespace();
      item();
      this.whitespace();
      if (this.text[this.offset] === close) {
        this.offset += 1;
        return;
      }
      this.expect(',');
    }
  }

  private string(): void {
    this.whitespace();
    this.expect('"');
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined || char < ' ') {
        throw new Error('unterminated string');
      }
      this.offset += char === '\\' ? 2 : 1;
      if (char === '"') {
        return;
      }
    }
  }

  private scalar(): void {
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.offset));
    if (literal !== undefined) {
      this.offset += literal.length;
      return;
    }

    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (match === null) {
      throw new Error('unexpected character');
    }
    this.offset += match[0].length;
  }

  private expect(char: string): void {
    this.whitespace();
    if (this.text[this.offset] !== char) {
      throw new Error(`expected ${char}`);
    }
    this.offset += 1;
  }
}
