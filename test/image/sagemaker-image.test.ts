import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecr_assets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { App, DockerBuildSecret, IgnoreMode, Lazy, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { codeDirectory, removeCodeDirectories } from './fixtures';
import { CpuArchitecture, ImageAccelerator, Workload } from '../../src/compute/accelerator';
import { BaseImage } from '../../src/image/base-image';
import { EntryPoint } from '../../src/image/entry-point';
import { SageMakerImageConfig } from '../../src/image/image-config';
import { SageMakerImage } from '../../src/image/sagemaker-image';

afterAll(removeCodeDirectories);

const BASE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/base:1';
const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

interface Binding {
  readonly app: App;
  readonly stack: Stack;
  readonly job: Construct;
  readonly role: iam.Role;
  readonly config: SageMakerImageConfig;
}

function bindImage(image: SageMakerImage, workload: Workload = Workload.TRAINING, excludePaths?: string[], app = new App()): Binding {
  const stack = new Stack(app, 'S');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const job = new Construct(stack, 'Job');
  const config = image.bind(job, { workload, grantee: role, excludePaths });
  return { app, stack, job, role, config };
}

function assetsOf(scope: Construct): ecr_assets.DockerImageAsset[] {
  return scope.node.findAll().filter((c): c is ecr_assets.DockerImageAsset => c instanceof ecr_assets.DockerImageAsset);
}

/** Synthesizes and returns the staged build context of the only image asset, and its manifest entry. */
function stagedContext(binding: Binding): { dir: string; files: string[]; source: any } {
  const assembly = binding.app.synth();
  const [asset] = assetsOf(binding.stack);
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf8'));
  const dir = path.join(assembly.directory, manifest.dockerImages[asset.assetHash].source.directory);
  const files: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (fs.statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else files.push(`${prefix}${name}`);
    }
  };
  walk(dir, '');
  return { dir, files, source: manifest.dockerImages[asset.assetHash].source };
}

