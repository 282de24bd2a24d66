// Internal: the least-privilege execution role of a SageMaker model. Not re-exported.
import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Options of `createExecutionRole`. */
export interface ExecutionRoleOptions {
  /**
   * The name of the one endpoint the role's models serve, when it is known at synth: the logs statement is
   * then limited to `/aws/sagemaker/Endpoints/<name>`. A name CloudFormation generates cannot be referred to
   * (the endpoint depends on the role), so without one the statement covers SageMaker's endpoint log groups.
   *
   * @default - every log group under /aws/sagemaker/Endpoints/
   */
  readonly endpointName?: string;
}

/** SageMaker's log group of an endpoint (`/aws/sagemaker/Endpoints/<name>`), or of every endpoint. */
export function endpointLogGroupName(endpointName?: string): string {
  return endpointName !== undefined && !Token.isUnresolved(endpointName)
    ? `/aws/sagemaker/Endpoints/${endpointName}`
    : '/aws/sagemaker/Endpoints/*';
}

/**
 * Creates the role SageMaker assumes to run a model's containers: CloudWatch Logs for the endpoint's
 * log group and metric data in SageMaker's namespaces. Model data read, ECR pull, VPC, KMS, S3 output
 * and SNS permissions are granted by the constructs that need them (ModelData, SageMakerImage ...),
 * never as a managed policy.
 */
export function createExecutionRole(scope: Construct, id: string, options: ExecutionRoleOptions = {}): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: 'Execution role of a SageMaker model (least privilege: logs, metrics; image, data and outputs granted by use)',
  });
  const group = endpointLogGroupName(options.endpointName);
  const groupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: group, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    // the group itself (CreateLogGroup, DescribeLogStreams) and its streams (CreateLogStream, PutLogEvents)
    resources: group.endsWith('*') ? [groupArn] : [groupArn, `${groupArn}:*`],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'], // PutMetricData has no resource-level permissions; the namespace condition narrows it
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'AWS/SageMaker'] } },
  }));
  return role;
}

/** The EC2 describe actions SageMaker calls to place containers in a VPC; none supports resource-level permissions. */
export const VPC_DESCRIBE_ACTIONS = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/**
 * The network-interface permissions SageMaker needs to attach a model's containers to a VPC
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html), each on the resources it takes:
 * `ec2:CreateNetworkInterface` on the network interfaces and security groups of this account and region and
 * the selected subnets;
 * `ec2:CreateNetworkInterfacePermission`, `ec2:DeleteNetworkInterface` and
 * `ec2:DeleteNetworkInterfacePermission` on the network interfaces; the describe actions on `*`, since they
 * support no resource-level permissions.
 */
export function vpcStatements(scope: Construct, subnetIds: string[]): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const ec2Arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'ec2', resource, resourceName });
  const interfaces = ec2Arn('network-interface', '*');
  return [
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        interfaces,
        // a list token (an imported VPC's subnets from a parameter) cannot be mapped: then the account's subnets
        ...(Token.isUnresolved(subnetIds) ? [ec2Arn('subnet', '*')] : subnetIds.map(id => ec2Arn('subnet', id))),
        // every group of this account and region: groups can be added to the model's connections after this
        ec2Arn('security-group', '*'),
      ],
    }),
    new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      resources: [interfaces],
    }),
    new iam.PolicyStatement({
      actions: VPC_DESCRIBE_ACTIONS,
      resources: ['*'], // these describe actions support no resource-level permissions
    }),
  ];
}

/**
 * What the model's role needs on a key that encrypts what SageMaker writes to S3 (async results, captured
 * data): `kms:Encrypt` (the API reference of `KmsKeyId`), `kms:GenerateDataKey` for SSE-KMS uploads and
 * `kms:Decrypt`, which S3 needs to complete a multipart upload
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions).
 */
export const OUTPUT_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'];
