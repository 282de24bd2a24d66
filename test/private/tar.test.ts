import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listTarEntries, tarDirectory, tarGzDirectory } from '../../src/private/tar';

function makeDir(files: { [name: string]: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

describe('tar writer', () => {
  test('packs the same content into identical bytes regardless of mtimes and creation order', () => {
    // GIVEN two directories with the same files written in a different order and at different times
    const a = makeDir({ 'model.pt': 'weights', 'code/inference.py': 'print(1)' });
    const b = makeDir({ 'code/inference.py': 'print(1)', 'model.pt': 'weights' });
    fs.utimesSync(path.join(b, 'model.pt'), new Date(2001, 1, 1), new Date(2001, 1, 1));

    // WHEN
    const ta = tarGzDirectory(a);
    const tb = tarGzDirectory(b);

    // THEN
    expect(ta.equals(tb)).toBe(true);
  });

  test('changes bytes when a file changes', () => {
    const a = makeDir({ 'model.pt': 'weights' });
    const b = makeDir({ 'model.pt': 'weights2' });
    expect(tarGzDirectory(a).equals(tarGzDirectory(b))).toBe(false);
  });

  test('keeps the execute bit and nothing else of the mode', () => {
    // GIVEN
    const dir = makeDir({ 'serve.sh': '#!/bin/sh', 'data.bin': 'x' });
    fs.chmodSync(path.join(dir, 'serve.sh'), 0o700);
    fs.chmodSync(path.join(dir, 'data.bin'), 0o600);

    // WHEN
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-out-'));
    fs.writeFileSync(path.join(out, 'a.tar'), tarDirectory(dir));
    const listing = execFileSync('tar', ['-tvf', path.join(out, 'a.tar')]).toString();

    // THEN
    expect(listing).toMatch(/-rwxr-xr-x 0\/0 .* serve\.sh/);
    expect(listing).toMatch(/-rw-r--r-- 0\/0 .* data\.bin/);
  });

  test('is read back by the system tar with the same content, including long paths', () => {
    // GIVEN a nested directory with a path longer than ustar's 100-byte name and 155-byte prefix
    const long = 'd'.repeat(120) + '/' + 'e'.repeat(150) + '/' + 'f'.repeat(90) + '.txt';
    const medium = 'm'.repeat(80) + '/' + 'n'.repeat(60) + '.json';
    const dir = makeDir({ 'model.pt': 'weights', [medium]: '{"a":1}', [long]: 'deep', 'code/inference.py': 'print(1)\n' });

    // WHEN
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-out-'));
    fs.writeFileSync(path.join(out, 'model.tar.gz'), tarGzDirectory(dir));
    const extract = path.join(out, 'x');
    fs.mkdirSync(extract);
    execFileSync('tar', ['-xzf', path.join(out, 'model.tar.gz'), '-C', extract]);

    // THEN
    expect(fs.readFileSync(path.join(extract, 'model.pt'), 'utf8')).toBe('weights');
    expect(fs.readFileSync(path.join(extract, medium), 'utf8')).toBe('{"a":1}');
    expect(fs.readFileSync(path.join(extract, long), 'utf8')).toBe('deep');
    expect(fs.readFileSync(path.join(extract, 'code/inference.py'), 'utf8')).toBe('print(1)\n');
  });

  test('follows symbolic links to files', () => {
    const dir = makeDir({ 'real.bin': 'abc' });
    fs.symlinkSync(path.join(dir, 'real.bin'), path.join(dir, 'link.bin'));
    const entries = listTarEntries(dir);
    expect(entries.map(e => [e.name, e.size])).toEqual([['link.bin', 3], ['real.bin', 3]]);
  });

  test('fails on a symbolic-link cycle', () => {
    const dir = makeDir({ 'sub/a.txt': 'a' });
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    expect(() => listTarEntries(dir)).toThrow(/links back to/);
  });
});
