import * as kms from 'aws-cdk-lib/aws-kms';
import { S3Location } from './s3-location';

/**
 * Capture of an endpoint's requests and responses to S3 (for model monitoring or replay).
 */
export interface DataCaptureOptions {
  /**
   * Where the captured records are written; the model's role is granted put on it.
   */
  readonly destination: S3Location;

  /**
   * Percentage of requests captured, 0-100.
   *
   * @default 20
   */
  readonly samplingPercentage?: number;

  /**
   * Capture the request payloads.
   *
   * @default true
   */
  readonly captureRequest?: boolean;

  /**
   * Capture the response payloads.
   *
   * @default true
   */
  readonly captureResponse?: boolean;

  /**
   * Key that encrypts the captured data; the model's role is granted its use (`kms:Encrypt`,
   * `kms:GenerateDataKey`, and `kms:Decrypt` for multipart uploads).
   *
   * @default - the bucket's default encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Content types captured as CSV text (the rest is base64-encoded).
   *
   * @default - none
   */
  readonly csvContentTypes?: string[];

  /**
   * Content types captured as JSON text (the rest is base64-encoded).
   *
   * @default - none
   */
  readonly jsonContentTypes?: string[];
}
