import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * aws-cdk-lib is pinned on purpose: it is both the dev dependency we test with
 * and the lowest peer version users may have. @aws-cdk/integ-runner 2.197.10
 * reads cloud-assembly schema up to 53; aws-cdk-lib 2.255.0 writes a schema it
 * reads, 2.276.0 does not. See the README's compatibility section.
 */
const CDK_VERSION = '2.255.0';
const INTEG_RUNNER_VERSION = '2.197.10';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-sagemaker-containers',
  description: 'AWS CDK constructs that turn a directory of ML code into a SageMaker training job or a GPU/CPU endpoint, with typed container entry points checked at synth time.',
  author: 'cdk-sagemaker-containers developers',
  authorAddress: 'maintainers@cdk-sagemaker-containers.dev',
  repositoryUrl: 'https://github.com/cdk-sagemaker-containers/cdk-sagemaker-containers.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk', 'aws-cdk', 'sagemaker', 'machine-learning', 'gpu', 'training', 'inference', 'containers'],

  cdkVersion: CDK_VERSION,
  cdkVersionPinning: false,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  tsconfigDevFile: 'tsconfig.dev.json',

  // jsii targets: every language CDK users write.
  publishToPypi: {
    distName: 'cdk-sagemaker-containers',
    module: 'cdk_sagemaker_containers',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdksagemakercontainers',
    mavenGroupId: 'io.github.cdk-sagemaker-containers',
    mavenArtifactId: 'cdk-sagemaker-containers',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkSageMakerContainers',
    packageId: 'CdkSageMakerContainers',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-sagemaker-containers/cdk-sagemaker-containers-go',
  },

  // Handlers (*.lambda.ts) are bundled by projen at build time, SDK included,
  // so users never run esbuild or Docker at synth.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: {
      externals: [],
      sourcemap: false,
    },
  },

  devDeps: [
    '@aws-sdk/client-sagemaker@^3.1000.0',
    '@aws-sdk/client-cloudformation@^3.1000.0',
    '@aws-sdk/client-s3@^3.1000.0',
    '@aws-sdk/client-ssm@^3.1000.0',
    '@aws-sdk/client-lambda@^3.1000.0',
    '@aws-sdk/client-ecr@^3.1000.0',
    '@types/aws-lambda',
    'aws-sdk-client-mock@^4.1.0',
    'aws-sdk-client-mock-jest@^4.1.0',
    'cdk-nag@2.37.55',
    `@aws-cdk/integ-runner@${INTEG_RUNNER_VERSION}`,
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/aws-sagemaker-alpha@2.159.1-alpha.0',
    'esbuild',
    'aws-cdk@^2.1034.0',
    // the input-asset handler's zip reader (bundled by esbuild; users gain no dependency) and the tests' zip writer
    'yauzl@^3.2.0',
    '@types/yauzl',
    'yazl@^3.3.1',
    '@types/yazl',
  ],

  gitignore: [
    'cdk.out/',
    '.venv/',
    '.test-env/',
    '/integ/**/cdk.out/',
    '/integ/cdk-integ.out.*',
    '/examples/**/cdk.out',
    '/bench/out/',
    '/test/python/.venv/',
    '*.pyc',
    '__pycache__/',
    '.jsii.tabl.json',
  ],

  // One typed-lint project for everything (tsconfig.dev.json covers src, test, integ, examples, scripts, bench).
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'integ', 'examples', 'scripts', 'bench', 'build-tools', 'projenrc', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  jestOptions: {
    // Snapshots never update silently: `npx projen test:update` does it on purpose.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
      // The local-cloud tests start a server; give them room but keep unit tests fast.
      testTimeout: 120_000,
    },
  },

  // CI is our own script (.ci/run); the GitHub workflows projen would write are not used here.
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  githubOptions: { mergify: false, pullRequestLint: false },
});

for (const p of ['/integ/', '/examples/', '/bench/', '/scripts/', '/.ci/', '/test/python/', '/.test-env/', '/rosetta/']) {
  project.addPackageIgnore(p);
}

// .projenrc.ts is linted with type information too; TypeScript's globs skip dot-files.
project.tsconfigDev.addInclude('.projenrc.ts');

// No .NET SDK can be installed on our build machines (no registry we reach ships it), so the .NET
// package is built only where `dotnet` exists; everything else runs everywhere.
project.tasks.tryFind('package:dotnet')?.addCondition('command -v dotnet >/dev/null || { echo "package:dotnet skipped: no dotnet SDK on this machine" >&2; exit 1; }');

// Go: the module proxy we reach does not serve aws-cdk-go v2.255.0's full dependency set and the checksum
// database is unreachable, so package:go links the nearest served versions next to the generated module
// (scripts/test-languages.sh go-deps) and removes them afterwards. The published go.mod is unchanged.
const packageGo = project.tasks.tryFind('package:go');
packageGo?.env('GOSUMDB', 'off');
packageGo?.prependExec('bash scripts/test-languages.sh go-deps');
packageGo?.exec('bash scripts/test-languages.sh go-deps-clean');

// The package is useless without the handler bundles (assets/): every packaging task bundles them first
// (skipped when they are newer than the sources), so `npx projen compile && npx projen package:js` on a
// fresh clone, not only `build`, packs them. jsii-pacmak packs the npm tarball into every language's package.
for (const name of ['package:js', 'package:python', 'package:java', 'package:dotnet', 'package:go']) {
  project.tasks.tryFind(name)?.prependExec('bash scripts/bundle-handlers.sh');
}
// What the tarball holds is an allow-list, so nothing else in the working tree (scratch folders, venvs,
// test output) is ever published. bin/ and local/ hold the local-mode command and its Python runner.
project.package.addField('files', [
  'lib/**/*.js',
  'lib/**/*.d.ts',
  'assets/',
  '.jsii',
  'API.md',
  'README.md',
  'LICENSE',
  'bin/',
  'local/',
  '!**/__pycache__/',
  '!**/*.pyc',
]);

// The README's two commands work on a fresh clone, before node_modules exists, so they are plain
// package.json scripts rather than projen tasks (which need projen installed).
project.package.setScript('main', 'bash scripts/main-job.sh');
// The local-mode command (src/local/cli.ts -> lib/local/cli.js, README "Local mode"): npx cdk-sagemaker-containers local train|serve.
project.addBins({ 'cdk-sagemaker-containers': 'bin/cdk-sagemaker-containers' });
project.package.setScript('test:all', 'bash scripts/test-all.sh');

// Benchmarks are never part of the tests: one command reproduces bench/RESULTS.md and the chart.
project.addTask('bench', {
  description: 'Synth, build-context and handler benchmarks; writes bench/RESULTS.md and the chart',
  exec: 'bash scripts/bench.sh',
  receiveArgs: true,
});

// Examples in README and docs compile under jsii-rosetta strict mode.
project.package.file.addOverride('jsii.metadata', { jsii: { rosetta: { strict: true } } });

project.synth();
