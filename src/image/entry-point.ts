import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib/core';
import { Workload } from '../compute/accelerator';
import { SAGEMAKER_PROGRAM, SAGEMAKER_SERVING_MODULE, SAGEMAKER_TRAINING_MODULE } from '../private/entry-point-env';
import { throwProblems } from '../private/validation';

/**
 * What an entry point names.
 */
export enum EntryPointKind {
  /** A user program inside the code directory (`SAGEMAKER_PROGRAM`). */
  PROGRAM = 'PROGRAM',
  /** A Python training module, `module:function` (`SAGEMAKER_TRAINING_MODULE`). */
  TRAINING_MODULE = 'TRAINING_MODULE',
  /** A Python serving module, `module:app` (`SAGEMAKER_SERVING_MODULE`). */
  SERVING_MODULE = 'SERVING_MODULE',
}

/**
 * How the SageMaker training toolkit will run a program, predicted from the program's name and the
 * code directory in the order the toolkit decides.
 */
export enum ProgramRunner {
  /** The name ends with `.sh`: run as a shell command. */
  SHELL = 'SHELL',
  /** The code directory holds `setup.py`: pip-installed and run with `python -m`. */
  PYTHON_PACKAGE = 'PYTHON_PACKAGE',
  /** The name ends with `.py`: run with the Python interpreter. */
  PYTHON = 'PYTHON',
  /** Anything else: made executable and run as `./name` through `/bin/sh`. */
  EXECUTABLE = 'EXECUTABLE',
}

/**
 * Options for `EntryPoint.program`.
 */
export interface ProgramOptions {
  /**
   * A framework training module (`module:function`) that runs the program in training jobs, for
   * example `sagemaker_pytorch_container.training:main`. Sets `SAGEMAKER_TRAINING_MODULE` next to
   * `SAGEMAKER_PROGRAM` for training; hosting uses only the program.
   *
   * @default - no training module: the image's toolkit runs the program itself
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment
   */
  readonly trainingModule?: string;
}

/**
 * Options for `EntryPoint.trainingModule`.
 */
export interface TrainingModuleOptions {
  /**
   * A user program, relative to the code directory, that the framework module runs
   * (`SAGEMAKER_PROGRAM`), for example `train.py`.
   *
   * @default - no program: the module holds all of the training logic
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment
   */
  readonly program?: string;
}

/**
 * Options for `EntryPoint.bind`.
 */
export interface EntryPointBindOptions {
  /**
   * What the container is started for.
   */
  readonly workload: Workload;
}

/**
 * What a bound entry point hands to the image.
 */
export interface EntryPointConfig {
  /**
   * The entry-point variables the job or model must set for the workload.
   *
   * Set in a training job's [`Environment`](https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html#sagemaker-CreateTrainingJob-request-Environment) and in a model's container definition.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Environment
   */
  readonly environment: { [key: string]: string };
}

/**
 * What checking an entry point against its code directory found.
 */
export interface EntryPointInspection {
  /**
   * How the training toolkit will run the program.
   *
   * @default - not a program, or the program is a token
   */
  readonly runner?: ProgramRunner;

  /**
   * Problems that make the image unusable, one sentence each.
   */
  readonly errors: string[];

  /**
   * Legal but surprising outcomes, one sentence each.
   */
  readonly warnings: string[];
}

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What a SageMaker container runs: a program in the code directory, a training module or a serving module.
 *
 * The entry point becomes environment variables on the job or model (always) and `ENV` lines in a
 * Dockerfile the library renders. Values are checked when the entry point is created; a program is
 * also checked against the code directory by `SageMakerImage.fromDirectory`.
 */
export abstract class EntryPoint {
  /**
   * A program inside the code directory (`SAGEMAKER_PROGRAM`), for example `train.py` or `run.sh`.
   *
   * The training toolkit runs a `.sh` file with the shell, installs the directory as a package when it
   * holds `setup.py`, runs a `.py` file with Python, and runs anything else as an executable.
   *
   * @param program path relative to the code directory; must not be absolute or leave the directory
   */
  public static program(program: string, options: ProgramOptions = {}): EntryPoint {
    const errors = checkProgramPath(program, 'program');
    if (options.trainingModule !== undefined) {
      errors.push(...checkModule(options.trainingModule, 'trainingModule'));
    }
    throwProblems('EntryPoint.program', errors);
    return new ConcreteEntryPoint(EntryPointKind.PROGRAM, program, options.trainingModule);
  }

