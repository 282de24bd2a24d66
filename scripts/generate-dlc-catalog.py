#!/usr/bin/env python3
"""Writes src/image/dlc-catalog.generated.ts from the SageMaker Python SDK's image_uri_config/*.json.

Usage: generate-dlc-catalog.py WHEEL [--check] [--output FILE]

WHEEL is the SageMaker Python SDK wheel (scripts/generate-dlc-catalog.sh downloads the pinned one). Only the
data is read (the JSON files inside the wheel); the SDK is not installed or imported. The output is trimmed to
what BaseImage.fromDeepLearningContainer and SageMakerImage.fromDeepLearningContainer compose: PyTorch,
TensorFlow, MXNet, scikit-learn, XGBoost, Hugging Face Transformers (PyTorch base), Hugging Face TGI and TEI, and
DJL Large Model Inference, training and inference, CPU / Graviton / GPU and AWS Neuron images; registries for
every region the SDK lists (commercial, China, GovCloud and the isolated partitions). The few rules the SDK keeps
in code (Graviton tags and families, the ml.p4d CUDA suffix) are read from its source with ast, never imported.
With --check it writes nothing and exits 1 when the committed file differs from what it would write.
"""
import json
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'src', 'image', 'dlc-catalog.generated.ts')

# (catalog key, config file, scope, how the tag names the accelerator: the processor, or an inference tool)
# Keys are `<framework>/<training|inference>[/<variant>]`; the variant says which instances the images are for:
# `graviton` (arm64 CPU), `neuron` (Inferentia 2 / Trainium), `inf1` (Inferentia 1), `cpu` (a CPU-only config
# beside a GPU one).
FAMILIES = [
    ('pytorch/training', 'pytorch', 'training', None),
    ('pytorch/inference', 'pytorch', 'inference', None),
    ('pytorch/inference/graviton', 'pytorch', 'inference_graviton', None),
    # PyTorch on Trainium: the SDK switches to the 'pytorch-neuron' config and the 'neuron' tool.
    ('pytorch/training/neuron', 'pytorch-neuron', 'training', 'neuron'),
    ('tensorflow/training', 'tensorflow', 'training', None),
    ('tensorflow/inference', 'tensorflow', 'inference', None),
    ('tensorflow/inference/graviton', 'tensorflow', 'inference_graviton', None),
    ('mxnet/training', 'mxnet', 'training', None),
    ('mxnet/inference', 'mxnet', 'inference', None),
    ('sklearn/training', 'sklearn', 'training', None),
    ('sklearn/inference', 'sklearn', 'inference', None),
    ('sklearn/inference/graviton', 'sklearn', 'inference_graviton', None),
    ('xgboost/training', 'xgboost', 'training', None),
    ('xgboost/inference', 'xgboost', 'inference', None),
    ('xgboost/inference/graviton', 'xgboost', 'inference_graviton', None),
    ('huggingface/training', 'huggingface', 'training', None),
    ('huggingface/inference', 'huggingface', 'inference', None),
    # Hugging Face on Inferentia 1: the 'huggingface-neuron' config and the 'neuron' tool.
    ('huggingface/inference/inf1', 'huggingface-neuron', 'inference', 'neuron'),
    # Hugging Face on Inferentia2 / Trainium: the 'huggingface-neuronx' config and the 'neuronx' tool.
    ('huggingface/training/neuron', 'huggingface-neuronx', 'training', 'neuronx'),
    ('huggingface/inference/neuron', 'huggingface-neuronx', 'inference', 'neuronx'),
    # Text Generation Inference (the SDK's get_huggingface_llm_image_uri backends 'huggingface', 'huggingface-neuronx').
    ('huggingface-tgi/inference', 'huggingface-llm', 'inference', None),
    ('huggingface-tgi/inference/neuron', 'huggingface-llm-neuronx', 'inference', 'neuronx'),
    # Text Embeddings Inference (backends 'huggingface-tei' and 'huggingface-tei-cpu').
    ('huggingface-tei/inference', 'huggingface-tei', 'inference', None),
    ('huggingface-tei/inference/cpu', 'huggingface-tei-cpu', 'inference', None),
    # DJL Large Model Inference (DJLModel): vLLM / LMI-Dist on NVIDIA GPUs, TensorRT-LLM, and Neuron.
    ('djl-lmi/inference', 'djl-lmi', 'inference', None),
    ('djl-tensorrtllm/inference', 'djl-tensorrtllm', 'inference', None),
    ('djl-neuronx/inference', 'djl-neuronx', 'inference', None),
]

HUGGING_FACE_CONFIGS = ('huggingface', 'huggingface-neuron', 'huggingface-neuronx')

