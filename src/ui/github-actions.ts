import { appendFileSync } from 'node:fs';
import type { RunResult } from '../core/run-job.js';
import { formatDuration } from './format.js';
import type { IO } from './io.js';
import type { RunReporter } from './run-reporter.js';

/**
 * Under GitHub Actions (GITHUB_ACTIONS=true): packaging and upload folded into a `::group::`, an `::error::`
 * annotation with the reason when the job fails, and a Markdown summary of the job appended to
 * $GITHUB_STEP_SUMMARY. Workflow commands go to stderr, which the runner reads as it reads stdout, so stdout
 * keeps only the job's logs.
 */
export function withGitHubActions(inner: RunReporter, io: IO, env: Readonly<Record<string, string | undefined>>): RunReporter {
  if (env['GITHUB_ACTIONS'] !== 'true') return inner;
  let grouped = false;
  const open = (title: string) => {
    if (!grouped) io.err(`::group::${escapeData(title)}\n`);
    grouped = true;
  };
  const close = () => {
    if (grouped) io.err('::endgroup::\n');
    grouped = false;
  };
  const summary = (markdown: string) => {
    const file = env['GITHUB_STEP_SUMMARY'];
    if (file) appendFileSync(file, markdown);
  };
  return {
    ...inner,
    packaged(code, uri) {
      open('Packaging and uploading the code');
      inner.packaged(code, uri);
    },
    submitted(job) {
      close();
      inner.submitted(job);
    },
    result(result) {
      inner.result(result);
      if (result.exitCode !== 0) {
        const reason = [result.job.reasonCode, result.job.reasonMessage].filter(Boolean).join(': ') || result.job.status;
        io.err(`::error title=${escapeProperty(`PAI job ${result.job.id} ${result.job.status}`)}::${escapeData(reason)}\n`);
      }
      summary(jobSummary(result));
    },
    timedOut(job, afterMs) {
      inner.timedOut(job, afterMs);
      summary(`### PAI job \`${job.id}\`: still ${job.status}\n\nStopped following after ${formatDuration(afterMs)} (--timeout).${job.url ? ` [Console](${job.url})` : ''}\n\n`);
    },
    close() {
      close();
      inner.close();
    },
  };
}

/** The Markdown summary of a finished job, for $GITHUB_STEP_SUMMARY. */
export function jobSummary({ job, exitCode, durationMs, outputs }: RunResult): string {
  const icon = exitCode === 0 ? '✅' : exitCode === 3 ? '⏹️' : '❌';
  const rows = [
    ['Job', `\`${job.id}\` (${job.name})`],
    ['Status', `${icon} ${job.status}`],
    ['Duration', formatDuration(durationMs)],
  ];
  if (exitCode !== 0 && (job.reasonCode || job.reasonMessage)) rows.push(['Reason', cell([job.reasonCode, job.reasonMessage].filter(Boolean).join(': '))]);
  if (job.url) rows.push(['Console', `[open](${job.url})`]);
  for (const o of outputs) rows.push([`Output \`${o.name}\``, `\`${o.uri}\``]);
  return `### PAI job ${icon} ${job.status}\n\n| | |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Workflow command data: `%`, CR and LF escaped, as the runner unescapes them. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
