import { Duration, Size } from 'aws-cdk-lib';
import { checkGibibytes, checkSeconds, checkTimeout } from '../../src/hosting/hosting-facts';

describe('hosting facts', () => {
  test('accepts whole seconds and whole GiB within bounds only', () => {
    const problems: string[] = [];
    checkTimeout(problems, 't', Duration.seconds(60));
    checkTimeout(problems, 't', Duration.hours(1));
    checkSeconds(problems, 's', Duration.millis(1500), 0, 10);
    checkGibibytes(problems, 'v', Size.mebibytes(1536), 1, 512);
    checkGibibytes(problems, 'v', Size.gibibytes(512), 1, 512);
    expect(problems).toEqual([
      's 1 second 500 millis is not allowed; use whole seconds from 0 s to 10 s',
      'v 1536 MiB is not allowed; use whole GiB from 1 to 512',
    ]);
  });
});
