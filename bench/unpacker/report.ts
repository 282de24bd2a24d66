/** The "Input-asset unpacker" section of bench/RESULTS.md, from `results.json`'s `unpacker` key. */

/** One case of the unpacker benchmark. */
export interface UnpackerCase {
  readonly label: string;
  readonly files: number;
  readonly bytes: number;
  readonly archiveBytes: number;
  readonly zip64: boolean;
  readonly answer: string;
  readonly reason?: string;
  readonly filesInPrefix: number;
  readonly bytesInPrefix: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  /** Invocations of the handler (more than one when it handed over at its 15-minute deadline). */
  readonly invocations: number;
  /** When the case ran, and the 1-minute load average at its start and end (cases may be run apart). */
  readonly date?: string;
  readonly load?: number[];
}

/** What `bash bench/unpacker/run.sh` records. */
export interface UnpackerResults {
  readonly date: string;
  readonly command: string;
  readonly library: string;
  readonly machine: string;
  readonly loadAtStart: number[];
  readonly loadAtEnd: number[];
  readonly rssTargetMiB: number;
  readonly cases: UnpackerCase[];
}

export const UNPACKER_BEGIN = '<!-- unpacker: written by bench/unpacker/run.ts -->';
export const UNPACKER_END = '<!-- /unpacker -->';

const mib = (bytes: number) => bytes / 2 ** 20;

/** The markdown section, between its markers (empty without results). */
export function renderUnpackerSection(results: UnpackerResults | undefined): string {
  if (!results) return '';
  const rows = results.cases.map((c) => {
    const s = c.wallMs / 1000;
    const reached = c.filesInPrefix === c.files && c.bytesInPrefix === c.bytes;
    return `| ${c.label} | ${c.files} | ${mib(c.bytes).toFixed(1)} MiB | ${mib(c.archiveBytes).toFixed(1)} MiB${c.zip64 ? ' (zip64)' : ''} `
      + `| ${c.answer}${reached ? ', every file in the prefix' : `, ${c.filesInPrefix} files / ${mib(c.bytesInPrefix).toFixed(1)} MiB in the prefix`} `
      + `| ${c.invocations} | ${s.toFixed(1)} s | ${c.cpuMs < 0 ? '-' : `${(c.cpuMs / 1000).toFixed(1)} s`} | ${(mib(c.bytesInPrefix) / s).toFixed(1)} MiB/s, ${(c.filesInPrefix / s).toFixed(1)} files/s `
      + `| ${c.maxRssMiB.toFixed(0)} MiB | ${c.maxRssMiB <= results.rssTargetMiB ? '**met**' : '**missed**'} `
      + `| ${c.date ? c.date.slice(0, 16).replace('T', ' ') : '-'}, load ${(c.load ?? []).map((l) => l.toFixed(1)).join(' to ')} |`;
  });
  return [
    UNPACKER_BEGIN,
    '## Input-asset unpacker (issue 11)',
    '',
    'The handler of `TrainingInput.fromAsset` (the bundle projen builds, `assets/training/training-input-asset.lambda/index.js`) '
      + 'unpacking a zip from moto\'s S3 into a prefix of it, in a node process of its own with a 15-minute Lambda context; '
      + `the archive is written by yazl (deflate, zip64 above 65,535 entries, like the CDK CLI's). Target: peak RSS at most ${results.rssTargetMiB} MiB. `
      + `Last run ${results.date} (${results.library}) on ${results.machine}; each case's time and 1-minute load average (start to end) are in `
      + `its row. Reproduce with \`${results.command}\` (only this benchmark; \`BENCH_CASES=big\` or \`small\` runs one case).`,
    '',
    '| case | files | uncompressed | archive | answer | invocations | wall | unpacker CPU | throughput | peak RSS | RSS target | run (UTC) |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows,
    '',
    'Peak RSS is the process\'s `maxRSS` (node, the AWS SDK and the unpacker). The figures are moto\'s on a '
      + 'shared 2-core machine, where moto (one Python process) is the slower side. The limits of `fromAsset` (10 GiB, 100,000 files, '
      + 'src/training/private/input-asset-limits.ts) are these rates over the 40 minutes of work three 15-minute invocations give, less a margin.',
    UNPACKER_END,
  ].join('\n');
}

/** Replaces (or appends) the section in a RESULTS.md text. */
export function withUnpackerSection(markdown: string, results: UnpackerResults | undefined): string {
  const section = renderUnpackerSection(results);
  const begin = markdown.indexOf(UNPACKER_BEGIN);
  const end = markdown.indexOf(UNPACKER_END);
  if (begin >= 0 && end > begin) {
    return markdown.slice(0, begin) + section + markdown.slice(end + UNPACKER_END.length);
  }
  return section ? `${markdown.trimEnd()}\n\n${section}\n` : markdown;
}
