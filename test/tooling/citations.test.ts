import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/spawn-cli.js';

/**
 * The repository explains itself: its comments and docs cite only files that exist in it. A maintainer has this
 * repository and nothing else, so the PAI and OSS wire is described in docs/wire.md, not in design notes kept
 * elsewhere.
 */

const THIS_FILE = 'test/tooling/citations.test.ts';
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', 'reports', 'fixtures']);
const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** Names of design notes that lived outside this repository while it was written. */
const OUTSIDE = [
  /\b(design|pai-api|deps|anchors|aesthetics)\.md\b/,
  /session-and-container/,
  /pai-sdk-spec/,
  /(^|[^\w])shared\/(docs|research)\b/,
  /\.\.\/shared\b/,
];

/** A repository path with a file extension, not inside a longer path or URL (`venv/bin/activate`, `https://...`). */
const CITED_PATH = /(?<![\w/.@-])(?:docs|src|test|scripts|bin|bench|schema|examples)\/[\w./-]*\.(?:md|ts|mjs|cjs|js|json|ya?ml)\b/g;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    if (SKIP_DIRS.has(name)) return [];
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text of every comment in a source file (the compiler's own idea of where comments are). */
function commentsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const seen = new Map<number, string>();
  const take = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) seen.set(r.pos, text.slice(r.pos, r.end));
  };
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(text, node.pos));
    take(ts.getTrailingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(source);
  take(ts.getLeadingCommentRanges(text, source.endOfFileToken.pos));
  return [...seen.values()];
}

const TOP = ['src', 'bin', 'scripts', 'test', 'bench', 'docs'];
const files = [...TOP.flatMap((dir) => filesUnder(dir)), 'README.md'].filter((f) => f !== THIS_FILE);
const sources = files.filter((f) => CODE.has(extname(f)) && !f.endsWith('.generated.ts'));
const markdown = files.filter((f) => f.endsWith('.md'));

describe('the repository explains itself', () => {
  it('names no design note kept outside it', () => {
    const found = files.flatMap((file) => {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      return lines.flatMap((line, i) => (OUTSIDE.some((r) => r.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(found).toEqual([]);
  });

  it('cites in its code comments only files that exist', () => {
    expect(sources.length).toBeGreaterThan(100);
    const cited = sources.flatMap((file) => commentsOf(file).flatMap((c) => [...c.matchAll(CITED_PATH)].map((m) => ({ file, path: m[0] }))));
    expect(cited.length).toBeGreaterThan(50);
    const missing = cited.filter((c) => !existsSync(join(ROOT, c.path))).map((c) => `${c.file} cites ${c.path}`);
    expect(missing).toEqual([]);
  });

  it('links and names in its docs only files that exist', () => {
    const missing = markdown.flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      // Relative links, from the page's own folder: [text](path) and [text](path#anchor).
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!.split('#')[0]!)
        .filter((target) => target !== '' && !/^[a-z]+:/i.test(target))
        .map((target) => relative(ROOT, resolve(ROOT, dirname(file), target)));
      const named = [...text.matchAll(CITED_PATH)].map((m) => m[0]);
      return [...links, ...named].filter((path) => !existsSync(join(ROOT, path))).map((path) => `${file} cites ${path}`);
    });
    expect(missing).toEqual([]);
  });
});
