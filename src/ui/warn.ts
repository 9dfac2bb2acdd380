import type { IO } from './io.js';
import { createStyle } from './style.js';

/** A warning line on stderr (`! ...`): something was passed over or came from somewhere the user should know. */
export function warner(io: IO): (message: string) => void {
  const style = createStyle(io.color);
  return (message) => io.err(`${style.yellow('!')} ${message}\n`);
}
