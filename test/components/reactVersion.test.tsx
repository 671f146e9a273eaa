import { render } from '@testing-library/react';
import { version as reactVersion } from 'react';
import { version as domVersion } from 'react-dom';
import { expect, it } from 'vitest';
import { PresenceBadge } from '../../src/components';

// The `react18` project runs this folder again with React 18 (see vitest.config.ts): make sure
// it really does, and that Testing Library renders with the same React as the components.
it('runs on the React its project names, one copy of it', () => {
  const major = process.env.PW_REACT_MAJOR ?? '19';
  expect(reactVersion.split('.')[0]).toBe(major);
  expect(domVersion).toBe(reactVersion);
  const { container } = render(<PresenceBadge category="BUSY" />);
  expect(container.querySelector('[role=img]')).toHaveAccessibleName('Busy');
});
