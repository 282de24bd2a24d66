import * as fs from 'fs';
import { INSTANCE_CATALOG_PATH, renderInstanceCatalog } from '../../scripts/generate-instance-catalog';
import { FAMILY_FACTS } from '../../scripts/instance-facts';

describe('the instance catalog generator', () => {
  test('would write exactly the committed src/compute/instance-type.ts', () => {
    // WHEN the generator renders the catalog from the installed SDK and the facts table
    const rendered = renderInstanceCatalog();
    // THEN the committed file is current (re-run: npx ts-node scripts/generate-instance-catalog.ts)
    expect(rendered === fs.readFileSync(INSTANCE_CATALOG_PATH, 'utf8')).toBe(true);
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
