/* eslint-disable import/no-extraneous-dependencies */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type {
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceResponse,
} from 'aws-lambda';
import { buildResponse, putJson, redactUrl, ResourceResult, RetryOptions, withRetry } from './private/cfn-response';
import {
  INPUT_ASSET_DATA_DIR, INPUT_ASSET_MARKER, TrainingInputAssetAttribute, TrainingInputAssetProperty,
} from './private/protocol';
import { readZipEntries } from '../private/training-zip';

/**
 * Handler of `Custom::SageMakerTrainingInputAsset`: unpacks a zipped directory asset into
 * `s3://<bucket>/<prefix>data/` so a training channel receives files, not one zip.
 *
 * The prefix is keyed by the asset hash, so its content never changes: when the marker
 * `<prefix>.complete` exists the unpack is skipped (CloudFormation retries, several jobs of one
 * directory, a redeploy). Delete keeps the files: jobs that ran on them are reproducible, and
 * the same content may serve another stack.
 */

/** The properties the construct sets. */
export interface InputAssetProperties {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly destinationBucket: string;
  readonly destinationPrefix: string;
}

/** Reads and checks the resource properties of an event. */
export function parseInputAssetProperties(properties: { [key: string]: unknown }): InputAssetProperties {
  const get = (key: string) => {
    const value = properties[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new Error(`property ${key} is missing`);
    }
    return value;
  };
  const prefix = get(TrainingInputAssetProperty.DESTINATION_PREFIX);
  return {
    sourceBucket: get(TrainingInputAssetProperty.SOURCE_BUCKET),
    sourceKey: get(TrainingInputAssetProperty.SOURCE_KEY),
    destinationBucket: get(TrainingInputAssetProperty.DESTINATION_BUCKET),
    destinationPrefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

async function exists(client: S3Client, bucket: string, key: string, options: RetryOptions): Promise<boolean> {
  try {
    await withRetry(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), options);
    return true;
  } catch (error) {
    if (isMissing(error)) {
      return false;
    }
    throw error;
  }
}

/** Unpacks the archive unless the marker says it is already there; returns the file count. */
export async function unpack(client: S3Client, props: InputAssetProperties, options: RetryOptions = {}): Promise<number> {
  const markerKey = `${props.destinationPrefix}${INPUT_ASSET_MARKER}`;
  if (await exists(client, props.destinationBucket, markerKey, options)) {
    const marker = await withRetry(() => client.send(new GetObjectCommand({ Bucket: props.destinationBucket, Key: markerKey })), options);
    const text = await marker.Body?.transformToString() ?? '{}';
    console.log(`s3://${props.destinationBucket}/${props.destinationPrefix} is already unpacked`);
    return Number(JSON.parse(text).fileCount ?? 0);
  }
  const object = await withRetry(() => client.send(new GetObjectCommand({ Bucket: props.sourceBucket, Key: props.sourceKey })), options);
  if (!object.Body) {
    throw new Error(`s3://${props.sourceBucket}/${props.sourceKey} has no body`);
  }
  const archive = Buffer.from(await object.Body.transformToByteArray());
  const entries = readZipEntries(archive);
  // A few uploads at a time: fast for many small files, bounded memory for large ones.
  const concurrency = 8;
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++];
      const body = entry.read();
      await withRetry(() => client.send(new PutObjectCommand({
        Bucket: props.destinationBucket,
        Key: `${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}${entry.name}`,
        Body: body,
      })), options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  // The marker goes last: a partial unpack (timeout, crash) is redone on the next attempt.
  await withRetry(() => client.send(new PutObjectCommand({
    Bucket: props.destinationBucket,
    Key: markerKey,
    Body: JSON.stringify({ source: `s3://${props.sourceBucket}/${props.sourceKey}`, fileCount: entries.length }),
    ContentType: 'application/json',
  })), options);
  console.log(`Unpacked ${entries.length} files to s3://${props.destinationBucket}/${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}`);
  return entries.length;
}

function physicalId(props: InputAssetProperties): string {
  return `s3://${props.destinationBucket}/${props.destinationPrefix}${INPUT_ASSET_DATA_DIR}`;
}

/** Runs the lifecycle for any event. Create and Update unpack; Delete keeps the files. */
export async function onEvent(
  event: CloudFormationCustomResourceEvent,
  client: S3Client,
  options: RetryOptions = {},
): Promise<ResourceResult> {
  if (event.RequestType === 'Delete') {
    return { physicalResourceId: event.PhysicalResourceId };
  }
  const props = parseInputAssetProperties(event.ResourceProperties);
  const fileCount = await unpack(client, props, options);
  return {
    physicalResourceId: physicalId(props),
    data: {
      [TrainingInputAssetAttribute.S3_URI]: physicalId(props),
      [TrainingInputAssetAttribute.FILE_COUNT]: String(fileCount),
    },
  };
}

/** Runs the event and builds CloudFormation's answer, without delivering it. */
export async function respond(
  event: CloudFormationCustomResourceEvent,
  client: S3Client,
  options: RetryOptions = {},
): Promise<CloudFormationCustomResourceResponse> {
  try {
    return buildResponse(event, await onEvent(event, client, options), event.LogicalResourceId);
  } catch (error) {
    console.error(error);
    return buildResponse(event, error instanceof Error ? error : new Error(String(error)), event.LogicalResourceId);
  }
}

/** Lambda entry point. */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  console.log(JSON.stringify({ ...event, ResponseURL: redactUrl(event.ResponseURL) }));
  const response = await respond(event, new S3Client({ maxAttempts: 5 }));
  await putJson(event.ResponseURL, response);
}
