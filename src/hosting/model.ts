import { Annotations, ArnFormat, IResource, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { createExecutionRole, vpcStatements } from './execution-role';
import { throwProblems } from './hosting-facts';
import { renderModelData } from './private/model-data-source';
import { ModelData } from '../artifacts/model-data';
import { CpuArchitecture, ImageAccelerator, Workload } from '../compute/accelerator';
import { SageMakerImage } from '../image/sagemaker-image';
import { checkEnvironmentVariables, describeWhere, Problems, warn } from '../private/validation';

/**
 * The log level of the SageMaker serving stack in the container (`SAGEMAKER_CONTAINER_LOG_LEVEL`,
 * a Python `logging` level).
 */
export enum ContainerLogLevel {
  /** `logging.DEBUG` (10). */
  DEBUG = '10',
  /** `logging.INFO` (20), the toolkits' default. */
  INFO = '20',
  /** `logging.WARNING` (30). */
  WARNING = '30',
  /** `logging.ERROR` (40). */
  ERROR = '40',
}

/** Where the inference toolkit looks for user code inside the model archive. */
const MODEL_CODE_DIRECTORY = '/opt/ml/model/code';

/** Variables this library sets on every model; the user's `environment` may not set them. */
const RESERVED_VARIABLES = ['SAGEMAKER_REGION', 'SAGEMAKER_CONTAINER_LOG_LEVEL', 'SAGEMAKER_SUBMIT_DIRECTORY'];

/**
 * What a model runs: its image, its artifacts and its environment. Shared by every kind of endpoint.
 */
export interface ModelContainerProps {
  /**
   * The serving image. Its entry point (a serving module, or a program) sets the entry-point
   * variables; a training module is refused.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Image
   */
  readonly image: SageMakerImage;

  /**
   * The model data SageMaker puts into `/opt/ml/model`: an archive (`model.tar.gz`) it unpacks, or uncompressed
   * files under an S3 prefix (`ModelData.fromS3Prefix`) it copies as they are.
   *
   * @default - no model data: the image carries the model
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-ModelDataUrl
   */
  readonly modelData?: ModelData;

  /**
   * Extra environment variables for the container. A variable that the image's entry point or this
   * library sets (`SAGEMAKER_PROGRAM`, `SAGEMAKER_SERVING_MODULE`, `SAGEMAKER_REGION`,
   * `SAGEMAKER_CONTAINER_LOG_LEVEL`, `SAGEMAKER_SUBMIT_DIRECTORY`, or one of the image's own
   * `environment`) is refused: use the dedicated prop instead.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly environment?: { [key: string]: string };

  /**
   * Where the serving toolkit finds the user code (`SAGEMAKER_SUBMIT_DIRECTORY`), set when the image's
   * entry point is a program.
   *
   * @default - the image's code directory when the image knows it (`/opt/ml/code` for a directory image whose
   * Dockerfile the library renders), else '/opt/ml/model/code' (the `code/` folder of the model archive, where
   * the inference toolkit expects `inference.py`)
   */
  readonly submitDirectory?: string;
}

/**
 * Options of the model that every endpoint kind shares.
 */
export interface ModelOptions {
  /**
   * The execution role SageMaker assumes to run the container.
   *
   * @default - a new role with CloudWatch Logs and metrics, plus exactly the grants the image
   * (ECR pull), the model data (S3 read) and the endpoint's outputs need
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-ExecutionRoleArn
   */
  readonly role?: iam.IRole;

  /**
   * Log level of the serving stack (`SAGEMAKER_CONTAINER_LOG_LEVEL`).
   *
   * @default ContainerLogLevel.INFO
   */
  readonly logLevel?: ContainerLogLevel;

}

/**
 * Options of a model that may run in a VPC.
 */
export interface VpcModelOptions extends ModelOptions {
  /**
   * Forbids the container all network calls (`EnableNetworkIsolation`). SageMaker still downloads
   * the model data for it.
   *
   * @default false
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-EnableNetworkIsolation
   */
  readonly networkIsolation?: boolean;

  /**
   * The VPC to run the containers in.
   *
   * @default - no VPC: SageMaker's network
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-VpcConfig
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets to run the containers in; only with `vpc`.
   *
   * @default - the VPC's private subnets
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html#sagemaker-Type-VpcConfig-Subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the containers; only with `vpc`.
   *
   * @default - one new security group that allows all outbound traffic
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html#sagemaker-Type-VpcConfig-SecurityGroupIds
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * Properties of a `Model`.
 */
export interface ModelProps extends ModelContainerProps, VpcModelOptions {
  /**
   * The containers that run after the first one (`image`, `modelData`, `environment`, `submitDirectory`) in a
   * serial inference pipeline: SageMaker passes each container's response to the next as its request and returns
   * the last one's (`Containers` with `InferenceExecutionConfig.Mode: Serial`). At most 14 (15 containers in all);
   * each is checked like the first, the role gets pull and read grants for each, and `networkIsolation` and `vpc`
   * apply to all of them. Multi-model data (`ModelData.fromMultiModelPrefix`) is refused in a pipeline. More
   * containers can be appended with `addContainer`.
   *
   * @default - none: the model has one container (`PrimaryContainer`)
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html#sagemaker-CreateModel-request-Containers
   */
  readonly pipelineContainers?: ModelContainerProps[];
}

/** The most containers CreateModel accepts in `Containers` (botocore ContainerDefinitionList, max 15). */
const MAX_PIPELINE_CONTAINERS = 15;

/**
 * A SageMaker model.
 */
export interface IModel extends IResource, iam.IGrantable {
  /**
   * The name of the model.
   *
   * @attribute
   */
  readonly modelName: string;

  /**
   * The ARN of the model.
   *
   * @attribute
   */
  readonly modelArn: string;
}

/**
 * Attributes of a model defined elsewhere.
 */
export interface ModelAttributes {
  /**
   * The model's name.
   *
   * @default - derived from `modelArn`
   */
  readonly modelName?: string;

  /**
   * The model's ARN.
   *
   * @default - derived from `modelName` in this stack's account and region
   */
  readonly modelArn?: string;

  /**
   * The model's execution role, which grants go to.
   *
   * @default - unknown: grants to the model are not possible
   */
  readonly role?: iam.IRole;
}

/**
 * A SageMaker model (`AWS::SageMaker::Model`): an image, optional model data and the container
 * environment. It has no fixed name, so CloudFormation replaces it when it changes and the endpoint
 * that serves it moves to the new one without downtime.
 *
 * Endpoints create their models themselves; use this construct directly to serve it elsewhere
 * (batch transform, inference components).
 */
export class Model extends Resource implements IModel, ec2.IConnectable {
  /**
   * A model defined elsewhere, by name.
   *
   * @param scope the scope
   * @param id the construct id
   * @param modelName the model's name
   */
  public static fromModelName(scope: Construct, id: string, modelName: string): IModel {
    return Model.fromModelAttributes(scope, id, { modelName });
  }

  /**
   * A model defined elsewhere, by ARN.
   *
   * @param scope the scope
   * @param id the construct id
   * @param modelArn the model's ARN
   */
  public static fromModelArn(scope: Construct, id: string, modelArn: string): IModel {
    return Model.fromModelAttributes(scope, id, { modelArn });
  }

  /**
   * A model defined elsewhere, by its attributes.
   *
   * @param scope the scope
   * @param id the construct id
   * @param attrs name or ARN, and the role
   */
  public static fromModelAttributes(scope: Construct, id: string, attrs: ModelAttributes): IModel {
    const stack = Stack.of(scope);
    let modelName: string;
    let modelArn: string;
    if (attrs.modelArn !== undefined) {
      modelArn = attrs.modelArn;
      modelName = attrs.modelName ?? stack.splitArn(attrs.modelArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    } else if (attrs.modelName !== undefined) {
      modelName = attrs.modelName;
      // SageMaker writes model names in lower case in ARNs
      const arnName = Token.isUnresolved(modelName) ? modelName : modelName.toLowerCase();
      modelArn = stack.formatArn({ service: 'sagemaker', resource: 'model', resourceName: arnName });
    } else {
      throw new Error('Model.fromModelAttributes needs modelName or modelArn; neither was given');
    }
    class Imported extends Resource implements IModel {
      public readonly modelName = modelName;
      public readonly modelArn = modelArn;
      public readonly grantPrincipal: iam.IPrincipal = attrs.role ?? new iam.UnknownPrincipal({ resource: this });
    }
    return new Imported(scope, id);
  }

  /** What can be checked on a container's props before anything is bound. */
  private static checkContainer(props: ModelContainerProps, label: string): string[] {
    const problems: string[] = [];
    if (props.submitDirectory !== undefined && !Token.isUnresolved(props.submitDirectory) && !props.submitDirectory.startsWith('/')) {
      problems.push(`${label}submitDirectory '${props.submitDirectory}' is not an absolute path; use a directory in the container such as ${MODEL_CODE_DIRECTORY}`);
    }
    for (const key of Object.keys(props.environment ?? {})) {
      if (RESERVED_VARIABLES.includes(key)) {
        const instead = key === 'SAGEMAKER_SUBMIT_DIRECTORY' ? `${label}submitDirectory` : key === 'SAGEMAKER_CONTAINER_LOG_LEVEL' ? 'logLevel' : 'the stack region';
        problems.push(`${label}environment ${key} is set by this library; use ${instead} instead`);
      }
    }
    return problems;
  }

  /**
   * The name of the model.
   *
   * @attribute
   */
  public readonly modelName: string;

  /**
   * The ARN of the model.
   *
   * @attribute
   */
  public readonly modelArn: string;

  /** The execution role. */
  public readonly role: iam.IRole;

  /** The principal the container runs as. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The accelerators the model's image runs on. */
  public readonly imageAccelerator: ImageAccelerator;

  /** The CPU architecture of the model's image. */
  public readonly imageArchitecture: CpuArchitecture;

  /**
   * The CUDA version the model's image is built for, when known (a Deep Learning Container, or an image rendered
   * from one).
   *
   * @default - unknown
   */
  public readonly imageCudaVersion?: string;

  /** The image URI the model runs. */
  public readonly imageUri: string;

  /**
   * The S3 URI of the model data.
   *
   * @default - no model data
   */
  public readonly modelDataUrl?: string;

  /** The container environment, as rendered. */
  public readonly environment: { [key: string]: string };

  private _connections?: ec2.Connections;

  /**
   * The S3 URI of the first container's multi-model data (`ModelData.fromMultiModelPrefix`), for the endpoint
   * kinds that refuse it.
   *
   * @internal
   */
  public readonly _multiModelDataUri?: string;

  /**
   * The accelerator and architecture of every container's image, with the prop label that names it
   * ('' for the first), for the endpoint's instance-type checks.
   *
   * @internal
   */
  public readonly _containerImages: { label: string; accelerator: ImageAccelerator; architecture: CpuArchitecture; cudaVersion?: string }[] = [];

  private readonly containerDefinitions: CfnModel.ContainerDefinitionProperty[] = [];
  private readonly multiModelContainers: string[] = [];
  private readonly logLevel: ContainerLogLevel;

  /**
   * @param scope the construct that contains this one
   * @param id the construct id, unique within the scope
   * @param props the properties of the Model
   */
  constructor(scope: Construct, id: string, props: ModelProps) {
    super(scope, id);

    const problems: string[] = [];
    if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
      problems.push('vpcSubnets and securityGroups need vpc; set vpc or remove them');
    }
    const pipeline = props.pipelineContainers ?? [];
    if (pipeline.length + 1 > MAX_PIPELINE_CONTAINERS) {
      problems.push(`pipelineContainers has ${pipeline.length} containers, ${pipeline.length + 1} with the first one; `
        + `a serial inference pipeline has at most ${MAX_PIPELINE_CONTAINERS} containers (at most ${MAX_PIPELINE_CONTAINERS - 1} in pipelineContainers)`);
    }
    problems.push(...Model.checkContainer(props, ''));
    pipeline.forEach((container, i) => problems.push(...Model.checkContainer(container, `pipelineContainers[${i}].`)));
    throwProblems(this, problems);

    const role = props.role ?? createExecutionRole(this, 'Role');
    this.role = role;
    this.grantPrincipal = role;
    this.logLevel = props.logLevel ?? ContainerLogLevel.INFO;

    const first = this.renderContainer(props, '');
    this.imageAccelerator = first.image.accelerator;
    this.imageArchitecture = first.image.architecture;
    this.imageCudaVersion = first.image.cudaVersion;
    this.imageUri = first.image.imageUri;
    this.modelDataUrl = first.modelData?.s3Uri;
    this.environment = first.environment;
    const image = first.image;
    this.containerDefinitions.push(first.definition);
    this._multiModelDataUri = first.modelData?.multiModel ? first.modelData.s3Uri : undefined;
    this.multiModelContainers.push(...(first.modelData?.multiModel ? ['modelData'] : []));
    this._containerImages.push({
      label: '', accelerator: first.image.accelerator, architecture: first.image.architecture, cudaVersion: first.image.cudaVersion,
    });
    pipeline.forEach((container, i) => this.appendContainer(container, `pipelineContainers[${i}].`));
    this.checkPipeline();
    if (image.environment.SAGEMAKER_SERVING_MODULE !== undefined && image.environment.SAGEMAKER_PROGRAM === undefined
      && props.submitDirectory !== undefined) {
      Annotations.of(this).addWarningV2('@cdk-sagemaker-containers/hosting:submitDirectoryUnused',
        `submitDirectory '${props.submitDirectory}' is set but the image's entry point is the serving module `
        + `'${image.environment.SAGEMAKER_SERVING_MODULE}'; it is only read by serving modules that load a user program`);
    }

    let vpcConfig: CfnModel.VpcConfigProperty | undefined;
    if (props.vpc) {
      const securityGroups = props.securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: 'SageMaker model containers',
        allowAllOutbound: true,
      })];
      this._connections = new ec2.Connections({ securityGroups });
      const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
      if (subnets.hasPublic) {
        warn(this, 'hosting', 'publicSubnets', 'vpcSubnets selects public subnets for the model\'s containers: they are '
          + 'reachable only through their security groups, and SageMaker gives them no public address; select private '
          + 'subnets (SubnetType.PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED, with VPC endpoints) unless the routing needs them');
      }
      vpcConfig = {
        securityGroupIds: Lazy.list({ produce: () => this._connections!.securityGroups.map(sg => sg.securityGroupId) }),
        subnets: subnets.subnetIds,
      };
      for (const statement of vpcStatements(this, subnets.subnetIds)) {
        role.addToPrincipalPolicy(statement);
      }
    }

    const resource = new CfnModel(this, 'Resource', {
      executionRoleArn: role.roleArn,
      // one container is the PrimaryContainer; several are a serial pipeline (CreateModel refuses both at once)
      primaryContainer: Lazy.any({ produce: () => this.containerDefinitions.length === 1 ? this.containerDefinitions[0] : undefined }),
      containers: Lazy.any({ produce: () => this.containerDefinitions.length > 1 ? this.containerDefinitions : undefined }),
      inferenceExecutionConfig: Lazy.any({ produce: () => this.containerDefinitions.length > 1 ? { mode: 'Serial' } : undefined }),
      enableNetworkIsolation: props.networkIsolation,
      vpcConfig,
    });
    // SageMaker checks the role's access when it creates the model and its endpoints: create the
    // role's policy first (and delete it last). The role itself is already ordered by the GetAtt.
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      resource.node.addDependency(policy);
    }
    this.modelName = resource.attrModelName;
    this.modelArn = resource.ref; // Ref of AWS::SageMaker::Model is its ARN
  }

  /**
   * The number of containers the model runs: 1, or the length of its serial inference pipeline.
   */
  public get containerCount(): number {
    return this.containerDefinitions.length;
  }

  /**
   * Appends a container to the model's serial inference pipeline (after `image` and `pipelineContainers`). It is
   * checked like the first container and the role gets its pull and read grants; a model with more than one
   * container renders `Containers` with `InferenceExecutionConfig.Mode: Serial`. At most 15 containers in all;
   * multi-model data is refused in a pipeline.
   *
   * @param container the container's image, model data, environment and submit directory
   */
  public addContainer(container: ModelContainerProps): void {
    const label = `addContainer(#${this.containerDefinitions.length + 1}).`;
    const problems = Model.checkContainer(container, label);
    if (this.containerDefinitions.length + 1 > MAX_PIPELINE_CONTAINERS) {
      problems.push(`addContainer would make container ${this.containerDefinitions.length + 1}; a serial inference `
        + `pipeline has at most ${MAX_PIPELINE_CONTAINERS} containers`);
    }
    throwProblems(this, problems);
    this.appendContainer(container, label);
    this.checkPipeline();
  }

  private appendContainer(container: ModelContainerProps, label: string): void {
    const rendered = this.renderContainer(container, label);
    this.containerDefinitions.push(rendered.definition);
    this._containerImages.push({
      label, accelerator: rendered.image.accelerator, architecture: rendered.image.architecture, cudaVersion: rendered.image.cudaVersion,
    });
    if (rendered.modelData?.multiModel) {
      this.multiModelContainers.push(`${label}modelData`);
    }
  }

  /** A pipeline's containers each serve one model: CreateModel refuses Mode MultiModel in Containers. */
  private checkPipeline(): void {
    if (this.containerDefinitions.length > 1 && this.multiModelContainers.length > 0) {
      throwProblems(this, [`${this.multiModelContainers.join(', ')} is multi-model data (ModelData.fromMultiModelPrefix) `
        + `in a serial inference pipeline of ${this.containerDefinitions.length} containers; each pipeline container serves `
        + 'one model (ModelData.fromAsset, fromBucket, fromS3Prefix, ...): use a single-container model for a multi-model endpoint']);
    }
  }

  /** Binds a container's image and model data to the role and renders its ContainerDefinition. */
  private renderContainer(props: ModelContainerProps, label: string) {
    const image = props.image.bind(this, { workload: Workload.HOSTING, grantee: this.role });
    const modelData = props.modelData?.bind(this, this.role);

    // the image's variables (entry point and its own environment), then the toolkit's, then the user's
    const toolkit: { [key: string]: string } = {
      SAGEMAKER_REGION: Stack.of(this).region,
      SAGEMAKER_CONTAINER_LOG_LEVEL: this.logLevel,
    };
    if (image.environment.SAGEMAKER_PROGRAM !== undefined || props.submitDirectory !== undefined) {
      // the code the image carries (a rendered directory image copies it to /opt/ml/code), else the archive's code/
      toolkit.SAGEMAKER_SUBMIT_DIRECTORY = props.submitDirectory ?? image.codeDirectory ?? MODEL_CODE_DIRECTORY;
    }
    const problems = new Problems();
    problems.addAll(Object.keys(props.environment ?? {})
      .filter(key => image.environment[key] !== undefined)
      .map(key => `${label}environment ${key}='${props.environment![key]}' conflicts with the image's ${key}='${image.environment[key]}'; `
        + 'set it in one place only (the image\'s entryPoint / environment, or the endpoint\'s environment)'));
    const environment = { ...image.environment, ...toolkit, ...props.environment };
    // what CreateModel refuses (botocore EnvironmentKey / EnvironmentValue), known at synth
    checkEnvironmentVariables(problems, `${label}environment`, environment, { maxKeyLength: 1024, maxValueLength: 1024 });
    problems.throwIfAny(this);
    const definition: CfnModel.ContainerDefinitionProperty = {
      image: image.imageUri,
      // an uncompressed prefix (or an accepted licence) needs ModelDataSource; an archive keeps ModelDataUrl
      ...renderModelData(modelData),
      environment,
      // a prefix of archives loaded on demand (multi-model endpoint), else the one model
      mode: modelData?.multiModel ? 'MultiModel' : 'SingleModel',
    };
    return { image, modelData, environment, definition };
  }

  /**
   * Makes the model's containers use the given connections (an endpoint's), so that a security group added
   * to them later reaches the model's `VpcConfig`. Only for a model in a VPC.
   *
   * @internal
   */
  public _useConnections(connections: ec2.Connections): void {
    if (this._connections) {
      this._connections = connections;
    }
  }

  /**
   * The network connections of the model's containers.
   * Throws when the model is not in a VPC.
   */
  public get connections(): ec2.Connections {
    if (!this._connections) {
      throw new Error(`${describeWhere(this)}: connections is not available: this model is not in a VPC; set vpc to manage its network access`);
    }
    return this._connections;
  }
}
