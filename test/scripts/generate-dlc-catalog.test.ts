import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'generate-dlc-catalog.py');

const REGISTRIES = { 'us-east-1': '763104351884', 'cn-north-1': '727897471807', 'us-gov-west-1': '442386744353', 'us-iso-east-1': '886529160074' };
const plain = (repository: string, py: string[]) => ({ py_versions: py, registries: REGISTRIES, repository });

/** The image_uri_config files the generator reads, cut down to a few versions of the real shapes. */
const CONFIGS: { [file: string]: unknown } = {
  'pytorch': {
    training: { processors: ['cpu', 'gpu'], version_aliases: { 2.8: '2.8.0', 9.9: '9.9.9' }, versions: { '2.8.0': plain('pytorch-training', ['py312']) } },
    inference: { processors: ['cpu', 'gpu'], version_aliases: {}, versions: { '2.6.0': plain('pytorch-inference', ['py312']) } },
    inference_graviton: {
      processors: ['cpu'],
      versions: { '2.4.0': { ...plain('pytorch-inference-graviton', ['py311']), container_version: { cpu: 'ubuntu22.04' } } },
    },
  },
  'pytorch-neuron': {
    training: {
      processors: ['trn'],
      version_aliases: { 1.11: '1.11.0' },
      versions: { '1.11.0': { ...plain('pytorch-training-neuron', ['py38']), container_version: { trn: 'ubuntu20.04' }, sdk_versions: ['sdk2.4.0', 'sdk2.10.0'] } },
    },
  },
  'tensorflow': {
    training: {
      processors: ['cpu', 'gpu'],
      version_aliases: { 1.13: '1.13.1' },
      versions: { '1.13.1': { py2: plain('tensorflow-training', ['py2']), py3: plain('tensorflow-training', ['py3']) }, '2.19.0': plain('tensorflow-training', ['py312']) },
    },
    inference: { processors: ['cpu', 'gpu'], versions: { '2.19.0': { registries: REGISTRIES, repository: 'tensorflow-inference' } } },
    inference_graviton: { processors: ['cpu'], versions: {} },
  },
  'huggingface': {
    training: {
      processors: ['gpu'],
      version_aliases: { 4.56: '4.56.2' },
      versions: {
        '4.56.2': {
          'version_aliases': { pytorch2: 'pytorch2.8.0' },
          'pytorch2.7.1': { ...plain('huggingface-pytorch-training', ['py312']), container_version: { gpu: 'cu128-ubuntu22.04' } },
          'pytorch2.8.0': { ...plain('huggingface-pytorch-training', ['py312']), container_version: { gpu: 'cu129-ubuntu22.04' } },
        },
        '4.4.2': { 'tensorflow2.4.1': plain('huggingface-tensorflow-training', ['py37']) },
      },
    },
    inference: { processors: ['gpu', 'cpu'], version_aliases: {}, versions: {} },
  },
  'huggingface-neuronx': {
    training: { processors: ['trn'], version_aliases: {}, versions: {} },
    inference: { processors: ['inf'], version_aliases: {}, versions: {} },
  },
  'huggingface-llm': {
    inference: {
      processors: ['gpu'],
      version_aliases: { 3.3: '3.3.6' },
      versions: { '3.3.6': { ...plain('huggingface-pytorch-tgi-inference', ['py311']), tag_prefix: '2.7.0-tgi3.3.6', container_version: { gpu: 'cu124-ubuntu22.04' } } },
    },
  },
  'huggingface-llm-neuronx': { inference: { processors: ['inf2'], version_aliases: {}, versions: {} } },
  'huggingface-neuron': { inference: { processors: ['inf'], version_aliases: {}, versions: {} } },
  'huggingface-tei': { inference: { processors: ['gpu'], version_aliases: {}, versions: {} } },
  'huggingface-tei-cpu': { inference: { processors: ['cpu'], version_aliases: {}, versions: {} } },
  'mxnet': {
    training: { processors: ['cpu', 'gpu'], version_aliases: {}, versions: {} },
    inference: { processors: ['cpu', 'gpu'], version_aliases: {}, versions: {} },
  },
  'sklearn': {
    training: { versions: { '1.2-1': { processors: ['cpu'], ...plain('sagemaker-scikit-learn', ['py3']) } } },
    inference: { versions: {} },
    inference_graviton: { versions: { '1.0-1': { processors: ['cpu'], ...plain('sagemaker-scikit-learn', ['py3']) } } },
  },
  'xgboost': {
    training: { version_aliases: { latest: '1' }, versions: { 1: { registries: REGISTRIES, repository: 'xgboost' } } },
    inference: { versions: {} },
    inference_graviton: { versions: { '1.5-1': { registries: REGISTRIES, repository: 'sagemaker-xgboost' }, '1.7-1': { registries: REGISTRIES, repository: 'sagemaker-xgboost' } } },
  },
  'djl-lmi': { scope: ['inference'], version_aliases: { latest: '0.33.0' }, versions: { '0.33.0': { registries: REGISTRIES, repository: 'djl-inference', tag_prefix: '0.33.0-lmi15.0.0-cu128' } } },
  'djl-tensorrtllm': { scope: ['inference'], versions: {} },
  'djl-neuronx': { scope: ['inference'], versions: {} },
};