describe('SageMakerImage.fromDirectory with a Dockerfile', () => {
  test('builds the directory untouched and returns the asset URI, environment and fingerprint', () => {
    // GIVEN
    const dockerfile = 'FROM python:3.11-slim\nCOPY . /opt/program\n';
    const dir = codeDirectory({ 'Dockerfile': dockerfile, 'train.py': 'print(1)\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      entryPoint: EntryPoint.program('train.py'),
      environment: { LOG_LEVEL: 'debug' },
    });

    // WHEN
    const binding = bindImage(image);

    // THEN
    const [asset] = assetsOf(binding.stack);
    expect(asset.node.scope).toBe(binding.job);
    expect(binding.config.imageUri).toBe(asset.imageUri);
    expect(binding.config.fingerprint).toBe(asset.assetHash);
    expect(binding.config.environment).toEqual({ LOG_LEVEL: 'debug', SAGEMAKER_PROGRAM: 'train.py' });
    expect(binding.config.accelerator).toBe(ImageAccelerator.ANY);
    expect(binding.config.architecture).toBe(CpuArchitecture.X86_64);
    // the user's Dockerfile decides where the code goes (here /opt/program): the library does not claim to know
    expect(binding.config.codeDirectory).toBeUndefined();
    const staged = stagedContext(binding);
    expect(staged.files).toEqual(['Dockerfile', 'train.py']);
    expect(fs.readFileSync(path.join(staged.dir, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    expect(staged.source).toEqual({ directory: `asset.${asset.assetHash}`, platform: 'linux/amd64' });
  });

  test('grants the grantee ECR pull on the asset repository', () => {
    const binding = bindImage(SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n' })));
    Template.fromStack(binding.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: PULL_ACTIONS, Effect: 'Allow', Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }),
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test('passes file, build arguments, target, cache and network options through', () => {
    // GIVEN
    const dir = codeDirectory({ 'docker/train.Dockerfile': 'ARG BASE\nFROM $BASE AS build\nFROM build AS final\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      file: 'docker/train.Dockerfile',
      buildArgs: { BASE: 'nvidia/cuda:12.1.0-runtime-ubuntu22.04' },
      target: 'final',
      platform: ecr_assets.Platform.LINUX_ARM64,
      cacheFrom: [{ type: 'registry', params: { ref: 'cache:1' } }],
      cacheTo: { type: 'inline' },
      cacheDisabled: true,
      networkMode: ecr_assets.NetworkMode.HOST,
    });

    // WHEN
    const binding = bindImage(image);

    // THEN
    expect(image.accelerator).toBe(ImageAccelerator.NVIDIA_GPU);
    expect(image.architecture).toBe(CpuArchitecture.ARM64);
    expect(binding.config.architecture).toBe(CpuArchitecture.ARM64);
    expect(stagedContext(binding).source).toEqual(expect.objectContaining({
      dockerFile: 'docker/train.Dockerfile',
      dockerBuildArgs: { BASE: 'nvidia/cuda:12.1.0-runtime-ubuntu22.04' },
      dockerBuildTarget: 'final',
      platform: 'linux/arm64',
      cacheFrom: [{ type: 'registry', params: { ref: 'cache:1' } }],
      cacheTo: { type: 'inline' },
      cacheDisabled: true,
      networkMode: 'host',
    }));
  });

  test('passes every other DockerImageAsset option through: secrets, SSH, outputs, build contexts, names, invalidation', () => {
    // GIVEN
    const dir = codeDirectory({ 'Dockerfile': 'FROM python:3.11\n', 'train.py': 'x = 1\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      entryPoint: EntryPoint.program('train.py'),
      buildSecrets: { pip: DockerBuildSecret.fromSrc('pip.conf') },
      buildSsh: 'default',
      buildContexts: { shared: '../shared' },
      outputs: ['type=registry'],
      assetName: 'trainer',
      displayName: 'Trainer image',
      invalidation: { buildArgs: false },
      extraHash: 'v2',
    });

    // WHEN
    const binding = bindImage(image);

    // THEN
    const assembly = binding.app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf8'));
    const [entry] = Object.values(manifest.dockerImages) as any[];
    expect(entry.displayName).toBe('Trainer image');
    expect(entry.source).toEqual(expect.objectContaining({
      dockerBuildSecrets: { pip: 'src=pip.conf' },
      dockerBuildSsh: 'default',
      dockerBuildContexts: { shared: '../shared' },
      dockerOutputs: ['type=registry'],
    }));
  });

  test('passes the asset options through for a rendered Dockerfile too, and refuses those it cannot use', () => {
    // GIVEN
    const dir = codeDirectory({ 'train.py': 'x = 1\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry('python:3.11'),
      entryPoint: EntryPoint.program('train.py'),
      buildSecrets: { pip: DockerBuildSecret.fromSrc('pip.conf') },
      outputs: ['type=registry'],
    });

    // THEN
    expect(stagedContext(bindImage(image)).source).toEqual(expect.objectContaining({
      dockerBuildSecrets: { pip: 'src=pip.conf' },
      dockerOutputs: ['type=registry'],
    }));
    expect(() => SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry('python:3.11'),
      buildContexts: { shared: '../shared' },
      ignoreMode: IgnoreMode.GLOB,
    })).toThrow(/2 problems:\n- buildContexts \["shared"\] apply to a Dockerfile in the directory[^\n]*\n- ignoreMode 'glob' is not allowed/);
  });

  test.each([
    ['FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1.0-gpu-py310-cu121-ubuntu20.04-sagemaker\n', undefined, ImageAccelerator.NVIDIA_GPU],
    ['FROM --platform=linux/amd64 base:cpu AS b\nRUN true\n', undefined, ImageAccelerator.CPU],
    ['FROM base:neuronx AS builder\nFROM python:3.11\n', undefined, ImageAccelerator.ANY],
    ['FROM base:neuronx AS builder\nFROM python:3.11 AS runtime\n', 'builder', ImageAccelerator.NEURON],
    ['ARG TAG=cu121\nFROM base:${TAG}\n', undefined, ImageAccelerator.NVIDIA_GPU],
    ['ARG TAG\nFROM base:${TAG:-cpu}\n', undefined, ImageAccelerator.CPU],
    ['ARG TAG\nFROM base:${TAG:+gpu}\n', undefined, ImageAccelerator.ANY],
    ['ARG TAG\nFROM base:$TAG\n', undefined, ImageAccelerator.ANY],
    ['# comment\nFROM \\\n  base:gpu\n', undefined, ImageAccelerator.NVIDIA_GPU],
    ['FROM\n', undefined, ImageAccelerator.ANY],
    ['RUN true\n', undefined, ImageAccelerator.ANY],
  ])('infers the accelerator from the Dockerfile %j (target %s)', (dockerfile, target, accelerator) => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: dockerfile }), { target });
    expect(image.accelerator).toBe(accelerator);
  });

  test('takes an explicit accelerator over the Dockerfile', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM base:gpu\n' }), { accelerator: ImageAccelerator.CPU });
    expect(image.accelerator).toBe(ImageAccelerator.CPU);
  });

  test('keeps defaults, .dockerignore, exclude and excludePaths out of the build context', () => {
    // GIVEN
    const dir = codeDirectory({
      'Dockerfile': 'FROM scratch\n',
      '.dockerignore': 'secrets\n',
      'train.py': 'x',
      'secrets/key': 'k',
      'scratch/tmp.bin': 'x',
      'data/train/a.csv': 'a',
      'node_modules/m/index.js': 'x',
      'src/__pycache__/a.pyc': 'x',
      '.git/HEAD': 'x',
      '.venv/bin/python': 'x',
      'cdk.out/manifest.json': 'x',
      'src/model.py': 'x',
    });
    const image = SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('train.py'), exclude: ['scratch'] });

    // WHEN
    const binding = bindImage(image, Workload.TRAINING, [path.join(dir, 'data', 'train'), '/elsewhere/data']);

    // THEN
    expect(stagedContext(binding).files).toEqual(['.dockerignore', 'Dockerfile', 'src/model.py', 'train.py']);
  });
});

