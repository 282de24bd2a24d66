// Internal: the least-privilege execution role of a SageMaker model. Not re-exported.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * Creates the role SageMaker assumes to run a model's containers: CloudWatch Logs for the endpoint's
 * log groups and metric data in SageMaker's namespaces. Model data read, ECR pull, VPC, KMS, S3 output
 * and SNS permissions are granted by the constructs that need them (ModelData, SageMakerImage ...),
 * never as a managed policy.
 */
export function createExecutionRole(scope: Construct, id: string): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: 'Execution role of a SageMaker model (least privilege: logs, metrics; image, data and outputs granted by use)',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [
      stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/Endpoints/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    ],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'], // PutMetricData has no resource-level permissions; the namespace condition narrows it
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } },
  }));
  return role;
}

/** The ENI permissions SageMaker needs to attach a model's containers to a VPC. */
export function vpcStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:CreateNetworkInterfacePermission',
      'ec2:DeleteNetworkInterface',
      'ec2:DeleteNetworkInterfacePermission',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVpcs',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
    ],
    resources: ['*'], // these EC2 actions do not support resource-level permissions for SageMaker's use
  });
}
