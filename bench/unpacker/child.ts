/**
 * One unpack in a process of its own, so its peak RSS is the unpacker's: loads the bundled handler
 * (argv[2]), runs one Create event (argv[3], JSON) with a 15-minute Lambda context, prints a JSON line.
 */
async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require(process.argv[2]);
  const event = JSON.parse(process.argv[3]);
  const started = Date.now();
  // Lambda's timeout of the function (15 minutes); BENCH_LAMBDA_TIMEOUT_S shortens it to try the hand-over
  const deadline = started + Number(process.env.BENCH_LAMBDA_TIMEOUT_S ?? 900) * 1000;
  const cpu = process.cpuUsage();
  let peakSampled = 0;
  const sampler = setInterval(() => { peakSampled = Math.max(peakSampled, process.memoryUsage.rss()); }, 50);
  const quiet = console.log;
  // the handler's log lines: only its progress notices, to stderr (the runner shows them as they come)
  console.log = (line: unknown) => {
    const notice = (line as { notice?: string })?.notice;
    if (notice === 'unpack progress' || notice === 'unpacked' || notice?.startsWith('deadline')) {
      process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${JSON.stringify(line)}\n`);
    }
  };
  try {
    await bundle.handler(event, {
      getRemainingTimeInMillis: () => deadline - Date.now(),
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-unpacker',
    });
  } finally {
    console.log = quiet;
    clearInterval(sampler);
  }
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({
    wallMs: Date.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    sampledPeakRssMiB: peakSampled / 2 ** 20,
  })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
