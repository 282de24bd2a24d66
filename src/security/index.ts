// Re-exports only.
export * from './sagemaker-security-checks';
