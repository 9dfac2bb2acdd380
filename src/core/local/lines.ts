import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is handed on in pieces, so a process that never writes "\n" cannot fill memory. */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * Turns a process's output chunks into lines without their "\n" (or "\r\n"), as PAI's log service hands
 * them out. UTF-8 characters split across chunks are kept whole; `end()` gives the last line even without
 * its newline.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: Buffer): void {
    this.#feed(this.#decoder.write(chunk));
  }

  end(): void {
    this.#feed(this.#decoder.end());
    if (this.#pending !== '') this.onLine(stripCr(this.#pending));
    this.#pending = '';
  }

  #feed(text: string): void {
    let rest = this.#pending + text;
    for (let at = rest.indexOf('\n'); at !== -1; at = rest.indexOf('\n')) {
      this.onLine(stripCr(rest.slice(0, at)));
      rest = rest.slice(at + 1);
    }
    while (rest.length > MAX_LINE_CHARS) {
      this.onLine(rest.slice(0, MAX_LINE_CHARS));
      rest = rest.slice(MAX_LINE_CHARS);
    }
    this.#pending = rest;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
