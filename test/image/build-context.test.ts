import * as fs from 'fs';
import * as path from 'path';
import { IgnoreStrategy } from 'aws-cdk-lib/core';
import { codeDirectory, removeCodeDirectories } from './fixtures';
import { finalBaseImage, quoteEnvValue } from '../../src/private/dockerfile';
import {
  DEFAULT_EXCLUDES, STAGED_CONTEXT_MAX_AGE_MS, dockerIgnore, formatBytes, isExcluded, measureContext, pruneStagedContexts, stageBuildContext,
} from '../../src/private/fs';

afterAll(removeCodeDirectories);

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir).sort().flatMap(name => {
    const full = path.join(dir, name);
    return fs.statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

describe('stageBuildContext', () => {
  test('stages the included files and the generated ones in a directory named by their content, once', () => {
    // GIVEN
    const dir = codeDirectory({ 'train.py': 'x', 'data/big.csv': 'y', 'node_modules/a.js': 'z', 'lib/u.py': 'u' });
    const parent = codeDirectory({});
    const exclude = [...DEFAULT_EXCLUDES, 'data'];

    // WHEN
    const staged = stageBuildContext(dir, exclude, { Dockerfile: 'FROM a\n' }, parent);
    const again = stageBuildContext(dir, exclude, { Dockerfile: 'FROM a\n' }, parent);

    // THEN
    expect(path.dirname(staged)).toBe(parent);
    expect(path.basename(staged)).toMatch(/^context-[0-9a-f]{32}$/);
    expect(again).toBe(staged);
    expect(listFiles(staged)).toEqual(['Dockerfile', 'lib/u.py', 'train.py']);
    expect(fs.readdirSync(parent)).toEqual([path.basename(staged)]);
  });

  test('reuses an existing staged directory without copying again', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    const parent = codeDirectory({});
    const staged = stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent);
    fs.writeFileSync(path.join(staged, 'marker'), '');
    expect(stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent)).toBe(staged);
    expect(fs.existsSync(path.join(staged, 'marker'))).toBe(true);
  });

  test('stages a different directory when the code, the exclusions or a generated file change', () => {
    const dir = codeDirectory({ 'train.py': 'x', 'notes.txt': 'n' });
    const parent = codeDirectory({});
    const a = stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent);
    const b = stageBuildContext(dir, ['notes.txt'], { Dockerfile: 'FROM a\n' }, parent);
    const c = stageBuildContext(dir, [], { Dockerfile: 'FROM b\n' }, parent);
    fs.writeFileSync(path.join(dir, 'train.py'), 'changed');
    const d = stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent);
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  test('prunes staged contexts unused for a week when staging another, and keeps reused ones', () => {
    // GIVEN
    const parent = codeDirectory({ 'context-old/Dockerfile': 'x', 'partial-old/a': 'x', 'context-recent/Dockerfile': 'x', 'other/a': 'x' });
    const weekAgo = new Date(Date.now() - STAGED_CONTEXT_MAX_AGE_MS - 60_000);
    for (const name of ['context-old', 'partial-old', 'other']) fs.utimesSync(path.join(parent, name), weekAgo, weekAgo);
    const dir = codeDirectory({ 'train.py': 'x' });
    const reused = stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent);
    fs.utimesSync(reused, weekAgo, weekAgo);

    // WHEN: the reused context is touched, then a new one is staged
    stageBuildContext(dir, [], { Dockerfile: 'FROM a\n' }, parent);
    const fresh = stageBuildContext(dir, [], { Dockerfile: 'FROM b\n' }, parent);

    // THEN
    expect(fs.readdirSync(parent).sort()).toEqual(['context-recent', path.basename(reused), path.basename(fresh), 'other'].sort());
  });

  test('prunes by the given clock', () => {
    const parent = codeDirectory({ 'context-a/x': 'x' });
    pruneStagedContexts(parent, Date.now() + STAGED_CONTEXT_MAX_AGE_MS - 60_000);
    expect(fs.readdirSync(parent)).toEqual(['context-a']);
    pruneStagedContexts(parent, Date.now() + STAGED_CONTEXT_MAX_AGE_MS + 60_000);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('leaves no partial directory behind when copying fails', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    const parent = codeDirectory({});
    expect(() => stageBuildContext(dir, [], { 'sub/Dockerfile': 'FROM a\n' }, parent)).toThrow(/ENOENT/);
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('measureContext', () => {
  test('sums sizes by top-level entry from stat alone, skipping excluded paths and links to directories', () => {
    // GIVEN
    const dir = codeDirectory({ 'a/x.bin': 3000, 'a/y/z.bin': 2000, 'b.bin': 4000, 'skip/s.bin': 9999, 'c.txt': 'hi' });
    fs.symlinkSync(path.join(dir, 'b.bin'), path.join(dir, 'link.bin'));
    fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'a-link'));
    fs.symlinkSync(path.join(dir, 'missing'), path.join(dir, 'a', 'dangling'));
    fs.symlinkSync(path.join(dir, 'c.txt'), path.join(dir, 'a', 'y', 'c-link'));

    // WHEN
    const size = measureContext(dir, IgnoreStrategy.docker(dir, ['skip']));

    // THEN
    expect(size.entries).toEqual([
      { path: 'a/', bytes: 5002 },
      { path: 'b.bin', bytes: 4000 },
      { path: 'link.bin', bytes: 4000 },
      { path: 'c.txt', bytes: 2 },
      { path: 'a-link', bytes: 0 },
    ]);
    expect(size.bytes).toBe(13004);
    expect(size.files).toBe(6);
  });

  test('names the path inside a directory where its size sits', () => {
    const dir = codeDirectory({ 'src/data/train/big.bin': 9500, 'src/data/small.csv': 100, 'src/a.py': 'x', 'lib/a.bin': 600, 'lib/b.bin': 400 });
    expect(measureContext(dir, IgnoreStrategy.docker(dir, [])).entries).toEqual([
      { path: 'src/data/train/big.bin', bytes: 9500 },
      { path: 'lib/', bytes: 1000 },
    ]);
  });

  test('formats sizes in binary units', () => {
    expect([0, 1023, 1536, 100 * 1024 * 1024, 3 * 1024 ** 4, 5 * 1024 ** 5].map(formatBytes))
      .toEqual(['0 B', '1023 B', '1.5 KiB', '100.0 MiB', '3.0 TiB', '5120.0 TiB']);
  });
});

describe('ignore rules', () => {
  test('apply .dockerignore before the given patterns and see excluded parents', () => {
    const dir = codeDirectory({ '.dockerignore': '# comment\n\ndata\n!data/keep.csv\n', 'data/keep.csv': 'k', 'src/a/b.py': 'x' });
    const ignore = dockerIgnore(dir, ['src/a']);
    expect(isExcluded(ignore, dir, 'data/keep.csv')).toBe(true);
    expect(isExcluded(ignore, dir, 'src/a/b.py')).toBe(true);
    expect(isExcluded(ignore, dir, 'src/other.py')).toBe(false);
    expect(isExcluded(dockerIgnore(dir, DEFAULT_EXCLUDES), dir, 'pkg/__pycache__/m.pyc')).toBe(true);
    expect(isExcluded(dockerIgnore(dir, [...DEFAULT_EXCLUDES, '!node_modules']), dir, 'node_modules/m.js')).toBe(false);
  });
});

describe('finalBaseImage', () => {
  test('follows stage names case-insensitively and stops on loops', () => {
    expect(finalBaseImage('FROM base:gpu AS Build\nFROM build\n')).toBe('base:gpu');
    expect(finalBaseImage('FROM b AS a\nFROM a AS b\n')).toBeUndefined();
    expect(finalBaseImage('FROM x AS a\n', {}, 'missing')).toBeUndefined();
  });

  test('prefers build arguments over ARG defaults and reads quoted defaults', () => {
    expect(finalBaseImage('ARG IMG="base:cpu"\nFROM ${IMG}\n')).toBe('base:cpu');
    expect(finalBaseImage('ARG IMG=base:cpu\nFROM ${IMG}\n', { IMG: 'base:gpu' })).toBe('base:gpu');
    expect(finalBaseImage("ARG IMG='x'\nFROM $IMG\n")).toBe('x');
  });

  test('ignores ARG after the first FROM for FROM lines', () => {
    expect(finalBaseImage('FROM a\nARG IMG=b\nFROM ${IMG}\n')).toBeUndefined();
  });
});

describe('quoteEnvValue', () => {
  test('escapes quotes, backslashes, dollars and newlines', () => {
    expect(quoteEnvValue('a "b" \\ $c\nd')).toBe('"a \\"b\\" \\\\ \\$c\\nd"');
  });
});