# Rules of the SDK that live in its code, not its JSON data; read from the wheel's source (see sdk_rules).
#   image_uris._get_image_tag: version_to_arm64_tag_mapping (XGBoost / scikit-learn Graviton tags) and
#   container_versions (the CUDA suffix the SDK adds on ml.p4d); fw_utils: the Graviton families and frameworks.
# One rule is a condition in image_uris._validate_instance_deprecation and is kept here by hand (the oracle test,
# test/image/dlc-oracle.test.ts, fails when the SDK's answer changes): no PyTorch >= 1.13 or TensorFlow >= 2.12 on p2.
DEPRECATED_FAMILIES = {'p2': {'pytorch': '1.13', 'tensorflow': '2.12'}}


def sdk_rules(z):
    """The literal tables of the SDK's image_uris.py and fw_utils.py, by name (ast, never imported)."""
    import ast
    found = {}
    for module, names in (('sagemaker/image_uris.py', ('version_to_arm64_tag_mapping', 'container_versions',
                                                        'TRAINIUM_ALLOWED_FRAMEWORKS')),
                          ('sagemaker/fw_utils.py', ('GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY', 'GRAVITON_ALLOWED_FRAMEWORKS'))):
        tree = ast.parse(z.read(module).decode('utf-8'))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id in names:
                value = node.value
                if isinstance(value, ast.Call) and getattr(value.func, 'id', None) == 'set':  # set([...])
                    value = value.args[0]
                found[node.targets[0].id] = ast.literal_eval(value)
        missing = [n for n in names if n not in found]
        if missing:
            raise SystemExit(f'{module}: {", ".join(missing)} not found; the SDK changed shape, update the generator')
    return found


def version_key(v):
    return [(0, int(p), '') if p.isdigit() else (1, 0, p) for p in re.split(r'[.-]', v)]


def ts_str(s):
    return "'" + s.replace('\\', '\\\\').replace("'", "\\'") + "'"


def ts_obj(d, indent):
    """A one-line object literal of string values."""
    if not d:
        return '{}'
    quote = any(not re.match(r'^[A-Za-z_$][A-Za-z0-9_$]*$', k) for k in d)  # quote-props: consistent-as-needed
    return '{ ' + ', '.join(f"{ts_str(k) if quote else k}: {ts_str(v)}" for k, v in d.items()) + ' }'


class Registries:
    """Registry maps (region -> account) de-duplicated, referred to by id."""

    def __init__(self):
        self.ids = {}

    def id_for(self, registries):
        kept = dict(sorted(registries.items()))
        key = json.dumps(kept, sort_keys=True)
        if key not in self.ids:
            self.ids[key] = f'r{len(self.ids)}'
        return self.ids[key]


def latest_sdk(sdk_versions):
    # The SDK's _get_latest_versions: the greatest string (sorted(..., reverse=True)[0]), not the newest number.
    return sorted(sdk_versions, reverse=True)[0] if sdk_versions else None


def version_entry(vc, registries, rules, config_name, scope, version, framework_version=None):
    entry = {
        'repository': vc['repository'],
        'pyVersions': list(vc.get('py_versions') or []),
        'registries': registries.id_for(vc['registries']),
    }
    if vc.get('processors'):
        entry['processors'] = list(vc['processors'])
    if vc.get('container_version'):
        entry['containerVersion'] = dict(vc['container_version'])
    if vc.get('tag_prefix'):
        entry['tagPrefix'] = vc['tag_prefix']
    if vc.get('sdk_versions'):
        entry['sdkVersion'] = latest_sdk(vc['sdk_versions'])
    if framework_version:
        entry['frameworkVersion'] = framework_version
    if vc['repository'].endswith('-inference-graviton'):
        entry['tagSuffix'] = 'sagemaker'
    if scope == 'inference_graviton' and config_name in rules['version_to_arm64_tag_mapping']:
        tag = rules['version_to_arm64_tag_mapping'][config_name].get(version)
        if tag:
            entry['tag'] = tag
    return entry


