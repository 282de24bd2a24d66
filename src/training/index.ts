// Re-exports only.
export * from './distribution';
export * from './training-input';
export * from './training-job';
