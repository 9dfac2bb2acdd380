import { availableParallelism } from 'node:os';
import * as zlib from 'node:zlib';

/**
 * The uncompressed bytes compressed as one unit. Part of the archive's format: another size gives other (equally
 * valid) gzip bytes, so it is a constant, not a tuning knob.
 */
export const GZIP_BLOCK_SIZE = 1024 * 1024;

/** deflate's window: each block is compressed with the 32 KiB before it as its dictionary. */
const WINDOW = 32 * 1024;

/** Every deflate parameter fixed, so that the same input gives the same bytes wherever the same zlib runs. */
const DEFLATE_OPTIONS = {
  level: 6,
  memLevel: 8,
  windowBits: 15,
  strategy: zlib.constants.Z_DEFAULT_STRATEGY,
} as const;

/**
 * The gzip header: deflate, no flags, no mtime, XFL 0 (what zlib writes at level 6), OS 255 ("unknown", as tar's
 * portable gzip writes it, rather than this machine's).
 */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

export interface ParallelGzipOptions {
  /** Sees every uncompressed byte, in order (hashing). */
  onInput?: (chunk: Buffer) => void;
  /**
   * Receives the gzip bytes in order; the next output waits for the promise it returns. A chunk is lent, not given:
   * it may point into a buffer that is reused once the call (or its promise) is done, so copy what you keep.
   */
  output: (chunk: Buffer) => void | Promise<void>;
  /** For tests only: smaller blocks exercise the block boundaries. Another size gives other bytes. */
  blockSize?: number;
  /** Blocks compressing at once (default: the CPUs, plus one so that a finished one never leaves a CPU idle). */
  concurrency?: number;
}

/**
 * One gzip member compressed the way pigz does it: the input is cut into fixed-size blocks, each block is raw-deflated
 * on its own (in Node's thread pool, so the blocks compress on all cores at once) with the 32 KiB before it as its
 * dictionary, and ended with a sync flush (byte-aligned, not final), the last one with a final block. The
 * concatenation of the pieces is one ordinary deflate stream, so any gunzip reads it, and its bytes depend only on the
 * input (block size and deflate parameters are fixed), never on timing or the number of CPUs. The header and the
 * trailer (CRC-32 and length of the whole input) are written around them.
 *
 * Input is written straight into the current block (`span`/`commit`, or `write`); a block is sent to compression when
 * the next byte arrives or at `end()`. At most `concurrency` blocks are in flight: writing waits for the oldest, so
 * memory stays at a few blocks whatever the size of the input.
 */
export class ParallelGzip {
  readonly #blockSize: number;
  readonly #concurrency: number;
  readonly #onInput: ((chunk: Buffer) => void) | undefined;
  readonly #output: (chunk: Buffer) => void | Promise<void>;
  readonly #free: Buffer[] = [];
  readonly #inFlight: Promise<{ pieces: Buffer[]; buffer: Buffer }>[] = [];
  #block: Buffer;
  #fill = 0;
  #tail: Buffer | undefined;
  #crc = 0;
  #length = 0;
  #started = false;
  #blocks = 0;

