/** `{base}_{YYYYmmdd_HHMMSS}` in local time, as the SDK's Processor names its jobs. */
export function jobName(base: string, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${base}_${stamp}`;
}

/** The SDK's to_plain_text, used for OSS paths: every character outside [A-Za-z0-9_] becomes "_". */
export function plainText(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}
