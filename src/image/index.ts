export * from './image-config';
export * from './entry-point';
export * from './base-image';
export * from './sagemaker-image';
export { DeepLearningFramework } from './deep-learning-container';
export type { DeepLearningContainerProps, DeepLearningContainerImageProps } from './deep-learning-container';