  constructor(options: ParallelGzipOptions) {
    this.#blockSize = options.blockSize ?? GZIP_BLOCK_SIZE;
    if (this.#blockSize < WINDOW) throw new RangeError(`The gzip block size must be at least ${WINDOW} bytes`);
    this.#concurrency = Math.max(1, options.concurrency ?? availableParallelism() + 1);
    this.#onInput = options.onInput;
    this.#output = options.output;
    this.#block = Buffer.allocUnsafe(this.#blockSize);
  }

  /** A free part of the current block, at most `max` bytes, to read input into; then `commit` what was written. */
  async span(max: number): Promise<{ buffer: Buffer; offset: number; length: number }> {
    if (this.#fill === this.#blockSize) await this.#dispatch(false);
    return { buffer: this.#block, offset: this.#fill, length: Math.min(max, this.#blockSize - this.#fill) };
  }

  commit(bytes: number): void {
    this.#fill += bytes;
  }

  async write(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.#fill === this.#blockSize) await this.#dispatch(false);
      const n = Math.min(data.length - offset, this.#blockSize - this.#fill);
      data.copy(this.#block, this.#fill, offset, offset + n);
      this.#fill += n;
      offset += n;
    }
  }

  async zeros(count: number): Promise<void> {
    while (count > 0) {
      if (this.#fill === this.#blockSize) await this.#dispatch(false);
      const n = Math.min(count, this.#blockSize - this.#fill);
      this.#block.fill(0, this.#fill, this.#fill + n);
      this.#fill += n;
      count -= n;
    }
  }

  /** Compresses the last block and delivers everything, then the trailer. */
  async end(): Promise<void> {
    await this.#dispatch(true);
    while (this.#inFlight.length > 0) await this.#deliver();
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#length % 2 ** 32, 4);
    await this.#output(trailer);
  }

  async #dispatch(last: boolean): Promise<void> {
    if (!this.#started) {
      this.#started = true;
      await this.#output(GZIP_HEADER);
    }
    const buffer = this.#block;
    const input = buffer.subarray(0, this.#fill);
    this.#onInput?.(input);
    this.#crc = crc32(input, this.#crc);
    this.#length += input.length;
    const dictionary = this.#tail;
    // The next block's dictionary, copied: this buffer is reused once its block is delivered.
    if (!last) this.#tail = Buffer.from(input.subarray(input.length - WINDOW));
    // Data that deflate cannot shrink (random, already compressed) is stored as it is: the same size deflate would
    // give it, without the ~30 ms of CPU a MiB costs, and without a copy (the pieces point into the block). The
    // choice depends on the block's bytes only.
    // A tar that fits in one block (a small job's code) is deflated right here: the same bytes, without starting the
    // thread pool (measured: ~1.5 ms here against 13-20 ms for a first deflate through the pool).
    const pieces = isIncompressible(input)
      ? Promise.resolve(storedBlocks(input, last))
      : last && this.#blocks === 0
        ? deflateNow(input)
        : deflateBlock(input, dictionary, last).then((out) => [out]);
    this.#blocks += 1;
    const job = pieces.then((p) => ({ pieces: p, buffer }));
    job.catch(() => {}); // seen when its turn comes; not an unhandled rejection meanwhile
    this.#inFlight.push(job);
    this.#block = this.#free.pop() ?? Buffer.allocUnsafe(this.#blockSize);
    this.#fill = 0;
    while (this.#inFlight.length >= this.#concurrency) await this.#deliver();
  }

  /** Outputs the oldest block, then takes its buffer back for a later block. */
  async #deliver(): Promise<void> {
    const { pieces, buffer } = await (this.#inFlight.shift() as Promise<{ pieces: Buffer[]; buffer: Buffer }>);
    for (const piece of pieces) await this.#output(piece);
    this.#free.push(buffer);
  }
}

/**
 * Whether a block's bytes are as good as random: an order-0 entropy of at least 7.98 bits a byte over every fifth
 * byte (a stride coprime with 2, 4 and 8, so all byte positions of 16/32/64-bit values are seen; float32 model weights
 * measure ~7.3 and deflate to ~92%, random or compressed data ~7.999 and deflate to 100.03%). Deflate's Huffman
 * coding cannot gain more than (8 - entropy)/8 = 0.25% on such a block.
 */
export function isIncompressible(block: Buffer): boolean {
  if (block.length < 64 * 1024) return false;
  const counts = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < block.length; i += 5, n++) counts[block[i] as number]! += 1;
  let entropy = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b] as number;
    if (c > 0) entropy -= (c / n) * Math.log2(c / n);
  }
  return entropy >= 7.98;
}

/**
 * The block as deflate "stored" blocks (RFC 1951 3.2.4), byte-aligned as every piece is after a sync flush: a header
 * (BFINAL on the stream's last one, BTYPE 00, then LEN and its complement) and up to 65,535 bytes as they are, the
 * latter as views of `input`, not copies.
 */
export function storedBlocks(input: Buffer, last: boolean): Buffer[] {
  const MAX = 65_535;
  const count = Math.max(1, Math.ceil(input.length / MAX));
  const headers = Buffer.allocUnsafe(count * 5);
  const pieces: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const start = i * MAX;
    const len = Math.min(MAX, input.length - start);
    const header = headers.subarray(i * 5, i * 5 + 5);
    header[0] = last && i === count - 1 ? 1 : 0;
    header.writeUInt16LE(len, 1);
    header.writeUInt16LE(~len & 0xffff, 3);
    pieces.push(header);
    if (len > 0) pieces.push(input.subarray(start, start + len));
  }
  return pieces;
}

/** The only block of a stream, deflated synchronously with the same parameters (so the same bytes). */
function deflateNow(input: Buffer): Promise<Buffer[]> {
  try {
    return Promise.resolve([zlib.deflateRawSync(input, { ...DEFLATE_OPTIONS, finishFlush: zlib.constants.Z_FINISH })]);
  } catch (err) {
    return Promise.reject(err);
  }
}

function deflateBlock(input: Buffer, dictionary: Buffer | undefined, last: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.deflateRaw(
      input,
      {
        ...DEFLATE_OPTIONS,
        ...(dictionary ? { dictionary } : {}),
        finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        // Room for the whole output of a block in one buffer: one round trip to the thread pool per block.
        chunkSize: input.length + (input.length >> 3) + 1024,
      },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
  });
}

/** zlib's CRC-32 (Node.js 20.15 and later), else a table-driven one. */
const crc32: (data: Buffer, value: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (zlib as unknown as { crc32: (d: Buffer, v: number) => number }).crc32 : crc32Table;

let table: Int32Array | undefined;

function crc32Table(data: Buffer, value: number): number {
  if (!table) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  let crc = ~value;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return ~crc >>> 0;
}
