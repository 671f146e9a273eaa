import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
});

// The engine keeps state across reloads in sessionStorage; each test is a fresh tab.
beforeEach(() => {
  if (typeof sessionStorage !== 'undefined') sessionStorage.clear();
});
