import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const created: string[] = [];

/**
 * Writes a directory of files for one test (name -> content; a number makes a sparse file of that
 * many bytes, so large contexts cost no disk reads to measure) and returns its absolute path.
 */
export function codeDirectory(files: { [name: string]: string | number }, mode?: { [name: string]: number }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smc-image-test-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'number') {
      fs.writeFileSync(file, '');
      fs.truncateSync(file, content);
    } else {
      fs.writeFileSync(file, content);
    }
    if (mode?.[name] !== undefined) fs.chmodSync(file, mode[name]);
  }
  return dir;
}

/** Removes the directories this test file created. */
export function removeCodeDirectories(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
