// Packaging alone, as `run` does it (select the files, check the size, write the .tar.gz), from the built code:
// `node bench/pack-alone.mjs <code folder> <work folder>`. Prints what it wrote as JSON. Timed by bench/run.ts.
import { packageCode } from '../dist/core/package-code.js';

const [dir, work] = process.argv.slice(2);
if (!dir || !work) throw new Error('usage: node bench/pack-alone.mjs <code folder> <work folder>');
const code = await packageCode(dir, work);
process.stdout.write(`${JSON.stringify({ bytes: code.bytes, sha256: code.sha256, fileCount: code.fileCount, totalBytes: code.totalBytes })}\n`);
