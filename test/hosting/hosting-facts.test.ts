import { Duration, Size } from 'aws-cdk-lib';
import { InstanceType } from '../../src/compute/instance-type';
import { checkGibibytes, checkSeconds, checkTimeout, hasInstanceStorage } from '../../src/hosting/hosting-facts';

describe('hosting facts', () => {
  test.each([
    ['ml.g5.xlarge', true], ['ml.g4dn.xlarge', true], ['ml.g6e.2xlarge', true], ['ml.p4d.24xlarge', true], ['ml.p5.48xlarge', true],
    ['ml.p6-b200.48xlarge', true], ['ml.trn1.2xlarge', true], ['ml.m5d.large', true], ['ml.c6gd.large', true], ['ml.r6id.large', true],
    ['ml.m5.large', false], ['ml.c5n.xlarge', false], ['ml.c6gn.large', false], ['ml.inf2.xlarge', false], ['ml.inf1.xlarge', false],
    ['ml.p3.2xlarge', false], ['ml.g5g.xlarge', false], ['ml.t2.medium', false], ['ml.m7i.large', false],
  ])('%s has local NVMe instance storage: %s', (name, expected) => {
    expect(hasInstanceStorage(InstanceType.of(name))).toBe(expected);
  });

  test('does not judge a token instance type', () => {
    expect(hasInstanceStorage(InstanceType.of('${Token[TOKEN.1]}'))).toBeUndefined();
  });

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
