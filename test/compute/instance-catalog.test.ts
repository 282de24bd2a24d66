import * as fs from 'fs';
import {
  INSTANCE_CATALOG_PATH, INSTANCE_TYPE_PATH, renderInstanceCatalog, renderInstanceConstants, spliceInstanceConstants,
} from '../../scripts/generate-instance-catalog';
import { FAMILY_FACTS } from '../../scripts/instance-facts';

describe('the instance catalog generator', () => {
  test('would write exactly the committed src/compute/instance-catalog.generated.ts', () => {
    // WHEN the generator renders the catalog data from the installed SDK and the facts table
    const rendered = renderInstanceCatalog();
    // THEN the committed file is current (re-run: npx ts-node scripts/generate-instance-catalog.ts)
    expect(rendered === fs.readFileSync(INSTANCE_CATALOG_PATH, 'utf8')).toBe(true);
  });

  test('would write exactly the constants block of the committed src/compute/instance-type.ts', () => {
    // GIVEN
    const classSource = fs.readFileSync(INSTANCE_TYPE_PATH, 'utf8');

    // THEN
    expect(spliceInstanceConstants(classSource, renderInstanceConstants()) === classSource).toBe(true);
  });

  test('keeps data and class apart: the generated file holds no code, the class no data', () => {
    // GIVEN
    const data = fs.readFileSync(INSTANCE_CATALOG_PATH, 'utf8');
    const classSource = fs.readFileSync(INSTANCE_TYPE_PATH, 'utf8');

    // THEN
    expect(data).not.toMatch(/^(export )?(abstract )?(class|function) |^import |=>/m);
    expect(data).toContain("'ml.g5.xlarge': ['NVIDIA_GPU', 'A10G', 1, 24, 4, 16384, 'x86_64', 0, 1,");
    expect(classSource).not.toMatch(/^ {2}'ml\./m);
    expect(classSource).toContain('export class InstanceType {');
  });

  test('fails to splice the constants into a class without the markers', () => {
    expect(() => spliceInstanceConstants('export class InstanceType {\n}\n', renderInstanceConstants()))
      .toThrow(/lacks the generated-constants markers/);
  });

  test('fails when an SDK name has no facts', () => {
    // GIVEN a facts table without the g5 family
    const g5 = (FAMILY_FACTS as { [f: string]: unknown }).g5;
    delete (FAMILY_FACTS as { [f: string]: unknown }).g5;
    try {
      // THEN
      expect(() => renderInstanceCatalog()).toThrow(/lacks 8 SDK name\(s\):\n {2}ml.g5.12xlarge: family g5 has no facts[^]*ml.g5.xlarge: family g5 has no facts/);
    } finally {
      (FAMILY_FACTS as { [f: string]: unknown }).g5 = g5;
    }
  });

  test('fails when an SDK size has no facts', () => {
    const sizes = FAMILY_FACTS.p5.sizes as { [s: string]: unknown };
    const small = sizes['4xlarge'];
    delete sizes['4xlarge'];
    try {
      expect(() => renderInstanceCatalog()).toThrow(/ml.p5.4xlarge: size 4xlarge of family p5 has no facts/);
    } finally {
      sizes['4xlarge'] = small;
    }
  });
});
