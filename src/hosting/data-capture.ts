import * as kms from 'aws-cdk-lib/aws-kms';
import { S3Location } from './s3-location';

/**
 * Capture of an endpoint's requests and responses to S3 (for model monitoring or replay).
 */
export interface DataCaptureOptions {
  /**
   * Where the captured records are written; the model's role is granted put on it.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html#sagemaker-Type-DataCaptureConfig-DestinationS3Uri
   */
  readonly destination: S3Location;

  /**
   * Percentage of requests captured, 0-100.
   *
   * @default 20
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html#sagemaker-Type-DataCaptureConfig-InitialSamplingPercentage
   */
  readonly samplingPercentage?: number;

  /**
   * Capture the request payloads.
   *
   * @default true
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html#sagemaker-Type-DataCaptureConfig-CaptureOptions
   */
  readonly captureRequest?: boolean;

  /**
   * Capture the response payloads.
   *
   * @default true
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html#sagemaker-Type-DataCaptureConfig-CaptureOptions
   */
  readonly captureResponse?: boolean;

  /**
   * Key that encrypts the captured data; the model's role is granted its use (`kms:Encrypt`,
   * `kms:GenerateDataKey`, and `kms:Decrypt` for multipart uploads).
   *
   * @default - the bucket's default encryption
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html#sagemaker-Type-DataCaptureConfig-KmsKeyId
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Content types captured as CSV text (the rest is base64-encoded).
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CaptureContentTypeHeader.html#sagemaker-Type-CaptureContentTypeHeader-CsvContentTypes
   */
  readonly csvContentTypes?: string[];

  /**
   * Content types captured as JSON text (the rest is base64-encoded).
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CaptureContentTypeHeader.html#sagemaker-Type-CaptureContentTypeHeader-JsonContentTypes
   */
  readonly jsonContentTypes?: string[];
}
