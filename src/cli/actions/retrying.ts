import { withRetry } from '../../core/ports/retry.js';
import type { Invocation } from '../context.js';

/** One call through the retry policy (the reads of logs, status, stop and list are all idempotent). */
export function retrying(inv: Invocation): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) => withRetry(fn, { idempotent: true, ...inv.ctx.retry });
}
