export * from './image-config';
export * from './entry-point';
export * from './base-image';
export * from './sagemaker-image';
