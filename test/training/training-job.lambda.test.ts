import {
  CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type {
  CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceDeleteEvent, CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { processSignal } from '../../src/training/training-job-signal.lambda';
import { onCreate, onDelete, onUpdate, respond } from '../../src/training/training-job.lambda';

const sagemaker = mockClient(SageMakerClient);
const client = new SageMakerClient({ region: 'us-east-1' });
const noSleep = { sleep: async () => undefined };

const NAME = 'train-0123456789abcdef';
const ARN = `arn:aws:sagemaker:us-east-1:123456789012:training-job/${NAME}`;
const HANDLE_URL = 'https://cloudformation-waitcondition-us-east-1.s3.amazonaws.com/handle?X-Amz-Signature=secret';
const REQUEST = {
  AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1', TrainingInputMode: 'File' },
  RoleArn: 'arn:aws:iam::123456789012:role/training',
  HyperParameters: { epochs: '10' },
  OutputDataConfig: { S3OutputPath: 's3://out-bucket/training-jobs' },
  ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  EnableNetworkIsolation: false,
};

/** What DescribeTrainingJob answers for a job this request owns (same output path and role). */
const OWNED = {
  TrainingJobName: NAME,
  TrainingJobArn: ARN,
  RoleArn: REQUEST.RoleArn,
  OutputDataConfig: { S3OutputPath: REQUEST.OutputDataConfig.S3OutputPath },
};

function properties(name = NAME, handleUrl: string | undefined = HANDLE_URL) {
  return {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
    TrainingJobName: name,
    Request: JSON.stringify(REQUEST),
    ...(handleUrl ? { CompletionHandleUrl: handleUrl } : {}),
  };
}

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:handler',
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?sig=1',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/S/guid',
  RequestId: 'req-1',
  LogicalResourceId: 'TrainResource',
  ResourceType: 'Custom::SageMakerTrainingJob',
};

function createEvent(name = NAME): CloudFormationCustomResourceCreateEvent {
  return { ...base, RequestType: 'Create', ResourceProperties: properties(name) };
}

function updateEvent(oldName: string, newName: string, oldHandleUrl = HANDLE_URL): CloudFormationCustomResourceUpdateEvent {
  return {
    ...base,
    RequestType: 'Update',
    PhysicalResourceId: oldName,
    ResourceProperties: properties(newName),
    OldResourceProperties: properties(oldName, oldHandleUrl),
  };
}

function deleteEvent(name = NAME): CloudFormationCustomResourceDeleteEvent {
  return { ...base, RequestType: 'Delete', PhysicalResourceId: name, ResourceProperties: properties(name) };
}

function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  sagemaker.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

describe('training job handler', () => {
  describe('Create', () => {
    test('starts the job with the request, typed, and returns at once with name, ARN and artifact URI', async () => {
      // GIVEN
      sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: ARN });

      // WHEN
      const result = await onCreate(createEvent(), client, noSleep);

      // THEN
      expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 1);
      expect(sagemaker).toHaveReceivedCommandWith(CreateTrainingJobCommand, { ...REQUEST, TrainingJobName: NAME } as any);
      expect(sagemaker).toHaveReceivedCommandTimes(DescribeTrainingJobCommand, 1); // describe before create
      expect(result).toEqual({
        physicalResourceId: NAME,
        data: {
          TrainingJobName: NAME,
          TrainingJobArn: ARN,
          ModelArtifactsS3Uri: `s3://out-bucket/training-jobs/${NAME}/output/model.tar.gz`,
        },
      });
    });

    test('adopts a job that already exists under the name (a CloudFormation retry) instead of starting another', async () => {
      // GIVEN
      sagemaker.on(DescribeTrainingJobCommand).resolves({ ...OWNED, TrainingJobStatus: 'InProgress' });
      const signal = jest.fn(async () => undefined);

      // WHEN
      const result = await onCreate(createEvent(), client, { ...noSleep, signal });

      // THEN
      expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
      expect(result.physicalResourceId).toBe(NAME);
      expect(result.data?.TrainingJobArn).toBe(ARN);
      expect(signal).not.toHaveBeenCalled(); // the state-change event will signal
    });

    test('signals the WaitCondition itself when the adopted job has already Completed', async () => {
      // GIVEN
      sagemaker.on(DescribeTrainingJobCommand).resolves({
        ...OWNED,
        TrainingJobStatus: 'Completed',
        ModelArtifacts: { S3ModelArtifacts: `s3://out-bucket/training-jobs/${NAME}/output/model.tar.gz` },
      });
      const signal = jest.fn(async () => undefined);

      // WHEN
      await onCreate(createEvent(), client, { ...noSleep, signal });

      // THEN
      expect(signal).toHaveBeenCalledWith(HANDLE_URL, {
        Status: 'SUCCESS',
        Reason: `Training job ${NAME} Completed`,
        UniqueId: NAME,
        Data: `s3://out-bucket/training-jobs/${NAME}/output/model.tar.gz`,
      });
    });

    test('fails naming retrainToken first, then the reason, when the adopted job has already Failed', async () => {
      sagemaker.on(DescribeTrainingJobCommand).resolves({ ...OWNED, TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: out of memory' });
      await expect(onCreate(createEvent(), client, noSleep)).rejects.toThrow(
        /^Set retrainToken \(any new value\) to train again: .*Training job train-0123456789abcdef Failed: AlgorithmError: out of memory/);
      expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
    });

    test('reads "no such job" in the words of SageMaker and of the local API before creating', async () => {
      for (const message of [`Requested resource not found: ${NAME}`, `Could not find training job '${ARN}'.`]) {
        sagemaker.reset();
        sagemaker.on(DescribeTrainingJobCommand).rejects(awsError('ValidationException', message));
        sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: ARN });
        await onCreate(createEvent(), client, noSleep);
        expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 1);
      }
    });

    test('retries throttling with backoff and then starts the job once', async () => {
      // GIVEN
      sagemaker.on(CreateTrainingJobCommand)
        .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
        .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
        .resolves({ TrainingJobArn: ARN });
      const delays: number[] = [];

      // WHEN
      const result = await onCreate(createEvent(), client, { sleep: async (ms) => { delays.push(ms); } });

      // THEN
      expect(result.data?.TrainingJobArn).toBe(ARN);
      expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 3);
      expect(delays).toHaveLength(2);
      expect(delays[1]).toBeGreaterThanOrEqual(1000); // second wait is at least half of 2 s
    });

    test('fails after too many throttled attempts, and at once on other errors', async () => {
      sagemaker.on(CreateTrainingJobCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
      await expect(onCreate(createEvent(), client, { ...noSleep, maxAttempts: 3 })).rejects.toThrow(/Rate exceeded/);
      expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 3);

      sagemaker.reset();
      sagemaker.on(CreateTrainingJobCommand).rejects(awsError('ResourceLimitExceeded', 'account-level service limit ml.p4d.24xlarge for training job usage is 0'));
      await expect(onCreate(createEvent(), client, noSleep)).rejects.toThrow(/service limit/);
      expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 1);
    });
  });

  describe('Update', () => {
    test('starts the new job when the definition (and so the name) changed', async () => {
      sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: `${ARN}-new` });
      const result = await onUpdate(updateEvent(NAME, 'train-fedcba9876543210'), client, noSleep);
      expect(sagemaker).toHaveReceivedCommandWith(CreateTrainingJobCommand, { TrainingJobName: 'train-fedcba9876543210' });
      expect(result.physicalResourceId).toBe('train-fedcba9876543210');
      expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand); // CloudFormation deletes the old one
    });

    test('signals a new WaitCondition for an unchanged job that has already Completed (the deployment started waiting)', async () => {
      sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: NAME, TrainingJobArn: ARN, TrainingJobStatus: 'Completed' });
      const signal = jest.fn(async () => undefined);
      await onUpdate(updateEvent(NAME, NAME, ''), client, { ...noSleep, signal });
      expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
      expect(signal).toHaveBeenCalledWith(HANDLE_URL, expect.objectContaining({ Status: 'SUCCESS' }));
    });

    test('starts nothing when the name is unchanged', async () => {
      sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: NAME, TrainingJobArn: ARN, TrainingJobStatus: 'Completed' });
      const signal = jest.fn(async () => undefined);
      const result = await onUpdate(updateEvent(NAME, NAME), client, { ...noSleep, signal });
      expect(signal).not.toHaveBeenCalled();
      expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
      expect(result).toEqual({ physicalResourceId: NAME, data: expect.objectContaining({ TrainingJobArn: ARN }) });
    });
  });

  describe('Delete', () => {
    test('stops a running job and keeps its artifacts', async () => {
      sagemaker.on(DescribeTrainingJobCommand)
        .resolvesOnce({ TrainingJobName: NAME, TrainingJobStatus: 'InProgress' })
        .resolves({ TrainingJobName: NAME, TrainingJobStatus: 'Stopped' });
      sagemaker.on(StopTrainingJobCommand).resolves({});
      const result = await onDelete(deleteEvent(), client, noSleep);
      expect(sagemaker).toHaveReceivedCommandWith(StopTrainingJobCommand, { TrainingJobName: NAME });
      expect(result.physicalResourceId).toBe(NAME);
    });

    test.each(['Completed', 'Failed', 'Stopped'])('leaves a %s job alone', async (status) => {
      sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: NAME, TrainingJobStatus: status as any });
      await onDelete(deleteEvent(), client, noSleep);
      expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    });

    test('treats a missing job as deleted', async () => {
      sagemaker.on(DescribeTrainingJobCommand).rejects(awsError('ValidationException', `Requested resource not found: ${NAME}`));
      await expect(onDelete(deleteEvent(), client, noSleep)).resolves.toEqual({ physicalResourceId: NAME });
      expect(sagemaker).not.toHaveReceivedCommand(StopTrainingJobCommand);
    });

    test('is done when the job finished between Describe and Stop', async () => {
      sagemaker.on(DescribeTrainingJobCommand)
        .resolvesOnce({ TrainingJobName: NAME, TrainingJobStatus: 'InProgress' })
        .resolves({ TrainingJobName: NAME, TrainingJobStatus: 'Completed' });
      sagemaker.on(StopTrainingJobCommand).rejects(awsError('ValidationException', 'The job status is Completed; it cannot be stopped'));
      await expect(onDelete(deleteEvent(), client, noSleep)).resolves.toEqual({ physicalResourceId: NAME });
    });

    test('fails on an unexpected error, so CloudFormation does not lose track of a running job', async () => {
      sagemaker.on(DescribeTrainingJobCommand).rejects(awsError('InternalFailure', 'We encountered an internal error', 500));
      await expect(onDelete(deleteEvent(), client, noSleep)).rejects.toThrow(/internal error/);
    });

    test('succeeds with a structured warning naming the job when the policy in force refuses to describe it (an untagged job of a renamed prefix)', async () => {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      sagemaker.on(DescribeTrainingJobCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform sagemaker:DescribeTrainingJob', 403));
      await expect(onDelete(deleteEvent(), client, noSleep)).resolves.toEqual({ physicalResourceId: NAME });
      expect(log).toHaveBeenCalledWith(expect.objectContaining({
        level: 'WARNING', warning: 'TrainingJobNotStopped', jobName: NAME, stopByHand: `aws sagemaker stop-training-job --training-job-name ${NAME}`,
      }));
      expect(sagemaker.commandCalls(StopTrainingJobCommand)).toHaveLength(0);
      log.mockRestore();
    });

    test('succeeds with the same warning when the policy in force refuses to stop it', async () => {
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: NAME, TrainingJobStatus: 'InProgress' });
      sagemaker.on(StopTrainingJobCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform sagemaker:StopTrainingJob', 403));
      await expect(onDelete(deleteEvent(), client, noSleep)).resolves.toEqual({ physicalResourceId: NAME });
      expect(log).toHaveBeenCalledWith(expect.objectContaining({ warning: 'TrainingJobNotStopped', jobName: NAME }));
      log.mockRestore();
    });
  });

  describe('response', () => {
    test('answers SUCCESS with the attributes', async () => {
      sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: ARN });
      const response = await respond(createEvent(), client, noSleep);
      expect(response).toEqual({
        Status: 'SUCCESS',
        StackId: base.StackId,
        RequestId: 'req-1',
        LogicalResourceId: 'TrainResource',
        PhysicalResourceId: NAME,
        Data: expect.objectContaining({ TrainingJobArn: ARN }),
      });
    });

    test('answers FAILED with the reason and a marker id (no job name), so its Delete touches no job', async () => {
      sagemaker.on(CreateTrainingJobCommand).rejects(awsError('ValidationException', 'Could not access model data'));
      const response = await respond(createEvent(), client, noSleep);
      expect(response).toEqual(expect.objectContaining({
        Status: 'FAILED', Reason: 'Could not access model data', PhysicalResourceId: 'cdk-sagemaker-containers:create-failed',
      }));
      sagemaker.reset();
      await onDelete(deleteEvent('cdk-sagemaker-containers:create-failed'), client, noSleep);
      expect(sagemaker.calls()).toHaveLength(0);
    });

    test('keeps the previous id when an Update fails', async () => {
      sagemaker.on(CreateTrainingJobCommand).rejects(awsError('ValidationException', 'bad'));
      const response = await respond(updateEvent(NAME, 'train-fedcba9876543210'), client, noSleep);
      expect(response).toEqual(expect.objectContaining({ Status: 'FAILED', PhysicalResourceId: NAME }));
    });

    test('fails on a malformed request property', async () => {
      const event = { ...createEvent(), ResourceProperties: { ...properties(), Request: '{not json' } };
      const response = await respond(event, client, noSleep);
      expect(response.Status).toBe('FAILED');
      expect((response as any).Reason).toMatch(/property Request is not valid JSON/);
    });
  });
});

