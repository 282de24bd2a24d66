// Re-exports only.
export * from './async-endpoint';
export * from './data-capture';
export * from './deployment';
export * from './endpoint';
export * from './endpoint-base';
export * from './endpoint-variant';
export * from './inference-component';
export * from './inference-component-endpoint';
export * from './inference-component-scaling';
export * from './llm-server';
export * from './model';
export * from './s3-location';
export * from './scalable-instance-count';
export * from './scalable-provisioned-concurrency';
export * from './serverless-endpoint';
export * from './variant-options';
