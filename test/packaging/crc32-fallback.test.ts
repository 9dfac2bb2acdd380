import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

/**
 * Node.js before 20.15 has no zlib.crc32: src/core/packaging/parallel-gzip.ts then computes the gzip trailer's
 * CRC-32 with its own table. Here node:zlib is that older one (no crc32) for the module under test, and the real
 * zlib checks the result: gunzip verifies the trailer's CRC-32 and length, over input written in pieces (each
 * piece continues the CRC of the ones before) and compressed in several blocks.
 */
vi.mock('node:zlib', async (importOriginal) => {
  // Present and undefined, as `zlib.crc32` reads on an older Node.js (a mock must name every export it answers).
  const older = { ...(await importOriginal<typeof import('node:zlib')>()), crc32: undefined };
  return { ...older, default: older };
});

const realZlib = await vi.importActual<typeof import('node:zlib')>('node:zlib');
const { ParallelGzip } = await import('../../src/core/packaging/parallel-gzip.js');

function noise(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let at = 0, i = 0; at < bytes; at += 32, i++) createHash('sha256').update(`n${i}`).digest().copy(out, at);
  return out;
}

describe('the gzip stage without zlib.crc32 (Node.js before 20.15)', () => {
  it('writes a trailer whose CRC-32 the real zlib accepts', async () => {
    const zlib = await import('node:zlib');
    expect((zlib as { crc32?: unknown }).crc32).toBeUndefined();

    const input = Buffer.concat([Buffer.from('print("hi")\n'.repeat(8000)), noise(150_000), Buffer.alloc(1024)]);
    const parts: Buffer[] = [];
    const gzip = new ParallelGzip({ blockSize: 32 * 1024, output: (chunk) => void parts.push(Buffer.from(chunk)) });
    for (let at = 0; at < input.length; at += 9_973) await gzip.write(input.subarray(at, at + 9_973));
    await gzip.end();
    const gz = Buffer.concat(parts);

    expect(realZlib.gunzipSync(gz).equals(input)).toBe(true);
    const realCrc32 = (realZlib as unknown as { crc32?: (d: Buffer) => number }).crc32;
    if (realCrc32) expect(gz.readUInt32LE(gz.length - 8)).toBe(realCrc32(input));
  });
});