  /**
   * A Python training module, `module:function` (`SAGEMAKER_TRAINING_MODULE`), for example
   * `my_pkg.training:main`. The toolkit imports the module and calls the function.
   *
   * @param module `dotted.module.path:function`
   */
  public static trainingModule(module: string, options: TrainingModuleOptions = {}): EntryPoint {
    const errors = checkModule(module, 'trainingModule');
    if (options.program !== undefined) {
      errors.push(...checkProgramPath(options.program, 'program'));
    }
    throwProblems('EntryPoint.trainingModule', errors);
    return new ConcreteEntryPoint(EntryPointKind.TRAINING_MODULE, options.program, module);
  }

  /**
   * A Python serving module, `module:app` (`SAGEMAKER_SERVING_MODULE`), the WSGI application that
   * legacy framework images serve with gunicorn, for example `my_pkg.serving:app`.
   *
   * @param module `dotted.module.path:app`
   */
  public static servingModule(module: string): EntryPoint {
    throwProblems('EntryPoint.servingModule', checkModule(module, 'servingModule'));
    return new ConcreteEntryPoint(EntryPointKind.SERVING_MODULE, undefined, module);
  }

  /**
   * What this entry point names.
   */
  public abstract readonly kind: EntryPointKind;

  /**
   * The program, relative to the code directory (named `programPath` because `program` is the factory).
   *
   * @default - no program
   */
  public abstract readonly programPath?: string;

  /**
   * The training or serving module (`module:function`).
   *
   * @default - no module
   */
  public abstract readonly module?: string;

  /**
   * The entry-point variables as a Dockerfile would bake them in, independent of the workload.
   */
  public abstract readonly imageEnvironment: { [key: string]: string };

  /**
   * The entry-point variables for a workload. A serving module on a training or processing workload,
   * and a training module on a hosting, transform or processing workload, is an error.
   */
  public abstract bind(options: EntryPointBindOptions): EntryPointConfig;

  /**
   * Checks the entry point against the code directory it will run from: the program exists there, is a
   * non-empty file inside it, and how the training toolkit will run it.
   *
   * @param directory absolute path of the code directory
   */
  public abstract inspect(directory: string): EntryPointInspection;
}

class ConcreteEntryPoint extends EntryPoint {
  public readonly imageEnvironment: { [key: string]: string };

  constructor(
    public readonly kind: EntryPointKind,
    public readonly programPath: string | undefined,
    public readonly module: string | undefined,
  ) {
    super();
    const env: { [key: string]: string } = {};
    if (programPath !== undefined) env[SAGEMAKER_PROGRAM] = programPath;
    if (module !== undefined) {
      env[kind === EntryPointKind.SERVING_MODULE ? SAGEMAKER_SERVING_MODULE : SAGEMAKER_TRAINING_MODULE] = module;
    }
    this.imageEnvironment = env;
  }

  public bind(options: EntryPointBindOptions): EntryPointConfig {
    const workload = options.workload;
    const training = workload === Workload.TRAINING;
    const serving = workload === Workload.HOSTING || workload === Workload.TRANSFORM;
    const env: { [key: string]: string } = {};
    switch (this.kind) {
      case EntryPointKind.PROGRAM:
        env[SAGEMAKER_PROGRAM] = this.programPath!;
        if (training && this.module !== undefined) env[SAGEMAKER_TRAINING_MODULE] = this.module;
        break;
      case EntryPointKind.TRAINING_MODULE:
        if (!training) {
          throw new Error(`entryPoint trainingModule '${this.module}' cannot start a ${workload} container; `
            + 'a training module only runs training jobs. Use EntryPoint.servingModule(...) or EntryPoint.program(...) for '
            + `${workload}, or bind the image to ${Workload.TRAINING}.`);
        }
        env[SAGEMAKER_TRAINING_MODULE] = this.module!;
        if (this.programPath !== undefined) env[SAGEMAKER_PROGRAM] = this.programPath;
        break;
      case EntryPointKind.SERVING_MODULE:
        if (!serving) {
          throw new Error(`entryPoint servingModule '${this.module}' cannot start a ${workload} container; `
            + `a serving module only runs ${Workload.HOSTING} and ${Workload.TRANSFORM}. `
            + 'Use EntryPoint.program(...) or EntryPoint.trainingModule(...) for training.');
        }
        env[SAGEMAKER_SERVING_MODULE] = this.module!;
        break;
    }
    return { environment: env };
  }