describe('SageMakerImage.fromDirectory with a rendered Dockerfile', () => {
  test('renders the Dockerfile line by line, with requirements installed before the code is copied', () => {
    // GIVEN
    const dir = codeDirectory({ 'train.py': 'print(1)\n', 'requirements.txt': 'torch\n', 'lib/util.py': 'x' });
    const image = SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry(BASE),
      entryPoint: EntryPoint.program('train.py', { trainingModule: 'sagemaker_pytorch_container.training:main' }),
    });

    // WHEN
    const staged = stagedContext(bindImage(image));

    // THEN
    expect(fs.readFileSync(path.join(staged.dir, 'Dockerfile'), 'utf8').split('\n')).toEqual([
      '# Rendered by cdk-sagemaker-containers from the code directory; add a Dockerfile there to take control.',
      `FROM ${BASE}`,
      'WORKDIR /opt/ml/code',
      'COPY requirements.txt /opt/ml/code/requirements.txt',
      'RUN pip install --no-cache-dir -r requirements.txt',
      'COPY . /opt/ml/code',
      'ENV PYTHONPATH="/opt/ml/code${PYTHONPATH:+:${PYTHONPATH}}"',
      'ENV SAGEMAKER_PROGRAM="train.py"',
      'ENV SAGEMAKER_SUBMIT_DIRECTORY="/opt/ml/code"',
      'ENV SAGEMAKER_TRAINING_MODULE="sagemaker_pytorch_container.training:main"',
      '',
    ]);
    expect(fs.readFileSync(path.join(staged.dir, '.dockerignore'), 'utf8')).toBe('Dockerfile\n.dockerignore\n');
    expect(staged.files).toEqual(['.dockerignore', 'Dockerfile', 'lib/util.py', 'requirements.txt', 'train.py']);
    expect(staged.source.platform).toBe('linux/amd64');
  });

  test('tells the job or model that the rendered image holds the code in /opt/ml/code', () => {
    // GIVEN
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'x' }), {
      baseImage: BaseImage.fromRegistry(BASE), entryPoint: EntryPoint.program('inference.py'),
    });

    // WHEN
    const binding = bindImage(image, Workload.HOSTING);

    // THEN the code directory is where the rendered Dockerfile copies the code
    expect(binding.config.codeDirectory).toBe('/opt/ml/code');
    expect(fs.readFileSync(path.join(stagedContext(binding).dir, 'Dockerfile'), 'utf8')).toContain('COPY . /opt/ml/code\n');
  });

  test('renders without the requirements layer when there is no requirements.txt, and escapes ENV values', () => {
    const dir = codeDirectory({ 'my "job"$1.sh': 'echo\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.program('my "job"$1.sh'),
    });
    expect(fs.readFileSync(path.join(stagedContext(bindImage(image)).dir, 'Dockerfile'), 'utf8').split('\n')).toEqual([
      '# Rendered by cdk-sagemaker-containers from the code directory; add a Dockerfile there to take control.',
      'FROM python:3.11-slim',
      'WORKDIR /opt/ml/code',
      'COPY . /opt/ml/code',
      'ENV PYTHONPATH="/opt/ml/code${PYTHONPATH:+:${PYTHONPATH}}"',
      'ENV SAGEMAKER_PROGRAM="my \\"job\\"\\$1.sh"',
      'ENV SAGEMAKER_SUBMIT_DIRECTORY="/opt/ml/code"',
      '',
    ]);
  });

  test('bakes in a serving module and skips an excluded requirements.txt', () => {
    const dir = codeDirectory({ 'requirements.txt': 'flask\n', 'my_pkg/serving.py': 'app = None\n' });
    const image = SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.servingModule('my_pkg.serving:app'),
      exclude: ['requirements.txt'],
    });
    const binding = bindImage(image, Workload.HOSTING);
    const staged = stagedContext(binding);
    expect(fs.readFileSync(path.join(staged.dir, 'Dockerfile'), 'utf8')).not.toContain('requirements');
    expect(fs.readFileSync(path.join(staged.dir, 'Dockerfile'), 'utf8')).toContain('ENV SAGEMAKER_SERVING_MODULE="my_pkg.serving:app"\n');
    expect(staged.files).toEqual(['.dockerignore', 'Dockerfile', 'my_pkg/serving.py']);
    expect(binding.config.environment).toEqual({ SAGEMAKER_SERVING_MODULE: 'my_pkg.serving:app' });
  });

  test('accepts a token program, setting it in the environment but not baking it into the Dockerfile', () => {
    // GIVEN
    const program = Lazy.string({ produce: () => 'train.py' });
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'a.py': 'x' }), {
      baseImage: BaseImage.fromRegistry(BASE),
      entryPoint: EntryPoint.trainingModule('my_pkg.training:main', { program }),
    });

    // WHEN
    const binding = bindImage(image);

    // THEN
    expect(binding.stack.resolve(binding.config.environment)).toEqual({
      SAGEMAKER_PROGRAM: 'train.py',
      SAGEMAKER_TRAINING_MODULE: 'my_pkg.training:main',
    });
    const dockerfile = fs.readFileSync(path.join(stagedContext(binding).dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('ENV SAGEMAKER_TRAINING_MODULE="my_pkg.training:main"\n');
    expect(dockerfile).not.toContain('SAGEMAKER_PROGRAM');
  });

  test('takes the accelerator from the base image', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), {
      baseImage: BaseImage.fromRegistry('763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training-neuronx:1.13.1-neuronx-py310-sdk2.18.0-ubuntu20.04'),
      entryPoint: EntryPoint.program('train.py'),
    });
    expect(image.accelerator).toBe(ImageAccelerator.NEURON);
    expect(bindImage(image).config.accelerator).toBe(ImageAccelerator.NEURON);
  });

  test('renders FROM an ECR repository in a stack with an explicit environment', () => {
    // GIVEN
    const dir = codeDirectory({ 'train.py': 'x' });
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'cn-north-1' } });
    const repo = ecr.Repository.fromRepositoryName(stack, 'Base', 'team/base');
    const image = SageMakerImage.fromDirectory(dir, { baseImage: BaseImage.fromEcrRepository(repo, 'v2'), entryPoint: EntryPoint.program('train.py') });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    image.bind(stack, { workload: Workload.TRAINING, grantee: role });

    // THEN
    const [asset] = assetsOf(stack);
    expect(asset.node.path).toBe('S/ImageAsset');
    const dockerfile = fs.readFileSync(path.join(app.synth().directory, `asset.${asset.assetHash}`, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('\nFROM 123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/base:v2\n');
  });

  test('fails when the base image is not known at synth time', () => {
    const stack = new Stack(new App(), 'S');
    const repo = new ecr.Repository(stack, 'Base');
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), {
      baseImage: BaseImage.fromEcrRepository(repo, 'v2'), entryPoint: EntryPoint.program('train.py'),
    });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expect(() => image.bind(stack, { workload: Workload.TRAINING, grantee: role }))
      .toThrow(/baseImage resolves to .* in stack S, which is not known at synth time; the rendered Dockerfile needs a literal FROM image/);
  });

  test('fails when a token base image resolves to something that is not an image reference', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), {
      baseImage: BaseImage.fromRegistry(Lazy.string({ produce: () => 'Not An Image' })), entryPoint: EntryPoint.program('train.py'),
    });
    expect(() => bindImage(image)).toThrow(/baseImage 'Not An Image' is not an image reference/);
  });

  test('warns when there is no entry point', () => {
    const binding = bindImage(SageMakerImage.fromDirectory(codeDirectory({ 'a.py': 'x' }), { baseImage: BaseImage.fromRegistry(BASE) }));
    Annotations.fromStack(binding.stack).hasWarning('/S/Job', Match.stringLikeRegexp('renders its Dockerfile but has no entryPoint'));
  });

  test('gives the same asset hash on two synths and the same staged context', () => {
    const dir = codeDirectory({ 'train.py': 'print(1)\n', 'requirements.txt': 'numpy\n' });
    const props = { baseImage: BaseImage.fromRegistry(BASE), entryPoint: EntryPoint.program('train.py') };
    const first = bindImage(SageMakerImage.fromDirectory(dir, props));
    const second = bindImage(SageMakerImage.fromDirectory(dir, props));
    expect(second.config.fingerprint).toBe(first.config.fingerprint);
    expect(second.stack.resolve(second.config.imageUri)).toEqual(first.stack.resolve(first.config.imageUri));
  });

  test('changes the asset hash when the code, the entry point or excludePaths change', () => {
    const dir = codeDirectory({ 'train.py': 'print(1)\n', 'eval.py': 'print(2)\n', 'data/a.csv': '1,2\n' });
    const props = { baseImage: BaseImage.fromRegistry(BASE), entryPoint: EntryPoint.program('train.py') };
    const base = bindImage(SageMakerImage.fromDirectory(dir, props)).config.fingerprint;
    const excluded = bindImage(SageMakerImage.fromDirectory(dir, props), Workload.TRAINING, [path.join(dir, 'data')]).config.fingerprint;
    const other = bindImage(SageMakerImage.fromDirectory(dir, { ...props, entryPoint: EntryPoint.program('eval.py') })).config.fingerprint;
    fs.writeFileSync(path.join(dir, 'train.py'), 'print(3)\n');
    const edited = bindImage(SageMakerImage.fromDirectory(dir, props)).config.fingerprint;
    expect(new Set([base, excluded, other, edited]).size).toBe(4);
  });
});

