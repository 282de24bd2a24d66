import { trimReason } from './cfn-response';

/** The body a WaitConditionHandle accepts. */
export interface WaitConditionSignal {
  readonly Status: 'SUCCESS' | 'FAILURE';
  readonly Reason: string;
  readonly UniqueId: string;
  readonly Data: string;
}

/** The fields of a training job's description (DescribeTrainingJob, or a state-change event's detail) a signal needs. */
export interface FinishedJob {
  TrainingJobName?: string;
  TrainingJobStatus?: string;
  FailureReason?: string;
  ModelArtifacts?: { S3ModelArtifacts?: string };
}

/**
 * The WaitCondition signal for a finished job: SUCCESS for Completed (the data is the model archive URI),
 * FAILURE with SageMaker's FailureReason for Failed and Stopped.
 */
export function signalForJob(job: FinishedJob): WaitConditionSignal {
  const name = job.TrainingJobName ?? 'unknown';
  const status = job.TrainingJobStatus ?? 'Unknown';
  if (status === 'Completed') {
    return {
      Status: 'SUCCESS',
      Reason: `Training job ${name} Completed`,
      UniqueId: name,
      Data: job.ModelArtifacts?.S3ModelArtifacts ?? '',
    };
  }
  const why = job.FailureReason ? `: ${job.FailureReason}` : status === 'Stopped' ? ': the job was stopped' : '';
  return {
    Status: 'FAILURE',
    Reason: trimReason(`Training job ${name} ${status}${why}`),
    UniqueId: name,
    Data: '',
  };
}