/** The SDK's code tables the generator reads with ast, in the shapes of image_uris.py and fw_utils.py. */
const SOURCES: { [file: string]: string } = {
  'image_uris.py': [
    'TRAINIUM_ALLOWED_FRAMEWORKS = "pytorch"',
    'def _get_image_tag():',
    '    version_to_arm64_tag_mapping = {"xgboost": {"1.5-1": "1.5-1-arm64"}, "sklearn": {"1.0-1": "1.0-1-arm64-cpu-py3"}}',
    '    container_versions = {"pytorch-1.6.0-gpu-py3": "cu110-ubuntu18.04"}',
  ].join('\n'),
  'fw_utils.py': 'GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY = ["c7g", "m6g"]\nGRAVITON_ALLOWED_FRAMEWORKS = set(["pytorch", "xgboost"])\n',
};

/** Writes the fixture configs into a wheel-shaped zip and returns its path. */
function fixtureWheel(sourceOverrides: { [file: string]: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlc-'));
  const configDir = path.join(dir, 'sagemaker', 'image_uri_config');
  fs.mkdirSync(configDir, { recursive: true });
  for (const [name, config] of Object.entries(CONFIGS)) {
    fs.writeFileSync(path.join(configDir, `${name}.json`), JSON.stringify(config));
  }
  for (const [name, source] of Object.entries({ ...SOURCES, ...sourceOverrides })) {
    fs.writeFileSync(path.join(dir, 'sagemaker', name), source);
  }
  const wheel = path.join(dir, 'sagemaker-9.8.7-py3-none-any.whl');
  execFileSync('python3', ['-m', 'zipfile', '-c', wheel, 'sagemaker'], { cwd: dir });
  return wheel;
}

function generate(wheel: string, out: string, ...flags: string[]): string {
  return execFileSync('python3', [SCRIPT, wheel, '--output', out, ...flags], { stdio: 'pipe' }).toString();
}

describe('scripts/generate-dlc-catalog.py', () => {
  const wheel = fixtureWheel();
  const out = path.join(path.dirname(wheel), 'dlc-catalog.generated.ts');
  generate(wheel, out);
  const rendered = fs.readFileSync(out, 'utf8');

  test('names the SDK release it read', () => {
    expect(rendered).toMatch(/^\/\/ ~~ Generated by scripts\/generate-dlc-catalog.py from the SageMaker Python SDK 9.8.7\n/);
    expect(rendered).toContain("export const DLC_CATALOG_SDK_VERSION = '9.8.7';");
  });

  test('keeps the registries of every partition: commercial, China, GovCloud and isolated', () => {
    expect(rendered).toContain("'us-east-1': '763104351884',");
    expect(rendered).toContain("'cn-north-1': '727897471807',");
    expect(rendered).toContain("'us-gov-west-1': '442386744353',");
    expect(rendered).toContain("'us-iso-east-1': '886529160074',");
  });

  test('writes each version with its repository, Python versions and registry set', () => {
    expect(rendered).toContain("'2.8.0': { repository: 'pytorch-training', pyVersions: ['py312'], registries: 'r0' },");
    expect(rendered).toContain("'2.19.0': { repository: 'tensorflow-inference', pyVersions: [], registries: 'r0' },");
  });

  test('keeps the TGI tag prefix and container version', () => {
    expect(rendered).toMatch(/'3.3.6': \{ repository: 'huggingface-pytorch-tgi-inference', .*containerVersion: \{ gpu: 'cu124-ubuntu22.04' \}, tagPrefix: '2.7.0-tgi3.3.6' \}/);
  });

  test('keeps the Neuron SDK version the SDK picks (the greatest string, as image_uris._get_latest_versions sorts)', () => {
    expect(rendered).toMatch(/'1.11.0': \{ repository: 'pytorch-training-neuron', .*sdkVersion: 'sdk2.4.0' \}/);
    expect(rendered).toContain("tool: 'neuron',");
  });

  test('takes the newest PyTorch base of a Hugging Face version, and leaves out versions without one', () => {
    expect(rendered).toMatch(/'4.56.2': \{ repository: 'huggingface-pytorch-training', .*containerVersion: \{ gpu: 'cu129-ubuntu22.04' \}, frameworkVersion: '2.8.0' \}/);
    expect(rendered).toContain('//   huggingface training 4.4.2 (no PyTorch base)');
  });

  test('keeps per-Python-version repositories, and drops the aliases that point at nothing', () => {
    expect(rendered).toContain("'1.13.1': { repository: 'tensorflow-training', pyVersions: ['py2', 'py3'], registries: 'r0', "
      + "byPython: { py2: { repository: 'tensorflow-training', registries: 'r0' }, py3: { repository: 'tensorflow-training', registries: 'r0' } } },");
    expect(rendered).toContain("versionAliases: { '1.13': '1.13.1' },");
    expect(rendered).not.toContain("'9.9'");
    expect(rendered).toContain("versionAliases: { '2.8': '2.8.0' },");
  });

  test('reads the rules the SDK keeps in code: Graviton families and frameworks, arm64 tags, the ml.p4d CUDA suffix', () => {
    expect(rendered).toContain("export const DLC_GRAVITON_FAMILIES: string[] = ['c7g', 'm6g'];");
    expect(rendered).toContain("export const DLC_GRAVITON_FRAMEWORKS: string[] = ['pytorch', 'xgboost'];");
    expect(rendered).toContain("'pytorch-1.6.0-gpu-py3': 'cu110-ubuntu18.04',");
    expect(rendered).toMatch(/'1.5-1': \{ repository: 'sagemaker-xgboost', .*tag: '1.5-1-arm64' \}/);
    expect(rendered).toMatch(/'2.4.0': \{ repository: 'pytorch-inference-graviton', .*tagSuffix: 'sagemaker' \}/);
    // a Graviton version without an arm64 tag in the SDK is left out
    expect(rendered).toContain('//   xgboost inference_graviton 1.7-1 (no arm64 tag in the SDK)');
  });

  test('reads the configs without a scope level (DJL) and the per-version processors (scikit-learn)', () => {
    expect(rendered).toMatch(/'djl-lmi\/inference': \{\n {4}source: 'djl-lmi.json inference',/);
    expect(rendered).toContain("'0.33.0': { repository: 'djl-inference', pyVersions: [], registries: 'r0', tagPrefix: '0.33.0-lmi15.0.0-cu128' },");
    expect(rendered).toContain("'1.2-1': { repository: 'sagemaker-scikit-learn', pyVersions: ['py3'], registries: 'r0', processors: ['cpu'] },");
  });

  test('fails when a code table the generator reads is gone from the SDK', () => {
    // GIVEN a wheel whose fw_utils.py lost its Graviton list
    const broken = fixtureWheel({ 'fw_utils.py': 'GRAVITON_ALLOWED_FRAMEWORKS = set(["pytorch"])\n' });
    // THEN the generator refuses to write a catalog without it
    expect(() => generate(broken, path.join(path.dirname(broken), 'out.ts'))).toThrow(/GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY not found/);
  });

  test('passes --check on the file it wrote, and fails it once the file differs', () => {
    // GIVEN the file the generator just wrote
    expect(generate(wheel, out, '--check')).toContain('DLC catalog is current');
    // WHEN it is edited by hand
    const stale = path.join(path.dirname(wheel), 'stale.ts');
    fs.writeFileSync(stale, rendered.replace('pytorch-training', 'pytorch-trainer'));
    // THEN --check fails
    expect(() => generate(wheel, stale, '--check')).toThrow(/is stale: run scripts\/generate-dlc-catalog.sh/);
  });
});
