#!/usr/bin/env python3
"""Writes src/image/dlc-catalog.generated.ts from the SageMaker Python SDK's image_uri_config/*.json.

Usage: generate-dlc-catalog.py WHEEL [--check] [--output FILE]

WHEEL is the SageMaker Python SDK wheel (scripts/generate-dlc-catalog.sh downloads the pinned one). Only the
data is read (the JSON files inside the wheel); the SDK is not installed or imported. The output is trimmed to
what BaseImage.fromDeepLearningContainer composes: PyTorch, TensorFlow, Hugging Face Transformers (PyTorch base)
and Hugging Face TGI, training and inference, CPU / GPU and AWS Neuron images; registries for the commercial,
China and GovCloud regions (the isolated us-iso* regions are left out).
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
FAMILIES = [
    ('pytorch/training', 'pytorch', 'training', None),
    ('pytorch/inference', 'pytorch', 'inference', None),
    # PyTorch on Trainium: the SDK switches to the 'pytorch-neuron' config and the 'neuron' tool.
    ('pytorch/training/neuron', 'pytorch-neuron', 'training', 'neuron'),
    ('tensorflow/training', 'tensorflow', 'training', None),
    ('tensorflow/inference', 'tensorflow', 'inference', None),
    ('huggingface/training', 'huggingface', 'training', None),
    ('huggingface/inference', 'huggingface', 'inference', None),
    # Hugging Face on Inferentia2 / Trainium: the 'huggingface-neuronx' config and the 'neuronx' tool.
    ('huggingface/training/neuron', 'huggingface-neuronx', 'training', 'neuronx'),
    ('huggingface/inference/neuron', 'huggingface-neuronx', 'inference', 'neuronx'),
    # Text Generation Inference (the SDK's get_huggingface_llm_image_uri).
    ('huggingface-tgi/inference', 'huggingface-llm', 'inference', None),
    ('huggingface-tgi/inference/neuron', 'huggingface-llm-neuronx', 'inference', 'neuronx'),
]

HUGGING_FACE_CONFIGS = ('huggingface', 'huggingface-neuronx')


def version_key(v):
    return [int(p) if p.isdigit() else p for p in re.split(r'[.]', v)]


def keep_region(region):
    return not region.startswith('us-iso')


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
        kept = {r: a for r, a in sorted(registries.items()) if keep_region(r)}
        key = json.dumps(kept, sort_keys=True)
        if key not in self.ids:
            self.ids[key] = f'r{len(self.ids)}'
        return self.ids[key]


def latest_sdk(sdk_versions):
    return sorted(sdk_versions, key=lambda s: version_key(s[3:]))[-1] if sdk_versions else None


def version_entry(vc, registries, framework_version=None):
    entry = {
        'repository': vc['repository'],
        'pyVersions': list(vc.get('py_versions') or []),
        'registries': registries.id_for(vc['registries']),
    }
    if vc.get('container_version'):
        entry['containerVersion'] = dict(vc['container_version'])
    if vc.get('tag_prefix'):
        entry['tagPrefix'] = vc['tag_prefix']
    if vc.get('sdk_versions'):
        entry['sdkVersion'] = latest_sdk(vc['sdk_versions'])
    if framework_version:
        entry['frameworkVersion'] = framework_version
    return entry


def build(wheel):
    z = zipfile.ZipFile(wheel)

    def load(name):
        return json.loads(z.read(f'sagemaker/image_uri_config/{name}.json'))

    sdk_version = re.match(r'sagemaker-([^-]+)-', os.path.basename(wheel)).group(1)
    registries = Registries()
    families = {}
    skipped = []
    for key, config_name, scope, tool in FAMILIES:
        config = load(config_name)[scope]
        versions = {}
        for version, vc in config['versions'].items():
            if config_name in HUGGING_FACE_CONFIGS:
                # Transformers version -> base framework versions; the catalog keeps the newest PyTorch base.
                bases = sorted((k for k in vc if k.startswith('pytorch')), key=lambda k: version_key(k[7:]))
                if not bases:
                    skipped.append(f'{config_name} {scope} {version} (no PyTorch base)')
                    continue
                base = bases[-1]
                versions[version] = version_entry(vc[base], registries, framework_version=base[len('pytorch'):])
            elif 'repository' in vc:
                versions[version] = version_entry(vc, registries)
            else:
                skipped.append(f'{config_name} {scope} {version} (per-Python-version repositories)')
        families[key] = {
            'source': f'{config_name}.json {scope}',
            'processors': list(config.get('processors') or []),
            'tool': tool,
            # Aliases whose target the catalog does not hold (left out above, or missing in the SDK data) are dropped.
            'versionAliases': {a: v for a, v in (config.get('version_aliases') or {}).items() if v in versions},
            'versions': versions,
        }
    return sdk_version, registries, families, skipped


def render(wheel):
    sdk_version, registries, families, skipped = build(wheel)
    out = []
    w = out.append
    w(f'// ~~ Generated by scripts/generate-dlc-catalog.py from the SageMaker Python SDK {sdk_version}')
    w('// ~~ (sagemaker/image_uri_config/*.json). Do not edit by hand: run scripts/generate-dlc-catalog.sh.')
    if skipped:
        w('// Left out (shapes BaseImage.fromDeepLearningContainer does not compose):')
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
    w('  /** Tag suffix per processor (`cu129-ubuntu22.04`). */')
    w('  readonly containerVersion?: { [processor: string]: string };')
    w('  /** Tag prefix used instead of the version (TGI: `2.7.0-tgi3.3.6`). */')
    w('  readonly tagPrefix?: string;')
    w('  /** Neuron SDK version the tag carries (`sdk2.26.0`). */')
    w('  readonly sdkVersion?: string;')
    w('  /** Hugging Face: the PyTorch version of the base framework. */')
    w('  readonly frameworkVersion?: string;')
    w('}')
    w('')
    w('/** One image family: a framework, a use, and CPU/GPU or Neuron. */')
    w('export interface DlcImageFamily {')
    w('  /** The SDK config it comes from. */')
    w('  readonly source: string;')
    w('  /** Processors the tags name: `cpu`, `gpu`, `inf`, `inf2`, `trn`. */')
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
    w('/** Image families by `<framework>/<training|inference>[/neuron]`. */')
    w('export const DLC_CATALOG: { [key: string]: DlcImageFamily } = {')
    for key, fam in families.items():
        w(f'  {ts_str(key)}: {{')
        w(f"    source: {ts_str(fam['source'])},")
        w(f"    processors: [{', '.join(ts_str(p) for p in fam['processors'])}],")
        if fam['tool']:
            w(f"    tool: {ts_str(fam['tool'])},")
        w(f"    versionAliases: {ts_obj(fam['versionAliases'], 4)},")
        w('    versions: {')
        for version, e in fam['versions'].items():
            parts = [f"repository: {ts_str(e['repository'])}",
                     f"pyVersions: [{', '.join(ts_str(p) for p in e['pyVersions'])}]",
                     f"registries: {ts_str(e['registries'])}"]
            if 'containerVersion' in e:
                parts.append(f"containerVersion: {ts_obj(e['containerVersion'], 6)}")
            for k in ('tagPrefix', 'sdkVersion', 'frameworkVersion'):
                if k in e:
                    parts.append(f'{k}: {ts_str(e[k])}')
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