def build(wheel):
    z = zipfile.ZipFile(wheel)

    def load(name):
        return json.loads(z.read(f'sagemaker/image_uri_config/{name}.json'))

    sdk_version = re.match(r'sagemaker-([^-]+)-', os.path.basename(wheel)).group(1)
    rules = sdk_rules(z)
    registries = Registries()
    families = {}
    skipped = []
    for key, config_name, scope, tool in FAMILIES:
        whole = load(config_name)
        config = whole if 'scope' in whole else whole[scope]
        versions = {}
        for version, vc in config['versions'].items():
            if config_name in HUGGING_FACE_CONFIGS:
                # Transformers version -> base framework versions; the catalog keeps the newest PyTorch base.
                bases = sorted((k for k in vc if k.startswith('pytorch')), key=lambda k: version_key(k[7:]))
                if not bases:
                    skipped.append(f'{config_name} {scope} {version} (no PyTorch base)')
                    continue
                base = bases[-1]
                versions[version] = version_entry(vc[base], registries, rules, config_name, scope, version,
                                                  framework_version=base[len('pytorch'):])
            elif 'repository' in vc:
                if scope == 'inference_graviton' and config_name in rules['version_to_arm64_tag_mapping'] \
                        and version not in rules['version_to_arm64_tag_mapping'][config_name]:
                    skipped.append(f'{config_name} {scope} {version} (no arm64 tag in the SDK)')
                    continue
                versions[version] = version_entry(vc, registries, rules, config_name, scope, version)
            else:
                # One repository per Python version (the oldest MXNet / TensorFlow script-mode images): the
                # tag still names the Python version, the repository and registries come from its own entry.
                pys = sorted(vc, key=lambda p: version_key(p[2:]))
                entry = version_entry({**vc[pys[-1]], 'py_versions': pys}, registries, rules, config_name, scope, version)
                entry['byPython'] = {py: {'repository': vc[py]['repository'], 'registries': registries.id_for(vc[py]['registries'])}
                                     for py in pys}
                versions[version] = entry
        versions = dict(sorted(versions.items(), key=lambda kv: version_key(kv[0])))
        families[key] = {
            'source': f'{config_name}.json {scope}',
            'framework': config_name,
            'processors': list(config.get('processors') or []),
            'tool': tool,
            # Aliases whose target the catalog does not hold (left out above, or missing in the SDK data) are dropped.
            'versionAliases': {a: v for a, v in (config.get('version_aliases') or {}).items() if v in versions},
            'versions': versions,
        }
    return sdk_version, registries, families, skipped, rules


