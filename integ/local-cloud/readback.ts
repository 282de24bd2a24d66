// The harness is test tooling: the AWS SDK clients are dev dependencies on purpose.
/* eslint-disable import/no-extraneous-dependencies */
import { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import {
  DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, DescribeTrainingJobCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';

/** A training job as SageMaker reports it. */
export interface TrainingJobReadBack {
  readonly logicalId: string;
  readonly name: string;
  readonly status: string;
  readonly modelArtifacts?: string;
  readonly image?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  /** The job's environment: from DescribeTrainingJob, or (moto does not keep it) from the CreateTrainingJob request the handler sent. */
  readonly environment: Record<string, string>;
  /** Where `environment` was read. */
  readonly environmentSource: 'DescribeTrainingJob' | 'CreateTrainingJob request' | 'none';
  readonly hyperParameters: Record<string, string>;
  readonly channels: string[];
  readonly outputPath?: string;
}

/** A model as SageMaker reports it. */
export interface ModelReadBack {
  readonly logicalId: string;
  readonly name: string;
  readonly image?: string;
  readonly modelDataUrl?: string;
  readonly environment: Record<string, string>;
  readonly executionRoleArn?: string;
}

/** A production variant of an endpoint config. */
export interface VariantReadBack {
  readonly variantName: string;
  readonly modelName?: string;
  readonly instanceType?: string;
  readonly initialInstanceCount?: number;
  readonly serverlessMemoryMb?: number;
}

/** An endpoint (with its config) as SageMaker reports it. */
export interface EndpointReadBack {
  readonly logicalId: string;
  readonly name: string;
  readonly status: string;
  readonly endpointConfigName?: string;
  readonly variants: VariantReadBack[];
}

/** Everything SageMaker holds for one stack. */
export interface SageMakerReadBack {
  readonly trainingJobs: TrainingJobReadBack[];
  readonly models: ModelReadBack[];
  readonly endpoints: EndpointReadBack[];
  readonly endpointConfigs: string[];
}

/** The part of a custom resource answer the read-back needs. */
interface AnsweredCustomResource {
  readonly logicalId: string;
  readonly requestType: string;
  readonly status: string;
  readonly physicalResourceId?: string;
  readonly data: Record<string, any>;
}

/** Reads back the stack's SageMaker resources through the SageMaker API. */
export async function readBack(sm: SageMakerClient, template: any, resources: StackResourceSummary[],
  customResources: AnsweredCustomResource[], createTrainingJobRequests: any[] = []): Promise<SageMakerReadBack> {
  const trainingJobs: TrainingJobReadBack[] = [];
  for (const run of customResources) {
    if (run.requestType !== 'Create' || run.status !== 'SUCCESS') continue;
    const type: string = template.Resources[run.logicalId]?.Type ?? '';
    if (!/TrainingJob/.test(type)) continue;
    const name = run.data.TrainingJobName ?? run.physicalResourceId;
    const job = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    const sent = createTrainingJobRequests.filter((r) => r.TrainingJobName === name).pop();
    const environmentSource = job.Environment ? 'DescribeTrainingJob' : sent?.Environment ? 'CreateTrainingJob request' : 'none';
    trainingJobs.push({
      logicalId: run.logicalId,
      name: job.TrainingJobName!,
      status: job.TrainingJobStatus!,
      modelArtifacts: job.ModelArtifacts?.S3ModelArtifacts,
      image: job.AlgorithmSpecification?.TrainingImage,
      instanceType: job.ResourceConfig?.InstanceType,
      instanceCount: job.ResourceConfig?.InstanceCount,
      environment: job.Environment ?? sent?.Environment ?? {},
      environmentSource,
      hyperParameters: job.HyperParameters ?? {},
      channels: (job.InputDataConfig ?? []).map((c) => c.ChannelName!),
      outputPath: job.OutputDataConfig?.S3OutputPath,
    });
  }

  const byType = (t: string) => resources.filter((r) => r.ResourceType === t);
  const nameOf = (r: StackResourceSummary) => r.PhysicalResourceId!.split('/').pop()!;

  const models: ModelReadBack[] = [];
  for (const r of byType('AWS::SageMaker::Model')) {
    const m = await sm.send(new DescribeModelCommand({ ModelName: nameOf(r) }));
    const c = m.PrimaryContainer ?? m.Containers?.[0] ?? {};
    models.push({
      logicalId: r.LogicalResourceId!,
      name: m.ModelName!,
      image: c.Image,
      modelDataUrl: c.ModelDataUrl,
      environment: c.Environment ?? {},
      executionRoleArn: m.ExecutionRoleArn,
    });
  }

  const endpointConfigs: string[] = [];
  const variantsOf = new Map<string, VariantReadBack[]>();
  for (const r of byType('AWS::SageMaker::EndpointConfig')) {
    const cfg = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: nameOf(r) }));
    endpointConfigs.push(cfg.EndpointConfigName!);
    variantsOf.set(cfg.EndpointConfigName!, (cfg.ProductionVariants ?? []).map((v) => ({
      variantName: v.VariantName!,
      modelName: v.ModelName,
      instanceType: v.InstanceType,
      initialInstanceCount: v.InitialInstanceCount,
      serverlessMemoryMb: v.ServerlessConfig?.MemorySizeInMB,
    })));
  }

  const endpoints: EndpointReadBack[] = [];
  for (const r of byType('AWS::SageMaker::Endpoint')) {
    const e = await sm.send(new DescribeEndpointCommand({ EndpointName: nameOf(r) }));
    endpoints.push({
      logicalId: r.LogicalResourceId!,
      name: e.EndpointName!,
      status: e.EndpointStatus!,
      endpointConfigName: e.EndpointConfigName,
      variants: variantsOf.get(e.EndpointConfigName!) ?? [],
    });
  }
  return { trainingJobs, models, endpoints, endpointConfigs };
}

