// Where the library's Deep Learning Container answer departs from the SageMaker Python SDK's on purpose, and why the
// library is right. test/image/dlc-oracle.test.ts accepts a difference only when one row here explains it; each row
// must explain at least one case of the grid (a row that explains nothing is stale and fails the test).

/** One case of the grid: what a user asks for. */
export interface OracleCase {
  readonly framework: string;
  readonly version: string;
  readonly python: string | null;
  readonly region: string;
  readonly instanceType: string;
  readonly workload: 'TRAINING' | 'INFERENCE';
}

/** A URI, or a refusal: `!` and its message. */
export type OracleAnswer = string;

/** One reasoned departure. */
export interface OracleException {
  /** Short id, printed with its count. */
  readonly id: string;
  /** Why the library is right and the SDK wrong. */
  readonly why: string;
  /** Whether the row explains this difference (library and SDK answers differ). */
  readonly explains: (c: OracleCase, library: OracleAnswer, sdk: OracleAnswer) => boolean;
}

const refused = (a: OracleAnswer) => a.startsWith('!');
const family = (instanceType: string) => instanceType.split('.')[1];
/** The arm64 families the SDK treats as Graviton (fw_utils.GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY). */
const SDK_GRAVITON = ['m6g', 'm6gd', 'c6g', 'c6gd', 'c6gn', 'c7g', 'r6g', 'r6gd'];

export const ORACLE_EXCEPTIONS: OracleException[] = [
  {
    id: 'single-version-config',
    why: 'A config with one version (pytorch-neuron 1.11.0, huggingface-neuron 4.12.3, scikit-learn 1.0-1 on Graviton, '
      + '...) makes image_uris._validate_version_and_set_if_needed return that version for any version asked: the SDK '
      + 'hands a PyTorch 2.8 user the PyTorch 1.11 Neuron image. The library refuses the version it does not have.',
    explains: (_c, library, sdk) => refused(library) && !refused(sdk)
      && /is not a published .* instances; use one of [^,\s]+( \(|$)/.test(library),
  },
  {
    id: 'single-scope-config',
    why: 'A config with one scope makes image_uris._config_for_framework_and_scope use it whatever scope was asked: '
      + 'PyTorch inference on Trainium gets the pytorch-neuron training image. The library refuses the use it has no '
      + 'image for.',
    explains: (c, library, sdk) => refused(library) && !refused(sdk) && c.workload === 'INFERENCE'
      && /has no inference image/.test(library) && /-training-/.test(sdk),
  },
  {
    id: 'graviton-training',
    why: 'On a Graviton family image_uris._get_final_image_scope switches every request to inference_graviton, so a '
      + 'training job gets an inference image. There are no Graviton training images; the library refuses.',
    explains: (c, library, sdk) => c.workload === 'TRAINING' && refused(library) && !refused(sdk)
      && /no Graviton \(arm64\) training image/.test(library),
  },
  {
    id: 'arm64-outside-the-sdk-graviton-list',
    why: 'Arm64 families missing from the SDK\'s Graviton list (c8g, m8g, r8g, r7gd, ..., and the arm64 GB200 hosts) '
      + 'get the x86 image from the SDK, which fails with "exec format error" when the container starts. The library '
      + 'treats every arm64 family as Graviton: the arm64 image, or a refusal where none exists.',
    explains: (c, library, sdk) => !SDK_GRAVITON.includes(family(c.instanceType))
      && /^(c8g|m8g|r8g|r7gd|c7gn|m7g|r7g|c7gd|p6e-gb200)$/.test(family(c.instanceType))
      && (refused(library) || /-graviton:|-arm64/.test(library)) && !/-graviton:|-arm64/.test(sdk),
  },
  {
    id: 'neuron-on-trainium',
    why: 'The SDK refuses Hugging Face training and DJL NeuronX on Trainium: image_uris._validate_for_suppported_frameworks_'
      + 'and_instance_type lets only "pytorch" onto an instance whose name holds "trn", and the Hugging Face estimator '
      + '(get_training_image_uri) checks the processor against cpu/gpu before it looks at the neuronx config. Yet '
      + 'huggingface-neuronx.json lists the Trainium training images and the DJL NeuronX server runs on Trainium; the '
      + 'library composes those URIs from the same data.',
    explains: (c, library, sdk) => /^trn/.test(family(c.instanceType)) && !refused(library)
      && (c.framework === 'HUGGINGFACE' || c.framework === 'DJL_NEURONX')
      && /Trainium instances: pytorch|Unsupported processor: trn/.test(sdk),
  },
  {
    id: 'no-processor-ignores-the-instance',
    why: 'Configs that name no processor (the DJL servers, XGBoost 1 and 1.2-1 onwards) make the SDK ignore the '
      + 'instance type: it returns the CUDA LMI image on CPU and Neuron instances, the NeuronX image on CPU and GPU '
      + 'instances, XGBoost on Inferentia and Trainium. The library refuses an instance the image cannot use.',
    explains: (c, library, sdk) => (c.framework.startsWith('DJL_') || c.framework === 'XGBOOST') && refused(library) && !refused(sdk)
      && /has no NVIDIA GPU|needs AWS Neuron devices|needs NVIDIA GPUs|has no (training|inference) image for instanceType ml\.(inf|trn)/.test(library),
  },
];