def render(wheel):
    sdk_version, registries, families, skipped, rules = build(wheel)
    out = []
    w = out.append
    w(f'// ~~ Generated by scripts/generate-dlc-catalog.py from the SageMaker Python SDK {sdk_version}')
    w('// ~~ (sagemaker/image_uri_config/*.json and the literal tables of image_uris.py / fw_utils.py).')
    w('// ~~ Do not edit by hand: run scripts/generate-dlc-catalog.sh.')
    if skipped:
        w('// Left out (shapes the Deep Learning Container catalog does not compose):')
        for s in skipped:
            w(f'//   {s}')
    w('')
    w('/** The SageMaker Python SDK release the catalog was generated from. */')
    w(f'export const DLC_CATALOG_SDK_VERSION = {ts_str(sdk_version)};')
    w('')
    w('/** One image version of a family. */')
    w('export interface DlcImageVersion {')
    w('  /** ECR repository name. */')
    w('  readonly repository: string;')
    w('  /** Python versions the tag can carry (`py312`); empty when the tag has none. */')
    w('  readonly pyVersions: string[];')
    w('  /** Id of the region -> account map in DLC_REGISTRIES. */')
    w('  readonly registries: string;')
    w('  /** Processors of this version, where the family names none (scikit-learn, XGBoost). */')
    w('  readonly processors?: string[];')
    w('  /** Tag suffix per processor (`cu129-ubuntu22.04`). */')
    w('  readonly containerVersion?: { [processor: string]: string };')
    w('  /** Tag prefix used instead of the version (TGI: `2.7.0-tgi3.3.6`). */')
    w('  readonly tagPrefix?: string;')
    w('  /** Neuron SDK version the tag carries (`sdk2.26.0`). */')
    w('  readonly sdkVersion?: string;')
    w('  /** Hugging Face: the PyTorch version of the base framework. */')
    w('  readonly frameworkVersion?: string;')
    w('  /** Appended to the tag (`sagemaker` for the Graviton images). */')
    w('  readonly tagSuffix?: string;')
    w('  /** Repository and registries per Python version, where each has its own (MXNet 1.4.1: `py2`, `py3`). */')
    w('  readonly byPython?: { [py: string]: { readonly repository: string; readonly registries: string } };')
    w('  /** The whole tag, where the SDK names it outright (XGBoost / scikit-learn on Graviton). */')
    w('  readonly tag?: string;')
    w('}')
    w('')
    w('/** One image family: a framework, a use, and the instances it is for. */')
    w('export interface DlcImageFamily {')
    w('  /** The SDK config it comes from. */')
    w('  readonly source: string;')
    w('  /** The SDK framework name (the config file). */')
    w('  readonly framework: string;')
    w('  /** Processors the tags name: `cpu`, `gpu`, `inf`, `inf2`, `trn`; empty when the tag names none. */')
    w('  readonly processors: string[];')
    w('  /** The tool that replaces the processor in the tag (`neuron`, `neuronx`). */')
    w('  readonly tool?: string;')
    w('  /** Short versions and what they stand for (`2.8` -> `2.8.0`). */')
    w('  readonly versionAliases: { [alias: string]: string };')
    w('  /** Versions, oldest first. */')
    w('  readonly versions: { [version: string]: DlcImageVersion };')
    w('}')
    w('')
    w('/** Region -> registry account, by id. */')
    w('export const DLC_REGISTRIES: { [id: string]: { [region: string]: string } } = {')
    for key, rid in registries.ids.items():
        w(f'  {rid}: {{')
        for region, account in json.loads(key).items():
            w(f"    {ts_str(region)}: {ts_str(account)},")
        w('  },')
    w('};')
    w('')
    w('/** The instance families the SDK treats as Graviton (fw_utils.GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY). */')
    w(f"export const DLC_GRAVITON_FAMILIES: string[] = [{', '.join(ts_str(f) for f in rules['GRAVITON_ALLOWED_TARGET_INSTANCE_FAMILY'])}];")
    w('')
    w('/** The SDK frameworks with Graviton images (fw_utils.GRAVITON_ALLOWED_FRAMEWORKS). */')
    w(f"export const DLC_GRAVITON_FRAMEWORKS: string[] = [{', '.join(ts_str(f) for f in sorted(rules['GRAVITON_ALLOWED_FRAMEWORKS']))}];")
    w('')
    w('/** The CUDA suffix the SDK adds on ml.p4d, by `<framework>-<tag>` (image_uris._get_image_tag). */')
    w('export const DLC_P4D_CONTAINER_VERSIONS: { [frameworkTag: string]: string } = {')
    for k, v in rules['container_versions'].items():
        w(f'  {ts_str(k)}: {ts_str(v)},')
    w('};')
    w('')
    w('/** Instance families the SDK refuses from a framework version on (image_uris._validate_instance_deprecation). */')
    w('export const DLC_DEPRECATED_FAMILIES: { [family: string]: { [framework: string]: string } } = {')
    for fam, fws in DEPRECATED_FAMILIES.items():
        w(f'  {fam}: {ts_obj(fws, 2)},')
    w('};')
    w('')
    w('/** Image families by `<framework>/<training|inference>[/<graviton|neuron|inf1|cpu>]`. */')
    w('export const DLC_CATALOG: { [key: string]: DlcImageFamily } = {')
    for key, fam in families.items():
        w(f'  {ts_str(key)}: {{')
        w(f"    source: {ts_str(fam['source'])},")
        w(f"    framework: {ts_str(fam['framework'])},")
        w(f"    processors: [{', '.join(ts_str(p) for p in fam['processors'])}],")
        if fam['tool']:
            w(f"    tool: {ts_str(fam['tool'])},")
        w(f"    versionAliases: {ts_obj(fam['versionAliases'], 4)},")
        w('    versions: {')
        for version, e in fam['versions'].items():
            parts = [f"repository: {ts_str(e['repository'])}",
                     f"pyVersions: [{', '.join(ts_str(p) for p in e['pyVersions'])}]",
                     f"registries: {ts_str(e['registries'])}"]
            if 'processors' in e:
                parts.append(f"processors: [{', '.join(ts_str(p) for p in e['processors'])}]")
            if 'containerVersion' in e:
                parts.append(f"containerVersion: {ts_obj(e['containerVersion'], 6)}")
            for k in ('tagPrefix', 'sdkVersion', 'frameworkVersion', 'tagSuffix', 'tag'):
                if k in e:
                    parts.append(f'{k}: {ts_str(e[k])}')
            if 'byPython' in e:
                inner = ', '.join(f"{py}: {{ repository: {ts_str(b['repository'])}, registries: {ts_str(b['registries'])} }}"
                                  for py, b in e['byPython'].items())
                parts.append(f'byPython: {{ {inner} }}')
            w(f"      {ts_str(version)}: {{ {', '.join(parts)} }},")
        w('    },')
        w('  },')
    w('};')
    return '\n'.join(out) + '\n'


def main(argv):
    out = OUT
    args = []
    flags = []
    rest = list(argv)
    while rest:
        a = rest.pop(0)
        if a == '--output' and rest:
            out = rest.pop(0)
        elif a.startswith('--'):
            flags.append(a)
        else:
            args.append(a)
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    text = render(args[0])
    rel = os.path.relpath(out, os.getcwd())
    if '--check' in flags:
        current = open(out, encoding='utf-8').read() if os.path.exists(out) else ''
        if current != text:
            print(f'{rel} is stale: run scripts/generate-dlc-catalog.sh', file=sys.stderr)
            return 1
        print('DLC catalog is current')
        return 0
    with open(out, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'wrote {rel}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
