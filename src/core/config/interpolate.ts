import type { Problem } from './resolve-job.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value with the environment's value;
 * `$${` writes a literal `${`. An unset variable without a default is reported at its path,
 * so a job never runs with a silently empty image or bucket.
 */
export function interpolate(data: unknown, env: Env, problems: Problem[]): unknown {
  return walk(data, [], env, problems);
}

// --- internal ---

const REFERENCE = /\$(\$)?\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function walk(value: unknown, path: (string | number)[], env: Env, out: Problem[]): unknown {
  if (typeof value === 'string') return substitute(value, path, env, out);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], env, out));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) result[k] = walk(v, [...path, k], env, out);
    return result;
  }
  return value;
}

function substitute(text: string, path: (string | number)[], env: Env, out: Problem[]): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (match, escaped: string | undefined, body: string | undefined) => {
    if (escaped) return match.slice(1);
    if (body === undefined) {
      out.push({ path: [...path], message: `"\${" is not closed: write \${NAME}, or $\${ for a literal "\${"` });
      return match;
    }
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!NAME.test(name)) {
      out.push({ path: [...path], message: `"\${${body}}" is not a variable reference: write \${NAME} or \${NAME:-default}` });
      return match;
    }
    const value = env[name];
    // As in the shell: `:-` also replaces a variable that is set but empty.
    if (value !== undefined && (sep === -1 || value !== '')) return value;
    if (sep !== -1) return body.slice(sep + 2);
    out.push({
      path: [...path],
      message: `environment variable ${name} is not set (export it, or write \${${name}:-default})`,
    });
    return match;
  });
}