describe('SageMakerImage.fromDirectory assets', () => {
  test('reuses one asset per stack and exclude set, and makes one more per stack or exclude set', () => {
    // GIVEN
    const dir = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'data/a': 'x' });
    const image = SageMakerImage.fromDirectory(dir);
    const app = new App();
    const stack = new Stack(app, 'A');
    const other = new Stack(app, 'B');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const otherRole = new iam.Role(other, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const a = image.bind(new Construct(stack, 'Job1'), { workload: Workload.TRAINING, grantee: role });
    const b = image.bind(new Construct(stack, 'Job2'), { workload: Workload.HOSTING, grantee: role });
    const c = image.bind(new Construct(stack, 'Job3'), { workload: Workload.TRAINING, grantee: role, excludePaths: [path.join(dir, 'data')] });
    const d = image.bind(new Construct(other, 'Job'), { workload: Workload.TRAINING, grantee: otherRole });
    const scope = new Construct(stack, 'Twice');
    image.bind(scope, { workload: Workload.TRAINING, grantee: role, excludePaths: [path.join(dir, 'data', 'a')] });
    image.bind(scope, { workload: Workload.TRAINING, grantee: role, excludePaths: [path.join(dir, 'data', 'a'), '/elsewhere'] });
    image.bind(scope, { workload: Workload.TRAINING, grantee: role, excludePaths: [path.join(dir, 'data', 'b')] });

    // THEN
    expect(assetsOf(stack).map(x => x.node.path)).toEqual(['A/Job1/ImageAsset', 'A/Job3/ImageAsset', 'A/Twice/ImageAsset', 'A/Twice/ImageAsset2']);
    expect(b.imageUri).toBe(a.imageUri);
    expect(c.fingerprint).not.toBe(a.fingerprint);
    expect(assetsOf(other)).toHaveLength(1);
    expect(d.fingerprint).toBe(a.fingerprint);
    expect(assetsOf(scope).map(x => x.node.id)).toEqual(['ImageAsset', 'ImageAsset2']);
  });

  test('warns about a build context over 100 MiB, naming its largest paths', () => {
    // GIVEN: sparse files, measured by stat alone
    const dir = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'data/big.bin': 80 * 1024 * 1024, 'weights.bin': 30 * 1024 * 1024, 'train.py': 'x' });
    const image = SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('train.py') });

    // WHEN
    const app = new App({ outdir: codeDirectory({}) });
    const stack = new Stack(app, 'S');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    image.bind(new Construct(stack, 'Small'), { workload: Workload.TRAINING, grantee: role, excludePaths: [path.join(dir, 'data')] });
    image.bind(new Construct(stack, 'Big'), { workload: Workload.TRAINING, grantee: role });

    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/S/Big', Match.stringLikeRegexp(
      'holds 110.0 MiB in 4 files after exclusions \\(over 100.0 MiB\\).*Largest: data/big.bin \\(80.0 MiB\\), weights.bin \\(30.0 MiB\\), Dockerfile \\(13 B\\), train.py \\(1 B\\)'));
    annotations.hasNoWarning('/S/Small', Match.anyValue());
  });
});

