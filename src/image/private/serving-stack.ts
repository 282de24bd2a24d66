// Internal: what starts a serving container, for an image whose Dockerfile the library renders. Never exported.
//
// SageMaker starts a hosting container as `docker run <image> serve`: the image's ENTRYPOINT receives `serve`, or,
// without one, an executable `serve` must be on PATH. A rendered Dockerfile adds no ENTRYPOINT, so what serves
// is what the base image and requirements.txt bring:
// - SAGEMAKER_SERVING_MODULE (a WSGI `module:app`) is run by the legacy serving stack: the `serve` console script of
//   the sagemaker-containers package starts gunicorn on it (nginx in front unless SAGEMAKER_USE_NGINX=false).
//   The legacy framework images (scikit-learn, XGBoost, Chainer) ship it. A serving base image counts as serving
//   whatever the kind, since its own ENTRYPOINT answers `serve` (whether that server reads the variable is the
//   image's business: the PyTorch inference image's TorchServe entry point reads SAGEMAKER_PROGRAM, not it).
// - SAGEMAKER_PROGRAM on an endpoint (`inference.py` with model_fn/predict_fn) is run by the inference toolkit of a
//   framework inference image: the Deep Learning Container's ENTRYPOINT answers `serve` by starting its model server
//   (TorchServe / Multi Model Server, which need Java) with the toolkit's handler service. The toolkit packages on
//   PyPI (sagemaker-inference, sagemaker-pytorch-inference, ...) bring no `serve` command of their own.
import * as fs from 'fs';
import * as path from 'path';
import { EntryPointKind } from '../entry-point';

/** The package whose `serve` console script runs a `SAGEMAKER_SERVING_MODULE`. */
export const LEGACY_SERVING_PACKAGE = 'sagemaker-containers';

/**
 * Image repositories (the last path element of the image name) that start a server on `serve`: the Deep Learning
 * Container inference images (`pytorch-inference`, `huggingface-pytorch-tgi-inference`, `djl-inference`, `tei` ...)
 * and the first-party framework images (`sagemaker-scikit-learn`, `sagemaker-xgboost`, `sagemaker-chainer`, the
 * `*-serving` containers).
 */
const SERVING_REPOSITORY = /(^|[-_])(inference|serving)([-_]|$)|^tei(-cpu)?$|^sagemaker-(scikit-learn|xgboost|chainer)$/;

/** The repository part of an image reference: `registry/a/b:tag@sha256:...` -> `b`. */
export function repositoryOf(imageUri: string): string {
  const withoutDigest = imageUri.split('@')[0];
  const last = withoutDigest.split('/').pop() ?? withoutDigest;
  return last.split(':')[0].toLowerCase();
}

/**
 * The project names a requirements file installs (normalized as pip does: lower case, runs of `-_.` as `-`),
 * following `-r` / `--requirement` includes inside the directory.
 */
export function requirementNames(directory: string, file = 'requirements.txt', seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  const full = path.resolve(directory, file);
  if (seen.has(full) || !fs.existsSync(full) || !fs.statSync(full).isFile()) return names;
  seen.add(full);
  for (const raw of fs.readFileSync(full, 'utf8').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const include = /^(-r|--requirement)[\s=]+(\S+)$/.exec(line);
    if (include) {
      for (const name of requirementNames(path.dirname(full), include[2], seen)) names.add(name);
      continue;
    }
    if (line.startsWith('-')) continue;
    const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
    if (name) names.add(name.toLowerCase().replace(/[-_.]+/g, '-'));
  }
  return names;
}

/** What the check needs to know of a rendered serving image. */
export interface ServingStackFacts {
  /** The entry point's kind. */
  readonly kind: EntryPointKind;
  /** The entry point's module or program, for the message. */
  readonly entry: string;
  /** The literal `FROM` image. */
  readonly baseImageUri: string;
  /** Whether the base image is known to serve (a Deep Learning Container inference image with its serving module). */
  readonly baseImageServes: boolean;
  /** The project names requirements.txt installs (empty without one). */
  readonly requirements: ReadonlySet<string>;
}

/**
 * Why nothing in a rendered image would start the server for its serving entry point, naming what to add;
 * undefined when something would (or the kind does not serve).
 */
export function missingServingStack(facts: ServingStackFacts): string | undefined {
  const repository = repositoryOf(facts.baseImageUri);
  const servingBase = facts.baseImageServes || SERVING_REPOSITORY.test(repository);
  const start = 'SageMaker starts an endpoint\'s container as \'docker run <image> serve\', and the rendered Dockerfile adds no ENTRYPOINT';
  switch (facts.kind) {
    case EntryPointKind.SERVING_MODULE:
      // a serving base image has an ENTRYPOINT of its own that answers `serve`
      if (facts.requirements.has(LEGACY_SERVING_PACKAGE) || servingBase) return undefined;
      return `servingModule '${facts.entry}' is run by the legacy SageMaker serving stack, whose 'serve' command starts `
        + `gunicorn on it, but base image '${facts.baseImageUri}' is not known to have it and requirements.txt does not list `
        + `${LEGACY_SERVING_PACKAGE}; ${start}, so the endpoint would fail its health check. Add ${LEGACY_SERVING_PACKAGE} `
        + '(it brings gunicorn and gevent) to requirements.txt and set environment SAGEMAKER_USE_NGINX: \'false\' unless '
        + 'the base image has nginx, or build FROM a scikit-learn or XGBoost framework image, or add your own Dockerfile '
        + 'with an ENTRYPOINT that serves /ping and /invocations on port 8080';
    case EntryPointKind.PROGRAM:
      if (servingBase) return undefined;
      return `program '${facts.entry}' on an endpoint is run by the SageMaker inference toolkit of a framework inference `
        + `image, but base image '${facts.baseImageUri}' is not one; ${start}, so the endpoint would fail its health check. `
        + 'Build FROM a Deep Learning Container inference image (BaseImage.fromDeepLearningContainer with an inference '
        + 'workload, e.g. pytorch-inference), or use EntryPoint.servingModule(...) with sagemaker-containers in '
        + 'requirements.txt, or add your own Dockerfile with an ENTRYPOINT that serves /ping and /invocations on port 8080';
    default:
      return undefined;
  }
}
