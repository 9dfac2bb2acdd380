import { Chalk, type ChalkInstance } from 'chalk';

/** Colours for one IO: all styling goes through this, so --no-color and NO_COLOR are honoured everywhere. */
export function createStyle(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}
