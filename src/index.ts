export * from './compute';
export * from './artifacts';
export * from './image';
export * from './training';
export * from './hosting';
export * from './security';
