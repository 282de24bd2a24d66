// Internal: how a bound ModelData appears in a model's container definition. Not re-exported.
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { ModelDataConfig } from '../../artifacts/model-data';

/**
 * The container's model data: `ModelDataUrl` for an archive, `ModelDataSource` (S3Prefix, no compression, and the
 * licence acceptance) for uncompressed files or a model whose licence is accepted.
 */
export function renderModelData(modelData: ModelDataConfig | undefined): Pick<CfnModel.ContainerDefinitionProperty, 'modelDataUrl' | 'modelDataSource'> {
  if (!modelData) return {};
  if (!modelData.uncompressed && !modelData.acceptEula) return { modelDataUrl: modelData.s3Uri };
  return {
    modelDataSource: {
      s3DataSource: {
        s3Uri: modelData.s3Uri,
        s3DataType: modelData.uncompressed ? 'S3Prefix' : 'S3Object',
        compressionType: modelData.uncompressed ? 'None' : 'Gzip',
        modelAccessConfig: modelData.acceptEula ? { acceptEula: true } : undefined,
      },
    },
  };
}