describe('synthesis without Docker', () => {
  const saved = { PATH: process.env.PATH, CDK_DOCKER: process.env.CDK_DOCKER };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.CDK_DOCKER === undefined) delete process.env.CDK_DOCKER;
    else process.env.CDK_DOCKER = saved.CDK_DOCKER;
  });

  test('stages both kinds of directory image with no docker executable reachable', () => {
    // GIVEN: no docker anywhere
    const own = SageMakerImage.fromDirectory(codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'train.py': 'x' }), { entryPoint: EntryPoint.program('train.py') });
    const rendered = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x' }), { baseImage: BaseImage.fromRegistry(BASE), entryPoint: EntryPoint.program('train.py') });
    process.env.PATH = codeDirectory({});
    process.env.CDK_DOCKER = '/nonexistent/docker';

    // WHEN
    const app = new App();
    const stack = new Stack(app, 'S');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    own.bind(new Construct(stack, 'A'), { workload: Workload.TRAINING, grantee: role });
    rendered.bind(new Construct(stack, 'B'), { workload: Workload.TRAINING, grantee: role });
    const assembly = app.synth();

    // THEN
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf8'));
    const dirs = Object.values(manifest.dockerImages).map((d: any) => path.join(assembly.directory, d.source.directory));
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(['Dockerfile', 'train.py']));
  });
});

describe('SageMakerImage.fromDirectory entry-point warnings', () => {
  test('warns once per binding construct that a .py program beside setup.py runs as a package', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'train.py': 'x', 'setup.py': 'x' }), {
      entryPoint: EntryPoint.program('train.py'),
    });
    const binding = bindImage(image);
    image.bind(binding.job, { workload: Workload.TRAINING, grantee: binding.role });
    const warnings = Annotations.fromStack(binding.stack).findWarning('/S/Job', Match.stringLikeRegexp('sits in a directory with setup.py'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('@cdk-sagemaker-containers/image:programRunsAsPackage');
  });

  test('warns that a program without shebang runs as a shell script', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n', train: 'import os\n' }), {
      entryPoint: EntryPoint.program('train'),
    });
    const warnings = Annotations.fromStack(bindImage(image).stack).findWarning('/S/Job', Match.stringLikeRegexp('as a shell script'));
    expect(JSON.stringify(warnings[0].entry.data)).toContain('@cdk-sagemaker-containers/image:programRunsAsShellScript');
  });
});

