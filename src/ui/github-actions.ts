import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { ResultFields, RunEvent } from '../core/events.js';
import { formatDuration } from './format.js';
import type { IO } from './io.js';
import type { Reporter } from './run-reporter.js';
import { visible } from './sanitize.js';

/**
 * Under GitHub Actions (GITHUB_ACTIONS=true): packaging and upload folded into a `::group::`, an `::error::`
 * annotation with the reason when the job fails, and a Markdown summary of the job appended to
 * $GITHUB_STEP_SUMMARY. The tool's own workflow commands go to stderr, which the runner reads as it reads
 * stdout, so stdout keeps only the job's logs.
 *
 * The job's log lines are the job's, not ours: a line `::add-mask::x`, `::error::x` or `::stop-commands::x` would
 * be a command to the runner. So, when `wrapLogs` (the human output; NDJSON lines start with `{` and cannot be
 * commands), they are printed between `::stop-commands::<token>` and `::<token>::`, on stdout as they are, with a
 * fresh random token each time (the job cannot guess it, so it cannot end the region early). The runner orders
 * lines within one stream, so the job's lines can never come before the region's start. The region is closed
 * before any workflow command of our own.
 */
export function withGitHubActions(inner: Reporter, io: IO, env: Readonly<Record<string, string | undefined>>, options: { wrapLogs: boolean }): Reporter {
  if (env['GITHUB_ACTIONS'] !== 'true') return inner;
  let grouped = false;
  let token: string | undefined;
  const pauseCommands = () => {
    if (token) return;
    token = randomBytes(16).toString('hex');
    io.out(`::stop-commands::${token}\n`);
  };
  const resumeCommands = () => {
    if (!token) return;
    io.out(`::${token}::\n`);
    token = undefined;
  };
  const open = (title: string) => {
    resumeCommands();
    if (!grouped) io.err(`::group::${escapeData(title)}\n`);
    grouped = true;
  };
  const close = () => {
    if (grouped) io.err('::endgroup::\n');
    grouped = false;
  };
  const summary = (markdown: string) => {
    const file = env['GITHUB_STEP_SUMMARY'];
    // Masked as everything else written is: the summary file is published with the run, outside the runner's own masking.
    if (file) appendFileSync(file, io.mask(markdown));
  };
  /** A finished job: an `::error::` annotation when it failed, and its summary. */
  const ended = (result: ResultFields) => {
    if (result.exitCode !== 0) {
      const reason = [result.reasonCode, result.reasonMessage].filter(Boolean).join(': ') || result.status;
      io.err(`::error title=${escapeProperty(visible(`PAI job ${result.jobId} ${result.status}`))}::${escapeData(visible(reason))}\n`);
    }
    summary(jobSummary(result, io.mask));
  };
  const emit = (event: RunEvent): void => {
    switch (event.type) {
      case 'packaged':
        open('Packaging and uploading the code');
        inner.emit(event);
        return;
      case 'submitted':
        close();
        inner.emit(event);
        return;
      case 'log':
        if (options.wrapLogs) pauseCommands();
        inner.emit(event);
        return;
      case 'result':
        resumeCommands();
        inner.emit(event);
        ended(event);
        return;
      case 'timed-out': {
        resumeCommands();
        inner.emit(event);
        const { jobId, status, detail } = event;
        summary(
          `### PAI job ${code(jobId, io.mask)}: still ${word(status, io.mask)}\n\nStopped following after ${formatDuration(detail.afterMs)} (--timeout).${detail.url ? ` Console: ${link(detail.url, io.mask)}` : ''}\n\n`,
        );
        return;
      }
      case 'interrupted':
        resumeCommands();
        inner.emit(event);
        return;
      case 'local-interrupted':
        resumeCommands();
        inner.emit(event);
        // For machines (NDJSON, whose lines are not wrapped) a stopped local job is a result like any other.
        if (!options.wrapLogs) ended(event);
        return;
      default:
        inner.emit(event);
        return;
    }
  };
  return {
    ...inner,
    emit,
    close() {
      resumeCommands();
      close();
      inner.close();
    },
  };
}

/**
 * The Markdown summary of a finished job, for $GITHUB_STEP_SUMMARY. Every value from the service or the config
 * is masked (`mask`), then shown as inline code or plain words, so it can hold no link, image or HTML.
 */
export function jobSummary(result: ResultFields, mask: (text: string) => string = (t) => t): string {
  const { exitCode, status, reasonCode, reasonMessage, url, outputs } = result;
  const icon = exitCode === 0 ? '✅' : exitCode === 3 ? '⏹️' : '❌';
  const rows = [
    ['Job', `${code(result.jobId, mask)} (${code(result.detail.name, mask)})`],
    ['Status', `${icon} ${word(status, mask)}`],
    ['Duration', formatDuration(result.detail.durationMs)],
  ];
  if (exitCode !== 0 && (reasonCode || reasonMessage)) rows.push(['Reason', code([reasonCode, reasonMessage].filter(Boolean).join(': '), mask)]);
  if (url) rows.push(['Console', link(url, mask)]);
  for (const o of outputs) rows.push([`Output ${code(o.name, mask)}`, code(o.uri, mask)]);
  return `### PAI job ${icon} ${word(status, mask)}\n\n| | |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`;
}

/**
 * Text from outside as a Markdown code span: nothing inside one is a link, an image, emphasis or HTML. The fence
 * is one backtick longer than any run of backticks in the text; `|` is escaped, which GFM tables require even
 * inside code; controls and newlines are made visible.
 */
function code(text: string, mask: (text: string) => string): string {
  const value = visible(mask(text)).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

/** A status word as it is when it is one (Succeed, FailedReserving), else as code. */
function word(text: string, mask: (text: string) => string): string {
  return /^[A-Za-z]+$/.test(text) ? mask(text) : code(text, mask);
}

/** The console link, only for an https URL with none of the characters that could end the link or open another. */
function link(url: string, mask: (text: string) => string): string {
  return /^https:\/\/[\w.-]+(?:[/?#][\w\-.~%!$&'*+,;=:@/?#]*)?$/.test(url) ? `[open](${mask(url)})` : code(url, mask);
}

/** Workflow command data: `%`, CR and LF escaped, as the runner unescapes them. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