describe('completion signal', () => {
  const detail = (status: string, extra: object = {}) => ({ TrainingJobName: NAME, TrainingJobStatus: status, ...extra });

  test('InProgress -> Completed signals SUCCESS with the model archive', async () => {
    const send = jest.fn(async () => undefined);
    const sent = await processSignal({
      HandleUrl: HANDLE_URL,
      Detail: detail('Completed', { ModelArtifacts: { S3ModelArtifacts: 's3://b/k/model.tar.gz' } }),
    }, send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(HANDLE_URL, { Status: 'SUCCESS', Reason: `Training job ${NAME} Completed`, UniqueId: NAME, Data: 's3://b/k/model.tar.gz' });
    expect(sent?.Status).toBe('SUCCESS');
  });

  test('InProgress -> Failed signals FAILURE with SageMaker\'s FailureReason', async () => {
    const send = jest.fn(async () => undefined);
    await processSignal({ HandleUrl: HANDLE_URL, Detail: detail('Failed', { FailureReason: 'AlgorithmError: ExecuteUserScriptError: exit 1' }) }, send);
    expect(send).toHaveBeenCalledWith(HANDLE_URL, expect.objectContaining({
      Status: 'FAILURE', Reason: `Training job ${NAME} Failed: AlgorithmError: ExecuteUserScriptError: exit 1`,
    }));
  });

  test('InProgress -> Stopped signals FAILURE', async () => {
    const send = jest.fn(async () => undefined);
    await processSignal({ HandleUrl: HANDLE_URL, Detail: detail('Stopped') }, send);
    expect(send).toHaveBeenCalledWith(HANDLE_URL, expect.objectContaining({ Status: 'FAILURE', Reason: `Training job ${NAME} Stopped: the job was stopped` }));
  });

  test('trims a long failure reason to fit a stack event', async () => {
    const send = jest.fn(async () => undefined);
    const sent = await processSignal({ HandleUrl: HANDLE_URL, Detail: detail('Failed', { FailureReason: 'x'.repeat(10_000) }) }, send);
    expect(sent!.Reason.length).toBeLessThanOrEqual(2000);
    expect(sent!.Reason.endsWith('...')).toBe(true);
  });

  test('sends nothing for a status that is not final', async () => {
    const send = jest.fn(async () => undefined);
    await expect(processSignal({ HandleUrl: HANDLE_URL, Detail: detail('InProgress') }, send)).resolves.toBeUndefined();
    expect(send).not.toHaveBeenCalled();
  });

  test('fails without a handle URL', async () => {
    await expect(processSignal({ HandleUrl: '', Detail: detail('Completed') }, async () => undefined)).rejects.toThrow(/no HandleUrl/);
  });
});

describe('cost of a job', () => {
  test('starting and awaiting a job of any length makes two SageMaker calls (describe, create): the signal reads the event, not the API', async () => {
    // GIVEN a job that runs for hours: nothing polls, so the calls are the same for 10 minutes or 10 hours
    sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: ARN });
    const send = jest.fn(async () => undefined);

    // WHEN CloudFormation creates the resource (invocation 1), and EventBridge delivers the final state change (invocation 2)
    await respond(createEvent(), client, noSleep);
    await processSignal({ HandleUrl: HANDLE_URL, Detail: { TrainingJobName: NAME, TrainingJobStatus: 'Completed' } }, send);

    // THEN
    expect(sagemaker.calls()).toHaveLength(2);
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeTrainingJobCommand, 1);
    expect(sagemaker).toHaveReceivedCommandTimes(CreateTrainingJobCommand, 1);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
