import { CODE_DIRECTORY, SAGEMAKER_SUBMIT_DIRECTORY } from './entry-point-env';

/**
 * What the library needs to render a Dockerfile for a code directory.
 */
export interface RenderDockerfileOptions {
  /** The `FROM` image reference (a literal). */
  readonly baseImageUri: string;
  /** Whether `requirements.txt` is in the build context. */
  readonly requirements: boolean;
  /** Entry-point variables to bake in as `ENV`. */
  readonly environment: { [key: string]: string };
}

export const RENDERED_DOCKERFILE_HEADER = '# Rendered by cdk-sagemaker-containers from the code directory; add a Dockerfile there to take control.';

/**
 * Renders the Dockerfile for a code directory: FROM the base image, dependencies first (a layer that
 * survives code edits), then the code into /opt/ml/code, then the entry-point variables.
 */
export function renderDockerfile(options: RenderDockerfileOptions): string {
  const lines = [
    RENDERED_DOCKERFILE_HEADER,
    `FROM ${options.baseImageUri}`,
    `WORKDIR ${CODE_DIRECTORY}`,
  ];
  if (options.requirements) {
    lines.push(
      `COPY requirements.txt ${CODE_DIRECTORY}/requirements.txt`,
      'RUN pip install --no-cache-dir -r requirements.txt',
    );
  }
  lines.push(`COPY . ${CODE_DIRECTORY}`);
  // The toolkit's `train` console script has its own bin directory on sys.path, not the working
  // directory, so a training or serving module in the code would not import without this. A
  // PYTHONPATH the base image sets is kept after the code directory.
  lines.push(`ENV PYTHONPATH="${CODE_DIRECTORY}\${PYTHONPATH:+:\${PYTHONPATH}}"`);
  const env: { [key: string]: string } = { ...options.environment, [SAGEMAKER_SUBMIT_DIRECTORY]: CODE_DIRECTORY };
  for (const key of Object.keys(env).sort()) {
    lines.push(`ENV ${key}=${quoteEnvValue(env[key])}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Quotes a value for a Dockerfile `ENV` line: double quotes, with `\`, `"` and `$` escaped so the
 * value reaches the container exactly.
 */
export function quoteEnvValue(value: string): string {
  return '"' + value.replace(/[\\"$]/g, c => '\\' + c).replace(/\n/g, '\\n') + '"';
}

/**
 * The image the final stage of a Dockerfile builds on, following `FROM <stage>` references and
 * substituting `ARG` defaults and build arguments. Undefined when it cannot be told (no FROM line,
 * an argument without value).
 *
 * @param text the Dockerfile
 * @param target the stage being built (default: the last one)
 */
export function finalBaseImage(text: string, buildArgs: { [key: string]: string } = {}, target?: string): string | undefined {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map(l => l.trim()).filter(l => l && !l.startsWith('#'));
  const globalArgs: { [key: string]: string | undefined } = {};
  const stages: Array<{ image: string; name?: string }> = [];
  for (const line of logical) {
    const [instruction, ...rest] = line.split(/\s+/);
    const upper = instruction.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        globalArgs[name] = eq < 0 ? undefined : unquote(decl.slice(eq + 1));
      }
    } else if (upper === 'FROM') {
      const words = rest.filter(w => !w.startsWith('--'));
      if (words.length === 0) continue;
      const asIndex = words.findIndex(w => w.toUpperCase() === 'AS');
      stages.push({ image: words[0], name: asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined });
    }
  }
  if (stages.length === 0) return undefined;
  const args = (name: string) => buildArgs[name] ?? globalArgs[name];
  let stage = target ? stages.find(s => s.name === target.toLowerCase()) : stages[stages.length - 1];
  for (let hops = 0; stage && hops <= stages.length; hops++) {
    let unresolved = false;
    const image = stage.image.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_m, braced: string | undefined, modifier: string | undefined, word: string | undefined, bare: string | undefined) => {
        const value = args((braced ?? bare)!);
        const set = value !== undefined && value !== '';
        if (modifier === '-') return set ? value : word!;
        if (modifier === '+') return set ? word! : '';
        if (value === undefined) unresolved = true;
        return value ?? '';
      });
    if (unresolved) return undefined;
    const previous = stages.find(s => s.name === image.toLowerCase());
    if (!previous || previous === stage) return image;
    stage = previous;
  }
  return undefined;
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
}
