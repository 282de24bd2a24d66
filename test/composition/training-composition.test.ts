// A training job composed with aws-cdk-lib's EventBridge: the user's own rule on the job's end, type-checked by
// ts-jest.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EntryPoint, InstanceType, SageMakerImage, TrainingJob } from '../../src';

function newJob(stack: Stack): TrainingJob {
  return new TrainingJob(stack, 'Train', {
    image: SageMakerImage.fromImageUri('123456789012.dkr.ecr.eu-west-1.amazonaws.com/train:1.0-cpu', {
      entryPoint: EntryPoint.program('train.py'),
    }),
    instanceType: InstanceType.ML_M5_LARGE,
  });
}

/** The user's rules: every rule but the one the job's own completion signal uses. */
function userRules(template: Template): any[] {
  return Object.values(template.findResources('AWS::Events::Rule'))
    .filter((r: any) => !String(r.Properties.Description ?? '').startsWith('Signals the WaitCondition'));
}

describe('TrainingJob with EventBridge', () => {
  test('onCompletion feeds the user\'s rule with the job\'s Completed state change, apart from the wait rule', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const job = newJob(stack);
    const topic = new sns.Topic(stack, 'Done');

    // WHEN
    const rule: events.Rule = job.onCompletion('Evaluate', { target: new targets.SnsTopic(topic), description: 'evaluate the model' });

    // THEN
    const template = Template.fromStack(stack);
    const [mine] = userRules(template);
    expect(userRules(template)).toHaveLength(1);
    expect(mine.Properties).toEqual(expect.objectContaining({
      Description: 'evaluate the model',
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Training Job State Change'],
        'detail': { TrainingJobName: [job.jobNameAtSynth], TrainingJobStatus: ['Completed'] },
      },
      Targets: [expect.objectContaining({ Arn: { Ref: expect.stringMatching(/^Done/) } })],
    }));
    expect(rule.node.scope).toBe(job);
  });

  test('onStateChange matches every final status, and targets can be added to the rule later', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const job = newJob(stack);
    const topic = new sns.Topic(stack, 'Ended');

    // WHEN
    job.onStateChange('Ended').addTarget(new targets.SnsTopic(topic));

    // THEN
    const [mine] = userRules(Template.fromStack(stack));
    expect(mine.Properties.EventPattern.detail).toEqual({
      TrainingJobName: [job.jobNameAtSynth],
      TrainingJobStatus: ['Completed', 'Failed', 'Stopped'],
    });
    expect(mine.Properties.Targets).toHaveLength(1);
  });
});