  public inspect(directory: string): EntryPointInspection {
    const errors: string[] = [];
    const warnings: string[] = [];
    if (this.programPath === undefined || Token.isUnresolved(this.programPath)) {
      return { errors, warnings };
    }
    const program = this.programPath;
    const root = path.resolve(directory);
    const file = path.resolve(root, program);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      errors.push(`program '${program}' does not exist in directory '${root}'; name a file relative to the directory`);
      return { errors, warnings };
    }
    if (!stat.isFile()) {
      errors.push(`program '${program}' is not a file in directory '${root}'; name a file, not a directory`);
      return { errors, warnings };
    }
    const real = fs.realpathSync(file);
    const realRoot = fs.realpathSync(root);
    if (!isInside(realRoot, real)) {
      errors.push(`program '${program}' resolves to '${real}', outside directory '${realRoot}' (a symbolic link); `
        + 'the program must be inside the directory that is copied into the image');
      return { errors, warnings };
    }
    if (stat.size === 0) {
      errors.push(`program '${program}' in directory '${root}' is empty; the container would run nothing`);
      return { errors, warnings };
    }
    const runner = predictRunner(program, fs.existsSync(path.join(root, 'setup.py')));
    if (runner === ProgramRunner.PYTHON_PACKAGE) {
      warnings.push(`program '${program}' sits in a directory with setup.py, so the training toolkit pip-installs `
        + `the directory as a package and runs it with 'python -m ${moduleNameOf(program)}', not as a `
        + `${program.endsWith('.py') ? 'script' : 'file'}; remove setup.py or use EntryPoint.trainingModule(...) if that is not intended`);
    } else if (runner === ProgramRunner.EXECUTABLE && !startsWithShebang(real)) {
      warnings.push(`program '${program}' has neither a .py nor a .sh extension nor a '#!' first line, so the `
        + 'training toolkit runs it through /bin/sh as a shell script; add a shebang line (e.g. #!/usr/bin/env python3) '
        + 'or rename it');
    }
    return { runner, errors, warnings };
  }
}

/**
 * Predicts how the training toolkit runs a program, in the toolkit's order.
 */
function predictRunner(program: string, hasSetupPy: boolean): ProgramRunner {
  if (program.endsWith('.sh')) return ProgramRunner.SHELL;
  if (hasSetupPy) return ProgramRunner.PYTHON_PACKAGE;
  if (program.endsWith('.py')) return ProgramRunner.PYTHON;
  return ProgramRunner.EXECUTABLE;
}

function moduleNameOf(program: string): string {
  return program.replace(/\.py$/, '').split(/[\\/]/).join('.');
}

function startsWithShebang(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const n = fs.readSync(fd, buf, 0, 2, 0);
    return n === 2 && buf.toString('latin1') === '#!';
  } finally {
    fs.closeSync(fd);
  }
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function checkProgramPath(program: string, prop: string): string[] {
  if (Token.isUnresolved(program)) return [];
  if (program.trim() === '') {
    return [`${prop} '${program}' is empty; name a file relative to the code directory, e.g. 'train.py'`];
  }
  if (path.isAbsolute(program) || /^[A-Za-z]:[\\/]/.test(program)) {
    return [`${prop} '${program}' is an absolute path; name a file relative to the code directory, e.g. 'train.py'`];
  }
  const normal = path.posix.normalize(program.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../')) {
    return [`${prop} '${program}' leaves the code directory; name a file inside it, e.g. 'train.py'`];
  }
  if (normal === '.' || normal.endsWith('/')) {
    return [`${prop} '${program}' names a directory; name a file relative to the code directory, e.g. 'train.py'`];
  }
  return [];
}

function checkModule(module: string, prop: string): string[] {
  if (Token.isUnresolved(module)) return [];
  const allowed = 'use \'package.module:function\' with Python identifiers (letters, digits and _, not starting with a digit, not a keyword), '
    + 'a dotted module path, exactly one colon and a function or app name';
  const parts = module.split(':');
  if (parts.length !== 2) {
    return [`${prop} '${module}' has ${parts.length - 1} colons; ${allowed}`];
  }
  const [modulePath, fn] = parts;
  const bad = [...modulePath.split('.'), fn].filter(id => !IDENTIFIER.test(id) || PYTHON_KEYWORDS.has(id));
  if (bad.length > 0) {
    return [`${prop} '${module}' has invalid Python identifiers ${bad.map(b => `'${b}'`).join(', ')}; ${allowed}`];
  }
  return [];
}