describe('SageMakerImage.fromDirectory serving that starts', () => {
  const NOTHING_SERVES = '@cdk-sagemaker-containers/image:nothingServes';

  function servingWarnings(image: SageMakerImage, workload: Workload = Workload.HOSTING) {
    return Annotations.fromStack(bindImage(image, workload).stack).findWarning('/S/Job', Match.stringLikeRegexp('docker run <image> serve'));
  }

  test('warns that a serving module on a plain Python image has nothing to run it, naming what to add', () => {
    // GIVEN
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'serve.py': 'app = None\n', 'requirements.txt': 'flask\n' }), {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.servingModule('serve:app'),
    });

    // WHEN
    const warnings = servingWarnings(image);

    // THEN
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain(NOTHING_SERVES);
    expect(warnings[0].entry.data).toMatch(/servingModule 'serve:app' .*base image 'python:3.11-slim'.*Add sagemaker-containers .*to requirements.txt.*SAGEMAKER_USE_NGINX/);
  });

  test.each([
    ['sagemaker-containers==2.8.6.post2\ngunicorn\n', 'python:3.11-slim'],
    ['# the legacy stack\nSageMaker_Containers >= 2.8  # serve\n', 'python:3.11'],
    ['-r base.txt\n', 'python:3.11'],
    ['', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'],
  ])('does not warn for a serving module when requirements %j or base image %s bring the legacy stack', (requirements, base) => {
    // GIVEN
    const image = SageMakerImage.fromDirectory(codeDirectory({
      'serve.py': 'app = None\n',
      'requirements.txt': requirements,
      'base.txt': 'sagemaker-containers\n',
    }), {
      baseImage: BaseImage.fromRegistry(base),
      entryPoint: EntryPoint.servingModule('serve:app'),
    });

    // THEN
    expect(servingWarnings(image)).toHaveLength(0);
  });

  test('warns when the requirements that would serve are left out of the build context', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'serve.py': 'app = None\n', 'requirements.txt': 'sagemaker-containers\n' }), {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.servingModule('serve:app'),
      exclude: ['requirements.txt'],
    });
    expect(servingWarnings(image)).toHaveLength(1);
  });

  test('warns that an inference program on a plain image needs a framework inference image', () => {
    // GIVEN
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'def model_fn(d):\n  return d\n' }), {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.program('inference.py'),
    });

    // WHEN
    const warnings = servingWarnings(image);

    // THEN
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/program 'inference.py' on an endpoint .*inference toolkit.*Build FROM a Deep Learning Container inference image/);
  });

  test.each([
    '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker',
    '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04',
    '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
  ])('does not warn for an inference program on the serving image %s', base => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ 'inference.py': 'x = 1\n' }), {
      baseImage: BaseImage.fromRegistry(base),
      entryPoint: EntryPoint.program('inference.py'),
    });
    expect(servingWarnings(image)).toHaveLength(0);
  });

  test('does not warn for training, for a user Dockerfile, or for a token module', () => {
    const training = SageMakerImage.fromDirectory(codeDirectory({ 'train.py': 'x = 1\n' }), {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.program('train.py'),
    });
    const own = SageMakerImage.fromDirectory(codeDirectory({ 'Dockerfile': 'FROM python:3.11-slim\n', 'serve.py': 'app = None\n' }), {
      entryPoint: EntryPoint.servingModule('serve:app'),
    });
    const token = SageMakerImage.fromDirectory(codeDirectory({ 'serve.py': 'app = None\n' }), {
      baseImage: BaseImage.fromRegistry('python:3.11-slim'),
      entryPoint: EntryPoint.servingModule(Lazy.string({ produce: () => 'serve:app' })),
    });
    expect(servingWarnings(training, Workload.TRAINING)).toHaveLength(0);
    expect(servingWarnings(own)).toHaveLength(0);
    expect(servingWarnings(token)).toHaveLength(0);
  });
});

