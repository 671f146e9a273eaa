export * from './categories';
export * from './errors';
export * from './graph';
export * from './idle';
export * from './json';
export * from './presence';
export * from './userId';