/** After a delete: the models, endpoint configs and endpoints that still exist. */
export async function verifyGone(sm: SageMakerClient, back: SageMakerReadBack): Promise<string[]> {
  const remaining: string[] = [];
  const exists = (p: Promise<unknown>) => p.then(() => true, () => false);
  for (const e of back.endpoints) {
    if (await exists(sm.send(new DescribeEndpointCommand({ EndpointName: e.name })))) remaining.push(`endpoint ${e.name}`);
  }
  for (const c of back.endpointConfigs) {
    if (await exists(sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: c })))) remaining.push(`endpoint config ${c}`);
  }
  for (const m of back.models) {
    if (await exists(sm.send(new DescribeModelCommand({ ModelName: m.name })))) remaining.push(`model ${m.name}`);
  }
  return remaining;
}

/** A readable summary of a read-back, for logs and the main job. */
export function describeReadBack(back: SageMakerReadBack): string[] {
  const lines: string[] = [];
  for (const j of back.trainingJobs) {
    lines.push(`training job ${j.name}: ${j.status}`);
    lines.push(`  model artifact: ${j.modelArtifacts ?? '(none)'}`);
    lines.push(`  image: ${j.image}  instance: ${j.instanceCount} x ${j.instanceType}`);
    lines.push(`  channels: ${j.channels.join(', ') || '(none)'}  hyperparameters: ${JSON.stringify(j.hyperParameters)}`);
    lines.push(`  entry point: ${entryPointVars(j.environment)}${j.environmentSource === 'CreateTrainingJob request' ? ' (as sent in CreateTrainingJob; moto does not store a job\'s Environment)' : ''}`);
  }
  for (const m of back.models) {
    lines.push(`model ${m.name}`);
    lines.push(`  image: ${m.image}`);
    lines.push(`  model data: ${m.modelDataUrl ?? '(none)'}`);
    lines.push(`  entry point: ${entryPointVars(m.environment)}`);
  }
  for (const e of back.endpoints) {
    lines.push(`endpoint ${e.name}: ${e.status}`);
    for (const v of e.variants) {
      lines.push(`  variant ${v.variantName}: ${v.instanceType ? `${v.initialInstanceCount} x ${v.instanceType}` : `serverless ${v.serverlessMemoryMb} MB`} (model ${v.modelName})`);
    }
  }
  return lines;
}

function entryPointVars(env: Record<string, string>): string {
  const keys = Object.keys(env).filter((k) => k.startsWith('SAGEMAKER_')).sort();
  return keys.map((k) => `${k}=${env[k]}`).join(' ') || '(no SAGEMAKER_* variables)';
}
