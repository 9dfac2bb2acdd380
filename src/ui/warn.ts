import type { IO } from './io.js';
import { visibleLines } from './sanitize.js';
import { createStyle } from './style.js';

/**
 * A warning line on stderr (`! ...`): something was passed over or came from somewhere the user should know. The
 * message may name files or quote the service: its controls are made visible (sanitize.ts).
 */
export function warner(io: IO): (message: string) => void {
  const style = createStyle(io.color);
  return (message) => io.err(`${style.yellow('!')} ${visibleLines(message)}\n`);
}