describe('SageMakerImage.fromDirectory errors', () => {
  test('fails for a missing directory', () => {
    expect(() => SageMakerImage.fromDirectory('/no/such/dir')).toThrow(/SageMakerImage.fromDirectory: directory '\/no\/such\/dir' does not exist/);
  });

  test('fails for a file given as directory', () => {
    const file = path.join(codeDirectory({ 'a.txt': 'x' }), 'a.txt');
    expect(() => SageMakerImage.fromDirectory(file)).toThrow(/directory '.*a.txt' is a file/);
  });

  test('fails for a token directory', () => {
    expect(() => SageMakerImage.fromDirectory(Lazy.string({ produce: () => '/x' }))).toThrow(/directory '.*' is a token/);
  });

  test('fails with no Dockerfile and no base image, naming both options', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    expect(() => SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('train.py') }))
      .toThrow(new RegExp(`directory '${dir}' has no Dockerfile and no baseImage is set; add a Dockerfile to the directory, or set baseImage`));
  });

  test('fails for a base image beside a Dockerfile', () => {
    expect(() => SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n' }), { baseImage: BaseImage.fromRegistry(BASE) }))
      .toThrow(/baseImage is set, but directory '.*' has its own Dockerfile, which is used untouched/);
  });

  test('fails for a missing or outside file', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    expect(() => SageMakerImage.fromDirectory(dir, { file: 'train.Dockerfile' })).toThrow(/file 'train.Dockerfile' does not exist in directory/);
    expect(() => SageMakerImage.fromDirectory(dir, { file: '../Dockerfile' })).toThrow(/file '..\/Dockerfile' is not inside directory/);
    expect(() => SageMakerImage.fromDirectory(dir, { file: '/Dockerfile' })).toThrow(/file '\/Dockerfile' is not inside directory/);
  });

  test('fails for build arguments and target on a rendered Dockerfile, reporting both', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    expect(() => SageMakerImage.fromDirectory(dir, {
      baseImage: BaseImage.fromRegistry(BASE), entryPoint: EntryPoint.program('train.py'), buildArgs: { A: '1' }, target: 'final',
    })).toThrow(/2 problems:\n- buildArgs \{"A":"1"\} apply to a Dockerfile in the directory.*\n- target 'final' applies to a multi-stage Dockerfile/);
  });

  test('fails for a platform SageMaker cannot run', () => {
    expect(() => SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n' }), { platform: ecr_assets.Platform.custom('windows/amd64') }))
      .toThrow(/platform 'windows\/amd64' cannot run on SageMaker; use Platform.LINUX_AMD64 \(x86 instances\) or Platform.LINUX_ARM64/);
  });

  test.each([
    ['SAGEMAKER_PROGRAM', /EntryPoint.program/],
    ['SAGEMAKER_TRAINING_MODULE', /EntryPoint.trainingModule/],
    ['SAGEMAKER_SERVING_MODULE', /EntryPoint.servingModule/],
  ])('fails for an environment that sets %s', (name, factory) => {
    const dir = codeDirectory({ Dockerfile: 'FROM scratch\n' });
    expect(() => SageMakerImage.fromDirectory(dir, { environment: { [name]: 'x' } }))
      .toThrow(new RegExp(`environment sets ${name} to 'x', an entry-point variable; set it with entryPoint: ${factory.source}`));
  });

  test('fails for a missing program', () => {
    const dir = codeDirectory({ Dockerfile: 'FROM scratch\n' });
    expect(() => SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('train.py') }))
      .toThrow(new RegExp(`program 'train.py' does not exist in directory '${dir}'`));
  });

  test('fails for a program the build context leaves out', () => {
    const dir = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'src/train.py': 'x', '.dockerignore': 'src\n' });
    expect(() => SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('src/train.py') }))
      .toThrow(/program 'src\/train.py' is left out of the build context by .dockerignore/);
    const other = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'train.py': 'x' });
    expect(() => SageMakerImage.fromDirectory(other, { entryPoint: EntryPoint.program('train.py'), exclude: ['*.py'] }))
      .toThrow(/program 'train.py' is left out .* exclude \["\*.py"\]; re-include it with a '!train.py' pattern/);
    expect(SageMakerImage.fromDirectory(other, { entryPoint: EntryPoint.program('train.py'), exclude: ['*.py', '!train.py'] })).toBeDefined();
  });

  test('reports several problems together', () => {
    const dir = codeDirectory({ 'train.py': 'x' });
    expect(() => SageMakerImage.fromDirectory(dir, {
      entryPoint: EntryPoint.program('missing.py'),
      environment: { SAGEMAKER_PROGRAM: 'train.py' },
    })).toThrow(/3 problems:\n- directory .* has no Dockerfile.*\n- environment sets SAGEMAKER_PROGRAM.*\n- program 'missing.py' does not exist/);
  });

  test('fails at bind for an entry point that does not fit the workload', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n' }), {
      entryPoint: EntryPoint.servingModule('my_pkg.serving:app'),
    });
    expect(() => bindImage(image, Workload.TRAINING)).toThrow(/entryPoint servingModule 'my_pkg.serving:app' cannot start a TRAINING container/);
  });

  test('fails for excludePaths that leave out the directory or the program', () => {
    const dir = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'src/train.py': 'x' });
    const image = SageMakerImage.fromDirectory(dir, { entryPoint: EntryPoint.program('src/train.py') });
    expect(() => bindImage(image, Workload.TRAINING, [dir])).toThrow(/excludePaths '.*' is the image directory itself/);
    expect(() => bindImage(image, Workload.TRAINING, [path.join(dir, 'src')]))
      .toThrow(/excludePaths \[".*src"\] leave out the entry point program 'src\/train.py'/);
  });

  test('recognises excludePaths spelled through a symbolic link', () => {
    const dir = codeDirectory({ 'Dockerfile': 'FROM scratch\n', 'data/a.csv': 'x' });
    const link = path.join(codeDirectory({}), 'link');
    fs.symlinkSync(dir, link);
    const image = SageMakerImage.fromDirectory(dir);
    const direct = bindImage(image, Workload.TRAINING, [path.join(dir, 'data')]).config.fingerprint;
    expect(bindImage(image, Workload.TRAINING, [path.join(link, 'data')]).config.fingerprint).toBe(direct);
    expect(bindImage(image).config.fingerprint).not.toBe(direct);
  });

  test('ignores token excludePaths', () => {
    const image = SageMakerImage.fromDirectory(codeDirectory({ Dockerfile: 'FROM scratch\n' }));
    const plain = bindImage(image).config.fingerprint;
    expect(bindImage(image, Workload.TRAINING, [Lazy.string({ produce: () => '/x' })]).config.fingerprint).toBe(plain);
  });
});

