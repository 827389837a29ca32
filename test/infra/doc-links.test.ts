import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every reference to a page points at a file that exists: links in the Markdown pages (and their #anchors), page
// paths written as code in them, and every `docs/...md` any file of the repository names.
const root = resolve(new URL('../../', import.meta.url).pathname);
const pages = [
  'README.md',
  'RELIABILITY.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (path: string) => readFileSync(join(root, path), 'utf8');
/** Markdown outside fenced code blocks (commands and SQL there are not references). */
const prose = (path: string) => text(path).replace(/^```[\s\S]*?^```/gm, '');
const inRepo = (path: string) => !relative(root, path).startsWith('..');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
const anchors = (path: string) =>
  new Set(
    prose(path)
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => slug(l.replace(/^#+ /, ''))),
  );

describe('the Markdown pages', () => {
  it('are README.md, RELIABILITY.md and docs/', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/deploy.md', 'docs/automatic-triggers.md']));
  });

  it.each(pages)('%s links only to files that exist, and to headings that exist', (page) => {
    const broken: string[] = [];
    for (const [, target] of prose(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path ? resolve(root, dirname(page), path) : join(root, page);
      if (!inRepo(file) || !existsSync(file)) {
        broken.push(target!);
        continue;
      }
      if (anchor && file.endsWith('.md') && !anchors(relative(root, file)).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s names only pages of the repository that exist', (page) => {
    const named = [...prose(page).matchAll(/`([\w./-]+\.md)`/g)].map((m) => m[1]!);
    expect(named.filter((p) => !inRepo(resolve(root, p)) || !existsSync(resolve(root, p)))).toEqual([]);
  });
});

describe('the repository', () => {
  it('names only docs/ pages that exist, wherever it names one', () => {
    const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .filter((f) => f && /\.(ts|bicep|tf|md|json|example)$/.test(f) && existsSync(join(root, f)));
    const missing = files.flatMap((f) =>
      [...text(f).matchAll(/\bdocs\/[\w-]+\.md\b/g)]
        .map((m) => m[0])
        .filter((p) => !existsSync(join(root, p)))
        .map((p) => `${f}: ${p}`),
    );
    expect(missing).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });
});
