import { App, Stack } from 'aws-cdk-lib';
import { alphaHosting } from './alpha';
import { dataAlpha, dataOurs } from './data-dir';
import { oursHosting, oursPair } from './ours';
import { rawHosting, rawPair } from './raw-l1';

/** One benchmark app shape. */
export interface Variant {
  /** `pairs`: built pair by pair, PAIRS_PER_STACK to a stack; `app`: builds the whole app itself. */
  readonly kind: 'pairs' | 'app';
  /** What each stack shares (pairs only). */
  readonly setupStack?: (stack: Stack) => void;
  /** Adds pair or endpoint `i` (pairs only). */
  readonly addPair?: (stack: Stack, i: number) => void;
  /** Builds the app (app only). */
  readonly build?: (app: App, n: number) => void;
  /** Context of the app. */
  readonly context?: { [key: string]: unknown };
}

export const VARIANTS: { [name: string]: Variant } = {
  'pairs-ours': { kind: 'pairs', addPair: oursPair },
  'pairs-l1': { kind: 'pairs', addPair: rawPair },
  'hosting-ours': { kind: 'pairs', addPair: oursHosting },
  'hosting-l1': { kind: 'pairs', addPair: rawHosting },
  'hosting-alpha': { kind: 'pairs', addPair: alphaHosting },
  'data-ours': { kind: 'app', build: dataOurs },
  // What the CDK CLI's --no-staging does: assets are read where they are, not copied into cdk.out.
  'data-ours-nostaging': { kind: 'app', build: dataOurs, context: { 'aws:cdk:disable-asset-staging': true } },
  'data-alpha': { kind: 'app', build: dataAlpha },
};