describe('prebuilt images', () => {
  test('fromEcrRepository returns the tag URI, grants pull on the repository and infers the accelerator', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'S');
    const repo = new ecr.Repository(stack, 'Repo', { repositoryName: 'trainers' });
    const image = SageMakerImage.fromEcrRepository(repo, 'v3-gpu', { entryPoint: EntryPoint.program('run.sh'), environment: { A: '1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const config = image.bind(stack, { workload: Workload.TRAINING, grantee: role });

    // THEN
    expect(image.accelerator).toBe(ImageAccelerator.NVIDIA_GPU);
    expect(config.environment).toEqual({ A: '1', SAGEMAKER_PROGRAM: 'run.sh' });
    expect(config.architecture).toBe(CpuArchitecture.X86_64);
    expect(JSON.stringify(stack.resolve(config.imageUri))).toContain(':v3-gpu');
    expect(config.fingerprint).toBe(JSON.stringify(stack.resolve(config.imageUri)));
    expect(config.codeDirectory).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: PULL_ACTIONS, Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Repo'), 'Arn'] } }),
        ]),
      },
    });
  });

  test('fromEcrRepository takes a digest, an architecture and a token tag', () => {
    const stack = new Stack();
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'serve');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const digest = 'sha256:' + 'c'.repeat(64);
    const image = SageMakerImage.fromEcrRepository(repo, digest, { architecture: CpuArchitecture.ARM64 });
    expect(JSON.stringify(stack.resolve(image.bind(stack, { workload: Workload.HOSTING, grantee: role }).imageUri))).toContain(`serve@${digest}`);
    expect(image.architecture).toBe(CpuArchitecture.ARM64);
    expect(SageMakerImage.fromEcrRepository(repo, Lazy.string({ produce: () => 'gpu' })).accelerator).toBe(ImageAccelerator.ANY);
    expect(() => SageMakerImage.fromEcrRepository(repo, '')).toThrow(/tag '' is empty/);
  });

  test('fromDockerImageAsset uses the asset URI and hash and grants pull', () => {
    const stack = new Stack();
    const asset = new ecr_assets.DockerImageAsset(stack, 'Asset', { directory: codeDirectory({ Dockerfile: 'FROM scratch\n' }) });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const image = SageMakerImage.fromDockerImageAsset(asset, { entryPoint: EntryPoint.servingModule('a.b:app') });
    const config = image.bind(stack, { workload: Workload.HOSTING, grantee: role });
    expect(config).toEqual({
      imageUri: asset.imageUri,
      environment: { SAGEMAKER_SERVING_MODULE: 'a.b:app' },
      accelerator: ImageAccelerator.ANY,
      architecture: CpuArchitecture.X86_64,
      fingerprint: asset.assetHash,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: PULL_ACTIONS })]) },
    });
  });

  test('fromImageUri grants pull on the ECR repository the URI names', () => {
    // GIVEN
    const uri = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310-cu118-ubuntu20.04-sagemaker';
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });

    // WHEN
    const config = SageMakerImage.fromImageUri(uri).bind(stack, { workload: Workload.HOSTING, grantee: role });

    // THEN
    expect(config).toEqual({
      imageUri: uri,
      environment: {},
      accelerator: ImageAccelerator.NVIDIA_GPU,
      architecture: CpuArchitecture.X86_64,
      fingerprint: uri,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: PULL_ACTIONS, Resource: 'arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference' }),
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test.each([
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b:1', 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/a/b'],
    ['123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/x@sha256:' + 'd'.repeat(64), 'arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/x:1', 'arn:aws-iso:ecr:us-iso-east-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/x:1', 'arn:aws-iso-b:ecr:us-isob-east-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/x:1', 'arn:aws-iso-f:ecr:us-isof-south-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/x:1', 'arn:aws-iso-e:ecr:eu-isoe-west-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu/x:1', 'arn:aws-eusc:ecr:eusc-de-east-1:123456789012:repository/x'],
    ['123456789012.dkr.ecr.xx-new-1.amazonaws.com/x:1',
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:xx-new-1:123456789012:repository/x']] }],
  ])('fromImageUri grants pull for %s in its partition (from the region facts)', (uri, arn) => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    SageMakerImage.fromImageUri(uri).bind(stack, { workload: Workload.HOSTING, grantee: role });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: PULL_ACTIONS, Resource: arn })]) },
    });
  });

  test('fromImageUri warns for an image outside ECR and grants nothing', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    SageMakerImage.fromImageUri('python:3.11').bind(stack, { workload: Workload.TRAINING, grantee: role });
    Annotations.fromStack(stack).hasWarning('/Default', Match.stringLikeRegexp("imageUri 'python:3.11' is not an Amazon ECR image"));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('fromImageUri accepts a token, with a stable fingerprint and no grant', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const uri = Lazy.string({ produce: () => 'resolved:1' });
    const config = SageMakerImage.fromImageUri(uri).bind(stack, { workload: Workload.TRAINING, grantee: role });
    expect(config.fingerprint).toBe('"resolved:1"');
    expect(config.accelerator).toBe(ImageAccelerator.ANY);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('fails for a malformed imageUri or an environment that sets an entry-point variable', () => {
    expect(() => SageMakerImage.fromImageUri('not an image')).toThrow(/imageUri 'not an image' is not an image reference/);
    expect(() => SageMakerImage.fromImageUri('python:3.11', { environment: { SAGEMAKER_SERVING_MODULE: 'a:b' } }))
      .toThrow(/SageMakerImage.fromImageUri: environment sets SAGEMAKER_SERVING_MODULE to 'a:b'/);
  });

  test('fails at bind for a training module on a hosting workload', () => {
    const stack = new Stack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const image = SageMakerImage.fromImageUri('python:3.11', { entryPoint: EntryPoint.trainingModule('a.b:main') });
    expect(() => image.bind(stack, { workload: Workload.HOSTING, grantee: role })).toThrow(/cannot start a HOSTING container/);
  });
});
