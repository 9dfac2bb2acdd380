import type { ChalkInstance } from 'chalk';
import type { JobEvent } from '../core/follow/events.js';
import { visible } from './sanitize.js';

/**
 * An event's text as a terminal shows it: one line. This is the one place the service's event text is made fit
 * for the terminal; every human rendering of an event goes through it.
 */
export function eventText(text: string): string {
  return visible(text.replace(/\r?\n|\r/g, ' ').trimEnd());
}

/** `event  2026-12-02T05:00:00Z Warning Failed: ...`: marked, so it never reads as a line of the job's log. */
export function renderEventLine(event: JobEvent, style: ChalkInstance): string {
  const text = eventText(event.text);
  return `${style.magenta('event')}  ${/\bWarning\b/.test(text) ? style.yellow(text) : text}`;
}

/** `status`: the last events, or a word on why there are none. */
export function renderEventRows(events: readonly JobEvent[]): string[][] {
  return events.map((e) => ['event', eventText(e.text)]);
}
